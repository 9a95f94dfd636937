"""Recovery figures by rule and stage, for the reports and the cockpit.

A follow-up counts in the period in which it was created (a cohort: "of the follow-ups of
April, how many won an order back"), if it reached someone (email sent, task route for an
opted-out buyer, task filed). Recovered: an order was attributed to it (see attribution.py).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from crm_embedded.followups.attribution import REACHED
from crm_embedded.followups.models import FollowUp, FollowUpRule


@dataclass(frozen=True)
class RecoveryRow:
    kind: str
    kind_label: str
    stage: int | None  # None: the total row
    stage_label: str
    followups: int
    recovered: int
    rate: Decimal | None  # percent, one decimal; None without follow-ups
    revenue: Decimal


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"))


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def recovery_by_rule(
    *, start: date, end: date, company_ids: list[int] | None = None
) -> list[RecoveryRow]:
    """Follow-ups created on days [start, end], recovered count, rate and net revenue by
    rule kind and stage (kinds in rule order, stages ascending), then a total row; one query.

    ``company_ids`` None means every company.
    """
    followups = FollowUp.objects.filter(
        status__in=REACHED,
        created_at__gte=_day_start(start),
        created_at__lt=_day_start(end + timedelta(days=1)),
    )
    if company_ids is not None:
        followups = followups.filter(company_id__in=list(company_ids))
    grouped = (
        followups.values("kind", "stage")
        .annotate(
            n=Count("pk"),
            recovered=Count("pk", filter=Q(recovered_at__isnull=False)),
            revenue=Sum("recovered_amount"),
        )
        .order_by()
    )
    kinds = dict(FollowUpRule.Kind.choices)
    order = {value: index for index, value in enumerate(kinds)}
    stages = dict(FollowUp.Stage.choices)
    rows = []
    for row in sorted(grouped, key=lambda r: (order.get(r["kind"], 99), r["stage"])):
        rows.append(
            RecoveryRow(
                kind=row["kind"],
                kind_label=str(kinds.get(row["kind"], row["kind"])),
                stage=row["stage"],
                stage_label=str(stages.get(row["stage"], row["stage"])),
                followups=row["n"],
                recovered=row["recovered"],
                rate=_percent(row["recovered"], row["n"]),
                revenue=(row["revenue"] or Decimal("0")).quantize(Decimal("0.01")),
            )
        )
    total_n = sum(r.followups for r in rows)
    total_recovered = sum(r.recovered for r in rows)
    rows.append(
        RecoveryRow(
            kind="",
            kind_label="",
            stage=None,
            stage_label="",
            followups=total_n,
            recovered=total_recovered,
            rate=_percent(total_recovered, total_n),
            revenue=sum((r.revenue for r in rows), Decimal("0.00")),
        )
    )
    return rows


def recovery_total(*, start: date, end: date, company_ids: list[int] | None = None) -> RecoveryRow:
    """The total row of ``recovery_by_rule`` (the cockpit's figure); one query."""
    return recovery_by_rule(start=start, end=end, company_ids=company_ids)[-1]


@dataclass(frozen=True)
class RecoveryMonth:
    """The cockpit's figure: what follow-ups won back this month, and how this month's fare."""

    month: date
    revenue: Decimal  # net, of the orders attributed this month (whenever the follow-up went)
    orders: int  # follow-ups recovered this month
    followups: int  # follow-ups of this month that reached someone
    recovered: int  # ... of which recovered
    rate: Decimal | None  # percent of this month's follow-ups recovered, one decimal


def recovery_month(*, today: date, company_ids: list[int] | None = None) -> RecoveryMonth:
    """Recovered revenue this month (by the order's date) and this month's recovery rate; one
    query. ``company_ids`` None means every company."""
    month = today.replace(day=1)
    since = _day_start(month)
    followups = FollowUp.objects.filter(status__in=REACHED).filter(
        Q(created_at__gte=since) | Q(recovered_at__gte=since)
    )
    if company_ids is not None:
        followups = followups.filter(company_id__in=list(company_ids))
    this_month = Q(created_at__gte=since)
    recovered = Q(recovered_at__gte=since)
    row = followups.aggregate(
        revenue=Sum("recovered_amount", filter=recovered),
        orders=Count("pk", filter=recovered),
        followups=Count("pk", filter=this_month),
        recovered=Count("pk", filter=this_month & Q(recovered_at__isnull=False)),
    )
    return RecoveryMonth(
        month=month,
        revenue=(row["revenue"] or Decimal("0")).quantize(Decimal("0.01")),
        orders=row["orders"],
        followups=row["followups"],
        recovered=row["recovered"],
        rate=_percent(row["recovered"], row["followups"]),
    )
