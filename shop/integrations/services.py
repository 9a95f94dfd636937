"""Writes of the ERP integration: tokens, idempotency housekeeping, external ids."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from shop.errors import PortalError
from shop.integrations.models import IdempotencyRecord, IntegrationToken, Scope

KEY_PREFIX = "phk_"
# The part of a key shown in lists so an operator can tell tokens apart (never enough to use).
VISIBLE_PREFIX_LENGTH = len(KEY_PREFIX) + 6
IDEMPOTENCY_RETENTION = timedelta(hours=24)
# last_used_at is a hint for operators: write it at most this often per token.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class IntegrationError(PortalError):
    """A request the API refuses because of its input (HTTP 400)."""

    http_status = 400


class IntegrationConflict(PortalError):
    """A request that clashes with what is stored (HTTP 409), e.g. an external id in use."""

    http_status = 409


@dataclass(frozen=True)
class CreatedToken:
    token: IntegrationToken
    key: str  # shown once; only its hash is stored


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def token_create(
    *, name: str, scopes: list[str], created_by: AbstractBaseUser | None = None
) -> CreatedToken:
    """Create a token with its own integration user; return it with the key (shown once)."""
    name = name.strip()
    if not name:
        raise IntegrationError(_("Give the token a name."), field="name")
    unknown = sorted(set(scopes) - set(Scope.values))
    if unknown:
        raise IntegrationError(
            _("Unknown scope(s): %(scopes)s.") % {"scopes": ", ".join(unknown)}, field="scopes"
        )
    if not scopes:
        raise IntegrationError(_("Choose at least one scope."), field="scopes")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        suffix = get_random_string(8, allowed_chars="abcdefghijklmnopqrstuvwxyz0123456789")
        user = get_user_model().objects.create(
            username=f"integration-{suffix}",
            email=f"integration-{suffix}@integrations.invalid",
            first_name=name[:150],
            last_name="(API)",
            is_active=True,
            is_staff=False,
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        token = IntegrationToken.objects.create(
            name=name,
            user=user,
            key_prefix=key[:VISIBLE_PREFIX_LENGTH],
            key_hash=key_hash(key),
            scopes=[scope for scope in Scope.values if scope in scopes],
            created_by=created_by,
        )
    return CreatedToken(token=token, key=key)


def token_revoke(*, token: IntegrationToken) -> IntegrationToken:
    """Revoke a token at once (idempotent); its next request gets a 401."""
    IntegrationToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token.refresh_from_db(fields=["revoked_at"])
    return token


def token_touch(*, token: IntegrationToken) -> None:
    """Record that a token was used, at most once a minute (after the request commits)."""
    now = timezone.now()
    if token.last_used_at and now - token.last_used_at < LAST_USED_RESOLUTION:
        return

    def write():
        # One autocommit UPDATE after the request: a GET's read transaction (SQLite deferred)
        # never has to upgrade to a write for a hint.
        IntegrationToken.objects.filter(pk=token.pk).update(last_used_at=now)

    transaction.on_commit(write)


def idempotency_records_purge(*, older_than: timedelta = IDEMPOTENCY_RETENTION) -> int:
    """Delete stored idempotent answers older than the retention; return how many."""
    deleted, _details = IdempotencyRecord.objects.filter(
        created_at__lt=timezone.now() - older_than
    ).delete()
    return deleted


def order_external_id_set(*, order, external_id: str):
    """Store the ERP's key of an order (unique when set); touch modified_at for sync."""
    from oscar.core.loading import get_model

    order_model = get_model("order", "Order")
    external_id = external_id.strip()
    if external_id.startswith("ext:"):
        raise IntegrationError(_("An external id cannot start with 'ext:'."), field="external_id")
    taken = (
        order_model.objects.filter(external_id=external_id).exclude(pk=order.pk).exists()
        if external_id
        else False
    )
    if taken:
        raise IntegrationConflict(
            _("Another order already has the external id %(id)s.") % {"id": external_id},
            field="external_id",
        )
    order.external_id = external_id
    try:
        with transaction.atomic():
            # modified_at is auto_now: naming it makes the save bump it.
            order.save(update_fields=["external_id", "modified_at"])
    except IntegrityError as exc:  # a concurrent request took it first
        raise IntegrationConflict(
            _("Another order already has the external id %(id)s.") % {"id": external_id},
            field="external_id",
        ) from exc
    return order
