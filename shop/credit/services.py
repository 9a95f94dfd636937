"""Writes over the credit line: authorise an order, record payments and credit notes, holds."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from shop.companies import selectors as company_selectors
from shop.companies.models import Company
from shop.companies.services import CompanyError, audit_record, company_update_by_staff
from shop.credit import selectors
from shop.credit.models import CreditAccount, LedgerEntry
from shop.credit.signals import credit_limit_requested
from shop.errors import PortalError
from shop.money import CENT


class CreditError(PortalError):
    """A credit request that cannot be done, with a message for the person who asked."""


class CreditRefused(CreditError):
    """An order that the credit line does not cover (over the limit, or on credit hold)."""

    def __init__(self, message: str, *, on_hold: bool = False):
        super().__init__(message)
        self.on_hold = on_hold


def _money(value, *, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise CreditError(_("Enter the amount as a number, e.g. 1250.00."), field) from None
    if not amount.is_finite() or amount <= 0:
        raise CreditError(_("Enter an amount greater than zero, e.g. 1250.00."), field)
    if amount != amount.quantize(CENT):
        raise CreditError(_("Enter the amount with at most two decimal places."), field)
    return amount


def _fmt(value: Decimal) -> str:
    return f"{value.quantize(CENT):,.2f}"


def credit_account_for(*, company: Company) -> CreditAccount:
    """Return the company's credit-control row, creating it with defaults when missing."""
    try:
        account, _created = CreditAccount.objects.get_or_create(company=company)
    except IntegrityError:  # created by a concurrent request in between
        account = CreditAccount.objects.get(company=company)
    return account


def credit_warning(*, company: Company, amount: Decimal) -> str:
    """Return a warning when this order would take the use of the limit into the warning band."""
    limit = company.credit_limit
    if limit <= 0:
        return ""
    account = selectors.credit_account_settings(company=company)
    used = (
        selectors.credit_balance(company=company)
        + selectors.pending_approval_total(company=company)
        + amount
    )
    if used * 100 <= limit * account.warning_percent:
        return ""
    return _(
        "With this order %(used)s %(currency)s of the %(limit)s %(currency)s credit limit of "
        "%(company)s is in use (more than %(percent)s%%); %(left)s %(currency)s remains."
    ) % {
        "used": _fmt(used),
        "limit": _fmt(limit),
        "currency": company.currency,
        "company": company,
        "percent": account.warning_percent,
        "left": _fmt(max(limit - used, Decimal(0))),
    }


@dataclass(frozen=True)
class Authorisation:
    entry: LedgerEntry
    warning: str


def credit_authorise_order(
    *,
    company: Company,
    order_number: str,
    amount: Decimal,
    currency: str,
    user: AbstractBaseUser | None,
    releasing_pending: Decimal = Decimal("0.00"),
) -> Authorisation:
    """Authorise an order against the company's credit and write its debit, under a row lock.

    ``releasing_pending`` is the approved request's total when the order comes from an approval
    (still counted as pending while it is placed), so the order is not counted twice.
    """
    amount = _money(amount)
    if currency != company.currency:
        raise CreditRefused(
            _(
                "This order is in %(order)s but the account of %(company)s is kept in "
                "%(account)s: pay it by card or ask your account manager."
            )
            % {"order": currency, "company": company, "account": company.currency}
        )
    credit_account_for(company=company)
    with transaction.atomic():
        # The lock serialises every authorisation for this company: two orders placed at
        # once are checked one after the other, so together they never exceed the limit.
        account = CreditAccount.objects.select_for_update().get(company=company)
        existing = LedgerEntry.objects.filter(
            kind=LedgerEntry.Kind.ORDER, reference=order_number, company=company
        ).first()
        if existing is not None:  # the same order submitted twice: one debit
            return Authorisation(existing, "")
        today = timezone.localdate()
        hold = selectors.credit_hold_reason(company=company, account=account, today=today)
        if hold:
            raise CreditRefused(hold, on_hold=True)
        balance = selectors.credit_balance(company=company)
        pending = max(
            selectors.pending_approval_total(company=company) - releasing_pending, Decimal(0)
        )
        available = company.credit_limit - balance - pending
        if amount > available:
            raise CreditRefused(
                _(
                    "This order (%(amount)s %(currency)s) is more than the credit available "
                    "to %(company)s: credit limit %(limit)s, open balance %(balance)s, orders "
                    "awaiting approval %(pending)s, available %(available)s %(currency)s."
                )
                % {
                    "amount": _fmt(amount),
                    "currency": currency,
                    "company": company,
                    "limit": _fmt(company.credit_limit),
                    "balance": _fmt(balance),
                    "pending": _fmt(pending),
                    "available": _fmt(max(available, Decimal(0))),
                }
            )
        warning = credit_warning(company=company, amount=amount)
        entry = LedgerEntry.objects.create(
            company=company,
            kind=LedgerEntry.Kind.ORDER,
            amount=amount,
            currency=currency,
            reference=order_number,
            due_date=selectors.due_date_for(company=company, ordered_on=today),
            created_by=user if user is not None and user.is_authenticated else None,
        )
    return Authorisation(entry, warning)


def ledger_attach_order(*, order_number: str) -> int:
    """Link the order's debit to the order once it exists (the amount is never touched)."""
    Order = get_model("order", "Order")
    order = Order.objects.filter(number=order_number).first()
    if order is None:
        return 0
    return LedgerEntry.objects.filter(
        kind=LedgerEntry.Kind.ORDER, reference=order_number, order__isnull=True
    ).update(order=order)


def ledger_reverse_order(
    *, order, user: AbstractBaseUser | None = None, note: str = ""
) -> LedgerEntry | None:
    """Credit back an order's on-account debit when it is cancelled; once, None without a debit."""
    debit = LedgerEntry.objects.filter(
        kind=LedgerEntry.Kind.ORDER, reference=order.number, company_id=order.company_id
    ).first()
    if debit is None or order.company_id is None:
        return None
    reference = f"{order.number}-cancel"
    with transaction.atomic():
        # The account row serialises this with authorisations (and with a second cancel).
        credit_account_for(company=debit.company)
        CreditAccount.objects.select_for_update().get(company_id=debit.company_id)
        existing = LedgerEntry.objects.filter(
            company_id=debit.company_id, kind=LedgerEntry.Kind.ADJUSTMENT, reference=reference
        ).first()
        if existing is not None:
            return existing
        entry = LedgerEntry.objects.create(
            company_id=debit.company_id,
            kind=LedgerEntry.Kind.ADJUSTMENT,
            amount=-debit.amount,
            currency=debit.currency,
            order=order,
            reference=reference,
            created_by=user if user is not None and user.is_authenticated else None,
            note=note or _("Order %(number)s cancelled.") % {"number": order.number},
        )
        audit_record(
            company=debit.company,
            actor=entry.created_by,
            action="credit.order_cancelled",
            detail={"amount": str(debit.amount), "currency": debit.currency, "order": order.number},
        )
    return entry


def _credit_entry(
    *, kind, company, amount, currency, reference, user, note, received_on
) -> LedgerEntry:
    amount = _money(amount)
    if currency != company.currency:
        raise CreditError(
            _("The account of %(company)s is kept in %(currency)s: enter the amount in it.")
            % {"company": company, "currency": company.currency},
            "currency",
        )
    entry = LedgerEntry.objects.create(
        company=company,
        kind=kind,
        amount=-amount,
        currency=currency,
        reference=reference,
        created_by=user,
        note=note,
        created_at=timezone.now() if received_on is None else _moment(received_on),
    )
    audit_record(
        company=company,
        actor=user,
        action=f"credit.{kind}",
        detail={"amount": str(amount), "currency": currency, "reference": reference},
    )
    return entry


def _moment(day: date):
    return timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))


def ledger_record_payment(
    *,
    company: Company,
    amount: Decimal,
    currency: str,
    reference: str,
    user: AbstractBaseUser,
    note: str = "",
    received_on: date | None = None,
) -> LedgerEntry:
    """Record a payment received from the company (a credit on its ledger)."""
    return _credit_entry(
        kind=LedgerEntry.Kind.PAYMENT, company=company, amount=amount, currency=currency,
        reference=reference, user=user, note=note, received_on=received_on,
    )  # fmt: skip


def ledger_record_credit_note(
    *,
    company: Company,
    amount: Decimal,
    currency: str,
    reference: str,
    user: AbstractBaseUser,
    note: str = "",
) -> LedgerEntry:
    """Record a credit note issued to the company (a credit on its ledger)."""
    return _credit_entry(
        kind=LedgerEntry.Kind.CREDIT_NOTE, company=company, amount=amount, currency=currency,
        reference=reference, user=user, note=note, received_on=None,
    )  # fmt: skip


def credit_hold_override(
    *, company: Company, reason: str, until: date, user: AbstractBaseUser
) -> CreditAccount:
    """Lift the company's credit hold through a day, with a written reason (audited)."""
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise CreditError(
            _("Write the reason for lifting the hold (at least 10 characters)."), "reason"
        )
    if until < timezone.localdate():
        raise CreditError(_("Choose today or a later day."), "until")
    credit_account_for(company=company)
    with transaction.atomic():
        account = CreditAccount.objects.select_for_update().get(company=company)
        account.hold_override_reason = reason
        account.hold_override_until = until
        account.hold_override_by = user
        account.hold_override_at = timezone.now()
        account.save()
        audit_record(
            company=company,
            actor=user,
            action="credit.hold_override",
            detail={"reason": reason, "until": until.isoformat()},
        )
    return account


SETTINGS_FIELDS = ("hold_after_days_overdue", "warning_percent", "po_number_required")


def credit_settings_editable_by(*, company: Company, user: AbstractBaseUser) -> bool:
    """Return whether the user may change the company's credit settings.

    The company's account manager and sales managers may; other staff may not.
    """
    if not user.is_authenticated:
        return False
    return company_selectors.user_is_sales_manager(user=user) or (
        company.account_manager_id is not None and company.account_manager_id == user.pk
    )


def credit_settings_update(
    *,
    company: Company,
    user: AbstractBaseUser,
    credit_limit: Decimal,
    hold_after_days_overdue: int | None,
    warning_percent: int,
    po_number_required: bool,
) -> CreditAccount:
    """Change the company's limit and credit control; each change is audited old → new."""
    if not credit_settings_editable_by(company=company, user=user):
        raise CreditError(
            _(
                "Only the account manager of %(company)s or a sales manager changes its "
                "credit settings."
            )
            % {"company": company}
        )
    if credit_limit is None or credit_limit < 0:
        raise CreditError(_("Enter a credit limit of 0 or more, e.g. 25000.00."), "credit_limit")
    if hold_after_days_overdue is not None and not 0 <= hold_after_days_overdue <= 365:
        raise CreditError(
            _("Enter between 0 and 365 days, or leave it empty for no hold."),
            "hold_after_days_overdue",
        )
    if not 1 <= warning_percent <= 100:
        raise CreditError(_("Enter a percentage between 1 and 100."), "warning_percent")
    credit_account_for(company=company)
    with transaction.atomic():
        account = CreditAccount.objects.select_for_update().get(company=company)
        wanted = {
            "hold_after_days_overdue": hold_after_days_overdue,
            "warning_percent": warning_percent,
            "po_number_required": po_number_required,
        }
        diff = {}
        for field in SETTINGS_FIELDS:
            old, new = getattr(account, field), wanted[field]
            if old != new:
                diff[field] = {
                    "old": None if old is None else str(old),
                    "new": None if new is None else str(new),
                }
                setattr(account, field, new)
        if diff:
            account.save(update_fields=list(diff))
            audit_record(company=company, actor=user, action="credit.settings_updated", detail=diff)
        if credit_limit.quantize(CENT) != company.credit_limit:
            try:
                # The company's front door: it checks the user's scope and audits old → new.
                updated = company_update_by_staff(
                    company_id=company.pk,
                    staff_user=user,
                    changes={"credit_limit": credit_limit.quantize(CENT)},
                )
            except CompanyError as exc:
                raise CreditError(exc.message, "credit_limit") from exc
            company.credit_limit = updated.credit_limit
    return account


def credit_limit_request(
    *, company: Company, user: AbstractBaseUser, amount: Decimal, currency: str
) -> None:
    """Ask the account team for a higher limit (the CRM listens and creates a task)."""
    audit_record(
        company=company,
        actor=user,
        action="credit.limit_requested",
        detail={"amount": str(amount), "currency": currency},
    )
    credit_limit_requested.send_robust(
        sender=Company,
        company_id=company.pk,
        user_id=user.pk,
        amount=str(amount),
        currency=currency,
    )
