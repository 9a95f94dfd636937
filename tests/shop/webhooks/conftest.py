"""A local HTTP receiver on 127.0.0.1 that answers as told and records every request."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from shop.webhooks.services import webhook_endpoint_create


class Receiver:
    """Plays planned answers (status, seconds to wait) in order, then the last one forever."""

    def __init__(self):
        self.plan: list[tuple[int, float]] = [(200, 0)]
        self.requests: list[dict] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def answer(self, *plan: tuple[int, float]) -> None:
        self.plan = list(plan)

    def _next(self) -> tuple[int, float]:
        return self.plan.pop(0) if len(self.plan) > 1 else self.plan[0]

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append(
                    {"at": time.time(), "headers": dict(self.headers), "body": body}
                )
                status, wait = receiver._next()
                time.sleep(wait)
                payload = f"answer {status}".encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:  # the client gave up waiting
                    pass

            def log_message(self, *args):
                pass

        return Handler


@pytest.fixture
def receiver():
    server = Receiver()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


ALL_EVENTS = [
    "order.placed",
    "order.status_changed",
    "shipment.created",
    "company.created",
    "company.updated",
    "quote.accepted",
]


@pytest.fixture
def endpoint(db, receiver):
    return webhook_endpoint_create(url=receiver.url, events=ALL_EVENTS, description="ERP test")


@pytest.fixture
def short_timeouts(settings):
    settings.WEBHOOK_TIMEOUTS = (1.0, 0.5)
