"""The follow-up engine: detect leaks, claim each item's stage once, email or file a task.

Per item and stage the engine INSERTs the FollowUp row first (unique ``(item_key, stage)``):
of two runs at once exactly one gets the row and acts, the other skips. Acting (an email
through the one notification path, keyed ``followup:<row id>``, or a task keyed by the item)
and marking the row done happen in one transaction. A failure of one item is logged on its
row (FAILED, attempts + 1, next attempt after 10 min * 2^(attempts-1), at most 5 attempts)
and retried by a later run while the item is still a leak; nothing ever raises out of
``followups_run``.

Stages (``FollowUpRule`` holds the numbers):
- stage 1: an email to the buyer (the approvers for approvals) once the item is a leak;
- stage 2: a reminder ``stage2_after_days`` after stage 1 if the item is still a leak; for an
  offer at the latest on the day before it expires, never sooner than a day after stage 1;
- stage 3 (task): for the account manager (a sales manager when the account has none) at
  stage 1 when the value reaches ``task_min_value``, after stage 2 when
  ``task_after_stage2``, and at once when nobody may be emailed (opted out, consent
  declined) or the email failed every attempt: the task is the only route. Reorders lapsed and rules with ``email_buyer``
  off file the task only (from ``task_min_value``).
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import islice

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from crm_embedded.followups import attribution, detect, selectors
from crm_embedded.followups.models import FollowUp, FollowUpRule
from crm_embedded.followups.tokens import opt_out_token_make, restore_token_make
from crm_embedded.quotes.models import Quote
from crm_embedded.quotes.selectors import sales_managers
from crm_embedded.tasks.services import task_create
from shop.money import money_display
from shop.notifications.selectors import user_language
from shop.notifications.services import absolute_url, notification_send

log = logging.getLogger(__name__)

Kind = FollowUpRule.Kind
Stage = FollowUp.Stage
Status = FollowUp.Status

MAX_ATTEMPTS = 5
BACKOFF = timedelta(minutes=10)
TASK_DUE_IN = timedelta(days=1)
# A claimed row not finished by then (its worker died) is taken up again by a later run.
LEASE = timedelta(minutes=15)
BATCH_SIZE = 500
TASK_KEY_MAX = 100

EMAIL_KINDS: dict[str, dict[int, str]] = {
    Kind.IDLE_BASKET: {Stage.FIRST: "followup_cart", Stage.REMINDER: "followup_cart_reminder"},
    Kind.OFFER_EXPIRING: {Stage.FIRST: "followup_offer", Stage.REMINDER: "followup_offer"},
    Kind.QUOTE_NOT_ORDERED: {
        Stage.FIRST: "followup_quote_accepted",
        Stage.REMINDER: "followup_quote_accepted",
    },
    Kind.APPROVAL_PENDING: {Stage.FIRST: "followup_approval", Stage.REMINDER: "followup_approval"},
    Kind.REORDER_LAPSED: {},  # a task for the account manager only
}
DONE = (Status.SENT, Status.TASK, Status.OPTED_OUT, Status.SKIPPED)
NO_EMAIL = (Status.OPTED_OUT, Status.SKIPPED)


@dataclass
class RunSummary:
    """What one run did: rows finished per (kind, stage, status), failures, detector errors."""

    counts: Counter = field(default_factory=Counter)
    items: int = 0
    detector_errors: list[str] = field(default_factory=list)

    def count(self, *, kind: str | None = None, stage: int | None = None, status=None) -> int:
        return sum(
            n
            for (k, s, st), n in self.counts.items()
            if (kind is None or k == kind)
            and (stage is None or s == stage)
            and (status is None or st == status)
        )

    def as_dict(self) -> dict:
        return {
            "items": self.items,
            "done": {f"{k}/{s}/{st}": n for (k, s, st), n in sorted(self.counts.items())},
            "detector_errors": list(self.detector_errors),
        }


def followups_run(*, now: datetime | None = None) -> RunSummary:
    """Run every active rule's detector and act on each due stage; never raise."""
    now = now or timezone.now()
    summary = RunSummary()
    try:
        rules = selectors.rules_active()
    except Exception:
        log.exception("follow-ups: the rules could not be read")
        summary.detector_errors.append("rules")
        return summary
    for rule in rules:
        try:
            items = detect.DETECTORS[rule.kind](rule=rule, now=now)
            for batch in _batched(items, BATCH_SIZE):
                _batch_process(rule=rule, batch=batch, now=now, summary=summary)
        except Exception:
            log.exception("follow-ups: the %s detector failed", rule.kind)
            summary.detector_errors.append(rule.kind)
    _attribute(now=now)
    log.info("follow-ups run: %s", summary.as_dict())
    return summary


def _attribute(*, now: datetime) -> None:
    try:
        attribution.followups_attribute(now=now)
    except Exception:
        log.exception("follow-ups: attribution failed")


def _batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _batch_process(*, rule, batch: list[detect.Item], now: datetime, summary: RunSummary) -> None:
    done = selectors.followups_by_item(item_keys=[item.item_key for item in batch])
    for item in batch:
        summary.items += 1
        try:
            _item_process(rule=rule, item=item, rows=done.get(item.item_key, {}), now=now,
                          summary=summary)  # fmt: skip
        except Exception:
            log.exception("follow-ups: item %s failed", item.item_key)
            summary.counts[(item.kind, 0, Status.FAILED)] += 1


def _retryable(row: FollowUp, now: datetime) -> bool:
    return (
        row.status in (Status.PENDING, Status.FAILED)
        and row.attempts < MAX_ATTEMPTS
        and row.next_attempt_at is not None
        and row.next_attempt_at <= now
    )


def _given_up(row: FollowUp) -> bool:
    """An email stage that failed every attempt: a person takes over."""
    return row.status == Status.FAILED and row.attempts >= MAX_ATTEMPTS


def _reminder_due(*, rule, item: detect.Item, first: FollowUp, now: datetime) -> bool:
    done = first.done_at or first.created_at
    due = done + timedelta(days=rule.stage2_after_days)
    if item.reminder_deadline is not None:
        due = max(min(due, item.reminder_deadline), done + timedelta(days=1))
    return now >= due


def _item_process(*, rule, item: detect.Item, rows: dict, now: datetime, summary) -> None:
    """Do the stages due for one item, in order; each stage is claimed before it acts."""
    rows = dict(rows)

    def step(stage: int) -> None:
        existing = rows.get(stage)
        if existing is None or _retryable(existing, now):
            emailed = any(r.status == Status.SENT for s, r in rows.items() if s != Stage.TASK)
            row = _stage_do(rule=rule, item=item, stage=stage, existing=existing, now=now,
                            emailed=emailed)  # fmt: skip
            if row is not None:
                rows[stage] = row
                summary.counts[(item.kind, stage, row.status)] += 1

    emails = bool(EMAIL_KINDS[item.kind]) and rule.email_buyer
    if emails:
        step(Stage.FIRST)
        first = rows.get(Stage.FIRST)
        reminder_wanted = Stage.REMINDER in rows or (
            first is not None
            and first.status == Status.SENT
            and _reminder_due(rule=rule, item=item, first=first, now=now)
        )
        if reminder_wanted:
            step(Stage.REMINDER)
    first, reminder = rows.get(Stage.FIRST), rows.get(Stage.REMINDER)
    if emails:
        task_due = first is not None and (
            first.status in NO_EMAIL
            or _given_up(first)
            or (first.status == Status.SENT and item.value >= rule.task_min_value)
            or (
                reminder is not None
                and (
                    reminder.status in NO_EMAIL
                    or _given_up(reminder)
                    or (reminder.status == Status.SENT and rule.task_after_stage2)
                )
            )  # fmt: skip
        )
    else:
        task_due = item.value >= rule.task_min_value
    if task_due or Stage.TASK in rows:
        step(Stage.TASK)


def _claim(*, rule, item: detect.Item, stage: int, now: datetime) -> FollowUp | None:
    """INSERT the item's stage row; None when another run has it already."""
    try:
        with transaction.atomic():
            return FollowUp.objects.create(
                rule=rule,
                kind=item.kind,
                item_key=item.item_key,
                stage=stage,
                status=Status.PENDING,
                company_id=item.company_id,
                user_id=item.user_id,
                email=item.email,
                basket_id=item.basket_id,
                quote_id=item.quote_id,
                approval_id=item.approval_id,
                lines=list(item.lines),
                value=item.value,
                currency=item.currency,
                next_attempt_at=now + LEASE,
            )
    except IntegrityError:
        return None


def _lease(*, row: FollowUp, now: datetime) -> bool:
    """Take a failed (or abandoned) row for another attempt; False when another run has it."""
    return bool(
        FollowUp.objects.filter(
            pk=row.pk, status=row.status, attempts=row.attempts, next_attempt_at__lte=now
        ).update(status=Status.PENDING, next_attempt_at=now + LEASE)
    )


def _stage_do(*, rule, item, stage: int, existing: FollowUp | None, now: datetime, emailed=False):
    """Claim (or re-lease) the stage row and act; the row ends done or FAILED."""
    if existing is None:
        row = _claim(rule=rule, item=item, stage=stage, now=now)
        if row is None:
            return None
    else:
        if not _lease(row=existing, now=now):
            return None
        row = existing
    try:
        with transaction.atomic():
            changes = _act(item=item, stage=stage, row=row, now=now, emailed=emailed)
            changes.update(done_at=now, next_attempt_at=None, last_error="")
            FollowUp.objects.filter(pk=row.pk).update(**changes)
    except Exception as exc:
        log.exception("follow-ups: %s stage %s failed", item.item_key, stage)
        attempts = row.attempts + 1
        changes = {
            "status": Status.FAILED,
            "attempts": attempts,
            "last_error": f"{type(exc).__name__}: {exc}"[:2000],
            "next_attempt_at": (
                now + BACKOFF * 2 ** (attempts - 1) if attempts < MAX_ATTEMPTS else None
            ),
        }
        try:
            FollowUp.objects.filter(pk=row.pk).update(**changes)
        except Exception:
            log.exception("follow-ups: could not record the failure of %s", item.item_key)
    for name, value in changes.items():
        setattr(row, name, value)
    return row


def _act(*, item: detect.Item, stage: int, row: FollowUp, now: datetime, emailed: bool) -> dict:
    if stage == Stage.TASK:
        return _task_file(item=item, row=row, now=now, emailed=emailed)
    recipients = [r for r in item.recipients if r.email]
    if not recipients:
        return {"status": Status.SKIPPED, "last_error": ""}
    allowed = [r for r in recipients if selectors.email_allowed(email=r.email, user_id=r.user_id)]
    if not allowed:
        return {"status": Status.OPTED_OUT}
    key = f"followup:{row.pk}"
    kind = EMAIL_KINDS[item.kind][stage]
    language = user_language(user=_user(allowed[0].user_id))
    notification_send(
        kind=kind,
        to=[r.email for r in allowed],
        context=_email_context(item=item, stage=stage, row=row, recipients=allowed),
        key=key,
        language=language,
    )
    return {"status": Status.SENT, "notification_key": key, "email": allowed[0].email}


def _user(user_id: int | None):
    if not user_id:
        return None
    return get_user_model().objects.filter(pk=user_id).first()


def _lines_for_display(item: detect.Item) -> list[dict]:
    rows = []
    for line in item.lines:
        unit = Decimal(line["unit_price"])
        rows.append({**line, "unit_price": unit, "line_total": unit * line["quantity"]})
    return rows


def _email_context(*, item: detect.Item, stage: int, row: FollowUp, recipients) -> dict:
    context = {
        "reminder": stage == Stage.REMINDER,
        "name": recipients[0].name if len(recipients) == 1 else "",
        "buyer_name": item.name,
        "lines": _lines_for_display(item),
        "total": item.value,
        "currency": item.currency,
        "since": item.since,
        "quote_number": item.quote_number,
        "valid_until": item.valid_until,
    }
    if len(recipients) == 1:
        token = opt_out_token_make(email=recipients[0].email)
        context["opt_out_url"] = absolute_url("followups:opt-out", kwargs={"token": token})
    else:
        # One email to several approvers: each opts out on their own preferences page.
        context["opt_out_url"] = absolute_url("followups:preferences")
    if item.kind == Kind.IDLE_BASKET and item.user_id:
        token = restore_token_make(followup_id=row.pk, user_id=item.user_id)
        context["restore_url"] = absolute_url("followups:restore", kwargs={"token": token})
        context["basket_url"] = absolute_url("basket:summary")
    if item.quote_number:
        context["quote_url"] = absolute_url("quotes:detail", kwargs={"number": item.quote_number})
    if item.approval_id:
        context["approval_url"] = absolute_url("approvals:detail", kwargs={"pk": item.approval_id})
    return context


def rule_emails(kind: str) -> bool:
    """Whether the rule of this kind has emails at all (reorders have only the task)."""
    return bool(EMAIL_KINDS.get(kind))


def _task_owner(company):
    manager = company.account_manager
    if manager is not None and manager.is_active:
        return manager
    return sales_managers().first()


def task_key_for(item_key: str) -> str:
    """The idempotency key of an item's task (hashed when the item key is too long)."""
    key = f"followup:{item_key}:task"
    if len(key) <= TASK_KEY_MAX:
        return key
    return "followup:" + hashlib.sha256(item_key.encode()).hexdigest()[:40] + ":task"


def _task_file(*, item: detect.Item, row: FollowUp, now: datetime, emailed: bool) -> dict:
    company = FollowUp.objects.select_related("company__account_manager").get(pk=row.pk).company
    owner = _task_owner(company)
    if owner is None:
        log.warning("follow-ups: nobody to give the task of %s to", item.item_key)
        return {"status": Status.SKIPPED, "last_error": "no account manager or sales manager"}
    with translation.override(user_language(user=owner)):
        title, description = _task_text(item=item, company=company, emailed=emailed)
    quote = Quote.objects.filter(pk=item.quote_id).first() if item.quote_id else None
    task = task_create(
        owner=owner,
        title=title,
        description=description,
        # A working day to call: due at once, it would be overdue the moment it is filed.
        due_at=now + TASK_DUE_IN,
        company=company,
        quote=quote,
        url=item.task_url,
        key=task_key_for(item.item_key),
    )
    return {"status": Status.TASK, "task_id": task.pk}


def _task_text(*, item: detect.Item, company, emailed: bool) -> tuple[str, str]:
    value = money_display(item.value, item.currency)
    since = formats.date_format(timezone.localtime(item.since), "SHORT_DATE_FORMAT")
    names = {"company": company.legal_name, "value": value, "since": since,
             "buyer": item.name or item.email, "number": item.quote_number}  # fmt: skip
    if item.kind == Kind.IDLE_BASKET:
        title = _("Idle cart of %(buyer)s (%(company)s): %(value)s, untouched since %(since)s")
    elif item.kind == Kind.OFFER_EXPIRING:
        names["date"] = formats.date_format(item.valid_until, "SHORT_DATE_FORMAT")
        title = _("Offer %(number)s to %(company)s expires on %(date)s unanswered: %(value)s")
    elif item.kind == Kind.QUOTE_NOT_ORDERED:
        title = _("Quote %(number)s accepted by %(company)s on %(since)s, not ordered: %(value)s")
    elif item.kind == Kind.APPROVAL_PENDING:
        title = _("Purchase approval at %(company)s waiting since %(since)s: %(value)s")
    else:
        names["product"] = item.lines[0]["title"] if item.lines else ""
        names["days"] = item.extra.get("cycle_days", "")
        title = _(
            "%(company)s stopped reordering %(product)s (ordered every %(days)s days until "
            "%(since)s, about %(value)s each time)"
        )
    lines = [
        _("%(quantity)s × %(sku)s %(title)s at %(price)s")
        % {"quantity": line["quantity"], "sku": line["sku"], "title": line["title"],
           "price": money_display(Decimal(line["unit_price"]), item.currency)}
        for line in item.lines
    ]  # fmt: skip
    description = "\n".join(lines)
    if item.kind == Kind.REORDER_LAPSED:
        description += "\n" + _("Call the company and ask whether they still need it.")
    elif emailed:
        description += "\n" + _("An email went out and nothing happened since: call.")
    elif rule_emails(item.kind):
        description += "\n" + _(
            "Nobody here may be emailed about it (opted out or no consent): call."
        )
    return title % names, description
