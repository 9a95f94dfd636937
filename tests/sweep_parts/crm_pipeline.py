"""Isolation sweep: the pipeline room's opportunity pages (another rep's opportunity is 404)."""

from decimal import Decimal

from crm_embedded.pipeline.models import Opportunity, Stage
from tests.sweep_parts import Probe

PROBES: dict[str, Probe] = {
    "crm:opportunity-detail": Probe("get", lambda s: {"pk": s.extra["opportunity"].pk}, actor="staff"),
    "crm:opportunity-edit": Probe("get", lambda s: {"pk": s.extra["opportunity"].pk}, actor="staff"),
    # No stage given: one's own is a 400 (the form says what is missing), nothing moves.
    "crm:opportunity-move": Probe("post", lambda s: {"pk": s.extra["opportunity"].pk}, actor="staff"),
}  # fmt: skip


def objects(side) -> dict:
    opportunity = Opportunity.objects.create(
        company=side.company,
        name=f"{side.company.legal_name} renewal",
        amount=Decimal("5000.00"),
        stage=Stage.objects.filter(kind=Stage.Kind.OPEN).first(),
        owner=side.company.account_manager,
    )
    return {"opportunity": opportunity}
