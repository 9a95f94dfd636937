"""The account team's report figures, read from the storefront's orders, the quotes and the
pipeline, always within a ``ReportScope`` (whose accounts and whose deals).

Money is net (orders' ``total_excl_tax``, opportunities' ``amount``) in EUR, the shop's one
currency; dates a person picks are whole days, both ends included.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from statistics import median

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Min, QuerySet
from django.utils import timezone

from crm_embedded.pipeline.models import Stage
from crm_embedded.pipeline.selectors import deals_closed
from crm_embedded.quotes.models import Quote
from crm_embedded.quotes.states import State
from orders import selectors as orders
from shop.companies import selectors as companies_selectors

DORMANT_THRESHOLDS = (60, 90, 180)
CONVERTED_STATES = (State.ACCEPTED, State.ORDERED)
ACTIVE_COMPANY = "active"  # shop.companies' Company.Status.ACTIVE


@dataclass(frozen=True)
class ReportScope:
    """What a report may cover: ``companies`` (a queryset), their ids (None: every company)
    and the owners of the deals counted (None: every rep)."""

    companies: QuerySet
    company_ids: list[int] | None
    owner_ids: list[int] | None


def report_scope(*, user: AbstractBaseUser, rep_id: int | None = None) -> ReportScope:
    """A sales manager sees every account (or one rep's); an account manager their own."""
    companies = companies_selectors.companies_for_staff(user=user)
    if companies_selectors.user_is_sales_manager(user=user):
        if rep_id is None:
            return ReportScope(companies=companies, company_ids=None, owner_ids=None)
        companies = companies.filter(account_manager_id=rep_id)
        return ReportScope(
            companies=companies,
            company_ids=list(companies.values_list("pk", flat=True)),
            owner_ids=[rep_id],
        )
    if companies_selectors.user_is_account_staff(user=user):
        return ReportScope(
            companies=companies,
            company_ids=list(companies.values_list("pk", flat=True)),
            owner_ids=[user.pk],
        )
    return ReportScope(companies=companies.none(), company_ids=[], owner_ids=[])


def report_reps() -> QuerySet:
    """The reps a sales manager may filter the reports by."""
    return companies_selectors.account_staff_users()


# -- periods ----------------------------------------------------------------------------


def quarter_of(day: date) -> tuple[date, date]:
    """The first and last day of the calendar quarter holding ``day``."""
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return first, _month_add(first, 3) - timedelta(days=1)


def quarter_before(day: date) -> tuple[date, date]:
    """The calendar quarter before the one holding ``day``."""
    first, _ = quarter_of(day)
    return quarter_of(first - timedelta(days=1))


def month_before(day: date) -> tuple[date, date]:
    """The calendar month before the one holding ``day``."""
    first = day.replace(day=1)
    last = first - timedelta(days=1)
    return last.replace(day=1), last


def last_twelve_months(day: date) -> tuple[date, date]:
    """The twelve calendar months ending with the one holding ``day`` (up to ``day``)."""
    return _month_add(day.replace(day=1), -11), day


def _month_add(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"))


def _users(ids) -> dict[int, AbstractBaseUser]:
    return {user.pk: user for user in get_user_model().objects.filter(pk__in=set(ids))}


# -- customers ---------------------------------------------------------------------------


def customers_active(*, scope: ReportScope, start: date, end: date) -> list[dict]:
    """Companies that ordered in [start, end]: orders, net revenue and last order, biggest first."""
    totals = orders.company_order_totals_between(
        start=start, end=end, company_ids=scope.company_ids
    )
    found = scope.companies.filter(pk__in=list(totals))
    rows = [{"company": company, **totals[company.pk]} for company in found]
    rows.sort(key=lambda row: (-row["revenue"], str(row["company"])))
    return rows


def customers_new(*, scope: ReportScope, start: date, end: date) -> list:
    """Companies whose account was created in [start, end], oldest first."""
    return list(
        scope.companies.filter(
            created_at__gte=_day_start(start), created_at__lt=_day_start(end + timedelta(days=1))
        ).order_by("created_at", "pk")
    )


def accounts_dormant(*, scope: ReportScope, today: date) -> dict:
    """Active accounts with no order for 60 days or more (never ordered: since they opened).

    Returns {"rows": [{"company", "last_ordered_at", "days"}] longest first,
    "counts": {60: n, 90: n, 180: n}} where each count includes the longer silences.
    """
    companies = list(scope.companies.filter(status=ACTIVE_COMPANY))
    last = orders.company_last_order_dates(company_ids=[company.pk for company in companies])
    rows = []
    for company in companies:
        ordered_at = last.get(company.pk)
        since = timezone.localdate(ordered_at or company.created_at)
        days = (today - since).days
        if days >= DORMANT_THRESHOLDS[0]:
            rows.append({"company": company, "last_ordered_at": ordered_at, "days": days})
    rows.sort(key=lambda row: (-row["days"], str(row["company"])))
    counts = {
        threshold: sum(1 for row in rows if row["days"] >= threshold)
        for threshold in DORMANT_THRESHOLDS
    }
    return {"rows": rows, "counts": counts}


# -- revenue -----------------------------------------------------------------------------


def revenue_months(*, scope: ReportScope, start: date, end: date) -> dict:
    """Net revenue per month in [start, end] with the period's totals."""
    months = orders.revenue_by_month(start=start, end=end, company_ids=scope.company_ids)
    return {
        "months": months,
        "revenue": sum((month["revenue"] for month in months), Decimal("0.00")),
        "orders": sum(month["orders"] for month in months),
    }


def revenue_between(*, scope: ReportScope, start: date, end: date) -> Decimal:
    """Net revenue of the scope's accounts in [start, end]."""
    return revenue_months(scope=scope, start=start, end=end)["revenue"]


# -- deals and closers -------------------------------------------------------------------


def deals_by_rep(*, scope: ReportScope, start: date, end: date) -> dict:
    """Deals won and lost in [start, end] per owner: counts, values and win rate (by count).

    Returns {"rows": [...], "total": {...}}, each with rep (None in the total), won,
    won_value, lost, lost_value, win_rate (percent, one decimal; None without deals).
    """
    deals = deals_closed(start=start, end=end, owner_ids=scope.owner_ids)

    def empty(rep):
        return {"rep": rep, "won": 0, "won_value": Decimal("0.00"), "lost": 0,
                "lost_value": Decimal("0.00")}  # fmt: skip

    by_rep: dict[int, dict] = {}
    total = empty(None)
    for deal in deals:
        row = by_rep.setdefault(deal.owner_id, empty(deal.owner))
        kind = "won" if deal.stage.kind == Stage.Kind.WON else "lost"
        for bucket in (row, total):
            bucket[kind] += 1
            bucket[f"{kind}_value"] += deal.amount
    rows = sorted(by_rep.values(), key=lambda row: (-row["won_value"], str(row["rep"])))
    for row in [*rows, total]:
        row["win_rate"] = _percent(row["won"], row["won"] + row["lost"])
    return {"rows": rows, "total": total}


def closers_top(*, scope: ReportScope, start: date, end: date) -> dict:
    """Reps ranked by the value they won in [start, end] and by their accounts' net revenue.

    An account's revenue counts for its current account manager. Returns
    {"by_won": [...], "by_revenue": [...]}, the same rows (rep, won, won_value, revenue,
    accounts) in two orders; reps with neither are left out.
    """
    rows: dict[int, dict] = defaultdict(
        lambda: {
            "won": 0,
            "won_value": Decimal("0.00"),
            "revenue": Decimal("0.00"),
            "accounts": 0,
        }  # fmt: skip
    )
    for deal in deals_closed(start=start, end=end, owner_ids=scope.owner_ids):
        if deal.stage.kind == Stage.Kind.WON:
            rows[deal.owner_id]["won"] += 1
            rows[deal.owner_id]["won_value"] += deal.amount
    totals = orders.company_order_totals_between(
        start=start, end=end, company_ids=scope.company_ids
    )
    managers = scope.companies.filter(pk__in=list(totals), account_manager__isnull=False)
    for company_id, manager_id in managers.values_list("pk", "account_manager_id"):
        rows[manager_id]["revenue"] += totals[company_id]["revenue"]
        rows[manager_id]["accounts"] += 1
    users = _users(rows)
    result = [{"rep": users[pk], **row} for pk, row in rows.items() if pk in users]
    return {
        "by_won": sorted(result, key=lambda row: (-row["won_value"], -row["revenue"], str(row["rep"]))),
        "by_revenue": sorted(result, key=lambda row: (-row["revenue"], -row["won_value"], str(row["rep"]))),
    }  # fmt: skip


# -- quotes ------------------------------------------------------------------------------


def quotes_conversion(*, scope: ReportScope, start: date, end: date) -> dict:
    """Quotes whose first offer went out in [start, end]: how many were accepted or ordered,
    and the median hours from the request to that first offer, per account manager.

    Returns {"rows": [...], "total": {...}}, each with rep (None in the total), sent,
    converted, rate (percent, one decimal; None without quotes), median_hours (one decimal;
    None without quotes). Rows come from the quote's account manager (None: unassigned).
    """
    quotes = Quote.objects.annotate(first_sent=Min("versions__sent_at")).filter(
        first_sent__gte=_day_start(start), first_sent__lt=_day_start(end + timedelta(days=1))
    )
    if scope.company_ids is not None:
        quotes = quotes.filter(company_id__in=scope.company_ids)
    groups: dict[int | None, list] = defaultdict(list)
    everything = []
    for quote in quotes.values("account_manager_id", "state", "created_at", "first_sent"):
        hours = Decimal((quote["first_sent"] - quote["created_at"]).total_seconds()) / 3600
        item = (quote["state"] in CONVERTED_STATES, hours)
        groups[quote["account_manager_id"]].append(item)
        everything.append(item)
    users = _users(pk for pk in groups if pk is not None)

    def figures(rep, items) -> dict:
        converted = sum(1 for done, _ in items if done)
        hours = median(h for _, h in items) if items else None
        return {
            "rep": rep,
            "sent": len(items),
            "converted": converted,
            "rate": _percent(converted, len(items)),
            "median_hours": None if hours is None else Decimal(hours).quantize(Decimal("0.1")),
        }

    rows = [figures(users.get(pk), items) for pk, items in groups.items()]
    rows.sort(key=lambda row: (-row["sent"], str(row["rep"] or "")))
    return {"rows": rows, "total": figures(None, everything)}
