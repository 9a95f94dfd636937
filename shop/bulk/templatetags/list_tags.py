from django import template

from shop.bulk.models import RequisitionList

register = template.Library()


@register.simple_tag(takes_context=True)
def my_requisition_lists(context):
    """``{% my_requisition_lists as lists %}``: the lists the user may add to (their own)."""
    request = context.get("request")
    member = getattr(request, "company_member", None)
    if member is None:
        return []
    return list(
        RequisitionList.objects.filter(owner_id=member.user_id, company_id=member.company_id)
        .order_by("name")
        .values("pk", "name")
    )
