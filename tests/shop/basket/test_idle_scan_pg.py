"""On PostgreSQL the idle-basket scan walks its partial index (migration basket 0016)."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oscar.core.loading import get_model

from shop.basket.selectors import baskets_idle_iter
from shop.companies.models import CompanyMember
from tests.factories import CompanyFactory, ProductFactory

Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")

pytestmark = [pytest.mark.services, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: its planner and the partial index")


def _plan(sql: str) -> str:
    # With table scans priced out, the plan shows whether an index path exists at all: at
    # this test's few thousand rows the planner may rightly prefer scanning a small table.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_scan_reads_open_baskets_through_the_partial_index():
    product = ProductFactory()
    record = product.stockrecords.first()
    company = CompanyFactory()
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"scan{n}", email=f"scan{n}@example.com") for n in range(60)
    )
    CompanyMember.objects.bulk_create(CompanyMember(company=company, user=u) for u in users)
    # The bulk of a real table: anonymous and submitted baskets; a few open ones of buyers.
    baskets = Basket.objects.bulk_create(
        [Basket(owner=None) for _ in range(3000)]
        + [Basket(owner=users[n % 60], status=Basket.SUBMITTED) for n in range(3000)]
        + [Basket(owner=u) for u in users]
    )
    Line.objects.bulk_create(
        Line(basket=b, product=product, stockrecord=record, quantity=1, line_reference=f"l{b.pk}",
             price_currency="EUR", price_excl_tax=Decimal("3.00"))
        for b in baskets
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE basket_basket; ANALYZE basket_line; ANALYZE companies_companymember;"
            " ANALYZE auth_user"
        )
    now = timezone.now()

    with CaptureQueriesContext(connection) as ctx:
        found = list(
            baskets_idle_iter(
                idle_before=now + datetime.timedelta(minutes=1),
                active_since=now - datetime.timedelta(days=1),
            )
        )

    assert len(found) == 60
    (candidates,) = [q["sql"] for q in ctx.captured_queries if 'FROM "basket_basket"' in q["sql"]]
    plan = _plan(candidates)
    # At this size the planner may start from the 60 members (owner index) or from the
    # partial index; either way it never reads the whole basket or line table. (The plan over
    # 1,000,000 baskets, an index-only walk of basket_open_owned_idx, is in make bench-followups.)
    assert "Seq Scan on basket_basket" not in plan, plan
    assert "Seq Scan on basket_line" not in plan, plan
    assert "basket_open_owned_idx" in plan or "owner_id" in plan, plan
