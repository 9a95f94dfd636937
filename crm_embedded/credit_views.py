"""The account team's side of the credit line: record payments and credit notes, lift a hold.

Companies are looked up among those the staff user may see (another account's id is a 404);
every write goes through shop.credit.services and is audited there.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from crm_embedded.views import staff_required
from shop.companies import selectors as company_selectors
from shop.credit import selectors, services
from shop.credit.forms import HoldOverrideForm, LedgerCreditForm
from shop.credit.services import CreditError

ACTIONS = ("payment", "credit_note", "hold_override")


def _form_error(form, exc: CreditError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@staff_required
def company_credit(request: HttpRequest, pk: int) -> HttpResponse:
    company = get_object_or_404(company_selectors.companies_for_staff(user=request.user), pk=pk)
    forms = {
        "payment": LedgerCreditForm(prefix="payment"),
        "credit_note": LedgerCreditForm(prefix="credit_note"),
        "hold_override": HoldOverrideForm(prefix="hold_override"),
    }
    action = request.POST.get("action") if request.method == "POST" else None
    if action in ACTIONS:
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
    elif request.method == "POST":
        messages.error(request, _("Choose what to record: a payment, a credit note or a hold."))
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
        },
    )
