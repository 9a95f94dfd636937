"""What the quote services share: the error, the limits, the row lock and the one state move.

Every state change goes through ``quote_move`` (the state machine in ``states.py``) under a
row lock; it writes the quote's history and, once the transaction commits, tells the other
rooms through ``quote_state_changed``.
"""

import logging
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from crm_embedded.quotes.models import Quote, QuoteEvent
from crm_embedded.quotes.signals import quote_state_changed
from crm_embedded.quotes.states import STAFF_EDITABLE, State, transition_check
from crm_embedded.tasks.services import tasks_close
from shop.errors import PortalError

log = logging.getLogger(__name__)

MAX_QUANTITY = 1_000_000
MAX_PRICE = Decimal("10000000")  # unit prices stay below ten million (fits every money column)
MAX_TOTAL = Decimal("999999999999")  # a version's total fits its column (14 digits, 2 decimals)


class QuoteError(PortalError):
    """A quote request or change that cannot be done, with a message for the person who asked."""


def locked(quote: Quote) -> Quote:
    """The quote again, under a row lock until the transaction ends."""
    return Quote.objects.select_for_update(of=("self",)).get(pk=quote.pk)


def _announce(*, quote_id: int, from_state: str, to_state: str, by_user_id: int | None) -> None:
    for receiver, result in quote_state_changed.send_robust(
        sender=Quote, quote_id=quote_id, from_state=from_state, to_state=to_state,
        by_user_id=by_user_id,
    ):  # fmt: skip
        if isinstance(result, Exception):
            log.error("quote_state_changed receiver %r failed: %r", receiver, result)


def quote_move(quote: Quote, target: str, *, by, text: str = "") -> Quote:
    """Move a locked quote to ``target`` (or raise IllegalTransition) and record it.

    The other rooms hear of it after the commit; a rolled-back move tells nobody.
    """
    source = quote.state
    transition_check(source, target)
    QuoteEvent.objects.create(quote=quote, by=by, from_state=source, to_state=target, text=text)
    quote.state = target
    quote_id, by_user_id = quote.pk, getattr(by, "pk", None)
    transaction.on_commit(
        lambda: _announce(
            quote_id=quote_id, from_state=source, to_state=target, by_user_id=by_user_id
        ),
        robust=True,
    )
    return quote


def quote_move_from(
    quote: Quote, sources: tuple, target: str, *, by, text: str, refusal: str
) -> Quote:
    """``quote_move`` for an action that starts only from ``sources``.

    Review, revision and "ask for changes" all lead to IN_REVIEW, so the state machine alone
    would let each of them start from the others' states too.
    """
    if quote.state not in sources:
        transition_check(quote.state, target)  # no action at all may do this: say so
        raise QuoteError(
            _("%(refusal)s; this quote is '%(state)s'.")
            % {"refusal": refusal, "state": State(quote.state).label}
        )
    return quote_move(quote, target, by=by, text=text)


def check_quantity(quantity: int) -> None:
    if not 1 <= quantity <= MAX_QUANTITY:
        raise QuoteError(
            _("Quantities must be from 1 to %(max)s; %(quantity)s is not.")
            % {"max": f"{MAX_QUANTITY:,}", "quantity": quantity}
        )


def check_price(value: Decimal | None, what: str) -> None:
    if value is None:
        return
    if not value.is_finite() or value >= MAX_PRICE:
        raise QuoteError(
            _("The %(what)s must be below %(max)s.") % {"what": what, "max": f"{MAX_PRICE:,}"}
        )
    if value < 0:
        raise QuoteError(
            _("The %(what)s cannot be negative (%(value)s).") % {"what": what, "value": value}
        )


def check_editable(quote: Quote) -> None:
    if quote.state not in STAFF_EDITABLE:
        raise QuoteError(
            _(
                "The quote is '%(state)s': start a new version (the buyer asks for "
                "changes, or you revise it) before editing."
            )
            % {"state": quote.staff_state}
        )


# Automated tasks -------------------------------------------------------------------------

OVERDUE_TASK_PREFIX = "quote-overdue:"
APPROVAL_TASK_PREFIX = "quote-approval:"


def overdue_task_key(quote: Quote) -> str:
    return f"{OVERDUE_TASK_PREFIX}{quote.pk}"


def approval_task_key(quote: Quote, user) -> str:
    return f"{APPROVAL_TASK_PREFIX}{quote.pk}:{user.pk}"


def close_overdue_task(quote: Quote, *, by=None) -> None:
    """The request got its answer: the "waiting too long" task is done."""
    tasks_close(keys=[overdue_task_key(quote)], by=by, outcome=_("The request was answered."))


def close_approval_tasks(quote: Quote, *, by=None) -> None:
    """The approval was given, refused or withdrawn: every sales manager's task is done."""
    tasks_close(
        key_prefix=f"{APPROVAL_TASK_PREFIX}{quote.pk}:",
        by=by,
        outcome=_("The approval was decided or withdrawn."),
    )
