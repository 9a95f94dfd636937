"""The account team's follow-up pages: the rules (sales managers edit, account managers read)
and the follow-ups of the rep's accounts, with filters and a CSV export."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm_embedded.access import staff_required
from crm_embedded.followups import services, tasks
from crm_embedded.followups.forms import (
    RULE_FIELDS,
    FollowUpFilterForm,
    FollowUpRuleFormSet,
    rule_fields,
)
from crm_embedded.followups.models import FollowUp, FollowUpRule
from shop.companies.selectors import companies_for_staff, user_is_sales_manager
from shop.csv_export import csv_writer

PAGE_SIZE = 50


def _rule_rows(rules) -> list[dict]:
    """The read-only table: per rule, each column's value and what it means for the kind
    (``value`` None where the engine does not use the field)."""
    rows = []
    for rule in rules:
        used = rule_fields(rule.kind)
        cells = []
        for name in RULE_FIELDS[1:]:
            value = getattr(rule, name)
            if isinstance(value, bool):
                value = _("yes") if value else _("no")
            label, help_text = used.get(name, ("", ""))
            cells.append(
                {"name": name, "value": value if name in used else None, "label": label,
                 "help": help_text}
            )  # fmt: skip
        rows.append({"rule": rule, "cells": cells})
    return rows


@staff_required
def followup_rules(request: HttpRequest) -> HttpResponse:
    manager = user_is_sales_manager(user=request.user)
    # In the order the kinds are declared (idle cart first), not by their internal key.
    rank = Case(
        *(When(kind=kind, then=Value(index)) for index, kind in enumerate(FollowUpRule.Kind)),
        default=Value(len(FollowUpRule.Kind)),
    )
    rules = FollowUpRule.objects.select_related("updated_by").order_by(rank, "kind")
    if request.method == "POST" and not manager:
        raise PermissionDenied(_("Only sales managers change the follow-up rules."))
    status = 200
    formset = None
    if manager:
        if request.method == "POST":
            formset = FollowUpRuleFormSet(request.POST, queryset=rules)
            if formset.is_valid():
                with transaction.atomic():
                    changed = formset.save(commit=False)
                    for rule in changed:
                        rule.updated_by = request.user
                        rule.save()
                if changed:
                    messages.success(
                        request,
                        _("Follow-up rules saved: %(rules)s.")
                        % {"rules": ", ".join(str(rule) for rule in changed)},
                    )
                else:
                    messages.info(request, _("Nothing changed."))
                return redirect("crm:followup-rules")
            status = 400
        else:
            formset = FollowUpRuleFormSet(queryset=rules)
    return render(
        request,
        "crm/followups/rule_list.html",
        {
            "crm_tab": "followups",
            "formset": formset,
            "rules": _rule_rows(rules) if formset is None else None,
            "is_sales_manager": manager,
        },
        status=status,
    )


@staff_required
@require_POST
def followup_run_now(request: HttpRequest) -> HttpResponse:
    """Run the follow-up job at once (beat runs it every ten minutes where a broker is)."""
    if not user_is_sales_manager(user=request.user):
        raise PermissionDenied(_("Only sales managers start the follow-up job by hand."))
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        tasks.followups_run.delay()
        messages.info(
            request,
            _("The follow-up job is queued; what it does appears here within a minute."),
        )
        return redirect("crm:followup-list")
    summary = services.followups_run()
    messages.success(
        request,
        _(
            "Follow-up job done. Emails sent: %(emails)s · tasks filed: %(tasks)s · opted out "
            "(task route only): %(opted_out)s · failed (retried later): %(failed)s."
        )
        % {
            "emails": summary.count(status=FollowUp.Status.SENT),
            "tasks": summary.count(status=FollowUp.Status.TASK),
            "opted_out": summary.count(status=FollowUp.Status.OPTED_OUT),
            "failed": summary.count(status=FollowUp.Status.FAILED),
        },
    )
    return redirect("crm:followup-list")


def _followups_for_staff(user: AbstractBaseUser) -> QuerySet[FollowUp]:
    """Follow-ups of the companies the user may see (a sales manager all, a rep their own)."""
    followups = FollowUp.objects.select_related(
        "company", "company__account_manager", "user", "task", "quote"
    )
    if user_is_sales_manager(user=user):
        return followups
    return followups.filter(company__account_manager=user)


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _filtered(followups: QuerySet[FollowUp], data: dict, rep_id: int | None) -> QuerySet:
    if rep_id is not None:
        followups = followups.filter(company__account_manager_id=rep_id)
    for name in ("kind", "stage", "status"):
        if data.get(name) not in (None, ""):
            followups = followups.filter(**{name: data[name]})
    if data.get("start"):
        followups = followups.filter(created_at__gte=_day_start(data["start"]))
    if data.get("end"):
        followups = followups.filter(created_at__lt=_day_start(data["end"] + timedelta(days=1)))
    return followups.order_by("-created_at", "-pk")


def _csv_rows(followups: QuerySet[FollowUp]):
    yield [
        _("Created"), _("Kind"), _("Stage"), _("Status"), _("Company"), _("Account manager"),
        _("Buyer email"), _("Item"), _("Net value"), _("Currency"), _("Task"), _("Quote"),
        _("Recovered by order"), _("Recovered (net)"), _("Recovered on"),
    ]  # fmt: skip
    for f in followups.iterator(chunk_size=2000):
        manager = f.company.account_manager
        yield [
            timezone.localtime(f.created_at).strftime("%Y-%m-%d %H:%M"),
            f.get_kind_display(),
            f.get_stage_display(),
            f.get_status_display(),
            f.company.legal_name,
            (manager.get_full_name() or manager.email) if manager else "",
            f.email or (f.user.email if f.user else ""),
            f.item_key,
            f.value,
            f.currency,
            f.task.title if f.task else "",
            f.quote.number if f.quote else "",
            f.recovered_order_number,
            f.recovered_amount if f.recovered_amount is not None else "",
            timezone.localdate(f.recovered_at).isoformat() if f.recovered_at else "",
        ]


@staff_required
def followup_list(request: HttpRequest) -> HttpResponse:
    manager = user_is_sales_manager(user=request.user)
    bound = any(request.GET.get(key) for key in FollowUpFilterForm.base_fields)
    filters = FollowUpFilterForm(request.GET if bound else None, with_rep=manager)
    context = {"crm_tab": "followups", "filters": filters, "is_sales_manager": manager}
    if bound and not filters.is_valid():
        context["other_filter_errors"] = any(name != "company" for name in filters.errors)
        return render(request, "crm/followups/followup_list.html", context, status=400)
    data = filters.cleaned_data if bound else {}
    rep_id = filters.rep_id() if bound and manager else None
    company = None
    followups = _followups_for_staff(request.user)
    if data.get("company"):
        company = companies_for_staff(user=request.user).filter(pk=data["company"]).first()
        if company is None:  # unknown, or another rep's: the same answer, with a way out
            context["unknown_company"] = True
            return render(request, "crm/followups/followup_list.html", context, status=404)
        followups = followups.filter(company=company)
    followups = _filtered(followups, data, rep_id)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="follow-ups-{stamp}.csv"'
        csv_writer(response).writerows(_csv_rows(followups))
        return response
    page = Paginator(followups, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    csv_query = query.copy()
    csv_query["format"] = "csv"
    context.update(
        page=page,
        followups=page.object_list,
        query=query.urlencode(),
        csv_query=csv_query.urlencode(),
        company=company,
        rep_id=rep_id,
    )
    return render(request, "crm/followups/followup_list.html", context)
