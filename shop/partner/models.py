from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.partner.abstract_models import AbstractStockRecord


class StockRecord(AbstractStockRecord):
    """Oscar's stock record with the lead time buyers see next to the stock."""

    lead_time_days = models.PositiveSmallIntegerField(
        _("lead time (working days)"),
        null=True,
        blank=True,
        help_text=_("Working days to deliver more than the stock on hand; empty when unknown."),
    )

    cost_price = models.DecimalField(
        _("cost price"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("What the item costs us; quotes below the minimum margin need approval."),
    )

    # Set by the strategy on a quoted line's stock record: the quoted quantity was agreed
    # with its lead time, so it may be allocated beyond the stock on hand.
    allocation_beyond_stock = False

    class Meta(AbstractStockRecord.Meta):
        pass

    def allocate(self, quantity):
        """Allocate at order placement, refusing more than is left (see shop.partner.services)."""
        from shop.partner.services import stock_allocate

        stock_allocate(stockrecord=self, quantity=quantity)

    allocate.alters_data = True


from oscar.apps.partner.models import *  # noqa: E402,F403
