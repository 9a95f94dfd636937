"""The order status machine, in one place: the stored status strings, their translated
names and the allowed transitions. Pure Python (no models), so settings may read it.

``transition_check`` raises ``OrderStatusError`` for any move the table does not list.
"""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shop.errors import PortalError

# Stored strings (Oscar's ``Order.status``): never translate these, translate NAMES below.
AWAITING_APPROVAL = "Awaiting approval"
AWAITING_PAYMENT = "Awaiting payment"
PLACED = "Placed"
CONFIRMED = "Confirmed"
IN_FULFILMENT = "In fulfilment"
PARTIALLY_SHIPPED = "Partially shipped"
SHIPPED = "Shipped"
DELIVERED = "Delivered"
COMPLETED = "Completed"
ON_HOLD = "On hold"
CANCELLED = "Cancelled"

STATUSES = (
    AWAITING_APPROVAL,
    AWAITING_PAYMENT,
    PLACED,
    CONFIRMED,
    IN_FULFILMENT,
    PARTIALLY_SHIPPED,
    SHIPPED,
    DELIVERED,
    COMPLETED,
    ON_HOLD,
    CANCELLED,
)

NAMES = {
    AWAITING_APPROVAL: _("Awaiting approval"),
    AWAITING_PAYMENT: _("Awaiting payment"),
    PLACED: _("Placed"),
    CONFIRMED: _("Confirmed"),
    IN_FULFILMENT: _("In fulfilment"),
    PARTIALLY_SHIPPED: _("Partially shipped"),
    SHIPPED: _("Shipped"),
    DELIVERED: _("Delivered"),
    COMPLETED: _("Completed"),
    ON_HOLD: _("On hold"),
    CANCELLED: _("Cancelled"),
}

# The one table of allowed moves. "On hold" goes back only to where the order was before
# the hold (see ``allowed_next``); "Partially shipped" is listed there so that an order put
# on hold between two shipments can resume.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    AWAITING_APPROVAL: (PLACED, CANCELLED),
    AWAITING_PAYMENT: (PLACED, CANCELLED),
    PLACED: (CONFIRMED, ON_HOLD, CANCELLED),
    CONFIRMED: (IN_FULFILMENT, PARTIALLY_SHIPPED, SHIPPED, ON_HOLD, CANCELLED),
    IN_FULFILMENT: (PARTIALLY_SHIPPED, SHIPPED, ON_HOLD, CANCELLED),
    PARTIALLY_SHIPPED: (SHIPPED, ON_HOLD),
    SHIPPED: (DELIVERED,),
    DELIVERED: (COMPLETED,),
    COMPLETED: (),
    ON_HOLD: (PLACED, CONFIRMED, IN_FULFILMENT, PARTIALLY_SHIPPED, CANCELLED),
    CANCELLED: (),
}

# Shipments may be recorded only in these states (an order on hold or not yet confirmed
# does not leave the warehouse).
SHIPPABLE = (CONFIRMED, IN_FULFILMENT, PARTIALLY_SHIPPED)
# Statuses that only shipments and tracking events reach (a person cannot pick them).
SHIPMENT_DRIVEN = (PARTIALLY_SHIPPED, SHIPPED, DELIVERED)

# Oscar's line statuses: lines follow the order until shipments move them.
LINE_PLACED = PLACED
LINE_CONFIRMED = CONFIRMED
LINE_PARTIALLY_SHIPPED = PARTIALLY_SHIPPED
LINE_SHIPPED = SHIPPED
LINE_DELIVERED = DELIVERED
LINE_CANCELLED = CANCELLED

LINE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    LINE_PLACED: (LINE_CONFIRMED, LINE_PARTIALLY_SHIPPED, LINE_SHIPPED, LINE_CANCELLED),
    LINE_CONFIRMED: (LINE_PARTIALLY_SHIPPED, LINE_SHIPPED, LINE_CANCELLED),
    LINE_PARTIALLY_SHIPPED: (LINE_SHIPPED,),
    LINE_SHIPPED: (LINE_DELIVERED,),
    LINE_DELIVERED: (),
    LINE_CANCELLED: (),
}

# Oscar reads these through settings (``OSCAR_ORDER_STATUS_PIPELINE`` and friends) so its
# own ``Order.set_status`` refuses the same moves as ours.
OSCAR_ORDER_PIPELINE = {status: tuple(TRANSITIONS[status]) for status in STATUSES}
OSCAR_LINE_PIPELINE = dict(LINE_TRANSITIONS)


class OrderStatusError(PortalError):
    """An order change the status machine or the order's state does not allow."""


def name(status: str) -> str:
    """The translated name of a stored status (the stored string if unknown)."""
    return str(NAMES.get(status, status))


def allowed_next(status: str, *, before_hold: str | None = None) -> tuple[str, ...]:
    """The statuses an order in ``status`` may move to (from "On hold": back, or cancel)."""
    targets = TRANSITIONS.get(status, ())
    if status == ON_HOLD and before_hold:
        targets = tuple(t for t in targets if t in (before_hold, CANCELLED))
    return targets


def transition_check(
    current: str, new: str, *, number: str = "", before_hold: str | None = None
) -> None:
    """Raise ``OrderStatusError`` unless ``current`` -> ``new`` is in the table."""
    allowed = allowed_next(current, before_hold=before_hold)
    if new in allowed:
        return
    if new not in STATUSES:
        raise OrderStatusError(
            gettext("“%(status)s” is not an order status.") % {"status": new}, field="status"
        )
    if allowed:
        message = gettext(
            "Order %(number)s cannot move from “%(current)s” to “%(new)s”: "
            "allowed next are %(allowed)s."
        ) % {
            "number": number,
            "current": name(current),
            "new": name(new),
            "allowed": ", ".join(f"“{name(s)}”" for s in allowed),
        }
    else:
        message = gettext(
            "Order %(number)s cannot move from “%(current)s” to “%(new)s”: “%(current)s” is final."
        ) % {"number": number, "current": name(current), "new": name(new)}
    raise OrderStatusError(message, field="status")
