"""Staff forms of the fulfilment panel on the dashboard's order page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from orders import states
from orders.models import Carrier, TrackingEvent
from shop.validators import TextGuardMixin


class OrderStatusForm(TextGuardMixin, forms.Form):
    """Move the order to one of the statuses the table allows next (not shipment-driven ones)."""

    status = forms.ChoiceField(label=_("New status"))
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)

    def __init__(self, *args, allowed: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Choose the next status"))] + [
            (status, states.name(status))
            for status in allowed
            # Shipments move an order to "(Partially) shipped" and "Delivered"; cancelling
            # has its own form with a reason.
            if status not in states.SHIPMENT_DRIVEN and status != states.CANCELLED
        ]

    @property
    def has_choices(self) -> bool:
        return len(self.fields["status"].choices) > 1


class OrderCancelForm(TextGuardMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for the cancellation"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ShipmentForm(TextGuardMixin, forms.Form):
    """Quantities to ship now per order line, the carrier and its tracking number."""

    carrier = forms.ModelChoiceField(
        label=_("Carrier"),
        queryset=Carrier.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("(no carrier)"),
    )
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=100, required=False)
    expected_delivery = forms.DateField(
        label=_("Expected delivery"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, lines=(), shipped: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        shipped = shipped or {}
        self.rows = []
        for line in lines:
            name = f"line_{line.pk}"
            open_quantity = max(line.quantity - shipped.get(line.pk, 0), 0)
            self.fields[name] = forms.IntegerField(
                label=_("Quantity to ship now"),
                min_value=0,
                initial=0,
                required=False,
                widget=forms.NumberInput(attrs={"min": 0, "max": open_quantity}),
            )
            self.rows.append(
                {
                    "line": line,
                    "shipped": shipped.get(line.pk, 0),
                    "open": open_quantity,
                    "field": self[name],
                }
            )

    def quantities(self) -> dict[int, int]:
        """Order line id -> quantity to ship now (lines left at 0 are left out)."""
        result = {}
        for name, value in self.cleaned_data.items():
            if name.startswith("line_") and value:
                result[int(name.removeprefix("line_"))] = value
        return result


class TrackingEventForm(TextGuardMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Event"), choices=TrackingEvent.Kind.choices)
    occurred_at = forms.DateTimeField(
        label=_("When"),
        required=False,
        help_text=_("Empty: now."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)
