"""Logging filters referenced from ``LOGGING`` in the settings."""

import logging


class RefusalWithoutTraceback(logging.Filter):
    """Keep a 403's one warning line but drop its traceback: a refusal is not a bug."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
