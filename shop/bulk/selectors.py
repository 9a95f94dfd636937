"""Reads over requisition lists, scoped to the member asking."""

from django.db.models import Count, Q, QuerySet

from shop.bulk.models import RequisitionList


def requisition_lists_for_member(*, member) -> QuerySet[RequisitionList]:
    """The member's own lists and the lists colleagues shared, in their company only."""
    return (
        RequisitionList.objects.filter(company=member.company)
        .filter(Q(owner=member.user) | Q(is_shared=True))
        .select_related("owner")
        .annotate(line_count=Count("lines"))
    )
