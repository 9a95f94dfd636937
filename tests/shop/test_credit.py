"""Pay on account against a credit line: the ledger, authorisation at checkout, credit control,
the PO-number setting, the statement and the higher-limit request."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from crm_embedded.accounts.forms import HoldOverrideForm, LedgerCreditForm
from crm_embedded.tasks.models import Task
from shop.companies.models import AuditEntry
from shop.credit import selectors, services
from shop.credit.forms import LimitRequestForm
from shop.credit.models import CreditAccount, LedgerEntry, LedgerImmutableError
from shop.credit.services import CreditError, CreditRefused
from tests.factories import CompanyFactory, CompanyMemberFactory, ProductFactory

Country = get_model("address", "Country")
Order = get_model("order", "Order")

pytestmark = pytest.mark.django_db


def _today():
    return timezone.localdate()


def _debit(company, amount, *, number, days_ago=0, due_in=30):
    created = timezone.now() - timedelta(days=days_ago)
    return LedgerEntry.objects.create(
        company=company, kind=LedgerEntry.Kind.ORDER, amount=Decimal(amount), currency="EUR",
        reference=number, created_at=created,
        due_date=timezone.localdate(created) + timedelta(days=due_in),
    )  # fmt: skip


# --- the ledger ---------------------------------------------------------------------------


def test_ledger_entries_are_immutable(company):
    entry = _debit(company, "100.00", number="100001")
    entry.amount = Decimal("1.00")
    with pytest.raises(LedgerImmutableError):
        entry.save()
    with pytest.raises(LedgerImmutableError):
        entry.delete()
    assert LedgerEntry.objects.get().amount == Decimal("100.00")


def test_balance_available_open_items_and_overdue(company, account_manager):
    company.credit_limit = Decimal("1000.00")
    _debit(company, "300.00", number="100001", days_ago=50)  # due 20 days ago
    _debit(company, "200.00", number="100002", days_ago=10)  # due in 20 days
    services.ledger_record_payment(
        company=company, amount=Decimal("100.00"), currency="EUR", reference="BANK-1",
        user=account_manager,
    )  # fmt: skip
    assert selectors.credit_balance(company=company) == Decimal("400.00")
    assert selectors.credit_available(company=company) == Decimal("600.00")
    items = selectors.credit_open_items(company=company, today=_today())
    # The payment goes to the oldest invoice first.
    assert [(i.entry.reference, i.open_amount, i.days_overdue) for i in items] == [
        ("100001", Decimal("200.00"), 20),
        ("100002", Decimal("200.00"), 0),
    ]
    assert selectors.credit_overdue(company=company, today=_today()) == Decimal("200.00")
    assert selectors.credit_overdue(company=company, today=_today() - timedelta(days=21)) == 0


def test_approvals_total_is_read_from_the_approvals_app(company, monkeypatch):
    import sys
    import types

    from django.apps import apps

    monkeypatch.setattr(apps, "is_installed", lambda name: True)

    fake = types.ModuleType("shop.approvals.selectors")
    fake.pending_total_for_company = lambda company: Decimal("123.45")
    monkeypatch.setitem(sys.modules, "shop.approvals.selectors", fake)
    company.credit_limit = Decimal("1000.00")
    assert selectors.pending_approval_total(company=company) == Decimal("123.45")
    assert selectors.credit_available(company=company) == Decimal("876.55")


def test_orders_awaiting_approval_use_up_credit_without_the_approvals_app(
    company, buyer_member, monkeypatch
):
    import sys

    from oscar.test.factories import create_order

    monkeypatch.setitem(sys.modules, "shop.approvals.selectors", None)  # import fails
    company.credit_limit = Decimal("1000.00")
    order = create_order(user=buyer_member.user)
    Order.objects.filter(pk=order.pk).update(
        company=company, status="Awaiting approval", currency="EUR"
    )
    order.refresh_from_db()
    assert selectors.pending_approval_total(company=company) == order.total_incl_tax
    assert selectors.credit_available(company=company) == Decimal("1000.00") - order.total_incl_tax
    # Once its debit is on the ledger it is not counted twice.
    _debit(company, order.total_incl_tax, number=order.number)
    assert selectors.pending_approval_total(company=company) == 0


def test_due_date_follows_the_payment_terms(company):
    company.payment_terms = company.PaymentTerms.NET_60
    assert selectors.due_date_for(company=company, ordered_on=date(2026, 1, 31)) == date(2026, 4, 1)


# --- authorisation -------------------------------------------------------------------------


def test_authorise_writes_one_debit_with_its_due_date(company, buyer_member):
    auth = services.credit_authorise_order(
        company=company, order_number="100010", amount=Decimal("250.00"), currency="EUR",
        user=buyer_member.user,
    )  # fmt: skip
    assert (auth.entry.amount, auth.entry.kind, auth.entry.reference) == (
        Decimal("250.00"),
        "order",
        "100010",
    )
    assert auth.entry.due_date == _today() + timedelta(days=30)
    again = services.credit_authorise_order(
        company=company, order_number="100010", amount=Decimal("250.00"), currency="EUR",
        user=buyer_member.user,
    )  # fmt: skip
    assert again.entry.pk == auth.entry.pk and LedgerEntry.objects.count() == 1


def test_over_the_limit_is_refused_with_the_figures(company, buyer_member):
    company.credit_limit = Decimal("1000.00")
    company.save()
    _debit(company, "800.00", number="100001")
    with pytest.raises(CreditRefused) as refused:
        services.credit_authorise_order(
            company=company, order_number="100011", amount=Decimal("250.00"), currency="EUR",
            user=buyer_member.user,
        )  # fmt: skip
    message = refused.value.message
    for figure in ("250.00", "1,000.00", "800.00", "available 200.00 EUR"):
        assert figure in message, message
    assert not refused.value.on_hold
    assert LedgerEntry.objects.count() == 1


@pytest.mark.parametrize("amount", ["-5", "0", "abc", "1.005"])
def test_authorise_refuses_bad_amounts(company, buyer_member, amount):
    with pytest.raises(CreditError) as error:
        services.credit_authorise_order(
            company=company, order_number="100012", amount=amount, currency="EUR",
            user=buyer_member.user,
        )  # fmt: skip
    assert "amount" in error.value.message
    assert not LedgerEntry.objects.exists()


def test_an_approved_request_placed_as_an_order_is_not_counted_twice(
    company, buyer_member, monkeypatch
):
    company.credit_limit = Decimal("1000.00")
    # The request (600.00) is still pending while its order is placed.
    monkeypatch.setattr(selectors, "pending_approval_total", lambda company: Decimal("600.00"))
    with pytest.raises(CreditRefused):
        services.credit_authorise_order(
            company=company, order_number="100015", amount=Decimal("600.00"), currency="EUR",
            user=buyer_member.user,
        )  # fmt: skip
    auth = services.credit_authorise_order(
        company=company, order_number="100015", amount=Decimal("600.00"), currency="EUR",
        user=buyer_member.user, releasing_pending=Decimal("600.00"),
    )  # fmt: skip
    assert auth.entry.amount == Decimal("600.00")


def test_another_currency_is_refused(company, buyer_member):
    with pytest.raises(CreditRefused, match="kept in EUR"):
        services.credit_authorise_order(
            company=company, order_number="100013", amount=Decimal("5.00"), currency="GBP",
            user=buyer_member.user,
        )  # fmt: skip


def test_credit_hold_when_overdue_beyond_the_days_allowed_and_the_override(
    company, buyer_member, account_manager
):
    CreditAccount.objects.create(company=company, hold_after_days_overdue=10)
    _debit(company, "100.00", number="100001", days_ago=45)  # 15 days overdue
    with pytest.raises(CreditRefused) as refused:
        services.credit_authorise_order(
            company=company, order_number="100014", amount=Decimal("5.00"), currency="EUR",
            user=buyer_member.user,
        )  # fmt: skip
    assert refused.value.on_hold
    assert "credit hold" in refused.value.message and "by 15 days" in refused.value.message
    with pytest.raises(CreditError, match="reason"):
        services.credit_hold_override(
            company=company, reason="ok", until=_today(), user=account_manager
        )
    services.credit_hold_override(
        company=company, reason="Payment promised by phone for Friday", until=_today(),
        user=account_manager,
    )  # fmt: skip
    audit = AuditEntry.objects.get(action="credit.hold_override")
    assert audit.actor == account_manager and "Friday" in audit.detail["reason"]
    services.credit_authorise_order(
        company=company, order_number="100014", amount=Decimal("5.00"), currency="EUR",
        user=buyer_member.user,
    )  # fmt: skip
    # The override ends after its day.
    assert selectors.credit_hold_reason(company=company, today=_today() + timedelta(days=1))


def test_warning_band(company):
    company.credit_limit = Decimal("1000.00")
    CreditAccount.objects.create(company=company, warning_percent=80)
    _debit(company, "700.00", number="100001")
    assert services.credit_warning(company=company, amount=Decimal("100.00")) == ""
    warning = services.credit_warning(company=company, amount=Decimal("150.00"))
    assert "850.00" in warning and "1,000.00" in warning and "80%" in warning


# --- staff: payments and credit notes ---------------------------------------------------------


@pytest.mark.parametrize("amount", ["-10", "ten", "0"])
def test_payment_amounts_must_be_positive_numbers(company, account_manager, amount):
    with pytest.raises(CreditError) as error:
        services.ledger_record_payment(
            company=company, amount=amount, currency="EUR", reference="X", user=account_manager
        )
    assert error.value.field == "amount"


def test_credit_note_is_a_credit_and_audited(company, account_manager):
    entry = services.ledger_record_credit_note(
        company=company, amount=Decimal("40.00"), currency="EUR", reference="CN-7",
        user=account_manager,
    )  # fmt: skip
    assert entry.amount == Decimal("-40.00") and entry.kind == "credit_note"
    assert AuditEntry.objects.filter(action="credit.credit_note", company=company).exists()


@pytest.mark.parametrize("value", ["-5", "abc", "0", "1.234"])
def test_forms_refuse_negative_and_letter_amounts(value):
    for form in (
        LimitRequestForm({"amount": value, "currency": "EUR"}),
        LedgerCreditForm({"amount": value, "reference": "R1"}),
    ):
        assert not form.is_valid()
        assert "amount" in form.errors[next(iter(form.errors))][0] or form.errors["amount"]
    assert LedgerCreditForm({"amount": "12.50", "reference": "R1"}).is_valid()
    assert not HoldOverrideForm({"reason": "short", "until": "2026-01-01"}).is_valid()


# --- checkout ---------------------------------------------------------------------------------


def _to_preview(client, product, quantity=2):
    Country.objects.get_or_create(
        iso_3166_1_a2="DE", defaults={"name": "Germany", "is_shipping_country": True}
    )
    client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity})
    client.post(reverse("checkout:shipping-address"), {
        "first_name": "Jonas", "last_name": "Weber", "line1": "Ring 1", "line4": "Koeln",
        "postcode": "50667", "country": "DE", "phone_number": "",
    })  # fmt: skip
    for step in ("checkout:shipping-method", "checkout:payment-method", "checkout:preview"):
        assert client.get(reverse(step), follow=True).status_code == 200


def test_checkout_on_account_writes_the_debit_linked_to_the_order(client, buyer_member):
    client.force_login(buyer_member.user)
    _to_preview(client, ProductFactory())
    response = client.post(reverse("checkout:preview"), {"action": "place_order"})
    assert response.status_code == 302, response.content.decode()[:2000]
    order = Order.objects.get()
    entry = LedgerEntry.objects.get()
    assert (entry.order, entry.amount, entry.company) == (
        order,
        order.total_incl_tax,
        buyer_member.company,
    )


def test_checkout_over_the_limit_is_refused_with_ways_out(client, buyer_member):
    company = buyer_member.company
    company.credit_limit = Decimal("10.00")
    company.save()
    client.force_login(buyer_member.user)
    _to_preview(client, ProductFactory())
    response = client.post(reverse("checkout:preview"), {"action": "place_order"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "more than the credit available" in html and "credit limit 10.00" in html
    assert 'id="credit-limit-request"' in html and "Request a higher limit" in html
    assert "Pay by card: card payment is not available right now" in html  # no Stripe keys
    assert not Order.objects.exists() and not LedgerEntry.objects.exists()


def test_a_failed_order_placement_leaves_no_debit(client, buyer_member, monkeypatch):
    from oscar.apps.order.exceptions import UnableToPlaceOrder

    from shop.checkout.views import PaymentDetailsView

    def fail(self, *args, **kwargs):
        raise UnableToPlaceOrder("stock ran out")

    monkeypatch.setattr(PaymentDetailsView, "_place_order", fail)
    client.force_login(buyer_member.user)
    _to_preview(client, ProductFactory())
    client.post(reverse("checkout:preview"), {"action": "place_order"})
    assert not Order.objects.exists() and not LedgerEntry.objects.exists()


def test_warning_band_shown_at_checkout(client, buyer_member):
    company = buyer_member.company
    company.credit_limit = Decimal("30.00")
    company.save()
    CreditAccount.objects.create(company=company, warning_percent=50)
    client.force_login(buyer_member.user)
    _to_preview(client, ProductFactory())  # 2 x 12.50
    html = client.get(reverse("checkout:preview")).content.decode()
    assert 'id="credit-warning"' in html and "credit limit" in html


def test_po_number_required_when_the_company_says_so(client, buyer_member):
    client.force_login(buyer_member.user)
    _to_preview(client, ProductFactory())
    CreditAccount.objects.create(company=buyer_member.company, po_number_required=True)
    response = client.post(reverse("checkout:preview"), {"action": "place_order"})
    assert "requires a purchase order number" in response.content.decode()
    assert not Order.objects.exists()
    response = client.post(
        reverse("checkout:preview"), {"action": "place_order", "purchase_order_number": "PO-1"}
    )
    assert response.status_code == 302
    assert Order.objects.get().purchase_order_number == "PO-1"


def test_po_number_stays_optional_by_default(client, buyer_member):
    client.force_login(buyer_member.user)
    _to_preview(client, ProductFactory())
    assert client.post(reverse("checkout:preview"), {"action": "place_order"}).status_code == 302


# --- request a higher limit -----------------------------------------------------------------


def test_request_a_higher_limit_creates_one_task_a_day(
    client, buyer_member, account_manager, django_capture_on_commit_callbacks
):
    client.force_login(buyer_member.user)
    url = reverse("company:credit-limit-request")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"amount": "2500.00", "currency": "EUR"})
        assert response.status_code == 302
    task = Task.objects.get()
    assert task.owner == account_manager and task.company == buyer_member.company
    assert "2500.00 EUR" in task.title
    assert task.url == reverse("crm:company-credit", kwargs={"pk": buyer_member.company.pk})
    assert task.key == f"credit-limit:{buyer_member.company.pk}:{_today().isoformat()}"
    assert "account manager" in str(list(get_messages(response.wsgi_request))[-1])


def test_request_with_a_bad_amount_says_why(client, buyer_member):
    client.force_login(buyer_member.user)
    response = client.post(
        reverse("company:credit-limit-request"), {"amount": "-3", "currency": "EUR"}, follow=True
    )
    assert "greater than zero" in response.content.decode()
    assert not Task.objects.exists()


def test_a_failing_crm_receiver_does_not_break_the_request(client, buyer_member, monkeypatch):
    import crm_embedded.tasks.receivers as receivers

    def boom(**kwargs):
        raise RuntimeError("CRM down")

    monkeypatch.setattr(receivers, "credit_limit_task_create", boom)
    client.force_login(buyer_member.user)
    response = client.post(
        reverse("company:credit-limit-request"), {"amount": "20.00", "currency": "EUR"}
    )
    assert response.status_code == 302


# --- the statement --------------------------------------------------------------------------


def test_statement_page_and_csv_are_scoped_to_the_company(client, admin_member, buyer_member):
    company = admin_member.company
    _debit(company, "300.00", number="100001", days_ago=50)
    other = CompanyFactory()
    _debit(other, "999.00", number="900001")
    client.force_login(buyer_member.user)
    html = client.get(reverse("company:home")).content.decode()
    assert reverse("company:statement") in html
    html = client.get(reverse("company:statement")).content.decode()
    assert "100001" in html and "900001" not in html and "20 days overdue" in html
    assert 'id="statement-csv"' not in html  # buyers see it, admins download it
    assert client.get(reverse("company:statement-csv")).status_code == 403
    client.force_login(admin_member.user)
    response = client.get(reverse("company:statement-csv"))
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "100001" in body and "900001" not in body and "300.00" in body
    assert "Available credit" in body


def test_statement_for_a_non_member_redirects(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get(reverse("company:statement"))
    assert response.status_code == 302


def test_other_company_member_sees_only_their_own(client):
    member = CompanyMemberFactory()
    _debit(CompanyFactory(), "999.00", number="900002")
    client.force_login(member.user)
    assert "900002" not in client.get(reverse("company:statement")).content.decode()


# --- the CRM: payments, credit notes, hold override -------------------------------------------


def test_account_manager_records_a_payment_and_a_credit_note(client, company, account_manager):
    _debit(company, "300.00", number="100001")
    client.force_login(account_manager)
    url = reverse("crm:company-credit", kwargs={"pk": company.pk})
    assert "100001" in client.get(url).content.decode()
    response = client.post(url, {"action": "payment", "payment-amount": "-5",
                                 "payment-reference": "BANK-1"})  # fmt: skip
    assert "greater than zero" in response.content.decode()
    response = client.post(url, {"action": "payment", "payment-amount": "abc",
                                 "payment-reference": "BANK-1"})  # fmt: skip
    assert "as a number" in response.content.decode()
    assert client.post(url, {"action": "payment", "payment-amount": "250.00",
                             "payment-reference": "BANK-1"}).status_code == 302  # fmt: skip
    assert client.post(url, {"action": "credit_note", "credit_note-amount": "50.00",
                             "credit_note-reference": "CN-1"}).status_code == 302  # fmt: skip
    assert selectors.credit_balance(company=company) == Decimal("0.00")
    entry = LedgerEntry.objects.get(kind="payment")
    assert (entry.amount, entry.created_by) == (Decimal("-250.00"), account_manager)


def test_account_manager_lifts_a_hold_with_a_reason(client, company, account_manager):
    client.force_login(account_manager)
    url = reverse("crm:company-credit", kwargs={"pk": company.pk})
    response = client.post(url, {"action": "hold_override", "hold_override-reason": "ok",
                                 "hold_override-until": _today().isoformat()})  # fmt: skip
    assert (
        response.status_code == 200
        and not AuditEntry.objects.filter(action="credit.hold_override").exists()
    )
    response = client.post(url, {"action": "hold_override",
                                 "hold_override-reason": "Customer paid by cheque, clearing",
                                 "hold_override-until": _today().isoformat()})  # fmt: skip
    assert response.status_code == 302
    assert CreditAccount.objects.get(company=company).hold_override_by == account_manager


def test_another_managers_company_is_a_404(client, account_manager):
    client.force_login(account_manager)
    other = CompanyFactory()
    url = reverse("crm:company-credit", kwargs={"pk": other.pk})
    assert client.get(url).status_code == 404
    response = client.post(url, {"action": "payment", "payment-amount": "10",
                                 "payment-reference": "X"})  # fmt: skip
    assert response.status_code == 404 and not LedgerEntry.objects.exists()


def test_statement_query_count_does_not_grow_with_the_ledger(client, admin_member):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    company = admin_member.company
    client.force_login(admin_member.user)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("company:statement")).status_code == 200
        return len(queries)

    _debit(company, "10.00", number="300000")
    count()  # the first request fills per-process caches
    small = count()
    for n in range(1, 8):
        _debit(company, "10.00", number=f"30000{n}", days_ago=n * 10)
    assert count() == small


def test_statement_csv_totals_are_in_cents(client, admin_member):
    """SQLite sums decimals as floats: the CSV read "Open balance … 1851.55000000000"."""
    company = admin_member.company
    _debit(company, "1000.10", number="100001")
    _debit(company, "851.45", number="100002")
    client.force_login(admin_member.user)
    body = client.get(reverse("company:statement-csv")).content.decode()
    summary = {row.split(",")[0]: row.split(",")[5] for row in body.splitlines()[4:] if row}
    assert summary["Open balance"] == "1851.55"
    assert summary["Available credit"] == "98148.45"
