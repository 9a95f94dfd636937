"""What a buyer is told about stock: a quantity or a band, and the lead time.

Only buyers of an active company see it (the strategy then carries their company);
visitors and everybody else see Oscar's plain "In stock" / "Unavailable".
``SHOP_STOCK_DISPLAY`` chooses "quantity" (the number on hand) or "band" (in stock,
low stock under ``SHOP_STOCK_LOW_BELOW``, out of stock).
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

DISPLAYS = ("quantity", "band")


@dataclass(frozen=True)
class StockInfo:
    available: int
    label: str
    code: str  # instock, lowstock, outofstock
    lead_time_days: int | None

    @property
    def lead_time(self) -> str:
        if self.lead_time_days is None:
            return _("Lead time on request")
        days = self.lead_time_days
        return ngettext(
            "Lead time %(days)s working day", "Lead time %(days)s working days", days
        ) % {"days": days}


def stock_info(stockrecord, *, strategy, product=None) -> StockInfo | None:
    """The buyer's view of one stock record, or None when this user is not shown stock."""
    if stockrecord is None or getattr(strategy, "company", None) is None:
        return None
    product = product or stockrecord.product  # callers pass it when it is loaded already
    if not product.get_product_class().track_stock:
        return None  # always available (Oscar's rule): there is no stock figure to show
    available = max(stockrecord.net_stock_level or 0, 0)
    low_below = settings.SHOP_STOCK_LOW_BELOW
    code = "outofstock" if available == 0 else "lowstock" if available < low_below else "instock"
    if settings.SHOP_STOCK_DISPLAY == "band":
        label = {
            "outofstock": _("Out of stock"),
            "lowstock": _("Low stock"),
            "instock": _("In stock"),
        }[code]
    else:
        label = _("%(count)s in stock") % {"count": available} if available else _("Out of stock")
    return StockInfo(available, label, code, stockrecord.lead_time_days)


def stock_beside_basket(*, available: int, held: int) -> str:
    """What adding more is refused with when the basket holds ``held`` of ``available``.

    One sentence for the add forms (shop.basket.models) and the quick order (shop.bulk).
    """
    if available > held:
        return _(
            "Only %(count)s in stock, and your basket holds %(basket)s already: you can add "
            "up to %(more)s more."
        ) % {"count": available, "basket": held, "more": available - held}
    return _(
        "Only %(count)s in stock, and your basket holds %(basket)s already: no more can "
        "be added from stock."
    ) % {"count": max(available, 0), "basket": held}
