"""The contacts room's object URLs in the isolation sweep (staff: the company's manager).

Side B's contact belongs to B's company: A's account manager gets 404 on it.
"""

from crm_embedded.contacts.models import Contact
from tests.sweep_parts import Probe

PROBES = {
    "crm:contact-edit": Probe("get", lambda s: {"pk": s.extra["crm_contact"].pk}, actor="staff"),
}


def objects(side) -> dict:
    contact = Contact.objects.create(
        company=side.company, first_name="Rita", last_name=f"Sweep {side.company.pk}"
    )
    return {"crm_contact": contact}
