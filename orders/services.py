"""Writes over an order's fulfilment: status changes through the one table in states.py,
cancellation (stock, ledger, card), shipments and tracking events.

Each service locks the order row, records who or what made the change and when, bumps
``Order.modified_at``, and sends our signals (``send_robust``) after the change is saved.
"""

import contextlib
import contextvars
import logging
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from orders import signals, states
from orders.models import Carrier, OrderStatusEvent, Shipment, ShipmentLine, TrackingEvent
from orders.states import OrderStatusError

logger = logging.getLogger(__name__)

Order = get_model("order", "Order")
Line = get_model("order", "Line")

__all__ = [
    "OrderStatusError",
    "order_status_change",
    "order_cancel",
    "shipment_create",
    "tracking_event_add",
]

SOURCES = {choice for choice, _label in OrderStatusEvent.Source.choices}


def _source_check(source: str) -> None:
    if source not in SOURCES:
        raise OrderStatusError(_("Unknown source “%(source)s”.") % {"source": source})


def _actor(by_user):
    return by_user if by_user is not None and getattr(by_user, "is_authenticated", False) else None


def _lock(order) -> "Order":
    return Order.objects.select_for_update().get(pk=order.pk)


def _sync_caller(order, locked) -> None:
    """Let the caller's instance see the locked row's new state."""
    if order is not locked:
        order.status = locked.status
        order.modified_at = locked.modified_at


def before_hold(*, order) -> str | None:
    """The status an order on hold had before the hold (where it may go back to)."""
    return (
        OrderStatusEvent.objects.filter(order=order, new_status=states.ON_HOLD)
        .order_by("-created_at", "-pk")
        .values_list("old_status", flat=True)
        .first()
    )


def allowed_next_statuses(*, order) -> tuple[str, ...]:
    """The statuses the order may move to now."""
    held = before_hold(order=order) if order.status == states.ON_HOLD else None
    return states.allowed_next(order.status, before_hold=held)


def _touch(locked) -> None:
    locked.save(update_fields=["modified_at"])


def _set_status(locked, new_status: str, *, by_user, source: str, note: str) -> str:
    """Move the locked order on (checked against the table), record it and tell listeners."""
    old_status = locked.status
    held = before_hold(order=locked) if old_status == states.ON_HOLD else None
    states.transition_check(old_status, new_status, number=locked.number, before_hold=held)
    # Oscar's own set_status checks the same table (settings) and keeps its history too.
    locked.set_status(new_status)
    if new_status == states.CONFIRMED:
        locked.lines.filter(status=states.LINE_PLACED).update(status=states.LINE_CONFIRMED)
    OrderStatusEvent.objects.create(
        order=locked,
        old_status=old_status,
        new_status=new_status,
        source=source,
        by_user=_actor(by_user),
        note=note,
    )
    signals.order_status_changed.send_robust(
        sender=Order,
        order_id=locked.pk,
        old_status=old_status,
        new_status=new_status,
        source=source,
    )
    if new_status == states.CONFIRMED:
        _notify(kind="order_confirmed", order=locked, key=f"order_confirmed:{locked.number}")
    elif new_status == states.DELIVERED:
        _notify(kind="order_delivered", order=locked, key=f"order_delivered:{locked.number}")
    return old_status


def order_status_change(
    *, order, status: str, by_user=None, source: str = "staff", note: str = ""
) -> "Order":
    """Move an order to another status allowed by the table; "Cancelled" cancels it."""
    _source_check(source)
    if status == states.CANCELLED:
        return order_cancel(
            order=order, reason=note or _("Cancelled."), by_user=by_user, source=source
        )
    with transaction.atomic():
        locked = _lock(order)
        _set_status(locked, status, by_user=by_user, source=source, note=note)
    _sync_caller(order, locked)
    return locked


def _release_allocations(locked) -> None:
    for line in locked.lines.select_related("stockrecord", "product__product_class"):
        quantity = line.num_allocated or 0
        if quantity > 0 and not line.allocation_cancelled and line.can_track_allocations:
            line.cancel_allocation(quantity)


def _refund_card(locked) -> None:
    from shop.payment.services import CARD_SOURCE_TYPE, CardPaymentRefused, card_refund

    source = locked.sources.filter(source_type__name=CARD_SOURCE_TYPE).first()
    if source is None:
        return
    rest = (source.amount_debited or Decimal(0)) - (source.amount_refunded or Decimal(0))
    if rest <= 0:
        return
    try:
        card_refund(order=locked, amount=rest)
    except CardPaymentRefused as exc:
        raise OrderStatusError(
            _("Order %(number)s was not cancelled: the card refund failed (%(error)s).")
            % {"number": locked.number, "error": exc.message}
        ) from exc


def order_cancel(*, order, reason: str, by_user=None, source: str = "staff") -> "Order":
    """Cancel an unshipped order: release its stock, reverse its ledger debit or refund its card."""
    _source_check(source)
    reason = (reason or "").strip()
    if not reason:
        raise OrderStatusError(_("Give a reason for the cancellation."), field="reason")
    with transaction.atomic():
        locked = _lock(order)
        if locked.status == states.CANCELLED:
            raise OrderStatusError(
                _("Order %(number)s is already cancelled.") % {"number": locked.number}
            )
        if ShipmentLine.objects.filter(shipment__order=locked).exists():
            raise OrderStatusError(
                _(
                    "Order %(number)s has shipped (at least in part) and cannot be cancelled: "
                    "record a return or a credit note instead."
                )
                % {"number": locked.number}
            )
        held = before_hold(order=locked) if locked.status == states.ON_HOLD else None
        states.transition_check(
            locked.status, states.CANCELLED, number=locked.number, before_hold=held
        )
        _release_allocations(locked)
        if locked.company_id:
            from shop.credit.services import ledger_reverse_order

            ledger_reverse_order(order=locked, user=_actor(by_user), note=reason)
        locked.lines.exclude(status=states.LINE_CANCELLED).update(status=states.LINE_CANCELLED)
        _set_status(locked, states.CANCELLED, by_user=by_user, source=source, note=reason)
        # Last: the only step outside our database (a refused refund rolls all of this back).
        _refund_card(locked)
    _sync_caller(order, locked)
    return locked


def _shipped_by_line(locked) -> dict[int, int]:
    rows = (
        ShipmentLine.objects.filter(shipment__order=locked)
        .values("line_id")
        .annotate(total=Sum("quantity"))
    )
    return {row["line_id"]: row["total"] for row in rows}


def _parse_lines(locked, lines: dict) -> dict:
    if not lines:
        raise OrderStatusError(_("Choose at least one line and quantity to ship."), field="lines")
    order_lines = {line.pk: line for line in locked.lines.all()}
    parsed = {}
    for line_id, quantity in lines.items():
        try:
            line_id, quantity = int(line_id), int(quantity)
        except (TypeError, ValueError) as exc:
            raise OrderStatusError(_("Quantities to ship must be whole numbers."), "lines") from exc
        if quantity == 0:
            continue
        line = order_lines.get(line_id)
        if line is None:
            raise OrderStatusError(
                _("Line %(line)s is not a line of order %(number)s.")
                % {"line": line_id, "number": locked.number},
                field="lines",
            )
        if quantity < 0:
            raise OrderStatusError(_("Quantities to ship cannot be negative."), field="lines")
        parsed[line_id] = (line, quantity)
    if not parsed:
        raise OrderStatusError(_("Choose at least one line and quantity to ship."), field="lines")
    return parsed


def _line_label(line) -> str:
    return line.partner_sku or line.upc or line.title


def shipment_create(
    *,
    order,
    lines: dict[int, int],
    carrier_code: str = "",
    tracking_number: str = "",
    expected_delivery: date | None = None,
    by_user=None,
    source: str = "staff",
    external_id: str = "",
) -> Shipment:
    """Record a (partial) shipment of an order's lines; never more than ordered minus shipped."""
    _source_check(source)
    with transaction.atomic():
        locked = _lock(order)
        if external_id:
            known = Shipment.objects.filter(order=locked, external_id=external_id).first()
            if known is not None:  # the ERP sent the same shipment again
                return known
        if locked.status == states.CANCELLED:
            raise OrderStatusError(
                _("Order %(number)s is cancelled: it cannot ship.") % {"number": locked.number}
            )
        if locked.status not in states.SHIPPABLE:
            raise OrderStatusError(
                _(
                    "Order %(number)s is “%(status)s”: shipments can be recorded only for "
                    "orders that are %(allowed)s."
                )
                % {
                    "number": locked.number,
                    "status": states.name(locked.status),
                    "allowed": ", ".join(f"“{states.name(s)}”" for s in states.SHIPPABLE),
                }
            )
        carrier = None
        if carrier_code:
            carrier = Carrier.objects.filter(code=carrier_code).first()
            if carrier is None:
                raise OrderStatusError(
                    _("Unknown carrier “%(code)s”.") % {"code": carrier_code}, field="carrier"
                )
            # A carrier that tracks parcels: without its number the buyer gets no link.
            if carrier.tracking_url_template and not tracking_number.strip():
                raise OrderStatusError(
                    _("Enter the tracking number %(carrier)s gave for this parcel.")
                    % {"carrier": carrier.name},
                    field="tracking_number",
                )
        parsed = _parse_lines(locked, lines)
        shipped = _shipped_by_line(locked)
        for line_id, (line, quantity) in parsed.items():
            open_quantity = line.quantity - shipped.get(line_id, 0)
            if quantity > open_quantity:
                raise OrderStatusError(
                    _(
                        "%(line)s: %(quantity)s cannot ship, only %(open)s of %(ordered)s "
                        "ordered are still to ship."
                    )
                    % {
                        "line": _line_label(line),
                        "quantity": quantity,
                        "open": open_quantity,
                        "ordered": line.quantity,
                    },
                    field="lines",
                )
        count = Shipment.objects.filter(order=locked).count()
        shipment = Shipment.objects.create(
            order=locked,
            number=f"{locked.number}-{count + 1}",
            carrier=carrier,
            tracking_number=tracking_number.strip(),
            expected_delivery=expected_delivery,
            created_by=_actor(by_user),
            source=source,
            external_id=external_id,
        )
        ShipmentLine.objects.bulk_create(
            ShipmentLine(shipment=shipment, line=line, quantity=quantity)
            for line, quantity in parsed.values()
        )
        for line_id, (line, quantity) in parsed.items():
            shipped[line_id] = shipped.get(line_id, 0) + quantity
            if line.can_track_allocations and line.is_allocation_consumption_possible(quantity):
                line.consume_allocation(quantity)
            line_status = (
                states.LINE_SHIPPED
                if shipped[line_id] >= line.quantity
                else states.LINE_PARTIALLY_SHIPPED
            )
            Line.objects.filter(pk=line_id).update(status=line_status)
        complete = all(shipped.get(line.pk, 0) >= line.quantity for line in locked.lines.all())
        new_status = states.SHIPPED if complete else states.PARTIALLY_SHIPPED
        note = _("Shipment %(number)s") % {"number": shipment.number}
        if new_status != locked.status:
            _set_status(locked, new_status, by_user=by_user, source=source, note=note)
        else:
            _touch(locked)
        signals.shipment_created.send_robust(
            sender=Shipment, shipment_id=shipment.pk, order_id=locked.pk
        )
        _notify(
            kind="order_shipped",
            order=locked,
            key=f"order_shipped:{shipment.number}",
            extra={"shipment": shipment, "complete": complete},
        )
    _sync_caller(order, locked)
    return shipment


def tracking_event_add(
    *,
    shipment: Shipment,
    kind: str,
    occurred_at: datetime | None = None,
    location: str = "",
    note: str = "",
    by_user=None,
    source: str = "staff",
) -> TrackingEvent:
    """Record what the carrier reported; the last "delivered" of a shipped order delivers it."""
    _source_check(source)
    if kind not in TrackingEvent.Kind.values:
        raise OrderStatusError(
            _("“%(kind)s” is not a tracking event.") % {"kind": kind}, field="kind"
        )
    # A few minutes of clock difference between the carrier and us are normal; later is a typo.
    if occurred_at is not None and occurred_at > timezone.now() + timedelta(minutes=15):
        raise OrderStatusError(
            _("A tracking event cannot lie in the future: check the date and time."),
            field="occurred_at",
        )
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=shipment.order_id)
        event = TrackingEvent.objects.create(
            shipment=shipment,
            kind=kind,
            occurred_at=occurred_at or timezone.now(),
            location=location.strip(),
            note=note.strip(),
            source=source,
            created_by=_actor(by_user),
        )
        changed = False
        if kind == TrackingEvent.Kind.DELIVERED:
            changed = _deliver_lines(locked, by_user=by_user, source=source, shipment=shipment)
        if not changed:
            _touch(locked)
        signals.tracking_event_added.send_robust(
            sender=TrackingEvent, event_id=event.pk, shipment_id=shipment.pk, order_id=locked.pk
        )
        if kind == TrackingEvent.Kind.EXCEPTION:
            _notify(
                kind="order_delayed",
                order=locked,
                key=f"order_delayed:{event.pk}",
                extra={"shipment": shipment, "event": event},
            )
    return event


def _deliver_lines(locked, *, by_user, source: str, shipment: Shipment) -> bool:
    """Lines whose every shipment was delivered become "Delivered"; maybe the order too."""
    delivered_ids = set(
        TrackingEvent.objects.filter(
            shipment__order=locked, kind=TrackingEvent.Kind.DELIVERED
        ).values_list("shipment_id", flat=True)
    )
    shipments = {
        s.pk: [sl.line_id for sl in s.lines.all()]
        for s in Shipment.objects.filter(order=locked).prefetch_related("lines")
    }
    undelivered_lines = {
        line_id
        for sid, line_ids in shipments.items()
        if sid not in delivered_ids
        for line_id in line_ids
    }
    Line.objects.filter(order=locked, status=states.LINE_SHIPPED).exclude(
        pk__in=undelivered_lines
    ).update(status=states.LINE_DELIVERED)
    if locked.status == states.SHIPPED and set(shipments) <= delivered_ids:
        _set_status(
            locked,
            states.DELIVERED,
            by_user=by_user,
            source=source,
            note=_("Shipment %(number)s delivered") % {"number": shipment.number},
        )
        return True
    return False


_muted: contextvars.ContextVar[bool] = contextvars.ContextVar("orders_emails_muted", default=False)


@contextlib.contextmanager
def notifications_muted():
    """Send no buyer emails inside this block (demo data, imports of old orders)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def _notify(*, kind: str, order, key: str, extra: dict | None = None) -> None:
    """Log and queue an email to the buyer; a failure here never breaks the order change."""
    if _muted.get():
        return
    try:
        from shop.notifications.selectors import order_update_recipients, user_language
        from shop.notifications.services import absolute_url, notification_send
    except ImportError:  # the notifications app is not there (yet)
        return
    try:
        # A savepoint: a broken template or log row rolls back alone, not the status change.
        with transaction.atomic():
            recipients = order_update_recipients(order=order)
            if not recipients:
                return
            context = {
                "order": order,
                "order_url": absolute_url("customer:order", kwargs={"order_number": order.number}),
                "status_name": states.name(order.status),
                **(extra or {}),
            }
            notification_send(
                kind=kind,
                to=recipients,
                context=context,
                key=key,
                language=user_language(user=order.user),
            )
    except Exception:
        logger.exception("Could not queue the %s email for order %s", kind, order.number)
