"""The one send step of the shop's email tasks: a rendered email, sent once per key."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail

# How long a sent email's key is remembered (a duplicate delivery within it sends nothing).
SENT_KEY_SECONDS = 60 * 60 * 24 * 30


def email_send_once(
    *,
    key: str,
    recipients: list[str],
    subject: str,
    body: str,
    what: str,
    log: logging.Logger,
) -> int:
    """Send the email unless one was sent under ``key``; return the number of recipients.

    The subject is a mail header: whatever was stored, it goes out as one line. A failing
    mail server raises (the calling task retries) and is logged on the caller's logger.
    """
    recipients = [address for address in recipients if address]
    if not recipients:
        return 0
    if cache.get(key):
        log.info("%s already sent", what)
        return 0
    try:
        send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, recipients)
    except Exception:
        log.exception("%s to %s failed", what, recipients)
        raise
    cache.set(key, True, SENT_KEY_SECONDS)
    log.info("%s sent to %s", what, ", ".join(recipients))
    return len(recipients)
