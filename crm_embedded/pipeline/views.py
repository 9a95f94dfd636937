"""The pipeline room's opportunity pages: list (with CSV), create, detail, edit and move.

Every opportunity is looked up among those the staff user may see (a rep: their accounts';
a sales manager: all), so another rep's opportunity is a 404.
"""

import io

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm_embedded.access import staff_required
from crm_embedded.pipeline import selectors, services
from crm_embedded.pipeline.forms import MoveForm, OpportunityFilterForm, OpportunityForm
from crm_embedded.pipeline.models import Opportunity, Stage
from crm_embedded.pipeline.services import OpportunityError
from shop.companies.selectors import user_is_sales_manager
from shop.csv_export import csv_writer

LIST_LIMIT = 500


def opportunity_or_404(request: HttpRequest, pk: int) -> Opportunity:
    return get_object_or_404(selectors.opportunities_for_staff(user=request.user), pk=pk)


def form_error_add(form, error: OpportunityError) -> None:
    """Show a service's refusal beside its field (or above the form)."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _next_url(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _filtered(opportunities, data: dict):
    status = data.get("status") or "open"
    if status in (Stage.Kind.OPEN, Stage.Kind.WON, Stage.Kind.LOST):
        opportunities = opportunities.filter(stage__kind=status)
    if data.get("q"):
        opportunities = opportunities.filter(name__icontains=data["q"].strip())
    for name in ("owner", "stage", "company"):
        if data.get(name):
            opportunities = opportunities.filter(**{name: data[name]})
    if data.get("close_from"):
        opportunities = opportunities.filter(expected_close__gte=data["close_from"])
    if data.get("close_to"):
        opportunities = opportunities.filter(expected_close__lte=data["close_to"])
    return opportunities.order_by("expected_close", "pk")


def _csv(opportunities) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow(
        [_("Name"), _("Company"), _("Stage"), _("Amount"), _("Currency"), _("Probability (%)"),
         _("Weighted"), _("Expected close date"), _("Owner"), _("Closed at"), _("Lost reason")]
    )  # fmt: skip
    for o in opportunities:
        writer.writerow(
            [o.name, o.company.legal_name, o.stage.name, o.amount, o.currency, o.probability,
             o.weighted_amount, o.expected_close.isoformat() if o.expected_close else "",
             o.owner.email,
             timezone.localtime(o.closed_at).strftime("%Y-%m-%d %H:%M") if o.closed_at else "",
             o.lost_reason]
        )  # fmt: skip
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="opportunities.csv"'
    return response


@staff_required
def opportunity_list(request: HttpRequest) -> HttpResponse:
    form = OpportunityFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return render(
            request,
            "crm/pipeline/opportunity_list.html",
            {"form": form, "opportunities": [], "crm_tab": "pipeline"},
            status=400,
        )
    data = form.cleaned_data if form.is_bound else {}
    opportunities = _filtered(selectors.opportunities_for_staff(user=request.user), data)
    if request.GET.get("format") == "csv":
        return _csv(opportunities)
    rows = list(opportunities[: LIST_LIMIT + 1])
    csv_query = request.GET.copy()
    csv_query["format"] = "csv"
    return render(
        request,
        "crm/pipeline/opportunity_list.html",
        {
            "form": form,
            "opportunities": rows[:LIST_LIMIT],
            "truncated": len(rows) > LIST_LIMIT,
            "limit": LIST_LIMIT,
            "csv_query": csv_query.urlencode(),
            "is_sales_manager": user_is_sales_manager(user=request.user),
            "crm_tab": "pipeline",
        },
    )


@staff_required
def opportunity_create(request: HttpRequest) -> HttpResponse:
    form = OpportunityForm(request.POST or None, user=request.user)
    if request.method == "GET":
        company = form.fields["company"].queryset.filter(pk=_int(request.GET.get("company")))
        company = company.first()
        form.initial = {
            "company": company,
            "stage": form.fields["stage"].queryset.first(),
            "owner": (company.account_manager if company else None) or request.user,
        }
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            opportunity = services.opportunity_create(
                company=data["company"], name=data["name"], amount=data["amount"],
                stage=data["stage"], owner=data["owner"], by=request.user,
                currency=settings.OSCAR_DEFAULT_CURRENCY, probability=data["probability"],
                expected_close=data["expected_close"], quote=data["quote"],
            )  # fmt: skip
        except OpportunityError as error:
            form_error_add(form, error)
        else:
            messages.success(request, _("Opportunity '%(name)s' opened.") % {"name": opportunity})
            return redirect("crm:opportunity-detail", pk=opportunity.pk)
    return render(
        request,
        "crm/pipeline/opportunity_form.html",
        {"form": form, "opportunity": None, "crm_tab": "pipeline"},
        status=400 if form.errors else 200,
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _detail(request: HttpRequest, opportunity: Opportunity, move_form: MoveForm, status=200):
    return render(
        request,
        "crm/pipeline/opportunity_detail.html",
        {
            "opportunity": opportunity,
            "move_form": move_form,
            "stages": list(Stage.objects.filter(is_active=True)),
            "crm_tab": "pipeline",
        },
        status=status,
    )


@staff_required
def opportunity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = opportunity_or_404(request, pk)
    return _detail(request, opportunity, MoveForm(initial={"stage": opportunity.stage}))


@staff_required
def opportunity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = opportunity_or_404(request, pk)
    form = OpportunityForm(
        request.POST or None,
        user=request.user,
        opportunity=opportunity,
        initial={
            "name": opportunity.name,
            "amount": opportunity.amount,
            "probability": opportunity.probability if opportunity.probability_manual else None,
            "expected_close": opportunity.expected_close,
            "owner": opportunity.owner,
            "quote": opportunity.quote,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.opportunity_update(
                opportunity=opportunity, by=request.user, name=data["name"],
                amount=data["amount"], probability=data["probability"],
                expected_close=data["expected_close"], owner=data["owner"], quote=data["quote"],
            )  # fmt: skip
        except OpportunityError as error:
            form_error_add(form, error)
        else:
            messages.success(request, _("Opportunity '%(name)s' saved.") % {"name": data["name"]})
            return redirect("crm:opportunity-detail", pk=opportunity.pk)
    return render(
        request,
        "crm/pipeline/opportunity_form.html",
        {"form": form, "opportunity": opportunity, "crm_tab": "pipeline"},
        status=400 if form.errors else 200,
    )


@staff_required
@require_POST
def opportunity_move(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = opportunity_or_404(request, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        target = form.cleaned_data["target"]
        try:
            moved = services.opportunity_move(
                opportunity=opportunity, stage=target, by=request.user,
                lost_reason=form.cleaned_data["lost_reason"],
            )  # fmt: skip
        except OpportunityError as error:
            if request.POST.get("outcome"):
                # Posted as "Won"/"Lost" from the board: the page that comes back has the
                # stage chosen, so correcting the refusal does not move the deal elsewhere.
                data = request.POST.copy()
                data["stage"], data["outcome"] = str(target.pk), ""
                form = MoveForm(data)
                form.is_valid()
            form_error_add(form, error)
        else:
            messages.success(
                request,
                _("'%(name)s' is now in %(stage)s.") % {"name": moved.name, "stage": moved.stage},
            )
            return redirect(
                _next_url(request, reverse("crm:opportunity-detail", kwargs={"pk": pk}))
            )
    # The detail page shows what went wrong beside the field, with what was typed.
    return _detail(request, opportunity, form, status=400)
