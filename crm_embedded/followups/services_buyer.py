"""The buyer's side of follow-ups: put a cart back from its email, opt out and back in."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from crm_embedded.followups.models import FollowUp, FollowUpOptOut
from shop.basket import services as basket_services


def followup_restore(*, followup: FollowUp, basket, strategy) -> basket_services.RestoreResult:
    """Put the follow-up's lines back into the buyer's basket and note when it first happened."""
    lines = [
        basket_services.RestoreLine(
            product_id=_int(row.get("product_id")),
            quantity=_int(row.get("quantity")) or 0,
            title=str(row.get("title") or row.get("sku") or ""),
        )
        for row in followup.lines or []
        if isinstance(row, dict)
    ]
    result = basket_services.basket_lines_restore(basket=basket, lines=lines, strategy=strategy)
    FollowUp.objects.filter(pk=followup.pk, restored_at__isnull=True).update(
        restored_at=timezone.now()
    )
    return result


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _whose(email: str, user_id: int | None) -> Q:
    # By address or by account, like selectors.email_allowed: an opt-out survives a new address.
    who = Q(email__iexact=email.strip())
    if user_id:
        who |= Q(user_id=user_id)
    return who


def email_opted_out(*, email: str, user_id: int | None = None) -> bool:
    """Return whether this address (or this user) asked for no follow-up emails."""
    return FollowUpOptOut.objects.filter(_whose(email, user_id)).exists()


def opt_out_record(*, email: str, source: str, user=None) -> FollowUpOptOut:
    """Record that this address wants no follow-up emails (again is harmless)."""
    email = email.strip().lower()
    existing = FollowUpOptOut.objects.filter(email__iexact=email).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return FollowUpOptOut.objects.create(
                email=email, source=source, user=user if user and user.pk else None
            )
    except IntegrityError:  # the same link clicked twice at once
        return FollowUpOptOut.objects.get(email__iexact=email)


def opt_out_remove(*, email: str, user_id: int | None = None) -> bool:
    """Let this address (and user) have follow-up emails again; return whether they had opted out."""
    deleted, _ = FollowUpOptOut.objects.filter(_whose(email, user_id)).delete()
    return bool(deleted)
