"""The quote state machine, in one place: states, their names for buyers and for staff,
and the allowed transitions. ``transition_check`` raises ``IllegalTransition`` otherwise."""

from django.db import models


class State(models.TextChoices):
    REQUESTED = "requested", "Requested"
    IN_REVIEW = "in_review", "In review"
    AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
    OFFERED = "offered", "Offered"
    ACCEPTED = "accepted", "Accepted"
    ORDERED = "ordered", "Ordered"
    DECLINED = "declined", "Declined"
    REJECTED = "rejected", "Rejected"
    EXPIRED = "expired", "Expired"
    CANCELLED = "cancelled", "Cancelled"


BUYER_NAMES = {
    State.REQUESTED: "Requested: waiting for your account manager",
    State.IN_REVIEW: "Your account manager is preparing an offer",
    # The approval of a discount is internal: the buyer sees an offer being prepared.
    State.AWAITING_APPROVAL: "Your account manager is preparing an offer",
    State.OFFERED: "Offer received: accept, decline or ask for changes",
    State.ACCEPTED: "Accepted: the lines are in your basket",
    State.ORDERED: "Ordered",
    State.DECLINED: "Declined by you",
    State.REJECTED: "Not offered",
    State.EXPIRED: "Expired",
    State.CANCELLED: "Cancelled",
}

STAFF_NAMES = {
    State.REQUESTED: "New request",
    State.IN_REVIEW: "In review",
    State.AWAITING_APPROVAL: "Waiting for a sales manager's approval",
    State.OFFERED: "Offer sent, waiting for the buyer",
    State.ACCEPTED: "Accepted by the buyer, not yet ordered",
    State.ORDERED: "Ordered",
    State.DECLINED: "Declined by the buyer",
    State.REJECTED: "Rejected by us",
    State.EXPIRED: "Expired",
    State.CANCELLED: "Cancelled",
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


class IllegalTransition(Exception):
    def __init__(self, current: str, target: str):
        self.current, self.target = State(current), State(target)
        super().__init__(
            f"A quote that is '{self.current.label}' cannot become '{self.target.label}'."
        )
        self.message = str(self)


def transition_check(current: str, target: str) -> None:
    """Raise IllegalTransition unless the quote may move from ``current`` to ``target``."""
    if (current, target) not in TRANSITIONS:
        raise IllegalTransition(current, target)


def allowed_from(current: str) -> set[str]:
    return {target for (source, target) in TRANSITIONS if source == current}
