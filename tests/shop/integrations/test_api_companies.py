"""Companies through the API: list with sync cursor, detail by id or ext: key."""

import pytest

from shop.companies.models import CompanyAddress
from shop.integrations.models import Scope
from tests.factories import CompanyFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_companies_read_by_id_and_by_the_erp_key(api_for):
    company = CompanyFactory(legal_name="Iberia Fleet S.L.", external_id="D-1001", country="ES")
    CompanyAddress.objects.create(
        company=company,
        kind="billing",
        label="HQ",
        line1="Calle Mayor 1",
        postcode="28013",
        city="Madrid",
        country="ES",
        is_default=True,
    )
    other = CompanyFactory(legal_name="Alpha GmbH")
    api = api_for(Scope.COMPANIES_READ)
    by_id = api.get(f"companies/{company.pk}/").json()
    assert by_id["legal_name"] == "Iberia Fleet S.L."
    assert by_id["external_id"] == "D-1001"
    assert by_id["addresses"][0]["city"] == "Madrid"
    assert api.get("companies/ext:D-1001/").json() == by_id
    for missing in ("ext:D-9", "ext:", "999999", "abc", "²"):
        assert api.get(f"companies/{missing}/").status_code == 404, missing
    page = api.get("companies/", params={"limit": 1}).json()
    assert page["has_more"] is True and len(page["results"]) == 1
    rest = api.get("companies/", params={"cursor": page["next_cursor"]}).json()
    assert {c["id"] for c in page["results"] + rest["results"]} == {company.pk, other.pk}
    assert rest["has_more"] is False
