"""The buyer's side of the credit line: the statement (page and CSV) and a higher-limit request.

Everything is read for the requesting user's own company; there is no company id in the URLs.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shop.companies.views import member_required
from shop.credit import selectors, services
from shop.credit.forms import LimitRequestForm
from shop.csv_export import csv_writer


@member_required
def statement(request: HttpRequest) -> HttpResponse:
    membership = request.company_member
    return render(
        request,
        "credit/statement.html",
        {
            "membership": membership,
            "company": membership.company,
            "statement": selectors.credit_statement(company=membership.company),
        },
    )


@member_required
def statement_csv(request: HttpRequest) -> HttpResponse:
    membership = request.company_member
    if not membership.can_manage:
        raise PermissionDenied(_("Only your company's administrators can download the statement."))
    today = timezone.localdate()
    statement = selectors.credit_statement(company=membership.company, today=today)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="statement-{membership.company.slug}-{today:%Y-%m-%d}.csv"'
    )
    writer = csv_writer(response)
    writer.writerow(
        [_("Date"), _("Kind"), _("Reference"), _("Due date"), _("Days overdue"),
         _("Amount"), _("Open"), _("Currency")]
    )  # fmt: skip
    for item in statement.items:
        writer.writerow(
            [
                timezone.localdate(item.entry.created_at).isoformat(),
                item.entry.get_kind_display(),
                item.entry.reference,
                item.due_date.isoformat() if item.due_date else "",
                item.days_overdue,
                item.entry.amount,
                item.open_amount,
                item.entry.currency,
            ]
        )
    currency = membership.company.currency
    writer.writerow([])
    for label, value in (
        (_("Credit limit"), statement.limit),
        (_("Open balance"), statement.balance),
        (_("Awaiting approval"), statement.pending),
        (_("Overdue"), statement.overdue),
        (_("Available credit"), statement.available),
    ):
        writer.writerow([label, "", "", "", "", value, "", currency])
    return response


@member_required
@require_POST
def limit_request(request: HttpRequest) -> HttpResponse:
    membership = request.company_member
    form = LimitRequestForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("The request could not be sent: %(errors)s")
            % {"errors": " ".join(e for errors in form.errors.values() for e in errors)},
        )
        return redirect("checkout:payment-details")
    services.credit_limit_request(
        company=membership.company,
        user=request.user,
        amount=form.cleaned_data["amount"],
        currency=form.cleaned_data["currency"],
    )
    messages.success(
        request,
        _(
            "We have asked your account manager to review the credit limit of %(company)s. "
            "They will contact you; your basket is kept."
        )
        % {"company": membership.company},
    )
    return redirect("checkout:payment-details")
