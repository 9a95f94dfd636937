"""Quote reads, scoped to who asks: a buyer's company, or a staff member's accounts."""

from django.db.models import Count, QuerySet

from crm_embedded.quotes.models import Quote
from shop.companies.selectors import companies_for_staff


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
