"""Credit control settings in the CRM: limit, hold after N days overdue, warning band (audited)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from shop.companies.models import AuditEntry
from shop.credit import selectors, services
from shop.credit.models import CreditAccount
from shop.credit.services import CreditError
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "action": "settings",
    "settings-credit_limit": "25000.00",
    "settings-hold_after_days_overdue": "30",
    "settings-warning_percent": "75",
    "settings-po_number_required": "on",
}


def _url(company) -> str:
    return reverse("crm:company-credit", kwargs={"pk": company.pk})


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("credit_limit", "-100", "cannot be negative"),
        ("credit_limit", "lots", "as a number"),
        ("credit_limit", "", "Enter the credit limit"),
        ("hold_after_days_overdue", "-1", "Enter 0 or more days"),
        ("hold_after_days_overdue", "abc", "whole number of days"),
        ("hold_after_days_overdue", "400", "at most 365 days"),
        ("warning_percent", "0", "between 1 and 100"),
        ("warning_percent", "eighty", "whole percentage"),
        ("warning_percent", "101", "between 1 and 100"),
    ],
)
def test_bad_input_is_explained_and_nothing_changes(
    client, company, account_manager, field, value, message
):
    client.force_login(account_manager)
    response = client.post(_url(company), {**GOOD, f"settings-{field}": value})
    assert response.status_code == 400
    assert message in response.content.decode()
    limit = company.credit_limit
    company.refresh_from_db()
    assert company.credit_limit == limit and not CreditAccount.objects.exists()
    assert not AuditEntry.objects.exists()


def test_the_account_manager_changes_the_settings_and_each_change_is_audited(
    client, company, account_manager
):
    company.credit_limit = Decimal("0.00")
    company.save()
    client.force_login(account_manager)
    html = client.get(_url(company)).content.decode()
    assert 'id="credit-settings-form"' in html and 'name="settings-warning_percent"' in html
    assert client.post(_url(company), GOOD).status_code == 302
    company.refresh_from_db()
    account = CreditAccount.objects.get(company=company)
    assert company.credit_limit == Decimal("25000.00")
    assert (account.hold_after_days_overdue, account.warning_percent) == (30, 75)
    assert account.po_number_required
    settings_audit = AuditEntry.objects.get(action="credit.settings_updated")
    assert settings_audit.actor == account_manager
    assert settings_audit.detail == {
        "hold_after_days_overdue": {"old": None, "new": "30"},
        "warning_percent": {"old": "80", "new": "75"},
        "po_number_required": {"old": "False", "new": "True"},
    }
    limit_audit = AuditEntry.objects.get(action="company.updated")
    assert limit_audit.detail == {"credit_limit": {"old": "0.00", "new": "25000.00"}}
    assert limit_audit.actor == account_manager
    # Saving the same values again records nothing.
    client.post(_url(company), GOOD)
    assert AuditEntry.objects.count() == 2
    # Emptying the hold switches it off (old → new recorded).
    client.post(_url(company), {**GOOD, "settings-hold_after_days_overdue": ""})
    assert CreditAccount.objects.get(company=company).hold_after_days_overdue is None
    html = client.get(_url(company)).content.decode()
    history = html.split('id="credit-settings-history"')[1].split("</table>")[0]
    assert "am@partshub.example" in history
    assert (
        "30 → -" in history
        and "Warning band" in history
        and "80 → 75" in history
        and "0.00 → 25000.00" in history
    )


def test_a_sales_manager_may_change_them_another_account_manager_may_not(
    client, company, sales_manager
):
    client.force_login(sales_manager)
    response = client.post(_url(company), {**GOOD, "settings-warning_percent": "90"})
    assert response.status_code == 302
    assert CreditAccount.objects.get(company=company).warning_percent == 90

    other_manager = UserFactory(email="am2@partshub.example", is_staff=True)
    other_manager.groups.add(sales_manager.groups.model.objects.get_or_create(
        name="Account managers")[0])  # fmt: skip
    client.force_login(other_manager)
    assert client.get(_url(company)).status_code == 404
    assert client.post(_url(company), {**GOOD, "settings-warning_percent": "10"}).status_code == 404
    with pytest.raises(CreditError, match="Only the account manager"):
        services.credit_settings_update(
            company=company, user=other_manager, credit_limit=Decimal("1"),
            hold_after_days_overdue=None, warning_percent=10, po_number_required=False,
        )  # fmt: skip
    assert CreditAccount.objects.get(company=company).warning_percent == 90
    client.force_login(UserFactory())  # a customer: no CRM at all
    assert client.post(_url(company), GOOD).status_code in (302, 403)
    assert CreditAccount.objects.get(company=company).warning_percent == 90


def test_the_settings_take_effect_on_hold_and_warning(client, company, account_manager):
    from tests.shop.test_credit import _debit

    company.payment_terms = "net30"
    company.save()
    _debit(company, "800.00", number="100001", days_ago=45)  # 15 days overdue
    services.credit_settings_update(
        company=company, user=account_manager, credit_limit=Decimal("1000.00"),
        hold_after_days_overdue=None, warning_percent=80, po_number_required=False,
    )  # fmt: skip
    assert selectors.credit_hold_reason(company=company) == ""
    assert services.credit_warning(company=company, amount=Decimal("10.00"))
    services.credit_settings_update(
        company=company, user=account_manager, credit_limit=Decimal("1000.00"),
        hold_after_days_overdue=10, warning_percent=95, po_number_required=False,
    )  # fmt: skip
    assert "on credit hold" in selectors.credit_hold_reason(company=company)
    assert services.credit_warning(company=company, amount=Decimal("10.00")) == ""
