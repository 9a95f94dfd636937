"""The account team's side of the credit line: record payments and credit notes, lift a hold.

Companies are looked up among those the staff user may see (another account's id is a 404);
every write goes through shop.credit.services and is audited there.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from crm_embedded.access import staff_required
from crm_embedded.accounts.forms import (
    CreditActionForm,
    CreditSettingsForm,
    HoldOverrideForm,
    LedgerCreditForm,
)
from shop.companies import selectors as company_selectors
from shop.credit import selectors, services
from shop.credit.services import CreditError


def _form_error(form, exc: CreditError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _settings_form(company, account, data=None) -> CreditSettingsForm:
    return CreditSettingsForm(
        data,
        prefix="settings",
        initial={
            "credit_limit": company.credit_limit,
            "hold_after_days_overdue": account.hold_after_days_overdue,
            "warning_percent": account.warning_percent,
            "po_number_required": account.po_number_required,
        },
    )


def _save_settings(request: HttpRequest, company, form: CreditSettingsForm) -> bool:
    """Apply the credit settings form; return whether it was saved (else errors on the form)."""
    if not form.is_valid():
        return False
    try:
        services.credit_settings_update(company=company, user=request.user, **form.cleaned_data)
    except CreditError as exc:
        _form_error(form, exc)
        return False
    messages.success(request, _("Saved the credit settings of %(company)s.") % {"company": company})
    return True


@staff_required
def company_credit(request: HttpRequest, pk: int) -> HttpResponse:
    company = get_object_or_404(company_selectors.companies_for_staff(user=request.user), pk=pk)
    account = selectors.credit_account_settings(company=company)
    can_edit_settings = services.credit_settings_editable_by(company=company, user=request.user)
    settings_form = _settings_form(company, account)
    status = 200
    action_form = CreditActionForm(request.POST if request.method == "POST" else None)
    action = action_form.cleaned_data["action"] if action_form.is_valid() else None
    if action == "settings":
        if not can_edit_settings:
            messages.error(
                request,
                _("Only the account manager of %(company)s or a sales manager changes its credit "
                  "settings.") % {"company": company},
            )  # fmt: skip
            return redirect("crm:company-credit", pk=company.pk)
        settings_form = _settings_form(company, account, request.POST)
        if _save_settings(request, company, settings_form):
            return redirect("crm:company-credit", pk=company.pk)
        status = 400
    forms = {
        "payment": LedgerCreditForm(prefix="payment"),
        "credit_note": LedgerCreditForm(prefix="credit_note"),
        "hold_override": HoldOverrideForm(prefix="hold_override"),
    }
    if action in forms:
        form_class = HoldOverrideForm if action == "hold_override" else LedgerCreditForm
        form = forms[action] = form_class(request.POST, prefix=action)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "hold_override":
                    services.credit_hold_override(
                        company=company, reason=data["reason"], until=data["until"],
                        user=request.user,
                    )  # fmt: skip
                    messages.success(request, _("The credit hold is lifted until %(day)s.")
                                     % {"day": data["until"].isoformat()})  # fmt: skip
                else:
                    record = (
                        services.ledger_record_payment
                        if action == "payment"
                        else services.ledger_record_credit_note
                    )
                    record(
                        company=company, amount=data["amount"], currency=company.currency,
                        reference=data["reference"], user=request.user, note=data["note"],
                    )  # fmt: skip
                    messages.success(request, _("Recorded on the ledger of %(company)s.")
                                     % {"company": company})  # fmt: skip
                return redirect("crm:company-credit", pk=company.pk)
            except CreditError as exc:
                _form_error(form, exc)
    elif action_form.is_bound and not action_form.is_valid():
        messages.error(request, action_form.errors["action"][0])
    return render(
        request,
        "crm/company_credit.html",
        {
            "company": company,
            "statement": selectors.credit_statement(company=company),
            "entries": selectors.ledger_entries(company=company).order_by("-created_at", "-id")[
                :100
            ],
            "account": selectors.credit_account_settings(company=company),
            "forms": forms,
            "settings_form": settings_form,
            "can_edit_settings": can_edit_settings,
            "history": selectors.credit_settings_history(company=company),
        },
        status=status,
    )
