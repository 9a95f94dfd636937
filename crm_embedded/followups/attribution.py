"""Recovery: which order a follow-up won back, and for how much.

A follow-up that reached someone (email sent, or the task route for an opted-out buyer, or a
task filed) and carried lines is *recovered* by the company's first order placed after it, within
``FOLLOWUP_ATTRIBUTION_DAYS``, that contains any of its products. The recovered amount is the
net value of that order's lines with those products.

One order is credited once per item, to one stage: the latest stage created before the order
whose email reached the buyer (status sent: the reminder, not the first email, when both went
out before the buyer ordered). Only when no email of the item reached the buyer before the order
(opted out, emails off for the rule, given up) is the task stage credited, or failing that the
latest opted-out stage. Once a stage of an item is recovered, the item's other stages are never
attributed, and the item's open tasks are completed with the order as their outcome.
"""

import logging
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from crm_embedded.followups.models import FollowUp
from crm_embedded.tasks.services import TaskError, task_complete
from orders.selectors import order_lines_for_products
from shop.money import money_display
from shop.notifications.selectors import user_language

log = logging.getLogger(__name__)

# Statuses where the follow-up reached the buyer or the account manager.
REACHED = (FollowUp.Status.SENT, FollowUp.Status.OPTED_OUT, FollowUp.Status.TASK)


def _product_ids(followup: FollowUp) -> set[int]:
    ids = set()
    for line in followup.lines or []:
        product_id = line.get("product_id") if isinstance(line, dict) else None
        if isinstance(product_id, int) or (isinstance(product_id, str) and product_id.isdigit()):
            ids.add(int(product_id))
    return ids


def _credit_order(stage: FollowUp) -> tuple:
    """Sort key of the stages that may be credited: an email that reached the buyer beats the
    task, the task beats an opted-out email stage; then the latest."""
    if stage.stage != FollowUp.Stage.TASK and stage.status == FollowUp.Status.SENT:
        rank = 2
    elif stage.status == FollowUp.Status.TASK:
        rank = 1
    else:
        rank = 0
    return (rank, stage.created_at, stage.stage, stage.pk)


def _attribution_for(stages: list[FollowUp], orders: list[tuple], window: timedelta):
    """The (stage, order number, placed, amount) an item's stages earn, or None.

    ``orders``: (number, placed, {product_id: net}) of the company, oldest first.
    """
    for number, placed, lines in orders:
        earlier = [s for s in stages if s.created_at < placed <= s.created_at + window]
        matching = [s for s in earlier if s.product_ids & lines.keys()]
        if not matching:
            continue
        stage = max(matching, key=_credit_order)
        amount = sum((lines[p] for p in stage.product_ids & lines.keys()), Decimal("0.00"))
        return stage, number, placed, amount
    return None


def followups_attribute(*, now: datetime | None = None) -> int:
    """Attribute orders to the follow-ups they recovered; return how many were attributed."""
    now = now or timezone.now()
    window = timedelta(days=settings.FOLLOWUP_ATTRIBUTION_DAYS)
    candidates = list(
        FollowUp.objects.filter(
            status__in=REACHED, recovered_at__isnull=True, created_at__gte=now - window
        ).order_by("created_at", "pk")
    )
    items: dict[str, list[FollowUp]] = defaultdict(list)
    for followup in candidates:
        followup.product_ids = _product_ids(followup)
        if followup.product_ids:
            items[followup.item_key].append(followup)
    if not items:
        return 0
    done = set(
        FollowUp.objects.filter(item_key__in=list(items), recovered_at__isnull=False)
        .values_list("item_key", flat=True)
        .distinct()
    )
    for key in done:
        items.pop(key, None)
    if not items:
        return 0
    stages = [s for item in items.values() for s in item]
    ordered = order_lines_for_products(
        company_ids=sorted({s.company_id for s in stages}),
        product_ids=sorted({p for s in stages for p in s.product_ids}),
        placed_after=min(s.created_at for s in stages),
        placed_until=now,
    )
    # company -> [(number, placed, {product_id: net})], oldest first
    by_company: dict[int, dict[str, tuple]] = defaultdict(dict)
    for line in ordered:
        orders = by_company[line.company_id]
        number, placed, lines = orders.setdefault(
            line.order_number, (line.order_number, line.date_placed, defaultdict(Decimal))
        )
        lines[line.product_id] += line.line_price_excl_tax
    attributed = 0
    won: dict[str, tuple] = {}  # item_key -> (order number, amount, currency)
    for item in items.values():
        found = _attribution_for(item, list(by_company[item[0].company_id].values()), window)
        if found is None:
            continue
        stage, number, placed, amount = found
        # Conditional: a concurrent run that attributed the stage first wins, nothing doubles.
        if FollowUp.objects.filter(pk=stage.pk, recovered_at__isnull=True).update(
            recovered_order_number=number, recovered_amount=amount, recovered_at=placed
        ):
            attributed += 1
            won[stage.item_key] = (number, amount, stage.currency)
    _tasks_complete(won)
    return attributed


def _tasks_complete(won: dict[str, tuple]) -> None:
    """Complete the open tasks filed for the recovered items: the order is their outcome.

    Best effort: a task that cannot be completed is logged and left open, nothing raises.
    """
    if not won:
        return
    try:
        rows = list(
            FollowUp.objects.filter(
                item_key__in=list(won), task__isnull=False, task__done_at__isnull=True
            )
            .select_related("task__owner")
            .order_by("pk")
        )
    except Exception:
        log.exception("follow-ups: the open tasks of recovered items could not be read")
        return
    for row in rows:
        number, amount, currency = won[row.item_key]
        try:
            with translation.override(user_language(user=row.task.owner)):
                outcome = _(
                    "Ordered: order %(number)s (%(amount)s net), recovered by the follow-up."
                ) % {"number": number, "amount": money_display(amount, currency)}
            task_complete(task=row.task, by=None, outcome=outcome)
        except TaskError:
            pass  # completed meanwhile (by a person or another run): nothing to do
        except Exception:
            log.exception("follow-ups: the task of %s could not be completed", row.item_key)
