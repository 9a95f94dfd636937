"""Two people give the same part number at once (PostgreSQL, real threads): one wins, the
other gets a message, never a 500 from the unique constraint."""

import time

import pytest
from django.db import connection

from shop.partnumbers import services
from shop.partnumbers.models import CustomerPartNumber
from shop.partnumbers.services import PartNumberError
from tests.helpers import race

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: concurrent transactions; run with DATABASE_URL=postgres://..."
        )


@pytest.fixture
def slow_check(monkeypatch):
    """Both requests pass the check before either saves (the window the constraint closes)."""
    original = services.checks._rows_check

    def slow(**kwargs):
        original(**kwargs)
        time.sleep(0.3)

    # The writers call the check through its module (shop.partnumbers.services.checks).
    monkeypatch.setattr(services.checks, "_rows_check", slow)


def test_the_same_number_for_two_products_at_once_one_wins(
    company, admin_member, account_manager, products, slow_check
):
    def give(user, sku):
        return lambda: services.part_number_create(
            company=company, part_number="RAS-1", sku=sku, by_user=user
        )

    results = race(give(admin_member.user, "AUT-FL-0001"), give(account_manager, "AUT-FL-0002"))
    won = [r for r in results if isinstance(r, CustomerPartNumber)]
    lost = [r for r in results if isinstance(r, PartNumberError)]
    assert (len(won), len(lost)) == (1, 1), results
    assert "Someone else just gave" in lost[0].message
    assert company.part_numbers.count() == 1


def test_two_imports_at_once_never_half_import(
    company, admin_member, account_manager, products, slow_check
):
    def upload(user, data):
        def job():
            report = services.part_numbers_import_check(company=company, data=data)
            return services.part_numbers_import_apply(
                company=company, report=report, by_user=user, valid_only=False
            )

        return job

    results = race(
        upload(admin_member.user, b"RAS-1,AUT-FL-0001\nRAS-2,AUT-FL-0002\n"),
        upload(account_manager, b"RAS-3,AUT-FL-0003\nRAS-1,AUT-FL-0002\n"),
    )
    lost = [r for r in results if isinstance(r, PartNumberError)]
    assert len(lost) == 1 and "nothing was imported" in lost[0].message, results
    numbers = set(company.part_numbers.values_list("part_number", flat=True))
    assert numbers in ({"RAS-1", "RAS-2"}, {"RAS-3", "RAS-1"})
