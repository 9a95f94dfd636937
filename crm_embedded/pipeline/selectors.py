"""Reads of the pipeline room: opportunities as a staff user may see them, stage totals, deals."""

from datetime import date
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import Count, DecimalField, ExpressionWrapper, F, QuerySet, Sum

from crm_embedded.pipeline.models import Opportunity, Stage
from shop.companies.selectors import user_is_account_staff, user_is_sales_manager
from shop.money import money_round

CLOSED_KINDS = (Stage.Kind.WON, Stage.Kind.LOST)


def stages_open() -> list[Stage]:
    """The active open stages in board order."""
    return list(Stage.objects.filter(kind=Stage.Kind.OPEN, is_active=True))


def stage_for_outcome(*, kind: str) -> Stage | None:
    """The active won (or lost) stage, or None when the configuration has none."""
    return Stage.objects.filter(kind=kind, is_active=True).first()


def opportunities_for_staff(*, user: AbstractBaseUser) -> QuerySet[Opportunity]:
    """Opportunities of the companies the user may see: a sales manager all, a rep their accounts'."""
    opportunities = Opportunity.objects.select_related("company", "stage", "owner", "quote")
    if user_is_sales_manager(user=user):
        return opportunities
    if user_is_account_staff(user=user):
        return opportunities.filter(company__account_manager=user)
    return opportunities.none()


def _weighted(amount_times_probability) -> Decimal:
    return money_round((amount_times_probability or Decimal("0")) / 100)


def pipeline_summary(*, owner_ids: list[int] | None) -> list[dict]:
    """Per active open stage, in order: {"stage", "count", "amount", "weighted"} (two queries).

    ``owner_ids`` None means every owner. Amounts are summed as they stand (the CRM's
    opportunities are in the shop's currency).
    """
    rows = Opportunity.objects.filter(stage__kind=Stage.Kind.OPEN)
    if owner_ids is not None:
        rows = rows.filter(owner_id__in=owner_ids)
    totals = {
        row["stage_id"]: row
        for row in rows.values("stage_id").annotate(
            n=Count("pk"),
            total=Sum("amount"),
            weight=Sum(
                ExpressionWrapper(
                    F("amount") * F("probability"),
                    output_field=DecimalField(max_digits=20, decimal_places=2),
                )
            ),
        )
    }
    summary = []
    for stage in stages_open():
        row = totals.get(stage.pk, {})
        summary.append(
            {
                "stage": stage,
                "count": row.get("n", 0),
                "amount": money_round(row.get("total") or 0),
                "weighted": _weighted(row.get("weight")),
            }
        )
    return summary


def opportunities_for_company(*, company_id: int) -> list[Opportunity]:
    """A company's opportunities, open ones first (by expected close), then closed, newest first."""
    opportunities = list(
        Opportunity.objects.select_related("stage", "owner", "quote").filter(company_id=company_id)
    )
    open_ = [o for o in opportunities if o.stage.kind == Stage.Kind.OPEN]
    closed = [o for o in opportunities if o.stage.kind != Stage.Kind.OPEN]
    open_.sort(key=lambda o: (o.expected_close is None, o.expected_close or date.max, o.pk))
    closed.sort(key=lambda o: (o.closed_at is None, o.closed_at), reverse=True)
    return open_ + closed


def deals_closed(
    *, start: date, end: date, owner_ids: list[int] | None = None
) -> list[Opportunity]:
    """Won and lost opportunities closed between ``start`` and ``end`` (inclusive local dates)."""
    deals = Opportunity.objects.select_related("company", "stage", "owner").filter(
        stage__kind__in=CLOSED_KINDS,
        closed_at__date__gte=start,
        closed_at__date__lte=end,
    )
    if owner_ids is not None:
        deals = deals.filter(owner_id__in=owner_ids)
    return list(deals.order_by("closed_at", "pk"))


def forecast_by_month(*, opportunities: QuerySet[Opportunity], months: list[date]) -> dict:
    """Weighted and unweighted open amounts per expected-close month among ``months``.

    Returns {"months": [{"month", "count", "amount", "weighted"}], "overdue": {...},
    "undated": {...}}: overdue is an open deal expected before the first month.
    """
    empty = {"count": 0, "amount": Decimal("0"), "weighted": Decimal("0")}
    buckets = {month: {"month": month, **empty} for month in months}
    overdue, undated = dict(empty), dict(empty)
    first = months[0]
    last = months[-1]
    rows = opportunities.filter(stage__kind=Stage.Kind.OPEN).values_list(
        "expected_close", "amount", "probability"
    )
    for expected, amount, probability in rows:
        if expected is None:
            bucket = undated
        elif expected < first:
            bucket = overdue
        else:
            bucket = buckets.get(expected.replace(day=1))
            if bucket is None or expected.replace(day=1) > last:
                continue
        bucket["count"] += 1
        bucket["amount"] += amount
        bucket["weighted"] += amount * probability / 100
    for bucket in [*buckets.values(), overdue, undated]:
        bucket["amount"] = money_round(bucket["amount"])
        bucket["weighted"] = money_round(bucket["weighted"])
    return {"months": list(buckets.values()), "overdue": overdue, "undated": undated}
