"""orders.selectors reads for the account team, against hand-computed figures."""

import datetime
from decimal import Decimal

import pytest

from orders import selectors, states
from orders.models import Shipment, TrackingEvent
from tests.crm_embedded.reports.factories import at, order_make
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def companies():
    return CompanyFactory(), CompanyFactory()


def test_revenue_by_month_lists_every_month_with_zeros_and_skips_cancelled(companies):
    a, b = companies
    order_make(company=a, placed=at(D(2026, 1, 1), 0, 0), total="100.00")
    order_make(company=a, placed=at(D(2026, 1, 31), 23, 59), total="50.50")
    order_make(company=b, placed=at(D(2026, 1, 15)), total="25.00")
    order_make(company=a, placed=at(D(2026, 1, 20)), total="999.00", status=states.CANCELLED)
    order_make(company=a, placed=at(D(2026, 3, 3)), total="10.00")
    order_make(company=a, placed=at(D(2025, 12, 31), 23, 59), total="7.00")  # before start
    order_make(company=a, placed=at(D(2026, 4, 1), 0, 0), total="8.00")  # after end

    rows = selectors.revenue_by_month(start=D(2026, 1, 1), end=D(2026, 3, 31))

    assert rows == [
        {"month": D(2026, 1, 1), "revenue": Decimal("175.50"), "orders": 3},
        {"month": D(2026, 2, 1), "revenue": Decimal("0.00"), "orders": 0},
        {"month": D(2026, 3, 1), "revenue": Decimal("10.00"), "orders": 1},
    ]
    only_b = selectors.revenue_by_month(start=D(2026, 1, 1), end=D(2026, 1, 31), company_ids=[b.pk])
    assert only_b == [{"month": D(2026, 1, 1), "revenue": Decimal("25.00"), "orders": 1}]
    assert selectors.revenue_by_month(start=D(2026, 1, 1), end=D(2026, 2, 28), company_ids=[]) == [
        {"month": D(2026, 1, 1), "revenue": Decimal("0.00"), "orders": 0},
        {"month": D(2026, 2, 1), "revenue": Decimal("0.00"), "orders": 0},
    ]


def test_revenue_by_month_end_day_is_inclusive_and_a_range_may_cut_a_month(companies):
    a, _ = companies
    order_make(company=a, placed=at(D(2026, 2, 10), 23, 59), total="30.00")
    order_make(company=a, placed=at(D(2026, 2, 11), 0, 0), total="40.00")
    order_make(company=a, placed=at(D(2026, 2, 9), 23, 59), total="50.00")

    rows = selectors.revenue_by_month(start=D(2026, 2, 10), end=D(2026, 2, 10))

    assert rows == [{"month": D(2026, 2, 1), "revenue": Decimal("30.00"), "orders": 1}]


def test_company_order_totals_covers_every_id_asked_for(companies):
    a, b = companies
    order_make(company=a, placed=at(D(2026, 1, 5)), total="100.00")
    order_make(company=a, placed=at(D(2026, 2, 5)), total="20.25")
    order_make(company=a, placed=at(D(2026, 3, 5)), total="500.00", status=states.CANCELLED)

    totals = selectors.company_order_totals(company_ids=[a.pk, b.pk])

    assert totals == {
        a.pk: {"orders": 2, "revenue": Decimal("120.25"), "last_ordered_at": at(D(2026, 2, 5))},
        b.pk: {"orders": 0, "revenue": Decimal("0.00"), "last_ordered_at": None},
    }


def test_company_last_order_dates_leaves_out_companies_that_never_ordered(companies):
    a, b = companies
    order_make(company=a, placed=at(D(2026, 1, 5)))
    order_make(company=a, placed=at(D(2026, 2, 5)))
    order_make(company=a, placed=at(D(2026, 3, 5)), status=states.CANCELLED)

    assert selectors.company_last_order_dates() == {a.pk: at(D(2026, 2, 5))}
    assert selectors.company_last_order_dates(company_ids=[b.pk]) == {}


def test_recent_orders_for_company_newest_first_limited(companies):
    a, b = companies
    first = order_make(company=a, placed=at(D(2026, 1, 5)))
    second = order_make(company=a, placed=at(D(2026, 1, 6)))
    third = order_make(company=a, placed=at(D(2026, 1, 7)))
    order_make(company=a, placed=at(D(2026, 1, 8)), status=states.CANCELLED)
    order_make(company=b, placed=at(D(2026, 1, 9)))

    assert selectors.recent_orders_for_company(company_id=a.pk, limit=2) == [third, second]
    assert selectors.recent_orders_for_company(company_id=a.pk) == [third, second, first]


def test_shipments_in_transit_are_those_without_a_delivery_event(companies):
    a, b = companies
    order = order_make(company=a, placed=at(D(2026, 1, 5)), status=states.SHIPPED)
    on_the_way = Shipment.objects.create(order=order, number="S-1", source="staff")
    delivered = Shipment.objects.create(order=order, number="S-2", source="staff")
    TrackingEvent.objects.create(
        shipment=on_the_way, kind=TrackingEvent.Kind.IN_TRANSIT, occurred_at=at(D(2026, 1, 6)),
        source="erp",
    )  # fmt: skip
    TrackingEvent.objects.create(
        shipment=delivered, kind=TrackingEvent.Kind.DELIVERED, occurred_at=at(D(2026, 1, 7)),
        source="erp",
    )  # fmt: skip
    other = order_make(company=b, placed=at(D(2026, 1, 5)), status=states.SHIPPED)
    Shipment.objects.create(order=other, number="S-3", source="staff")

    assert selectors.shipments_in_transit_for_company(company_id=a.pk) == [on_the_way]


def test_orders_awaiting_approval_count(companies):
    a, b = companies
    order_make(company=a, placed=at(D(2026, 1, 5)), status=states.AWAITING_APPROVAL)
    order_make(company=a, placed=at(D(2026, 1, 6)), status=states.AWAITING_APPROVAL)
    order_make(company=a, placed=at(D(2026, 1, 7)), status=states.PLACED)

    assert selectors.orders_awaiting_approval_count(company_ids=[a.pk, b.pk]) == {a.pk: 2, b.pk: 0}
    assert selectors.orders_awaiting_approval_count(company_ids=None) == {a.pk: 2}


def test_company_order_totals_between_only_companies_that_ordered_in_the_range(companies):
    a, b = companies
    order_make(company=a, placed=at(D(2026, 1, 1), 0, 0), total="10.00")
    order_make(company=a, placed=at(D(2026, 1, 31), 23, 59), total="20.00")
    order_make(company=a, placed=at(D(2026, 2, 1), 0, 0), total="40.00")
    order_make(company=a, placed=at(D(2026, 1, 9)), total="80.00", status=states.CANCELLED)
    order_make(company=b, placed=at(D(2025, 12, 31), 23, 59), total="5.00")

    totals = selectors.company_order_totals_between(start=D(2026, 1, 1), end=D(2026, 1, 31))

    assert totals == {
        a.pk: {
            "orders": 2,
            "revenue": Decimal("30.00"),
            "last_ordered_at": at(D(2026, 1, 31), 23, 59),
        }
    }
    assert (
        selectors.company_order_totals_between(
            start=D(2026, 1, 1), end=D(2026, 1, 31), company_ids=[b.pk]
        )
        == {}
    )
