"""The activities room's object URLs in the isolation sweep (staff: the company's manager)."""

from crm_embedded.activities.models import Activity
from tests.sweep_parts import Probe

PROBES = {
    "crm:activity-detail": Probe("get", lambda s: {"pk": s.extra["activity"].pk}, actor="staff"),
    "crm:activity-comment": Probe(
        "post", lambda s: {"pk": s.extra["activity"].pk}, actor="staff", data={"body": "Hi"}
    ),
}


def objects(side) -> dict:
    activity = Activity.objects.create(
        company=side.company,
        author=side.company.account_manager,
        kind=Activity.Kind.CALL,
        subject=f"Call with {side.company.legal_name}",
    )
    return {"activity": activity}
