"""The pipeline board by stage, the forecast, and the stage settings for sales managers."""

from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm_embedded.access import staff_required
from crm_embedded.pipeline import selectors, services
from crm_embedded.pipeline.forms import StaffChoiceField, StageFormSet, staff_users
from crm_embedded.pipeline.models import Stage
from crm_embedded.pipeline.services import OpportunityError
from orders.selectors import revenue_by_month
from shop.companies.selectors import companies_for_staff, user_is_sales_manager
from shop.money import money_round
from shop.validators import TextGuardMixin

FORECAST_MONTHS = 6
HISTORY_MONTHS = 12


class OwnerFilterForm(TextGuardMixin, forms.Form):
    """A sales manager's choice of whose pipeline to see (empty: everyone's)."""

    owner = StaffChoiceField(queryset=None, required=False, label=gettext_lazy("Owner"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_users()


def _scope(request: HttpRequest):
    """The opportunities on screen and the owner filter form (sales managers only)."""
    opportunities = selectors.opportunities_for_staff(user=request.user)
    if not user_is_sales_manager(user=request.user):
        return opportunities, None, None
    form = OwnerFilterForm(request.GET or None)
    owner = form.cleaned_data.get("owner") if form.is_bound and form.is_valid() else None
    if owner is not None:
        opportunities = opportunities.filter(owner=owner)
    return opportunities, form, owner


@staff_required
def pipeline_board(request: HttpRequest) -> HttpResponse:
    opportunities, owner_form, _owner = _scope(request)
    stages = selectors.stages_open()
    cards: dict[int, list] = {stage.pk: [] for stage in stages}
    for opportunity in opportunities.filter(stage__kind=Stage.Kind.OPEN).order_by(
        "expected_close", "pk"
    ):
        cards.setdefault(opportunity.stage_id, []).append(opportunity)
    columns = []
    for index, stage in enumerate(stages):
        column_cards = cards[stage.pk]
        columns.append(
            {
                "stage": stage,
                "cards": column_cards,
                "amount": money_round(sum(o.amount for o in column_cards)),
                "weighted": money_round(sum(o.weighted_amount for o in column_cards)),
                "previous": stages[index - 1] if index > 0 else None,
                "next": stages[index + 1] if index + 1 < len(stages) else None,
            }
        )
    return render(
        request,
        "crm/pipeline/board.html",
        {
            "columns": columns,
            "owner_form": owner_form,
            "total_amount": money_round(sum(c["amount"] for c in columns)),
            "total_weighted": money_round(sum(c["weighted"] for c in columns)),
            "today": timezone.localdate(),
            "is_sales_manager": owner_form is not None,
            "crm_tab": "pipeline",
        },
    )


def _month_add(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


@staff_required
def pipeline_forecast(request: HttpRequest) -> HttpResponse:
    opportunities, owner_form, owner = _scope(request)
    this_month = timezone.localdate().replace(day=1)
    months = [_month_add(this_month, n) for n in range(FORECAST_MONTHS)]
    forecast = selectors.forecast_by_month(opportunities=opportunities, months=months)
    # Revenue of the accounts on screen: a rep's own; a sales manager's chosen rep's, or all.
    if owner is not None:
        company_ids = list(
            companies_for_staff(user=request.user)
            .filter(account_manager=owner)
            .values_list("pk", flat=True)
        )
    elif owner_form is not None:
        company_ids = None
    else:
        company_ids = list(companies_for_staff(user=request.user).values_list("pk", flat=True))
    start = _month_add(this_month, -HISTORY_MONTHS)
    history = revenue_by_month(
        start=start, end=this_month - timedelta(days=1), company_ids=company_ids
    )
    return render(
        request,
        "crm/pipeline/forecast.html",
        {
            "forecast": forecast,
            "history": history,
            "history_total": money_round(sum(row["revenue"] for row in history)),
            "forecast_total": money_round(sum(row["weighted"] for row in forecast["months"])),
            "owner_form": owner_form,
            "is_sales_manager": owner_form is not None,
            "crm_tab": "pipeline",
        },
    )


@staff_required
def stage_list(request: HttpRequest) -> HttpResponse:
    """Sales managers name, order, weigh and switch the stages; others get a 404."""
    if not user_is_sales_manager(user=request.user):
        raise Http404
    stages = {stage.pk: stage for stage in Stage.objects.all()}
    initial = [
        {"stage_id": s.pk, "name": s.name, "position": s.position,
         "probability": s.probability, "is_active": s.is_active}
        for s in stages.values()
    ]  # fmt: skip
    formset = StageFormSet(request.POST or None, initial=initial)
    if request.method == "POST" and formset.is_valid():
        changes, new, row_forms = [], [], []
        for form in formset.forms:
            data = form.cleaned_data
            if not data:
                continue  # the empty extra row
            stage = stages.get(data.get("stage_id"))
            if data.get("stage_id") and stage is None:
                form.add_error(None, _("This stage no longer exists: reload the page."))
                continue
            row = {k: data[k] for k in ("name", "position", "probability", "is_active")}
            if stage is None:
                new.append(row)
            else:
                changes.append((stage, row))
            row_forms.append(form)
        # The order the service numbers its rows in: the changes, then the new ones.
        row_forms = [f for f in row_forms if f.cleaned_data.get("stage_id")] + [
            f for f in row_forms if not f.cleaned_data.get("stage_id")
        ]
        if not any(form.errors for form in formset.forms):
            try:
                services.stages_configure(changes=changes, new=new, by=request.user)
            except OpportunityError as error:
                row = getattr(error, "row", None)
                form = row_forms[row] if row is not None and row < len(row_forms) else None
                if form is not None:
                    form.add_error(
                        error.field if error.field in form.fields else None, error.message
                    )
                else:
                    messages.error(request, error.message)
            else:
                messages.success(request, _("Stages saved."))
                return redirect("crm:stage-list")
    kinds = {s.pk: s.get_kind_display() for s in stages.values()}
    for form in formset.forms:
        form.kind = kinds.get(form.initial.get("stage_id"), _("Open"))
    return render(
        request,
        "crm/pipeline/stage_list.html",
        {"formset": formset, "is_sales_manager": True, "crm_tab": "pipeline"},
        status=400 if request.method == "POST" else 200,
    )
