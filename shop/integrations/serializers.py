"""What the API reads and writes: explicit serializers (they also describe the schema)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

TRACKING_KINDS = ["in_transit", "out_for_delivery", "delivered", "exception"]


def order_statuses() -> tuple[str, ...]:
    from orders import states

    return states.STATUSES


def cancelled_status() -> str:
    from orders import states

    return states.CANCELLED


# --- reading ------------------------------------------------------------------------------


class CompanyRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    external_id = serializers.CharField()
    name = serializers.CharField(source="legal_name")


class AddressSerializer(serializers.Serializer):
    name = serializers.CharField(source="name_for_api")
    line1 = serializers.CharField()
    line2 = serializers.CharField()
    line3 = serializers.CharField()
    city = serializers.CharField(source="line4")
    state = serializers.CharField()
    postcode = serializers.CharField()
    country = serializers.CharField(source="country_id")
    phone_number = serializers.CharField(allow_null=True)

    def to_representation(self, instance):
        instance.name_for_api = " ".join(
            part for part in (instance.first_name, instance.last_name) if part
        )
        data = super().to_representation(instance)
        data["phone_number"] = str(instance.phone_number) if instance.phone_number else None
        return data


class OrderLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sku = serializers.CharField(source="partner_sku")
    title = serializers.CharField()
    quantity = serializers.IntegerField()
    shipped_quantity = serializers.IntegerField(help_text=_("Units already in shipments."))
    unit_price_excl_tax = serializers.DecimalField(max_digits=12, decimal_places=2)
    unit_price_incl_tax = serializers.DecimalField(max_digits=12, decimal_places=2)
    line_price_excl_tax = serializers.DecimalField(max_digits=12, decimal_places=2)
    line_price_incl_tax = serializers.DecimalField(max_digits=12, decimal_places=2)
    status = serializers.CharField()


class TrackingEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    location = serializers.CharField()
    note = serializers.CharField()
    source = serializers.CharField()


class ShipmentLineOutSerializer(serializers.Serializer):
    line_id = serializers.IntegerField()
    quantity = serializers.IntegerField()


class ShipmentSerializer(serializers.Serializer):
    number = serializers.CharField()
    order_number = serializers.CharField(source="order.number")
    external_id = serializers.CharField()
    carrier_code = serializers.CharField(source="carrier.code", allow_null=True, default=None)
    tracking_number = serializers.CharField()
    tracking_url = serializers.CharField(allow_null=True)
    expected_delivery = serializers.DateField(allow_null=True)
    created_at = serializers.DateTimeField()
    source = serializers.CharField()
    lines = ShipmentLineOutSerializer(many=True, source="lines.all")
    events = TrackingEventSerializer(many=True, source="events.all")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["tracking_url"] = instance.tracking_url or None
        return data


class OrderSerializer(serializers.Serializer):
    number = serializers.CharField()
    external_id = serializers.CharField()
    status = serializers.CharField()
    company = CompanyRefSerializer(allow_null=True)
    buyer_email = serializers.EmailField(allow_null=True)
    purchase_order_number = serializers.CharField()
    currency = serializers.CharField()
    total_excl_tax = serializers.DecimalField(max_digits=12, decimal_places=2)
    total_incl_tax = serializers.DecimalField(max_digits=12, decimal_places=2)
    shipping_excl_tax = serializers.DecimalField(max_digits=12, decimal_places=2)
    shipping_incl_tax = serializers.DecimalField(max_digits=12, decimal_places=2)
    shipping_method = serializers.CharField()
    shipping_address = AddressSerializer(allow_null=True)
    date_placed = serializers.DateTimeField()
    modified_at = serializers.DateTimeField()
    lines = OrderLineSerializer(many=True)
    shipments = ShipmentSerializer(many=True)

    def to_representation(self, order):
        # Everything below reads the prefetched rows (selectors.orders_for_api): no queries.
        shipments = list(order.shipments.all())
        shipped: dict[int, int] = {}
        for shipment in shipments:
            shipment.order = order
            for shipment_line in shipment.lines.all():
                shipped[shipment_line.line_id] = (
                    shipped.get(shipment_line.line_id, 0) + shipment_line.quantity
                )
        lines = list(order.lines.all())
        for line in lines:
            line.shipped_quantity = shipped.get(line.pk, 0)
        order.buyer_email = order.user.email if order.user_id else (order.guest_email or None)
        return {
            **{
                name: field.to_representation(getattr(order, name))
                for name, field in self.fields.items()
                if name not in ("company", "lines", "shipments", "shipping_address")
            },
            "company": CompanyRefSerializer(order.company).data if order.company_id else None,
            "shipping_address": (
                AddressSerializer(order.shipping_address).data
                if order.shipping_address_id
                else None
            ),
            "lines": OrderLineSerializer(lines, many=True).data,
            "shipments": ShipmentSerializer(shipments, many=True).data,
        }


class OrderPageSerializer(serializers.Serializer):
    results = OrderSerializer(many=True)
    next_cursor = serializers.CharField(
        allow_null=True,
        help_text=_(
            "Pass as `cursor` to get the next page; keep it to sync again later from there."
        ),
    )
    has_more = serializers.BooleanField()


class CompanyAddressSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    label = serializers.CharField()
    line1 = serializers.CharField()
    line2 = serializers.CharField()
    postcode = serializers.CharField()
    city = serializers.CharField()
    country = serializers.CharField()
    is_default = serializers.BooleanField()


class CompanySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    external_id = serializers.CharField()
    legal_name = serializers.CharField()
    trading_name = serializers.CharField()
    vat_number = serializers.CharField()
    country = serializers.CharField()
    status = serializers.CharField()
    payment_terms = serializers.CharField()
    credit_limit = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    customer_group = serializers.CharField(source="customer_group.slug", allow_null=True)
    addresses = CompanyAddressSerializer(many=True, source="addresses.all")
    updated_at = serializers.DateTimeField()


class CompanyPageSerializer(serializers.Serializer):
    results = CompanySerializer(many=True)
    next_cursor = serializers.CharField(allow_null=True)
    has_more = serializers.BooleanField()


# --- writing ------------------------------------------------------------------------------


class ExternalIdSerializer(serializers.Serializer):
    external_id = serializers.CharField(
        max_length=64,
        allow_blank=True,
        help_text=_("The ERP's own key for this order; blank removes it."),
    )


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[])
    note = serializers.CharField(
        max_length=1000,
        allow_blank=True,
        required=False,
        default="",
        help_text=_("Kept with the change; the reason when cancelling (then required)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = order_statuses()

    def validate(self, attrs):
        if attrs["status"] == cancelled_status() and not attrs.get("note", "").strip():
            raise serializers.ValidationError(
                {"note": _("Give the reason for the cancellation in note.")}
            )
        return attrs


class ShipmentLineInSerializer(serializers.Serializer):
    line_id = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text=_("Our order line id.")
    )
    sku = serializers.CharField(
        required=False, max_length=64, help_text=_("Or the line's SKU (unique in the order).")
    )
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000)

    def validate(self, attrs):
        if ("line_id" in attrs) == ("sku" in attrs):
            raise serializers.ValidationError(_("Give either line_id or sku for each line."))
        return attrs


class ShipmentCreateSerializer(serializers.Serializer):
    lines = ShipmentLineInSerializer(many=True, allow_empty=False)
    carrier_code = serializers.CharField(max_length=32, allow_blank=True, default="")
    tracking_number = serializers.CharField(max_length=100, allow_blank=True, default="")
    expected_delivery = serializers.DateField(required=False, allow_null=True, default=None)
    external_id = serializers.CharField(max_length=64, allow_blank=True, default="")


class TrackingEventCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TRACKING_KINDS)
    occurred_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    location = serializers.CharField(max_length=200, allow_blank=True, default="")
    note = serializers.CharField(max_length=1000, allow_blank=True, default="")
