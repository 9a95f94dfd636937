"""Run localstripe (a fake Stripe) on loopback only, for `make run` and the tests.

localstripe's own CLI binds every interface and shares one state file in /tmp between all
its processes; this runner binds 127.0.0.1 and keeps its state in memory. With --webhook it
also sends its signed events (payment_intent.succeeded, ...) to the portal.

localstripe's mock Stripe.js answers `confirmCardPayment` with a 3-D Secure dialog whatever
the card, and its "authenticate" call refuses an intent that has no payment method yet
(ours are created server-side without one). Real Stripe.js confirms the intent with the
card the buyer typed. This runner serves localstripe's script plus a shim that does the
same: it posts the card element's value with the publishable key and the client secret to
CONFIRM_ROUTE, which attaches the card and confirms the intent here; only a card that asks
for 3-D Secure (4000 0025 0000 3155) then goes through localstripe's dialog. Our own
card_payment.js stays real Stripe.js code.

    python config/localstripe_server.py [--port 8420] [--webhook URL --secret whsec_...]
"""

import argparse
import json
from pathlib import Path

import localstripe
from aiohttp import web
from localstripe import resources, server
from localstripe.errors import UserError
from localstripe.webhooks import register_webhook

JS_ROUTE = "/js.stripe.com/v3/"
# Under /_config/: localstripe's auth middleware lets that prefix through (the browser holds
# only the publishable key, checked here with the client secret).
CONFIRM_ROUTE = "/_config/partshub/payment_intents/{id}/confirm_card"

CONFIRM_SHIM = """
// partshub shim (config/localstripe_server.py): confirmCardPayment confirms the intent with
// the card typed into the element, as real Stripe.js does; 3-D Secure cards then get
// localstripe's own dialog.
(function () {
  "use strict";
  var mockStripe = window.Stripe;
  var settled = ["succeeded", "processing", "requires_capture"];
  function failure(intent) {
    var last = intent && intent.last_payment_error;
    return {
      error: {
        message: (last && last.message) ||
          "The payment was not completed (" + (intent && intent.status) + ").",
        payment_intent: intent,
      },
    };
  }
  window.Stripe = function (apiKey) {
    var stripe = mockStripe(apiKey);
    var confirmWithDialog = stripe.confirmCardPayment;
    stripe.confirmCardPayment = async function (clientSecret, data) {
      var match = /^(pi_\\w+)_secret_/.exec(clientSecret || "");
      if (!match) {
        return { error: { message: "Invalid value for confirmCardPayment: client secret." } };
      }
      var element = data && data.payment_method && data.payment_method.card;
      var value = element && element.value && element.value.card;
      if (!value) {
        return { error: { message: "Your card number is incomplete." } };
      }
      var year = String(value.exp_year || "");
      var card = {
        number: String(value.number || "").replace(/\\s+/g, ""),
        exp_month: String(value.exp_month || ""),
        exp_year: year.length === 6 ? year.slice(2) : year,
        cvc: String(value.cvc || ""),
      };
      try {
        var response = await fetch(
          LOCALSTRIPE_BASE_API + "/_config/partshub/payment_intents/" + match[1] +
            "/confirm_card",
          {
            method: "POST",
            body: JSON.stringify({ key: apiKey, client_secret: clientSecret, card: card }),
          }
        );
        var body = await response.json().catch(function () { return {}; });
        if (response.status !== 200 || body.error) {
          return { error: body.error || { message: "Stripe refused the payment." } };
        }
        if (body.status === "requires_action") {
          var result = await confirmWithDialog(clientSecret);
          if (result.error) {
            return result;
          }
          body = result.paymentIntent;
        }
        return settled.indexOf(body.status) >= 0 ? { paymentIntent: body } : failure(body);
      } catch (err) {
        return { error: { message: String(err) } };
      }
    };
    return stripe;
  };
})();
"""

CARD_FIELDS = ("number", "exp_month", "exp_year", "cvc")


async def stripe_js(request: web.Request) -> web.Response:
    """localstripe's mock Stripe.js with the card-confirming shim appended."""
    script = Path(localstripe.__file__).with_name("localstripe-v3.js").read_text()
    return web.Response(text=script + CONFIRM_SHIM, content_type="application/javascript")


@web.middleware
async def serve_shimmed_js(request: web.Request, handler):
    # localstripe registers its own handler for the script's URL; this one goes first.
    if request.path == JS_ROUTE and request.method in ("GET", "HEAD"):
        return await stripe_js(request)
    return await handler(request)


async def confirm_card(request: web.Request) -> web.Response:
    """Attach the typed card to the intent and confirm it, as Stripe does for Stripe.js."""
    try:
        data = json.loads(await request.text())
    except ValueError:
        raise UserError(400, "Bad request") from None
    if not isinstance(data, dict) or not str(data.get("key", "")).startswith("pk_"):
        raise UserError(401, "Unauthorized: a publishable key (pk_...) is required.")
    intent = resources.PaymentIntent._api_retrieve(request.match_info["id"])
    if data.get("client_secret") != intent.client_secret:
        raise UserError(401, "Unauthorized: the client secret does not match the intent.")
    if intent.status not in ("requires_payment_method", "requires_confirmation"):
        raise UserError(
            400,
            f"This PaymentIntent's status is {intent.status}: it cannot be confirmed again.",
            {"code": "payment_intent_unexpected_state"},
        )
    card = data.get("card")
    if not isinstance(card, dict) or set(card) != set(CARD_FIELDS):
        raise UserError(400, "Your card details are incomplete.", {"code": "incomplete_card"})
    try:
        method = resources.PaymentMethod(type="card", card={k: card[k] for k in CARD_FIELDS})
    except UserError:
        raise UserError(
            400,
            "Your card number, expiry date or security code is incomplete or invalid.",
            {"code": "invalid_card"},
        ) from None
    if method._attaching_is_declined():
        # Stripe's generic-decline test cards (4000 0000 0000 0002, ...): nothing is charged.
        raise UserError(402, "Your card was declined.", {"code": "card_declined"})
    if intent.latest_charge is not None and intent.latest_charge.status == "failed":
        intent.latest_charge = None  # a new attempt after a declined charge
    intent.payment_method = method.id
    # Charges or asks for 3-D Secure; a declined charge raises 402 (and the intent goes back
    # to requires_payment_method with its last_payment_error, as on Stripe).
    intent._confirm(on_failure_now=intent._report_failure)
    return server.json_response(intent._export())


def build_app() -> web.Application:
    """localstripe's app with the card-confirming Stripe.js and its route."""
    app = server.app
    app.middlewares.append(serve_shimmed_js)
    app.router.add_post(CONFIRM_ROUTE, confirm_card)
    return app


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
    web.run_app(build_app(), host="127.0.0.1", port=args.port_option or args.port, print=None)


if __name__ == "__main__":
    main()
