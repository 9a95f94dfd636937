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

    class Meta(AbstractOrder.Meta):
        constraints = [
            # A quote converts into at most one order, even when checked out twice at once.
            models.UniqueConstraint(
                fields=["quote_reference"],
                condition=~models.Q(quote_reference=""),
                name="order_one_order_per_quote",
            )
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


from oscar.apps.order.models import *  # noqa: E402,F403
