from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.order.abstract_models import AbstractLine, AbstractOrder


class Order(AbstractOrder):
    """Oscar's order, owned by the buyer's company, remembering staff who placed it for them."""

    company = models.ForeignKey(
        "companies.Company",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("company"),
    )
    placed_by_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("placed by (staff, acting for the buyer)"),
    )

    quote_reference = models.CharField(
        _("quote"), max_length=32, blank=True, help_text=_("The accepted quote this order fulfils.")
    )
    purchase_order_number = models.CharField(
        _("purchase order number"),
        max_length=64,
        blank=True,
        help_text=_("The buyer's own purchase order number, given at checkout."),
    )

    external_id = models.CharField(
        _("external id"),
        max_length=64,
        blank=True,
        help_text=_("The ERP's own key for this order."),
    )
    # Bumped by every change of the order (status, shipments, tracking): the ERP's sync cursor.
    modified_at = models.DateTimeField(_("modified"), auto_now=True, db_index=True)

    class Meta(AbstractOrder.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~models.Q(external_id=""),
                name="order_external_id_unique",
            ),
            # A quote converts into at most one order, even when checked out twice at once.
            models.UniqueConstraint(
                fields=["quote_reference"],
                condition=~models.Q(quote_reference=""),
                name="order_one_order_per_quote",
            ),
        ]


class Line(AbstractLine):
    """Oscar's order line; "order again" respects minimum quantities and pack sizes."""

    def is_available_to_reorder(self, basket, strategy):
        available, reason = super().is_available_to_reorder(basket, strategy)
        if not available or not hasattr(strategy, "quantity_rule") or self.product is None:
            return available, reason
        in_basket = basket.product_quantity(self.product) if basket.id else 0
        problem = strategy.quantity_rule(self.product).problem(in_basket + self.quantity)
        if problem:
            return False, f"{self.product.get_title()}: {problem}"
        return True, ""

    class Meta(AbstractLine.Meta):
        pass


class OrderStatusEvent(models.Model):
    """One status change of an order: from what, to what, made by whom or by which system."""

    class Source(models.TextChoices):
        STAFF = "staff", _("Staff")
        ERP = "erp", _("ERP")
        SYSTEM = "system", _("System")
        BUYER = "buyer", _("Buyer")

    order = models.ForeignKey(
        "order.Order",
        on_delete=models.CASCADE,
        related_name="status_events",
        verbose_name=_("order"),
    )
    old_status = models.CharField(_("old status"), max_length=100, blank=True)
    new_status = models.CharField(_("new status"), max_length=100)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        app_label = "order"
        ordering = ("created_at", "pk")
        verbose_name = _("order status event")
        verbose_name_plural = _("order status events")

    def __str__(self):
        return f"{self.order_id}: {self.old_status} -> {self.new_status}"


class Carrier(models.Model):
    """A parcel or freight carrier, with the link pattern of its tracking page."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    tracking_url_template = models.CharField(
        _("tracking URL template"),
        max_length=255,
        blank=True,
        help_text=_("For example https://track.example/?n={tracking_number}"),
    )

    class Meta:
        app_label = "order"
        ordering = ("name",)
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")

    def __str__(self):
        return self.name

    def tracking_url(self, tracking_number: str) -> str:
        """The carrier's tracking page for a number, or "" without a template or number."""
        if not (self.tracking_url_template and tracking_number):
            return ""
        from urllib.parse import quote

        return self.tracking_url_template.replace(
            "{tracking_number}", quote(tracking_number, safe="")
        )


class Shipment(models.Model):
    """Some quantities of an order's lines that left the warehouse together."""

    order = models.ForeignKey(
        "order.Order", on_delete=models.CASCADE, related_name="shipments", verbose_name=_("order")
    )
    number = models.CharField(_("number"), max_length=64, unique=True)
    carrier = models.ForeignKey(
        Carrier,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="shipments",
        verbose_name=_("carrier"),
    )
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    expected_delivery = models.DateField(_("expected delivery"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    source = models.CharField(_("source"), max_length=16, choices=OrderStatusEvent.Source.choices)
    external_id = models.CharField(_("external id"), max_length=64, blank=True)

    class Meta:
        app_label = "order"
        ordering = ("created_at", "pk")
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")

    def __str__(self):
        return self.number

    @property
    def tracking_url(self) -> str:
        if self.carrier is None:
            return ""
        return self.carrier.tracking_url(self.tracking_number)


class ShipmentLine(models.Model):
    """How many of one order line a shipment carries."""

    shipment = models.ForeignKey(
        Shipment, on_delete=models.CASCADE, related_name="lines", verbose_name=_("shipment")
    )
    line = models.ForeignKey(
        "order.Line",
        on_delete=models.CASCADE,
        related_name="shipment_lines",
        verbose_name=_("order line"),
    )
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        app_label = "order"
        ordering = ("pk",)
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="order_shipmentline_quantity_positive"
            ),
            models.UniqueConstraint(
                fields=["shipment", "line"], name="order_shipmentline_one_per_line"
            ),
        ]

    def __str__(self):
        return f"{self.shipment_id}: {self.line_id} x {self.quantity}"


class TrackingEvent(models.Model):
    """What the carrier reported about a shipment, and when."""

    class Kind(models.TextChoices):
        IN_TRANSIT = "in_transit", _("In transit")
        OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
        DELIVERED = "delivered", _("Delivered")
        EXCEPTION = "exception", _("Delivery problem")

    shipment = models.ForeignKey(
        Shipment, on_delete=models.CASCADE, related_name="events", verbose_name=_("shipment")
    )
    kind = models.CharField(_("event"), max_length=32, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    source = models.CharField(_("source"), max_length=16, choices=OrderStatusEvent.Source.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        app_label = "order"
        ordering = ("occurred_at", "pk")
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")

    def __str__(self):
        return f"{self.shipment_id}: {self.kind}"


from oscar.apps.order.models import *  # noqa: E402,F403
