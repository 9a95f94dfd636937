"""Staff fulfilment actions from the dashboard's order page: change status, ship, track,
cancel. Each parses a form, calls a service and redirects back with a message (POST,
redirect, GET); refusals are messages too, never an error page."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from django.views import View
from oscar.core.loading import get_model

from orders import services, states
from orders.forms import OrderCancelForm, OrderStatusForm, ShipmentForm, TrackingEventForm
from orders.models import Shipment
from orders.selectors import order_shipped_quantities
from shop.dashboard.access import REFUND_PERMISSION
from shop.errors import PortalError
from shop.payment.services import CARD_SOURCE_TYPE

Order = get_model("order", "Order")

# Like Oscar's dashboard order views: staff with the right to change orders.
CHANGE_ORDER_PERMISSION = "order.change_order"


def _form_errors(form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


class FulfilmentActionView(View):
    """POST only; the order by number; staff with ``order.change_order``."""

    http_method_names = ["post"]
    fragment = ""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (user.is_active and user.is_staff and user.has_perm(CHANGE_ORDER_PERMISSION)):
            raise PermissionDenied(gettext("You may not change orders."))
        self.order = get_object_or_404(Order, number=kwargs["number"])
        return super().dispatch(request, *args, **kwargs)

    def back(self) -> HttpResponseRedirect:
        url = reverse("dashboard:order-detail", kwargs={"number": self.order.number})
        return HttpResponseRedirect(f"{url}#fulfilment")

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        if not form.is_valid():
            messages.error(request, _form_errors(form))
            return self.back()
        try:
            message = self.act(form)
        except PortalError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, message)
        return self.back()


class OrderStatusChangeView(FulfilmentActionView):
    def get_form(self):
        allowed = services.allowed_next_statuses(order=self.order)
        return OrderStatusForm(self.request.POST, allowed=allowed)

    def act(self, form) -> str:
        order = services.order_status_change(
            order=self.order,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
            by_user=self.request.user,
            source="staff",
        )
        return gettext("Order %(number)s is now “%(status)s”.") % {
            "number": order.number,
            "status": states.name(order.status),
        }


class OrderCancelView(FulfilmentActionView):
    def get_form(self):
        return OrderCancelForm(self.request.POST)

    def act(self, form) -> str:
        if self.order.sources.filter(
            source_type__name=CARD_SOURCE_TYPE
        ).exists() and not self.request.user.has_perm(REFUND_PERMISSION):
            raise PortalError(
                gettext("This order was paid by card: cancelling refunds it, ask a sales manager.")
            )
        order = services.order_cancel(
            order=self.order,
            reason=form.cleaned_data["reason"],
            by_user=self.request.user,
            source="staff",
        )
        return gettext(
            "Order %(number)s is cancelled: its stock is released and its payment reversed."
        ) % {"number": order.number}


class ShipmentCreateView(FulfilmentActionView):
    def get_form(self):
        return ShipmentForm(
            self.request.POST,
            lines=self.order.lines.all(),
            shipped=order_shipped_quantities(order=self.order),
        )

    def act(self, form) -> str:
        carrier = form.cleaned_data["carrier"]
        shipment = services.shipment_create(
            order=self.order,
            lines=form.quantities(),
            carrier_code=carrier.code if carrier else "",
            tracking_number=form.cleaned_data["tracking_number"],
            expected_delivery=form.cleaned_data["expected_delivery"],
            by_user=self.request.user,
            source="staff",
        )
        return gettext("Shipment %(number)s recorded; the order is now “%(status)s”.") % {
            "number": shipment.number,
            "status": states.name(self.order.status),
        }


class TrackingEventAddView(FulfilmentActionView):
    def get_form(self):
        self.shipment = get_object_or_404(
            Shipment, order=self.order, number=self.kwargs["shipment_number"]
        )
        return TrackingEventForm(self.request.POST, prefix=f"track-{self.shipment.pk}")

    def act(self, form) -> str:
        event = services.tracking_event_add(
            shipment=self.shipment,
            kind=form.cleaned_data["kind"],
            occurred_at=form.cleaned_data["occurred_at"],
            location=form.cleaned_data["location"],
            note=form.cleaned_data["note"],
            by_user=self.request.user,
            source="staff",
        )
        return gettext("Recorded “%(event)s” for shipment %(number)s.") % {
            "event": event.get_kind_display(),
            "number": self.shipment.number,
        }
