"""Reads over the credit line: balance, available credit, open items and overdue amounts."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.apps import apps
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from shop.companies.models import AuditEntry, Company
from shop.credit.models import CreditAccount, LedgerEntry
from shop.money import money_round

ZERO = Decimal("0.00")
AWAITING_APPROVAL = "Awaiting approval"
TERMS_DAYS = {
    Company.PaymentTerms.NET_15: 15,
    Company.PaymentTerms.NET_30: 30,
    Company.PaymentTerms.NET_60: 60,
}


def payment_terms_days(*, company: Company) -> int:
    """Return the days the company has to pay an invoice (0 for card-only companies)."""
    return TERMS_DAYS.get(company.payment_terms, 0)


def due_date_for(*, company: Company, ordered_on: date) -> date:
    """Return the due date of an order placed on a day: that day plus the payment terms."""
    return ordered_on + timedelta(days=payment_terms_days(company=company))


def credit_company(*, company_id: int) -> Company | None:
    """Return the company with its account manager, or None when it no longer exists."""
    return Company.objects.select_related("account_manager").filter(pk=company_id).first()


def credit_account_settings(*, company: Company) -> CreditAccount:
    """Return the company's credit-control settings (defaults when none were saved)."""
    account = CreditAccount.objects.filter(company=company).first()
    return account or CreditAccount(company=company)


def ledger_entries(*, company: Company):
    """Return the company's ledger, oldest first."""
    return LedgerEntry.objects.filter(company=company).select_related("order", "created_by")


def credit_balance(*, company: Company) -> Decimal:
    """Return what the company owes now (debits minus credits, in its currency)."""
    total = LedgerEntry.objects.filter(company=company, currency=company.currency).aggregate(
        total=Sum("amount")
    )["total"]
    # SQLite sums decimals as floats ("1851.55000000000"): every entry is in cents.
    return money_round(total) if total is not None else ZERO


def pending_approval_total(*, company: Company) -> Decimal:
    """Return the total of the company's orders awaiting approval (not yet on the ledger)."""
    pending_total_for_company = None
    if apps.is_installed("shop.approvals"):
        try:
            from shop.approvals.selectors import pending_total_for_company
        except ImportError:
            pending_total_for_company = None
    if pending_total_for_company is not None:
        return money_round(Decimal(pending_total_for_company(company=company) or ZERO))
    # Until the approvals app exposes its total: Oscar orders in "Awaiting approval" that
    # have no debit on the ledger yet (so nothing is counted twice).
    Order = get_model("order", "Order")
    on_ledger = LedgerEntry.objects.filter(company=company, kind=LedgerEntry.Kind.ORDER).values(
        "reference"
    )
    total = (
        Order.objects.filter(company=company, status=AWAITING_APPROVAL, currency=company.currency)
        .exclude(number__in=on_ledger)
        .aggregate(total=Sum("total_incl_tax"))["total"]
    )
    return money_round(total) if total is not None else ZERO


def credit_available(*, company: Company) -> Decimal:
    """Return the credit left: limit − open balance − orders awaiting approval."""
    return (
        company.credit_limit
        - credit_balance(company=company)
        - pending_approval_total(company=company)
    )


@dataclass(frozen=True)
class OpenItem:
    entry: LedgerEntry
    open_amount: Decimal
    due_date: date | None
    days_overdue: int


def credit_open_items(*, company: Company, today: date | None = None) -> list[OpenItem]:
    """Return the debits not yet paid, credits applied to the oldest due debits first."""
    today = today or timezone.localdate()
    entries = list(ledger_entries(company=company).filter(currency=company.currency))
    credit = -sum((e.amount for e in entries if e.amount < 0), ZERO)
    debits = sorted(
        (e for e in entries if e.amount > 0),
        key=lambda e: (e.due_date or e.created_at.date(), e.created_at, e.pk),
    )
    items = []
    for entry in debits:
        applied = min(credit, entry.amount)
        credit -= applied
        remaining = entry.amount - applied
        if remaining <= 0:
            continue
        due = entry.due_date or timezone.localdate(entry.created_at)
        items.append(OpenItem(entry, remaining, due, max((today - due).days, 0)))
    return items


def credit_overdue(*, company: Company, today: date | None = None) -> Decimal:
    """Return the amount past its due date on the given day."""
    items = credit_open_items(company=company, today=today)
    return sum((item.open_amount for item in items if item.days_overdue > 0), ZERO)


def credit_hold_reason(
    *, company: Company, account: CreditAccount | None = None, today: date | None = None
) -> str:
    """Return why the account is on credit hold, or "" when it is not."""
    today = today or timezone.localdate()
    account = account or credit_account_settings(company=company)
    if account.hold_after_days_overdue is None:
        return ""
    if account.hold_override_until and account.hold_override_until >= today:
        return ""
    late = [
        item
        for item in credit_open_items(company=company, today=today)
        if item.days_overdue > account.hold_after_days_overdue
    ]
    if not late:
        return ""
    oldest = max(late, key=lambda item: item.days_overdue)
    return _(
        "The account of %(company)s is on credit hold: %(amount)s %(currency)s is overdue, the "
        "oldest invoice (%(reference)s, due %(due)s) by %(days)s days, more than the "
        "%(allowed)s days allowed. Pay the overdue invoices or contact your account manager."
    ) % {
        "company": company,
        "amount": sum((item.open_amount for item in late), ZERO),
        "currency": company.currency,
        "reference": oldest.entry.reference,
        "due": oldest.due_date.isoformat(),
        "days": oldest.days_overdue,
        "allowed": account.hold_after_days_overdue,
    }


@dataclass(frozen=True)
class Statement:
    company: Company
    limit: Decimal
    balance: Decimal
    pending: Decimal
    available: Decimal
    overdue: Decimal
    items: list[OpenItem]
    hold_reason: str


def credit_statement(*, company: Company, today: date | None = None) -> Statement:
    """Return the company's statement: open items, due dates, overdue, balance and credit left."""
    today = today or timezone.localdate()
    items = credit_open_items(company=company, today=today)
    balance = credit_balance(company=company)
    pending = pending_approval_total(company=company)
    return Statement(
        company=company,
        limit=company.credit_limit,
        balance=balance,
        pending=pending,
        available=company.credit_limit - balance - pending,
        overdue=sum((item.open_amount for item in items if item.days_overdue > 0), ZERO),
        items=items,
        hold_reason=credit_hold_reason(company=company, today=today),
    )


CREDIT_AUDIT_ACTIONS = ("credit.settings_updated", "credit.hold_override")


def credit_settings_history(*, company: Company, limit: int = 20) -> list:
    """Return who changed the credit settings, limit and holds, when, old → new; newest first.

    Each entry gets ``changes``: (label, old, new) tuples, and ``note`` (a hold's reason).
    """
    labels = {
        "credit_limit": _("Credit limit"),
        "hold_after_days_overdue": CreditAccount._meta.get_field(
            "hold_after_days_overdue"
        ).verbose_name,
        "warning_percent": CreditAccount._meta.get_field("warning_percent").verbose_name,
        "po_number_required": CreditAccount._meta.get_field("po_number_required").verbose_name,
        "until": CreditAccount._meta.get_field("hold_override_until").verbose_name,
    }
    entries = (
        AuditEntry.objects.filter(company=company)
        .filter(Q(action__in=CREDIT_AUDIT_ACTIONS) | Q(action="company.updated"))
        .select_related("actor")
        .order_by("-created_at", "-id")
    )
    history = []
    for entry in entries[: limit * 3]:
        detail = entry.detail or {}
        if entry.action == "company.updated":
            if "credit_limit" not in detail:
                continue  # another field of the company: not credit control
            detail = {"credit_limit": detail["credit_limit"]}
        history.append(entry)
        entry.note = ""
        if entry.action == "credit.hold_override":
            entry.note = detail.get("reason", "")
            detail = {"until": {"old": None, "new": detail.get("until")}}
        entry.changes = [
            (capfirst(str(labels.get(field, field))), change.get("old"), change.get("new"))
            for field, change in detail.items()
            if isinstance(change, dict)
        ]
        if len(history) == limit:
            break
    return history


@dataclass(frozen=True)
class CreditPosition:
    """A company's credit line at a glance: what is used of the limit and what is overdue."""

    company_id: int
    limit: Decimal
    balance: Decimal
    pending: Decimal
    overdue: Decimal
    currency: str

    @property
    def used(self) -> Decimal:
        return self.balance + self.pending

    @property
    def used_percent(self) -> int | None:
        """Percent of the limit used (balance plus approvals waiting); None without a limit."""
        if self.limit <= 0:
            return None
        return int(self.used * 100 / self.limit)


def credit_positions(*, company_ids: list[int] | None, today: date | None = None) -> dict:
    """Credit position per company ({company_id: CreditPosition}) in three queries.

    Overdue follows ``credit_open_items``: credits pay the oldest due debits first, so what is
    overdue is the debits due before today less all credits, never below zero.
    """
    from shop.approvals.selectors import approval_requests_pending_by_company

    today = today or timezone.localdate()
    companies = Company.objects.all()
    if company_ids is not None:
        companies = companies.filter(pk__in=company_ids)
    rows = (
        LedgerEntry.objects.filter(company__in=companies, currency=F("company__currency"))
        .annotate(due=Coalesce("due_date", TruncDate("created_at")))
        .values("company_id")
        .annotate(
            balance=Sum("amount"),
            credits=Sum("amount", filter=Q(amount__lt=0)),
            overdue_debits=Sum("amount", filter=Q(amount__gt=0, due__lt=today)),
        )
        .order_by("company_id")
    )
    sums = {row["company_id"]: row for row in rows}
    pending = approval_requests_pending_by_company(
        company_ids=None if company_ids is None else list(company_ids)
    )
    positions = {}
    for company_id, limit, currency in companies.values_list("pk", "credit_limit", "currency"):
        row = sums.get(company_id, {})
        credits = -Decimal(str(row.get("credits") or 0))
        overdue_debits = Decimal(str(row.get("overdue_debits") or 0))
        positions[company_id] = CreditPosition(
            company_id=company_id,
            limit=limit,
            balance=money_round(Decimal(str(row.get("balance") or 0))),
            pending=money_round(pending.get(company_id, {}).get("total", ZERO)),
            overdue=money_round(max(overdue_debits - credits, ZERO)),
            currency=currency,
        )
    return positions


def ledger_payments_for_company(*, company_id: int, limit: int = 50) -> list[LedgerEntry]:
    """A company's payments received (credits of kind payment), newest first."""
    return list(
        LedgerEntry.objects.filter(company_id=company_id, kind=LedgerEntry.Kind.PAYMENT)
        .select_related("created_by")
        .order_by("-created_at", "-id")[:limit]
    )
