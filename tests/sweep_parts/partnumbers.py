"""Customer part numbers in the isolation sweep: the company area's and the account team's pages.

Side B's part number belongs to company B: A's admin and A's account manager get 404.
"""

from shop.partnumbers.models import CustomerPartNumber
from tests.factories import ProductFactory
from tests.sweep_parts import Probe

PROBES = {
    "partnumbers:edit": Probe("get", lambda s: {"pk": s.extra["part_number"].pk}),
    "partnumbers:delete": Probe("post", lambda s: {"pk": s.extra["part_number"].pk}),
    "crm:company-part-numbers": Probe("get", lambda s: {"pk": s.company.pk}, actor="staff"),
    "crm:company-part-number-edit": Probe(
        "get",
        lambda s: {"pk": s.company.pk, "mapping_pk": s.extra["part_number"].pk},
        actor="staff",
    ),
    "crm:company-part-number-delete": Probe(
        "post",
        lambda s: {"pk": s.company.pk, "mapping_pk": s.extra["part_number"].pk},
        actor="staff",
    ),
    "crm:company-part-numbers-import": Probe("post", lambda s: {"pk": s.company.pk}, actor="staff"),
    "crm:company-part-numbers-export": Probe("get", lambda s: {"pk": s.company.pk}, actor="staff"),
}


def objects(side) -> dict:
    product = ProductFactory()
    mapping = CustomerPartNumber.objects.create(
        company=side.company, product=product, part_number=f"{side.company.slug}-PN-1"
    )
    return {"part_number": mapping}
