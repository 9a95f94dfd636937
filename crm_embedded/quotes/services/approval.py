"""Discounts beyond the threshold: ask the sales managers, approve, refuse or withdraw."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from crm_embedded.quotes import notifications, selectors
from crm_embedded.quotes.models import Quote, QuoteEvent
from crm_embedded.quotes.services._common import (
    QuoteError,
    approval_task_key,
    check_editable,
    close_approval_tasks,
    locked,
    quote_move,
    quote_move_from,
)
from crm_embedded.quotes.states import STAFF_EDITABLE, State
from crm_embedded.tasks.services import task_create, task_reopen, task_update
from shop.companies.selectors import user_is_sales_manager


@transaction.atomic
def quote_request_approval(*, quote: Quote, by) -> Quote:
    """Ask the sales managers to approve the draft's discounts: a task and an email each.

    The quote waits in AWAITING_APPROVAL, its lines frozen, until a sales manager approves
    or refuses it, or the account manager withdraws the request.
    """
    quote = locked(quote)
    if quote.state == State.AWAITING_APPROVAL:
        raise QuoteError(_("Approval is requested already: the sales managers have a task for it."))
    check_editable(quote)
    needing = selectors.lines_needing_approval(quote=quote)
    if not needing:
        raise QuoteError(_("No line is beyond the approval threshold: send the offer directly."))
    if selectors.quote_is_approved(quote=quote):
        raise QuoteError(_("These prices are approved already: send the offer."))
    why = "; ".join(f"{line.sku}: {reason}" for line, reason in needing[:10])
    quote_move_from(
        quote, STAFF_EDITABLE, State.AWAITING_APPROVAL, by=by,
        text=_("Approval requested: %(why)s") % {"why": why},
        refusal=_("Only a draft offer can be sent for approval"),
    )  # fmt: skip
    now = timezone.now()
    quote.approval_requested_at = now
    quote.save(update_fields=["state", "approval_requested_at", "updated_at"])
    title = _("Approve or refuse the offer %(number)s for %(company)s (%(count)s line(s))") % {
        "number": quote.number, "company": quote.company.legal_name, "count": len(needing),
    }  # fmt: skip
    url = reverse("crm:quote-detail", args=[quote.pk])
    for manager in selectors.sales_managers().exclude(pk=getattr(by, "pk", None)):
        task = task_create(
            owner=manager, title=title, company=quote.company, quote=quote, url=url,
            due_at=now, key=approval_task_key(quote, manager), created_by=by,
        )  # fmt: skip
        if task.done_at is not None:  # asked again after a refusal or a withdrawal
            task = task_reopen(task=task, by=by)
            if task.title != title[:200]:
                task_update(task=task, by=by, title=title)
    notifications.queue(quote, "approval_requested")
    return quote


@transaction.atomic
def quote_approve(*, quote: Quote, by, note: str = "") -> Quote:
    """A sales manager approves the draft as it is now; a later change needs approval again."""
    if not user_is_sales_manager(user=by):
        raise QuoteError(_("Only a sales manager can approve discounts beyond the threshold."))
    quote = locked(quote)
    text = _("Discounts approved")
    if note.strip():
        text = f"{text}: {note.strip()[:1000]}"
    if quote.state == State.AWAITING_APPROVAL:
        if selectors.quote_approval_requester(quote=quote) == by:
            raise QuoteError(_("You asked for this approval: another sales manager must give it."))
        quote_move(quote, State.IN_REVIEW, by=by, text=text)
        notifications.queue(quote, "approval_granted")
    else:
        # A sales manager looking at a draft may approve it without being asked.
        check_editable(quote)
        QuoteEvent.objects.create(quote=quote, by=by, text=text)
    quote.approved_by, quote.approved_fingerprint = by, selectors.quote_fingerprint(quote=quote)
    quote.save(update_fields=["state", "approved_by", "approved_fingerprint", "updated_at"])
    close_approval_tasks(quote, by=by)
    return quote


def _pending_approval(quote: Quote, refusal: str) -> None:
    # Approve, refuse and withdraw share AWAITING_APPROVAL -> IN_REVIEW; from any other
    # state the state machine's own message ("'In review' cannot become 'In review'")
    # would not say what is wrong.
    if quote.state != State.AWAITING_APPROVAL:
        raise QuoteError(f"{refusal}; " + _("this quote is '%(state)s'.") % {
            "state": quote.staff_state})  # fmt: skip


@transaction.atomic
def quote_refuse_approval(*, quote: Quote, by, reason: str) -> Quote:
    """A sales manager refuses the discounts, saying why; the draft goes back to review."""
    if not user_is_sales_manager(user=by):
        raise QuoteError(_("Only a sales manager can refuse an approval."))
    if not reason.strip():
        raise QuoteError(_("Say why the approval is refused: the account manager reads it."))
    quote = locked(quote)
    _pending_approval(quote, _("Only an offer waiting for approval can be refused"))
    quote_move(quote, State.IN_REVIEW, by=by,
               text=_("Approval refused: %(reason)s") % {"reason": reason.strip()[:1000]})  # fmt: skip
    quote.approved_by, quote.approved_fingerprint = None, ""
    quote.save(update_fields=["state", "approved_by", "approved_fingerprint", "updated_at"])
    close_approval_tasks(quote, by=by)
    notifications.queue(quote, "approval_refused")
    return quote


@transaction.atomic
def quote_withdraw_approval_request(*, quote: Quote, by) -> Quote:
    """The account manager takes the draft back from approval to change it."""
    quote = locked(quote)
    _pending_approval(quote, _("No approval request is pending"))
    quote_move(quote, State.IN_REVIEW, by=by, text=_("Approval request withdrawn"))
    quote.save(update_fields=["state", "updated_at"])
    close_approval_tasks(quote, by=by)
    return quote
