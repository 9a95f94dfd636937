"""The accounts room: the account team's companies, applications to review, acting for a buyer.

Reads go through shop's and orders' selectors, writes through shop's services; every
company is looked up among the companies the staff user may see, so others are a 404.
"""

from django.contrib import messages
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm_embedded.access import company_or_404, staff_required
from crm_embedded.accounts.forms import (
    CompanyFilterForm,
    DecisionForm,
    ReassignForm,
    StaffCompanyForm,
)
from shop.companies import selectors, services
from shop.companies.services import CompanyError


@staff_required
def company_list(request: HttpRequest) -> HttpResponse:
    companies = selectors.companies_for_staff(user=request.user)
    form = CompanyFilterForm(request.GET or None)
    query = status = ""
    if form.is_valid():
        query, status = form.cleaned_data["q"].strip(), form.cleaned_data["status"]
    if query:
        companies = companies.filter(
            Q(legal_name__icontains=query)
            | Q(trading_name__icontains=query)
            | Q(vat_number__icontains=query)
        )
    if status:
        companies = companies.filter(status=status)
    return render(
        request,
        "crm/company_list.html",
        {"companies": companies.order_by("legal_name")[:200], "query": query, "status": status,
         "statuses": selectors.company_status_choices(), "filter_form": form},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )  # fmt: skip


@staff_required
def company_edit(request: HttpRequest, pk: int) -> HttpResponse:
    company = company_or_404(request, pk)
    form = StaffCompanyForm(request.POST or None, company=company)
    if request.method == "POST" and form.is_valid():
        try:
            services.company_update_by_staff(
                company_id=company.pk, staff_user=request.user, changes=dict(form.cleaned_data)
            )
        except CompanyError as exc:
            if exc.field in form.fields:
                form.add_error(exc.field, exc.message)
            else:
                messages.error(request, exc.message)
        else:
            messages.success(request, _("%(company)s saved.") % {"company": company})
            return redirect("crm:company-detail", pk=company.pk)
    return render(request, "crm/company_edit.html", {"company": company, "form": form})


@staff_required
@require_POST
def company_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    company = company_or_404(request, pk)
    form = ReassignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an account manager from the list."))
        return redirect("crm:company-detail", pk=company.pk)
    try:
        services.company_reassign(
            company_id=company.pk,
            account_manager=form.cleaned_data["account_manager"],
            by_user=request.user,
        )
    except CompanyError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(company)s is now managed by %(email)s.")
            % {"company": company, "email": form.cleaned_data["account_manager"].email},
        )
    return redirect("crm:company-detail", pk=company.pk)


@staff_required
@require_POST
def company_act_as(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    company = company_or_404(request, pk)
    get_object_or_404(company.members, pk=member_pk)
    try:
        member = services.acting_start(
            session=request.session, staff_user=request.user, member_id=member_pk
        )
    except CompanyError as exc:
        messages.error(request, exc.message)
        return redirect("crm:company-detail", pk=company.pk)
    messages.success(
        request,
        _("You are now acting as %(email)s of %(company)s.")
        % {"email": member.user.email, "company": company},
    )
    return redirect("catalogue:index")


@staff_required
def application_list(request: HttpRequest) -> HttpResponse:
    applications = selectors.applications_for_staff(user=request.user)
    return render(request, "crm/application_list.html", {"applications": applications[:200]})


@staff_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(selectors.applications_for_staff(user=request.user), pk=pk)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decision, note = form.cleaned_data["decision"], form.cleaned_data["note"]
        try:
            if decision == "approve":
                services.application_approve(application_id=pk, staff_user=request.user, note=note)
                messages.success(
                    request,
                    _("%(company)s is active; the applicant was emailed.")
                    % {"company": application.company},
                )
            else:
                services.application_decline(
                    application_id=pk, staff_user=request.user, reason=note
                )
                messages.success(
                    request, _("Application declined; the applicant was emailed the reason.")
                )
        except CompanyError as exc:
            if exc.field == "reason":
                form.add_error("note", exc.message)
            else:
                messages.error(request, exc.message)
        else:
            return redirect("crm:application-detail", pk=pk)
    elif request.method == "POST" and "decision" in form.errors:
        messages.error(request, form.errors["decision"][0])
    return render(
        request, "crm/application_detail.html", {"application": application, "form": form}
    )
