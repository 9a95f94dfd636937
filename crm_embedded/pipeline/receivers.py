"""The pipeline listens to the quote room: a linked quote's outcome closes its opportunity."""

import logging

from django.db import transaction
from django.dispatch import receiver
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from crm_embedded.pipeline import services
from crm_embedded.pipeline.models import Opportunity, Stage
from crm_embedded.pipeline.selectors import stage_for_outcome
from crm_embedded.quotes.signals import quote_state_changed
from crm_embedded.quotes.states import State

logger = logging.getLogger(__name__)

WON_STATES = {State.ACCEPTED, State.ORDERED}
LOST_REASONS = {
    State.DECLINED: gettext_noop("Quote declined by the buyer"),
    State.REJECTED: gettext_noop("Quote rejected by us"),
    State.EXPIRED: gettext_noop("Quote expired"),
    State.CANCELLED: gettext_noop("Quote cancelled"),
}


def opportunities_follow_quote(*, quote_id: int, to_state: str) -> int:
    """Close the open opportunities linked to the quote as its new state says; return how many."""
    if to_state in WON_STATES:
        kind, reason = Stage.Kind.WON, ""
    elif to_state in LOST_REASONS:
        kind, reason = Stage.Kind.LOST, _(LOST_REASONS[to_state])
    else:
        return 0
    stage = stage_for_outcome(kind=kind)
    if stage is None:
        return 0
    moved = 0
    opportunities = Opportunity.objects.select_related("owner").filter(
        quote_id=quote_id, stage__kind=Stage.Kind.OPEN
    )
    for opportunity in opportunities:
        services.opportunity_move(opportunity=opportunity, stage=stage, by=None, lost_reason=reason)
        moved += 1
    return moved


def _follow_safely(quote_id: int, to_state: str) -> None:
    try:
        opportunities_follow_quote(quote_id=quote_id, to_state=to_state)
    except Exception:  # never into the quote's request: the pipeline can be fixed by hand
        logger.exception("pipeline: could not follow quote %s to %s", quote_id, to_state)


@receiver(quote_state_changed, dispatch_uid="crm_pipeline.quote_state_changed")
def on_quote_state_changed(sender, quote_id=None, to_state=None, by_user_id=None, **kwargs):
    """Queue the opportunity move after the quote's transaction commits; never raise."""
    try:
        if quote_id is None or to_state is None:
            return
        transaction.on_commit(lambda: _follow_safely(int(quote_id), str(to_state)))
    except Exception:
        logger.exception("pipeline: could not queue the follow-up of quote %s", quote_id)
