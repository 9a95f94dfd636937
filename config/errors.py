"""Turn configuration failures into one clear line instead of a traceback wall."""

import sys
from collections.abc import Sequence


def _database_hint() -> str:
    from django.conf import settings

    db = settings.DATABASES.get("default", {})
    where = db.get("HOST") or db.get("NAME") or "?"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"{db.get('ENGINE', '?').rsplit('.', 1)[-1]} at {where}{port}"


def run_with_clear_errors(argv: Sequence[str]) -> None:
    """Run a management command; print configuration errors as one line and exit 2."""
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.core.management import execute_from_command_line
        from django.db.utils import OperationalError, ProgrammingError

        try:
            execute_from_command_line(list(argv))
        except (OperationalError, ProgrammingError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
            hint = "Check DATABASE_URL."
            if "no such table" in first or "does not exist" in first:
                hint = "Run: python manage.py migrate"
            sys.stderr.write(
                f"error: cannot use the database ({_database_hint()}): {first}. {hint}\n"
            )
            sys.exit(2)
    except ImproperlyConfigured as exc:
        message = " ".join(str(exc).split())
        sys.stderr.write(f"error: configuration: {message}\n")
        sys.exit(2)
