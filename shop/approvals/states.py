"""The approval request state machine, in one place: states and the allowed moves.

``transition_check`` raises ``IllegalTransition`` for any other move.
"""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shop.errors import PortalError


class State(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    # A card-paying company's approved request: the buyer pays by the emailed link, and the
    # order is placed then (card details are never held while a request waits).
    AWAITING_PAYMENT = "awaiting_payment", _("Approved, awaiting payment")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")


TRANSITIONS: dict[str, frozenset[str]] = {
    State.PENDING: frozenset(
        {State.APPROVED, State.AWAITING_PAYMENT, State.REJECTED, State.EXPIRED, State.CANCELLED}
    ),
    # Paid: the order is placed (APPROVED); or the link expired, or the buyer withdrew.
    State.AWAITING_PAYMENT: frozenset({State.APPROVED, State.EXPIRED, State.CANCELLED}),
    State.APPROVED: frozenset(),
    State.REJECTED: frozenset(),
    State.EXPIRED: frozenset(),
    State.CANCELLED: frozenset(),
}


class IllegalTransition(PortalError):
    pass


def transition_check(*, current: str, target: str) -> None:
    """Raise IllegalTransition unless the request may move from ``current`` to ``target``."""
    if target not in TRANSITIONS.get(current, frozenset()):
        raise IllegalTransition(
            gettext(
                "This request is already %(current)s, so it cannot be %(target)s. Reload the "
                "page to see its decision."
            )
            % {
                "current": str(State(current).label).lower(),
                "target": str(State(target).label).lower(),
            }
        )


def decision_check(*, current: str) -> None:
    """Raise IllegalTransition unless the request still waits for an approver's decision."""
    if current != State.PENDING:
        raise IllegalTransition(
            gettext(
                "This request is already %(current)s, so it cannot be decided again. Reload "
                "the page to see its decision."
            )
            % {"current": str(State(current).label).lower()}
        )
