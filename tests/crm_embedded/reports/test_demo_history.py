"""The demo's year of order history: only where the demo runs, 60 orders once, real figures."""

import datetime
from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from orders import demo, selectors, states
from tests.factories import CompanyFactory, CompanyMemberFactory, ProductFactory

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
TODAY = datetime.date(2026, 5, 15)


@pytest.fixture
def demo_companies():
    companies = {slug: CompanyFactory(slug=slug) for slug, *_ in demo.HISTORY}
    for company in companies.values():
        CompanyMemberFactory(company=company)
    for n in range(5):
        ProductFactory(stock__price=Decimal("10.00") + n)
    return companies


def test_no_history_in_tests_by_default(demo_companies):
    assert demo.demo_order_history_ensure(today=TODAY) == 0
    assert not Order.objects.exists()


def test_sixty_orders_over_the_last_year_created_once(demo_companies):
    assert demo.demo_order_history_ensure(enabled=True, today=TODAY) == 60
    assert demo.demo_order_history_ensure(enabled=True, today=TODAY) == 0
    orders = Order.objects.filter(number__startswith="DEMO-H")
    assert orders.count() == 60
    assert orders.filter(status=states.CANCELLED).count() == 1
    oldest = min(o.date_placed.date() for o in orders)
    assert oldest == TODAY - datetime.timedelta(days=365)
    for order in orders.prefetch_related("lines"):
        assert order.total_excl_tax == sum(line.line_price_excl_tax for line in order.lines.all())
        assert order.user is not None and order.company_id is not None
    nordic = demo_companies["nordic-textile"]
    last = selectors.company_last_order_dates(company_ids=[nordic.pk])[nordic.pk]
    assert last.date() == TODAY - datetime.timedelta(days=75)
    months = selectors.revenue_by_month(start=datetime.date(2025, 6, 1), end=TODAY)
    counted = orders.exclude(status=states.CANCELLED)
    assert (
        sum(m["orders"] for m in months)
        == counted.filter(date_placed__date__gte=datetime.date(2025, 6, 1)).count()
    )
