"""Run localstripe (a fake Stripe) on loopback only, for `make run` and the tests.

localstripe's own CLI binds every interface and shares one state file in /tmp between all
its processes; this runner binds 127.0.0.1 and keeps its state in memory. With --webhook it
also sends its signed events (payment_intent.succeeded, ...) to the portal.

    python config/localstripe_server.py [--port 8420] [--webhook URL --secret whsec_...]
"""

import argparse

from aiohttp import web
from localstripe import resources, server
from localstripe.webhooks import register_webhook


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("port", nargs="?", type=int, default=8420)
    parser.add_argument("--port", dest="port_option", type=int)
    parser.add_argument("--webhook", help="the portal's webhook URL")
    parser.add_argument("--secret", help="the webhook signing secret (STRIPE_WEBHOOK_SECRET)")
    args = parser.parse_args()
    resources.Store.dump_to_disk = lambda self: None
    if args.webhook:
        if not args.secret:
            parser.error("--webhook needs --secret")
        register_webhook("portal", args.webhook, args.secret, None)
    web.run_app(server.app, host="127.0.0.1", port=args.port_option or args.port, print=None)


if __name__ == "__main__":
    main()
