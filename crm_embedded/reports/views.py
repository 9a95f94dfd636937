"""The reports page: every report with its period, charts and a CSV export of each table."""

from datetime import date

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from crm_embedded.access import staff_required
from crm_embedded.followups.recovery import recovery_by_rule
from crm_embedded.reports import selectors
from crm_embedded.reports.forms import ReportFilterForm
from crm_embedded.reports.tables import TABLES
from shop.companies.selectors import user_is_sales_manager
from shop.csv_export import csv_writer

FILTER_KEYS = ("start", "end", "rep")


def _periods(picked: tuple[date, date] | None, today: date) -> dict[str, tuple[date, date]]:
    """Each report's period: the one picked, else its standard one."""
    standard = {
        "customers": (selectors.quarter_of(today)[0], today),
        "deals": selectors.quarter_before(today),
        "closers": selectors.quarter_before(today),
        "revenue": selectors.last_twelve_months(today),
        "quotes": selectors.quarter_before(today),
    }
    periods = {name: picked or period for name, period in standard.items()}
    if picked is None:
        # Beside last quarter's deals, the quarter being played (a deal won today shows).
        periods["deals_current"] = (selectors.quarter_of(today)[0], today)
    return periods


def _section(name: str, *, scope, periods: dict, today: date) -> dict:
    """Compute one report's figures."""
    if name == "customers":
        start, end = periods["customers"]
        return {
            "active": selectors.customers_active(scope=scope, start=start, end=end),
            "new": selectors.customers_new(scope=scope, start=start, end=end),
        }
    if name == "deals":
        start, end = periods["deals"]
        deals = selectors.deals_by_rep(scope=scope, start=start, end=end)
        if "deals_current" in periods:
            start, end = periods["deals_current"]
            deals["current"] = selectors.deals_by_rep(scope=scope, start=start, end=end)["total"]
        return deals
    if name == "closers":
        start, end = periods["closers"]
        return selectors.closers_top(scope=scope, start=start, end=end)
    if name == "revenue":
        start, end = periods["revenue"]
        figures = selectors.revenue_months(scope=scope, start=start, end=end)
        last_start, last_end = selectors.month_before(today)
        figures["last_month"] = {
            "month": last_start,
            "revenue": selectors.revenue_between(scope=scope, start=last_start, end=last_end),
        }
        return figures
    if name == "dormant":
        return selectors.accounts_dormant(scope=scope, today=today)
    if name == "quotes":
        start, end = periods["quotes"]
        return selectors.quotes_conversion(scope=scope, start=start, end=end)
    if name == "recovery":
        # Follow-ups created in the period (standard: this quarter so far, like customers).
        start, end = periods["customers"]
        return {"rows": recovery_by_rule(start=start, end=end, company_ids=scope.company_ids)}
    raise ValueError(name)


SECTIONS = ("customers", "deals", "revenue", "closers", "dormant", "quotes", "recovery")


def _charts(data: dict) -> dict:
    """Chart specs for crm/reports/charts.js (amounts as text: Decimal stays exact here)."""
    revenue = data["revenue"]["months"]
    deals = data["deals"]["rows"]
    dormant = data["dormant"]["counts"]
    return {
        "revenue": {
            "type": "bar",
            "labels": [date_format(month["month"], "M Y") for month in revenue],
            "datasets": [
                {"label": _("Revenue (net, EUR)"), "data": [str(m["revenue"]) for m in revenue]}
            ],
        },
        "deals": {
            "type": "bar",
            "labels": [row["rep"].get_full_name() or row["rep"].email for row in deals],
            "datasets": [
                {"label": _("Won (EUR)"), "data": [str(row["won_value"]) for row in deals]},
                {"label": _("Lost (EUR)"), "data": [str(row["lost_value"]) for row in deals]},
            ],
        },
        "dormant": {
            "type": "bar",
            "labels": [_("%(days)s+ days") % {"days": days} for days in dormant],
            "datasets": [{"label": _("Accounts"), "data": list(dormant.values())}],
        },
    }


def _csv(key: str, data: dict, today: date) -> HttpResponse:
    header, rows = TABLES[key].rows(data)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="report-{key}-{today:%Y-%m-%d}.csv"'
    writer = csv_writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response


@staff_required
def report_index(request: HttpRequest) -> HttpResponse:
    manager = user_is_sales_manager(user=request.user)
    reps = selectors.report_reps() if manager else None
    bound = any(request.GET.get(key) for key in FILTER_KEYS)
    form = ReportFilterForm(request.GET if bound else None, reps=reps)
    wants_csv = request.GET.get("format") == "csv"
    table = request.GET.get("table", "")
    if wants_csv and table not in TABLES:
        raise Http404(_("There is no such report table."))
    context = {"form": form, "crm_tab": "reports", "is_sales_manager": manager}
    if bound and not form.is_valid():
        return render(request, "crm/reports/index.html", context, status=400)
    today = timezone.localdate()
    rep = form.cleaned_data.get("rep") if bound else None
    scope = selectors.report_scope(user=request.user, rep_id=rep.pk if rep else None)
    periods = _periods(form.period, today)
    if wants_csv:
        section = TABLES[table].section
        data = {section: _section(section, scope=scope, periods=periods, today=today)}
        return _csv(table, data, today)
    data = {name: _section(name, scope=scope, periods=periods, today=today) for name in SECTIONS}
    query = request.GET.copy()
    query.pop("table", None)
    query["format"] = "csv"
    context.update(
        data=data,
        periods=periods,
        today=today,
        picked=form.period,
        rep=rep,
        charts=_charts(data),
        csv_query=query.urlencode(),
        presets=_presets(today),
    )
    return render(request, "crm/reports/index.html", context)


def _presets(today: date) -> list[tuple[str, date, date]]:
    """Quick periods offered above the filter."""
    return [
        (_("This quarter"), selectors.quarter_of(today)[0], today),
        (_("Last quarter"), *selectors.quarter_before(today)),
        (_("Last month"), *selectors.month_before(today)),
        (_("Last 12 months"), *selectors.last_twelve_months(today)),
    ]
