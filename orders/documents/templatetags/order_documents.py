"""{% order_documents_for order as documents %}: the list the include template shows."""

from django import template

from orders.documents.selectors import order_documents

register = template.Library()


@register.simple_tag(takes_context=True)
def order_documents_for(context, order):
    """Return the order's documents that the page's user may download."""
    request = context.get("request")
    if request is None or order is None:
        return []
    return order_documents(order=order, user=request.user)
