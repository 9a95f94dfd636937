"""The credit line under real concurrency (PostgreSQL, real threads, committed transactions):
two orders placed at once that together exceed the limit: exactly one is authorised."""

import time
from decimal import Decimal

import pytest
from django.db import connection, transaction

from shop.credit import selectors, services
from shop.credit.models import LedgerEntry
from shop.credit.services import CreditRefused
from tests.helpers import race as _race

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: row locks and concurrent transactions (SQLite serialises "
            "writers); run with DATABASE_URL=postgres://..."
        )


def test_two_orders_that_together_exceed_the_limit_one_is_authorised(
    company, buyer_member, monkeypatch
):
    company.credit_limit = Decimal("1000.00")
    company.save()
    # Reading the balance takes a while, so without the row lock both would read 0.00.
    original = selectors.credit_balance

    def slow_balance(**kwargs):
        result = original(**kwargs)
        time.sleep(0.3)
        return result

    monkeypatch.setattr(selectors, "credit_balance", slow_balance)

    def order(number):
        def job():
            with transaction.atomic():
                return services.credit_authorise_order(
                    company=company, order_number=number, amount=Decimal("600.00"),
                    currency="EUR", user=buyer_member.user,
                )  # fmt: skip

        return job

    results = _race(order("200001"), order("200002"))
    won = [r for r in results if isinstance(r, services.Authorisation)]
    lost = [r for r in results if isinstance(r, CreditRefused)]
    assert (len(won), len(lost)) == (1, 1), results
    assert "available 400.00 EUR" in lost[0].message
    assert LedgerEntry.objects.count() == 1
    assert original(company=company) == Decimal("600.00")
