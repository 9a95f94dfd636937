"""The fulfilment panel on the dashboard's order page (Oscar's view builds its own context)."""

from django import template
from django.template.loader import render_to_string

from orders import services
from orders.forms import OrderCancelForm, OrderStatusForm, ShipmentForm, TrackingEventForm
from orders.models import Shipment
from orders.selectors import order_shipped_quantities, order_timeline
from orders.views import CHANGE_ORDER_PERMISSION

register = template.Library()


@register.simple_tag(takes_context=True)
def fulfilment_panel(context, order) -> str:
    request = context["request"]
    may_change = request.user.has_perm(CHANGE_ORDER_PERMISSION)
    shipped = order_shipped_quantities(order=order)
    lines = list(order.lines.all())
    shipments = list(
        Shipment.objects.filter(order=order)
        .select_related("carrier", "created_by")
        .prefetch_related("lines__line", "events")
    )
    status_form = OrderStatusForm(allowed=services.allowed_next_statuses(order=order))
    ctx = {
        "order": order,
        "may_change": may_change,
        "status_form": status_form,
        "cancel_form": OrderCancelForm(),
        "may_cancel": not shipments and "Cancelled" in services.allowed_next_statuses(order=order),
        "shipment_form": ShipmentForm(lines=lines, shipped=shipped),
        "may_ship": order.status in services.states.SHIPPABLE
        and any(line.quantity > shipped.get(line.pk, 0) for line in lines),
        "shipments": [
            (shipment, TrackingEventForm(prefix=f"track-{shipment.pk}")) for shipment in shipments
        ],
        "status_events": [e.obj for e in order_timeline(order=order) if e.kind == "status"],
    }
    return render_to_string("orders/dashboard/_fulfilment.html", ctx, request=request)
