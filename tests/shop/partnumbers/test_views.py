"""The company area's part-number pages: members read, admins change; another company's is a 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shop.partnumbers.models import CustomerPartNumber
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def mapping(company, products):
    return CustomerPartNumber.objects.create(
        company=company, product=products[0], part_number="RAS-FIL-0815"
    )


def test_the_company_page_links_to_the_part_numbers(client, buyer_member):
    client.force_login(buyer_member.user)
    html = client.get(reverse("company:home")).content.decode()
    assert 'id="company-part-numbers-link"' in html and reverse("partnumbers:list") in html


def test_members_read_and_search_but_only_admins_see_the_edit_controls(
    client, buyer_member, admin_member, mapping, products
):
    client.force_login(buyer_member.user)
    html = client.get(reverse("partnumbers:list")).content.decode()
    assert "RAS-FIL-0815" in html and "AUT-FL-0001" in html and "Oil filter 1" in html
    assert reverse("partnumbers:add") not in html and "partnumbers/1" not in html
    assert client.get(reverse("partnumbers:add")).status_code == 403
    assert client.post(reverse("partnumbers:delete", args=[mapping.pk])).status_code == 403
    assert client.get(reverse("partnumbers:upload")).status_code == 403
    assert CustomerPartNumber.objects.filter(pk=mapping.pk).exists()
    assert client.get(reverse("partnumbers:download")).status_code == 200
    client.force_login(admin_member.user)
    html = client.get(reverse("partnumbers:list"), {"q": "fil 0815"}).content.decode()
    assert reverse("partnumbers:edit", args=[mapping.pk]) in html
    html = client.get(reverse("partnumbers:list"), {"q": "nothing-like-it"}).content.decode()
    assert "No part number matches" in html and "RAS-FIL-0815" not in html


def test_a_search_with_control_characters_says_so_and_lists_all(client, admin_member, mapping):
    client.force_login(admin_member.user)
    response = client.get(reverse("partnumbers:list"), {"q": "a\x00b"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "one line" in html and "RAS-FIL-0815" in html


def test_an_admin_adds_edits_and_deletes(client, admin_member, products):
    client.force_login(admin_member.user)
    response = client.post(
        reverse("partnumbers:add"), {"part_number": "RAS-1", "sku": "AUT-FL-0002"}
    )
    assert response.status_code == 302
    mapping = CustomerPartNumber.objects.get(part_number="RAS-1")
    assert mapping.product == products[1]
    url = reverse("partnumbers:edit", args=[mapping.pk])
    assert 'value="AUT-FL-0002"' in client.get(url).content.decode()
    assert client.post(url, {"part_number": "RAS-1a", "sku": "AUT-FL-0003"}).status_code == 302
    mapping.refresh_from_db()
    assert (mapping.part_number, mapping.product) == ("RAS-1a", products[2])
    assert client.post(reverse("partnumbers:delete", args=[mapping.pk])).status_code == 302
    assert not CustomerPartNumber.objects.exists()


def test_saving_names_the_number_and_the_sku(client, admin_member, products):
    client.force_login(admin_member.user)
    response = client.post(
        reverse("partnumbers:add"), {"part_number": "RAS-1", "sku": "aut-fl-0002"}, follow=True
    )
    assert "Part number RAS-1 for our SKU AUT-FL-0002 saved." in response.content.decode()
    mapping = CustomerPartNumber.objects.get()
    response = client.post(
        reverse("partnumbers:edit", args=[mapping.pk]),
        {"part_number": "RAS-1b", "sku": "AUT-FL-0003"},
        follow=True,
    )
    html = response.content.decode()
    assert "Part number RAS-1b updated: it now stands for our SKU AUT-FL-0003." in html


def test_deleting_asks_first_on_a_page_of_its_own(client, admin_member, buyer_member, mapping):
    client.force_login(admin_member.user)
    url = reverse("partnumbers:delete", args=[mapping.pk])
    listing = client.get(reverse("partnumbers:list")).content.decode()
    # The list links to the question; no form there deletes at once.
    assert f'href="{url}"' in listing and f'action="{url}"' not in listing
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200 and CustomerPartNumber.objects.filter(pk=mapping.pk).exists()
    assert (
        "Delete part number RAS-FIL-0815? It stands for our SKU AUT-FL-0001 (Oil filter 1)." in html
    )
    assert 'id="part-number-delete-form"' in html
    response = client.post(url, follow=True)
    assert "Part number RAS-FIL-0815 deleted." in response.content.decode()
    assert not CustomerPartNumber.objects.exists()
    # A buyer may not even see the question.
    mapping.pk = None
    mapping.save()
    client.force_login(buyer_member.user)
    assert client.get(reverse("partnumbers:delete", args=[mapping.pk])).status_code == 403


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"part_number": "", "sku": "AUT-FL-0001"}, "This field is required"),
        ({"part_number": "R\r\nX", "sku": "AUT-FL-0001"}, "one line"),
        ({"part_number": "R" * 65, "sku": "AUT-FL-0001"}, "at most 64 characters"),
        ({"part_number": "R-1", "sku": "NOPE-9"}, "is not one of our SKUs"),
        ({"part_number": "ras fil 0815", "sku": "AUT-FL-0002"}, "already your part number"),
    ],
)
def test_bad_input_is_explained_on_the_form(client, admin_member, mapping, data, message):
    client.force_login(admin_member.user)
    response = client.post(reverse("partnumbers:add"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert CustomerPartNumber.objects.count() == 1


def test_upload_all_or_nothing_then_the_valid_lines(client, admin_member, products):
    client.force_login(admin_member.user)
    data = b"part_number,sku\nRAS-1,AUT-FL-0001\nRAS-2,NOPE-1\n"

    def upload(mode):
        return client.post(
            reverse("partnumbers:upload"),
            {"file": SimpleUploadedFile("p.csv", data, "text/csv"), "mode": mode},
        )

    html = upload("all").content.decode()
    assert "1 of 2 lines has errors: nothing was imported" in html
    assert 'data-line="3"' in html and "&#x27;NOPE-1&#x27; is not one of our SKUs" in html
    assert not CustomerPartNumber.objects.exists()
    html = upload("valid").content.decode()
    assert "imported: 1 new, 0 changed, 0 unchanged. 1 line with errors skipped." in html
    assert "lines skipped" not in html
    assert list(CustomerPartNumber.objects.values_list("part_number", flat=True)) == ["RAS-1"]
    data = b"part_number,sku\nRAS-1b,AUT-FL-0001\nRAS-2,NOPE-1\nRAS-3,NOPE-2\n"
    html = upload("valid").content.decode()
    assert "imported: 0 new, 1 changed, 0 unchanged. 2 lines with errors skipped." in html


def test_a_broken_file_is_explained_on_the_upload_form(client, admin_member, products):
    client.force_login(admin_member.user)
    response = client.post(
        reverse("partnumbers:upload"),
        {"file": SimpleUploadedFile("p.xlsx", b"PK\x03\x04nonsense"), "mode": "all"},
    )
    assert response.status_code == 400 and "could not be read" in response.content.decode()


def test_download_is_the_companys_csv(client, buyer_member, mapping, other_company, products):
    CustomerPartNumber.objects.create(company=other_company, product=products[1], part_number="B")
    client.force_login(buyer_member.user)
    response = client.get(reverse("partnumbers:download"))
    body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv")
    assert body.splitlines() == ["part_number,sku,product", "RAS-FIL-0815,AUT-FL-0001,Oil filter 1"]


def test_not_a_member_is_sent_to_the_company_page(client, buyer):
    client.force_login(buyer)
    response = client.get(reverse("partnumbers:list"))
    assert response.status_code == 302 and response["Location"] == reverse("company:home")


def test_another_companys_mapping_is_404_and_never_listed(
    client, admin_member, mapping, other_company, products
):
    theirs = CustomerPartNumber.objects.create(
        company=other_company, product=products[1], part_number="BETA-SECRET"
    )
    client.force_login(admin_member.user)
    assert "BETA-SECRET" not in client.get(reverse("partnumbers:list")).content.decode()
    assert client.get(reverse("partnumbers:edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("partnumbers:delete", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("partnumbers:delete", args=[theirs.pk])).status_code == 404
    assert CustomerPartNumber.objects.filter(pk=theirs.pk).exists()


def _mappings_add(company, start: int, count: int) -> None:
    products = [ProductFactory(upc=f"Q-{i:04d}") for i in range(start, start + count)]
    CustomerPartNumber.objects.bulk_create(
        CustomerPartNumber(company=company, product=p, part_number=f"P-{i}", normalized=f"P{i}")
        for i, p in enumerate(products, start=start)
    )


def _list_queries(client, **params) -> int:
    # Measured on a second visit: the page chrome (another room's) caches per user.
    client.get(reverse("partnumbers:list"), params)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("partnumbers:list"), params)
    assert response.status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_at_3_and_60_part_numbers(client, admin_member):
    _mappings_add(admin_member.company, 0, 3)
    client.force_login(admin_member.user)
    client.get(reverse("partnumbers:list"))  # the first visit writes the session
    small, small_search = _list_queries(client), _list_queries(client, q="P")
    _mappings_add(admin_member.company, 3, 57)
    assert _list_queries(client) == small
    assert _list_queries(client, q="P") == small_search
    assert _list_queries(client, page="2") == small
