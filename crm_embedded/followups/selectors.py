"""Follow-up reads: who may be emailed, the rules that run, what was done per item."""

from django.db.models import Q

from crm_embedded.contacts.models import Contact
from crm_embedded.followups.models import FollowUp, FollowUpOptOut, FollowUpRule


def email_allowed(*, email: str, user_id: int | None) -> bool:
    """Whether follow-up emails may go to this person: not opted out, consent not declined.

    A CRM contact with this address (or linked to this user) whose marketing consent was
    explicitly withdrawn (``consent_changed_at`` set, consent False) declines them too.
    """
    email = (email or "").strip()
    if not email:
        return False
    opted_out = Q(email__iexact=email)
    if user_id:
        opted_out |= Q(user_id=user_id)
    if FollowUpOptOut.objects.filter(opted_out).exists():
        return False
    contact = Q(email__iexact=email)
    if user_id:
        contact |= Q(user_id=user_id)
    declined = Contact.objects.filter(
        contact, marketing_consent=False, consent_changed_at__isnull=False
    )
    return not declined.exists()


def rules_active() -> list[FollowUpRule]:
    """The rules switched on, in a fixed order."""
    return list(FollowUpRule.objects.filter(active=True).order_by("kind"))


def followups_by_item(*, item_keys: list[str]) -> dict[str, dict[int, FollowUp]]:
    """What was done so far for these items: {item_key: {stage: FollowUp}}; one query."""
    rows: dict[str, dict[int, FollowUp]] = {}
    for row in FollowUp.objects.filter(item_key__in=list(item_keys)):
        rows.setdefault(row.item_key, {})[row.stage] = row
    return rows
