"""Signed, expiring tokens for the links in follow-up emails.

A restore token names a follow-up and the user it was sent to; it logs nobody in. An opt-out
token names an email address and works without login (the link in every email).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing

RESTORE_SALT = "crm.followups.restore"
OPT_OUT_SALT = "crm.followups.opt-out"


class TokenInvalid(Exception):
    """A token that was tampered with, made for something else, or is unreadable."""


class TokenExpired(TokenInvalid):
    """A genuine token past its age limit."""


@dataclass(frozen=True)
class RestoreClaim:
    followup_id: int
    user_id: int


def restore_token_make(*, followup_id: int, user_id: int) -> str:
    """Return the signed token of a cart-restore link for one follow-up and its buyer."""
    return signing.dumps({"f": followup_id, "u": user_id}, salt=RESTORE_SALT, compress=True)


def restore_token_read(token: str) -> RestoreClaim:
    """Return what a restore token claims; raise TokenExpired or TokenInvalid."""
    max_age = settings.FOLLOWUP_RESTORE_TOKEN_DAYS * 86400
    try:
        data = signing.loads(token, salt=RESTORE_SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise TokenExpired(str(exc)) from exc
    except signing.BadSignature as exc:
        raise TokenInvalid(str(exc)) from exc
    try:
        return RestoreClaim(followup_id=int(data["f"]), user_id=int(data["u"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise TokenInvalid("malformed restore token") from exc


def opt_out_token_make(*, email: str) -> str:
    """Return the signed token of an opt-out link for one email address (no expiry)."""
    return signing.dumps({"e": email.strip().lower()}, salt=OPT_OUT_SALT, compress=True)


def opt_out_token_read(token: str) -> str:
    """Return the email address an opt-out token names; raise TokenInvalid."""
    try:
        data = signing.loads(token, salt=OPT_OUT_SALT)
        return str(data["e"])
    except (signing.BadSignature, KeyError, TypeError) as exc:
        raise TokenInvalid(str(exc)) from exc
