from django import template

from shop.bulk.selectors import list_choices_for_member

register = template.Library()


@register.simple_tag(takes_context=True)
def my_requisition_lists(context):
    """``{% my_requisition_lists as lists %}``: the lists the user may add to (their own)."""
    request = context.get("request")
    member = getattr(request, "company_member", None)
    if member is None:
        return []
    return list_choices_for_member(member=member)
