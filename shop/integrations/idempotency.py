"""``Idempotency-Key`` for API writes: a retried request returns the first answer.

How a key is claimed: the record row is inserted first, inside the request's transaction
(ATOMIC_REQUESTS), before the view does anything. A second request with the same key blocks
on the unique index (PostgreSQL) or on the write lock (SQLite, BEGIN IMMEDIATE) until the first
commits, then finds the row and replays its stored answer. If the first request fails with a
5xx, its transaction (row included) rolls back and a retry runs afresh. Answers below 500 are
stored (a 409 replays as a 409: the request "did nothing" the first time and does nothing
again). Rows older than 24 hours are purged by ``integrations.tasks.idempotency_purge``.
"""

import functools
import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils.translation import gettext
from rest_framework import status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from shop.integrations.models import IdempotencyRecord, IntegrationToken

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
WRITE_METHODS = ("post", "put", "patch")


def request_fingerprint(request) -> str:
    """sha256 of the method, path and body (JSON in a canonical form, so spacing does not count)."""
    raw = request.body  # read before DRF parses: the parser then reads this cached copy
    try:
        body = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        body = raw
    digest = hashlib.sha256(f"{request.method}\n{request.path}\n".encode())
    digest.update(body)
    return digest.hexdigest()


def _error(message: str, code: str, http_status: int) -> Response:
    return Response({"detail": message, "field": HEADER, "code": code}, status=http_status)


def _replay(record: IdempotencyRecord) -> Response:
    response = Response(record.response_body, status=record.response_status)
    response[REPLAYED_HEADER] = "true"
    return response


def _run(view, handler, request, args, kwargs) -> Response:
    """Call the handler in a savepoint; an error answer rolls its writes back."""
    with transaction.atomic():
        try:
            response = handler(view, request, *args, **kwargs)
        except Exception as exc:
            # DRF's handler marks this savepoint for rollback; unknown errors re-raise (500).
            response = view.handle_exception(exc)
        if response.status_code >= 400:
            transaction.set_rollback(True)
    return response


def _claim_and_run(view, handler, request, args, kwargs, token, key, fingerprint) -> Response:
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                token=token,
                key=key,
                method=request.method,
                path=request.path[:500],
                fingerprint=fingerprint,
            )
    except IntegrityError:
        # Someone claimed the key first; their transaction has committed by now.
        record = IdempotencyRecord.objects.filter(token=token, key=key).first()
        if record is None:  # purged in between: too old to matter, run afresh
            return handler(view, request, *args, **kwargs)
        if record.fingerprint != fingerprint:
            return _error(
                gettext(
                    "This Idempotency-Key was used for a different request "
                    "(another method, path or body). Use a new key for a new request."
                ),
                "idempotency_key_reused",
                status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        if record.response_status is None:  # only without a transaction around the first
            return _error(
                gettext("A request with this Idempotency-Key is still being processed."),
                "idempotency_key_in_use",
                status.HTTP_409_CONFLICT,
            )
        return _replay(record)
    response = _run(view, handler, request, args, kwargs)
    if response.status_code >= 500:
        transaction.set_rollback(True)  # give the key back: a retry runs afresh
        return response
    record.response_status = response.status_code
    record.response_body = _storable(JSONRenderer().render(response.data) or b"null")
    record.save(update_fields=["response_status", "response_body"])
    return response


def _storable(rendered: bytes):
    """The rendered answer as JSON that PostgreSQL's jsonb accepts.

    jsonb refuses the NUL character (``\\u0000``), which an error answer can echo from the
    request body; it is kept as U+FFFD, so a replay shows where it was.
    """
    return json.loads(rendered.replace(b"\\u0000", b"\\ufffd"))


def idempotent(handler):
    """Decorate an APIView's post/put/patch so that the ``Idempotency-Key`` header is honoured."""

    @functools.wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER, "").strip()
        token = request.auth
        if not key or not isinstance(token, IntegrationToken):
            return handler(view, request, *args, **kwargs)
        if len(key) > MAX_KEY_LENGTH or not key.isprintable():
            return _error(
                gettext("The Idempotency-Key may have at most %(n)d printable characters.")
                % {"n": MAX_KEY_LENGTH},
                "invalid",
                status.HTTP_400_BAD_REQUEST,
            )
        fingerprint = request_fingerprint(request)
        with transaction.atomic():
            return _claim_and_run(view, handler, request, args, kwargs, token, key, fingerprint)

    wrapper.idempotent = True
    return wrapper


class IdempotentMixin:
    """Mixin for APIViews: every post/put/patch the class defines honours ``Idempotency-Key``."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in WRITE_METHODS:
            method = cls.__dict__.get(name)
            if method is not None and not getattr(method, "idempotent", False):
                setattr(cls, name, idempotent(method))
