"""An order's stored English words, in the reader's language.

Oscar stores an order's status and shipping method name as plain strings (the status
pipeline's names in settings, the method's name at the time of ordering), so they are
translated where they are shown: known ones by this mapping, anything else as stored.
"""

from django import template
from django.utils.translation import gettext_lazy as _
from oscar.apps.shipping.methods import Free

from orders import states as order_states

register = template.Library()

# The pipeline's names (orders/states.py); the old ones stay for orders stored before it.
ORDER_STATUSES = {
    **order_states.NAMES,
    "Pending": _("Pending"),
    "Processing": _("Processing"),
}

# By the method's code: its name was stored in the buyer's language of the day.
SHIPPING_METHODS = {Free.code: Free.name}


@register.filter
def order_status(status: str) -> str:
    return str(ORDER_STATUSES.get(status, status))


@register.filter
def shipping_method_name(order) -> str:
    name = SHIPPING_METHODS.get(getattr(order, "shipping_code", ""))
    return str(name) if name is not None else order.shipping_method
