"""Quote reads, scoped to who asks: a buyer's company, or a staff member's accounts."""

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from crm_embedded.quotes.models import Quote
from crm_embedded.quotes.states import State
from shop.companies.selectors import SALES_MANAGERS_GROUP, companies_for_staff


def quotes_for_member(*, member) -> QuerySet[Quote]:
    """The quotes of the member's company (colleagues see each other's)."""
    if member is None:
        return Quote.objects.none()
    return (
        Quote.objects.filter(company=member.company)
        .select_related("requested_by", "account_manager", "company")
        .annotate(line_count=Count("lines"))
    )


def quotes_for_staff(*, user) -> QuerySet[Quote]:
    """The quotes of the accounts this staff user may see."""
    return (
        Quote.objects.filter(company__in=companies_for_staff(user=user))
        .select_related("requested_by", "account_manager", "company")
        .annotate(line_count=Count("lines"))
    )


def sales_managers() -> QuerySet:
    """Active users who may approve discounts beyond the threshold (superusers included)."""
    return (
        get_user_model()
        .objects.filter(Q(is_superuser=True) | Q(groups__name=SALES_MANAGERS_GROUP), is_active=True)
        .distinct()
        .order_by("pk")
    )


def quotes_awaiting_approval(*, user) -> QuerySet[Quote]:
    """Offers waiting for a sales manager, oldest request first, among the user's accounts."""
    return (
        quotes_for_staff(user=user)
        .filter(state=State.AWAITING_APPROVAL)
        .order_by("approval_requested_at", "pk")
    )


def quote_approval_requester(*, quote: Quote):
    """Who asked for the pending approval (None if no approval is pending)."""
    if quote.state != State.AWAITING_APPROVAL:
        return None
    event = (
        quote.events.filter(to_state=State.AWAITING_APPROVAL)
        .select_related("by")
        .order_by("-at", "-id")
        .first()
    )
    return event.by if event else None


def quote_thread(*, quote: Quote, staff: bool):
    """The thread; buyers never see internal notes."""
    messages = quote.messages.select_related("author")
    return messages if staff else messages.filter(is_internal=False)


def quote_versions_with_changes(*, quote: Quote) -> list[dict]:
    """Sent versions, newest first, each with what changed since the one before."""
    from crm_embedded.quotes.services import version_changes

    versions = list(quote.versions.select_related("sent_by").order_by("number"))
    rows = []
    for index, version in enumerate(versions):
        older = versions[index - 1] if index else None
        rows.append({"version": version, "changes": version_changes(older, version)})
    return list(reversed(rows))
