"""The quote state machine, in one place: states, their names for buyers and for staff,
and the allowed transitions. ``transition_check`` raises ``IllegalTransition`` otherwise."""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shop.errors import PortalError


class State(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    IN_REVIEW = "in_review", _("In review")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    ORDERED = "ordered", _("Ordered")
    DECLINED = "declined", _("Declined")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")


BUYER_NAMES = {
    State.REQUESTED: _("Requested: waiting for your account manager"),
    State.IN_REVIEW: _("Your account manager is preparing an offer"),
    # The approval of a discount is internal: the buyer sees an offer being prepared.
    State.AWAITING_APPROVAL: _("Your account manager is preparing an offer"),
    State.OFFERED: _("Offer received: accept, decline or ask for changes"),
    State.ACCEPTED: _("Accepted: the lines are in your basket"),
    State.ORDERED: _("Ordered"),
    State.DECLINED: _("Declined by you"),
    State.REJECTED: _("Not offered"),
    State.EXPIRED: _("Expired"),
    State.CANCELLED: _("Cancelled"),
}

STAFF_NAMES = {
    State.REQUESTED: _("New request"),
    State.IN_REVIEW: _("In review"),
    State.AWAITING_APPROVAL: _("Waiting for a sales manager's approval"),
    State.OFFERED: _("Offer sent, waiting for the buyer"),
    State.ACCEPTED: _("Accepted by the buyer, not yet ordered"),
    State.ORDERED: _("Ordered"),
    State.DECLINED: _("Declined by the buyer"),
    State.REJECTED: _("Rejected by us"),
    State.EXPIRED: _("Expired"),
    State.CANCELLED: _("Cancelled"),
}

# (from, to) -> the action that makes it, as said in an error message.
TRANSITIONS: dict[tuple[str, str], str] = {
    (State.REQUESTED, State.IN_REVIEW): "start the review",
    (State.REQUESTED, State.OFFERED): "send an offer",
    (State.IN_REVIEW, State.OFFERED): "send an offer",
    (State.REQUESTED, State.REJECTED): "reject the request",
    (State.IN_REVIEW, State.REJECTED): "reject the request",
    (State.REQUESTED, State.CANCELLED): "cancel the request",
    (State.IN_REVIEW, State.CANCELLED): "cancel the request",
    # An offer beyond the discount or margin threshold waits for a sales manager, its lines
    # frozen; approving, refusing (with a reason) or withdrawing the request reopens it.
    (State.REQUESTED, State.AWAITING_APPROVAL): "ask a sales manager to approve",
    (State.IN_REVIEW, State.AWAITING_APPROVAL): "ask a sales manager to approve",
    (State.AWAITING_APPROVAL, State.IN_REVIEW): "approve, refuse or withdraw the approval request",
    (State.AWAITING_APPROVAL, State.CANCELLED): "cancel the request",
    (State.OFFERED, State.CANCELLED): "cancel the request",
    (State.OFFERED, State.ACCEPTED): "accept the offer",
    (State.OFFERED, State.DECLINED): "decline the offer",
    (State.OFFERED, State.IN_REVIEW): "ask for changes / revise the offer",
    (State.OFFERED, State.EXPIRED): "expire the offer",
    (State.EXPIRED, State.IN_REVIEW): "ask for a renewed offer",
    (State.ACCEPTED, State.ORDERED): "order the accepted quote",
    (State.ACCEPTED, State.CANCELLED): "cancel the accepted quote",
}

OPEN_STATES = (
    State.REQUESTED, State.IN_REVIEW, State.AWAITING_APPROVAL, State.OFFERED, State.ACCEPTED,
)  # fmt: skip
STAFF_EDITABLE = (State.REQUESTED, State.IN_REVIEW)


class IllegalTransition(PortalError):
    def __init__(self, current: str, target: str):
        self.current, self.target = State(current), State(target)
        super().__init__(
            gettext("A quote that is '%(current)s' cannot become '%(target)s'.")
            % {"current": self.current.label, "target": self.target.label}
        )


def transition_check(current: str, target: str) -> None:
    """Raise IllegalTransition unless the quote may move from ``current`` to ``target``."""
    if (current, target) not in TRANSITIONS:
        raise IllegalTransition(current, target)


def allowed_from(current: str) -> set[str]:
    return {target for (source, target) in TRANSITIONS if source == current}
