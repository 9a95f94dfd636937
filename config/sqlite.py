"""Transaction mode per request on the embedded SQLite database.

Settings make every SQLite transaction ``BEGIN IMMEDIATE``: it takes the write lock when
it starts, so a transaction that has read never fails upgrading to a write. With
``ATOMIC_REQUESTS`` that would also make every page view wait for the write lock, and
under 8 visitors some waited past the 5 s busy timeout ("database is locked"). Reads
need no lock in WAL mode: safe-method requests (GET, HEAD, OPTIONS) begin ``DEFERRED``
and run beside the writer; every other request, task and command stays ``IMMEDIATE``.
"""

from contextvars import ContextVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.signals import connection_created

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# The Wagtail admin writes on GET (its edit view deletes stale editing sessions): a DEFERRED
# transaction that has read fails at once ("database is locked") when it must upgrade beside
# another writer. The few editors' requests take the write lock like any POST.
WRITES_ON_GET_PREFIXES = ("/cms/",)
_deferred = ContextVar("sqlite_deferred_transactions", default=False)


def _configured_mode(connection) -> str | None:
    mode = connection.settings_dict.get("OPTIONS", {}).get("transaction_mode")
    return mode.upper() if mode else None


def _apply(connection) -> None:
    connection.transaction_mode = None if _deferred.get() else _configured_mode(connection)


def _on_connection_created(sender, connection, **kwargs) -> None:
    # A connection opened during a read request reads its mode from settings: override it.
    if connection.vendor == "sqlite":
        _apply(connection)


connection_created.connect(_on_connection_created, dispatch_uid="config.sqlite.deferred_reads")


class SQLiteReadRequestsDeferredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        connection = connections[DEFAULT_DB_ALIAS]
        if (
            connection.vendor != "sqlite"
            or request.method not in SAFE_METHODS
            or request.path.startswith(WRITES_ON_GET_PREFIXES)
        ):
            return self.get_response(request)
        token = _deferred.set(True)
        _apply(connection)
        try:
            return self.get_response(request)
        finally:
            _deferred.reset(token)
            _apply(connection)
