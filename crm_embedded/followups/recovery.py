"""Recovery figures by rule and stage, for the reports and the cockpit.

A follow-up counts in the period in which it was created (a cohort: "of the follow-ups of
April, how many won an order back"), if it reached someone (email sent, task route for an
opted-out buyer, task filed). Recovered: an order was credited to it (see attribution.py; one
stage per item).

The rows by rule and stage count follow-ups (one per item and stage) and the recoveries
credited to that stage. The total and the cockpit's rate count items (``item_key``: one cart,
quote, approval or reorder, however many stages it took): the items with a follow-up in the
period, the items whose credited follow-up is among them, and the rate of the two.
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
    followups: int  # follow-ups at this stage; in the total row: distinct items
    recovered: int  # follow-ups credited with an order; in the total row: recovered items
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
    rule kind and stage (kinds in rule order, stages ascending), then a total row of distinct
    items; two queries.

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
    items = _items_count(followups)
    total_n, total_recovered = items["items"], items["recovered"]
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


def _items_count(followups) -> dict:
    """Distinct items of the follow-ups, and of those the items credited with an order."""
    return followups.aggregate(
        items=Count("item_key", distinct=True),
        recovered=Count("item_key", distinct=True, filter=Q(recovered_at__isnull=False)),
    )


def recovery_total(*, start: date, end: date, company_ids: list[int] | None = None) -> RecoveryRow:
    """The total row of ``recovery_by_rule``."""
    return recovery_by_rule(start=start, end=end, company_ids=company_ids)[-1]


@dataclass(frozen=True)
class RecoveryMonth:
    """The cockpit's figure: what follow-ups won back this month, and how this month's fare."""

    month: date
    revenue: Decimal  # net, of the orders attributed this month (whenever the follow-up went)
    orders: int  # orders credited this month (one per recovered item)
    followups: int  # items with a follow-up this month that reached someone
    recovered: int  # ... of which recovered (credited to a follow-up of this month)
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
        followups=Count("item_key", distinct=True, filter=this_month),
        recovered=Count(
            "item_key", distinct=True, filter=this_month & Q(recovered_at__isnull=False)
        ),
    )
    return RecoveryMonth(
        month=month,
        revenue=(row["revenue"] or Decimal("0")).quantize(Decimal("0.01")),
        orders=row["orders"],
        followups=row["followups"],
        recovered=row["recovered"],
        rate=_percent(row["recovered"], row["followups"]),
    )
