"""Demo data for order handling: shipping event types, carriers, and two Rheinland Auto
orders with a timeline (one partly shipped and in transit, one delivered)."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from orders import services, states
from orders.models import Carrier, OrderStatusEvent, Shipment, TrackingEvent

# (code, name): the dashboard's "create shipping event" offers these, in fulfilment order.
SHIPPING_EVENT_TYPES = (("shipped", "Shipped"), ("delivered", "Delivered"))

CARRIERS = (
    ("dhl", "DHL", "https://www.dhl.de/de/privatkunden/dhl-sendungsverfolgung.html?piececode={tracking_number}"),
    ("ups", "UPS", "https://www.ups.com/track?tracknum={tracking_number}"),
    ("db-schenker", "DB Schenker", "https://www.dbschenker.com/app/tracking-public/?refNumber={tracking_number}"),
)  # fmt: skip

BUYER = "jonas.weber@rheinland-auto.example"
STAFF = "sofia.sales@partshub.example"
COMPANY = "rheinland-auto"
# Fixed numbers outside the checkout's range (basket id + 100000), so a rerun finds them.
DELIVERED_ORDER = "DEMO-1001"
PARTIAL_ORDER = "DEMO-1002"


def shipping_event_types_ensure() -> int:
    """Create the missing shipping event types; return how many were created."""
    ShippingEventType = get_model("order", "ShippingEventType")
    created = 0
    for code, name in SHIPPING_EVENT_TYPES:
        _, made = ShippingEventType.objects.get_or_create(code=code, defaults={"name": name})
        created += made
    return created


def carriers_ensure() -> int:
    """Create the demo carriers (DHL, UPS, DB Schenker); return how many were created."""
    created = 0
    for code, name, template in CARRIERS:
        _, made = Carrier.objects.get_or_create(
            code=code, defaults={"name": name, "tracking_url_template": template}
        )
        created += made
    return created


def _place(number: str, buyer, company, quantities: list[int]):
    """Place an order for the buyer from the first products they can buy."""
    Basket = get_model("basket", "Basket")
    StockRecord = get_model("partner", "StockRecord")
    Order = get_model("order", "Order")
    OrderCreator = get_class("order.utils", "OrderCreator")
    OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
    Free = get_class("shipping.methods", "Free")
    Selector = get_class("partner.strategy", "Selector")

    basket = Basket.objects.create(owner=buyer)
    basket.strategy = Selector().strategy(user=buyer)
    records = iter(
        StockRecord.objects.select_related("product")
        .filter(price__isnull=False, num_in_stock__gte=20)
        .order_by("pk")
    )
    for times in quantities:
        for record in records:
            quantity = max(record.product.min_order_quantity or 1, 1) * times
            if quantity <= 20 and (record.net_stock_level or 0) >= quantity:
                basket.add_product(record.product, quantity=quantity)
                break
    method = Free()
    charge = method.calculate(basket)
    total = OrderTotalCalculator().calculate(basket, charge)
    order = OrderCreator().place_order(
        basket=basket,
        total=total,
        shipping_method=method,
        shipping_charge=charge,
        user=buyer,
        order_number=number,
    )
    basket.set_as_submitted()
    Order.objects.filter(pk=order.pk).update(company=company)
    order.company = company
    return order


def _backdate(order, *, days: int) -> None:
    """Spread the demo order's history over the past days (services stamp "now")."""
    Order = get_model("order", "Order")
    start = timezone.now() - timedelta(days=days)
    Order.objects.filter(pk=order.pk).update(date_placed=start)
    # In the order they happened (a shipment is saved just before the status it causes).
    moments = sorted(
        [*OrderStatusEvent.objects.filter(order=order), *Shipment.objects.filter(order=order)],
        key=lambda obj: obj.created_at,
    )
    for index, obj in enumerate(moments, start=1):
        type(obj).objects.filter(pk=obj.pk).update(created_at=start + timedelta(hours=6 * index))


def demo_orders_ensure(*, enabled: bool | None = None) -> int:
    """Two Rheinland Auto orders with a timeline; return how many were created.

    On for ``make run`` (DEBUG), off in tests (their own orders must be the only ones);
    the setting ``SHOP_DEMO_TRACKED_ORDERS`` overrides either way.
    """
    if enabled is None:
        enabled = getattr(settings, "SHOP_DEMO_TRACKED_ORDERS", settings.DEBUG)
    if not enabled:
        return 0
    User = get_user_model()
    Order = get_model("order", "Order")
    Company = get_model("companies", "Company")
    buyer = User.objects.filter(email=BUYER).first()
    company = Company.objects.filter(slug=COMPANY).first()
    if buyer is None or company is None:
        return 0
    staff = User.objects.filter(email=STAFF).first()
    created = 0
    with services.notifications_muted():
        if not Order.objects.filter(number=DELIVERED_ORDER).exists():
            with transaction.atomic():
                order = _place(DELIVERED_ORDER, buyer, company, [2, 1])
                services.order_status_change(order=order, status=states.CONFIRMED, by_user=staff)
                shipment = services.shipment_create(
                    order=order,
                    lines={line.pk: line.quantity for line in order.lines.all()},
                    carrier_code="dhl",
                    tracking_number="00340434161094015902",
                    expected_delivery=timezone.localdate() - timedelta(days=6),
                    by_user=staff,
                )
                _backdate(order, days=9)
                now = timezone.now()
                for kind, days, place in (
                    (TrackingEvent.Kind.IN_TRANSIT, 8, "Köln"),
                    (TrackingEvent.Kind.OUT_FOR_DELIVERY, 7, "Düsseldorf"),
                    (TrackingEvent.Kind.DELIVERED, 7, "Düsseldorf"),
                ):
                    services.tracking_event_add(
                        shipment=shipment, kind=kind, location=place,
                        occurred_at=now - timedelta(days=days), source="erp",
                    )  # fmt: skip
                OrderStatusEvent.objects.filter(order=order, new_status=states.DELIVERED).update(
                    created_at=now - timedelta(days=7)
                )
                created += 1
        if not Order.objects.filter(number=PARTIAL_ORDER).exists():
            with transaction.atomic():
                order = _place(PARTIAL_ORDER, buyer, company, [3, 2])
                services.order_status_change(order=order, status=states.CONFIRMED, by_user=staff)
                first = order.lines.order_by("pk").first()
                shipment = services.shipment_create(
                    order=order,
                    lines={first.pk: first.quantity},
                    carrier_code="ups",
                    tracking_number="1Z999AA10123456784",
                    expected_delivery=timezone.localdate() + timedelta(days=1),
                    by_user=staff,
                )
                _backdate(order, days=2)
                services.tracking_event_add(
                    shipment=shipment, kind=TrackingEvent.Kind.IN_TRANSIT, location="Frankfurt am Main",
                    occurred_at=timezone.now() - timedelta(hours=20), source="erp",
                )  # fmt: skip
                created += 1
    return created


# A year of order history for the account team's reports and cockpit: (company slug,
# orders, days ago of the oldest and of the newest). Nordic Textile went quiet 75 days ago,
# so "accounts not ordering" has something to show.
HISTORY = (
    ("rheinland-auto", 30, 360, 3),
    ("iberia-fleet", 20, 350, 8),
    ("nordic-textile", 10, 365, 75),
)
HISTORY_PREFIX = "DEMO-H"


def demo_order_history_ensure(*, enabled: bool | None = None, today=None) -> int:
    """Sixty past orders ("DEMO-H001"...) over the last 12 months of the demo companies;
    return how many were created. Only where the demo runs, like ``demo_orders_ensure``.

    History, not work in progress: the orders are written as they ended (completed, the
    last fortnight's confirmed, one cancelled), without allocating stock or sending email.
    """
    if enabled is None:
        enabled = getattr(settings, "SHOP_DEMO_TRACKED_ORDERS", settings.DEBUG)
    if not enabled:
        return 0
    import random
    from datetime import datetime, time
    from decimal import Decimal

    Order = get_model("order", "Order")
    Line = get_model("order", "Line")
    Company = get_model("companies", "Company")
    StockRecord = get_model("partner", "StockRecord")
    CompanyMember = get_model("companies", "CompanyMember")

    today = today or timezone.localdate()
    companies = {c.slug: c for c in Company.objects.filter(slug__in=[h[0] for h in HISTORY])}
    records = list(
        StockRecord.objects.select_related("product", "partner")
        .filter(price__isnull=False)
        .order_by("pk")[:40]
    )
    if not companies or not records:
        return 0
    existing = set(
        Order.objects.filter(number__startswith=HISTORY_PREFIX).values_list("number", flat=True)
    )
    members = CompanyMember.objects.filter(
        company__in=companies.values(), is_active=True
    ).select_related("user")
    buyers = {}
    # The company's buyer places its orders (else any active member).
    for member in sorted(members, key=lambda m: (m.role != CompanyMember.Role.BUYER, m.pk)):
        buyers.setdefault(member.company_id, member.user)
    rng = random.Random(2026)
    vat = Decimal("1.19")
    number = 0
    orders, lines = [], []
    for slug, count, oldest, newest in HISTORY:
        company = companies.get(slug)
        for index in range(count):
            number += 1
            days_ago = oldest - (oldest - newest) * index // max(count - 1, 1)
            picks = [(rng.choice(records), rng.randint(1, 12)) for _ in range(rng.randint(1, 3))]
            code = f"{HISTORY_PREFIX}{number:03d}"
            if company is None or code in existing:
                continue
            day = today - timedelta(days=days_ago)
            placed = timezone.make_aware(datetime.combine(day, time(9 + number % 8, 15)))
            status = states.COMPLETED if days_ago > 14 else states.CONFIRMED
            if slug == "iberia-fleet" and index == 7:
                status = states.CANCELLED
            net = sum((record.price * quantity for record, quantity in picks), Decimal("0.00"))
            order = Order(
                number=code, company=company, user=buyers.get(company.pk), currency="EUR",
                total_excl_tax=net, total_incl_tax=(net * vat).quantize(Decimal("0.01")),
                status=status, date_placed=placed,
            )  # fmt: skip
            orders.append(order)
            for record, quantity in picks:
                unit = record.price
                lines.append(
                    Line(
                        order=order,
                        partner=record.partner,
                        partner_name=record.partner.name,
                        stockrecord=record,
                        product=record.product,
                        partner_sku=record.partner_sku,
                        title=record.product.get_title(),
                        upc=record.product.upc or "",
                        quantity=quantity,
                        status=status,
                        line_price_excl_tax=unit * quantity,
                        line_price_incl_tax=(unit * quantity * vat).quantize(Decimal("0.01")),
                        line_price_before_discounts_excl_tax=unit * quantity,
                        line_price_before_discounts_incl_tax=(unit * quantity * vat).quantize(
                            Decimal("0.01")
                        ),
                        unit_price_excl_tax=unit,
                        unit_price_incl_tax=(unit * vat).quantize(Decimal("0.01")),
                        num_allocated=0,
                    )  # fmt: skip
                )
    with transaction.atomic():
        Order.objects.bulk_create(orders)
        for line in lines:
            line.order_id = line.order.pk
        Line.objects.bulk_create(lines)
    return len(orders)
