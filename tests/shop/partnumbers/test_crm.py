"""The account team keeps a customer's part numbers from the CRM: their accounts only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shop.companies.models import AuditEntry
from shop.partnumbers.models import CustomerPartNumber
from tests.factories import CompanyFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_manager(db):
    from django.contrib.auth.models import Group

    user = UserFactory(email="am2@partshub.example", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name="Account managers")[0])
    return user


def test_the_customer_view_links_to_the_part_numbers(client, account_manager, company):
    client.force_login(account_manager)
    html = client.get(reverse("crm:company-detail", args=[company.pk])).content.decode()
    assert reverse("crm:company-part-numbers", args=[company.pk]) in html


def test_the_account_manager_adds_edits_imports_exports_and_deletes(
    client, account_manager, company, products
):
    client.force_login(account_manager)
    url = reverse("crm:company-part-numbers", args=[company.pk])
    response = client.post(url, {"part_number": "RAS-1", "sku": "AUT-FL-0001"})
    assert response.status_code == 302
    mapping = CustomerPartNumber.objects.get(company=company)
    assert mapping.updated_by == account_manager
    entry = AuditEntry.objects.get(company=company, action="part_number.created")
    assert entry.actor == account_manager
    response = client.post(url, {"part_number": "RAS-2", "sku": "NOPE"})
    assert response.status_code == 400 and "is not one of our SKUs" in response.content.decode()
    edit = reverse("crm:company-part-number-edit", args=[company.pk, mapping.pk])
    assert client.post(edit, {"part_number": "RAS-1b", "sku": "AUT-FL-0001"}).status_code == 302
    mapping.refresh_from_db()
    assert mapping.part_number == "RAS-1b"
    response = client.post(
        reverse("crm:company-part-numbers-import", args=[company.pk]),
        {
            "file": SimpleUploadedFile("p.csv", b"RAS-2,AUT-FL-0002\nRAS-3,NOPE\n"),
            "mode": "all",
        },
    )
    html = response.content.decode()
    assert "nothing was imported" in html and 'data-line="2"' in html
    assert company.part_numbers.count() == 1
    response = client.post(
        reverse("crm:company-part-numbers-import", args=[company.pk]),
        {
            "file": SimpleUploadedFile("p.csv", b"RAS-2,AUT-FL-0002\nRAS-3,NOPE\n"),
            "mode": "valid",
        },
    )
    assert company.part_numbers.count() == 2
    body = b"".join(
        client.get(reverse("crm:company-part-numbers-export", args=[company.pk])).streaming_content
    ).decode()
    assert body.splitlines()[1:] == [
        "RAS-1b,AUT-FL-0001,Oil filter 1",
        "RAS-2,AUT-FL-0002,Oil filter 2",
    ]
    delete = reverse("crm:company-part-number-delete", args=[company.pk, mapping.pk])
    html = client.get(delete).content.decode()
    assert "Delete part number RAS-1b? It stands for our SKU AUT-FL-0001" in html
    assert company.part_numbers.count() == 2
    assert client.post(delete).status_code == 302
    assert company.part_numbers.count() == 1


def test_the_account_team_reads_customer_part_number_not_your_part_number(
    client, account_manager, company, products
):
    CustomerPartNumber.objects.create(company=company, product=products[0], part_number="RAS-1")
    client.force_login(account_manager)
    url = reverse("crm:company-part-numbers", args=[company.pk])
    html = client.get(url).content.decode()
    assert "<th>Customer part number</th>" in html and "Your part number" not in html
    assert html.count("Customer part number") >= 2  # the column and the add form's label
    response = client.post(
        reverse("crm:company-part-numbers-import", args=[company.pk]),
        {"file": SimpleUploadedFile("p.csv", b"RAS-2,NOPE\n"), "mode": "check"},
    )
    html = response.content.decode()
    assert 'id="import-errors"' in html and "Your part number" not in html
    mapping = company.part_numbers.get()
    response = client.post(
        reverse("crm:company-part-number-edit", args=[company.pk, mapping.pk]),
        {"part_number": "RAS-9", "sku": "AUT-FL-0002"},
        follow=True,
    )
    html = response.content.decode()
    assert "Part number RAS-9 updated: it now stands for our SKU AUT-FL-0002." in html


def test_crm_import_messages_count_lines_properly(client, account_manager, company, products):
    client.force_login(account_manager)
    response = client.post(
        reverse("crm:company-part-numbers-import", args=[company.pk]),
        {"file": SimpleUploadedFile("p.csv", b"RAS-2,AUT-FL-0002\nRAS-3,NOPE\n"), "mode": "valid"},
    )
    html = response.content.decode()
    assert "imported: 1 new, 0 changed, 0 unchanged. 1 line with errors skipped." in html
    assert "1 lines" not in html


def test_another_managers_account_is_404_and_a_sales_manager_sees_all(
    client, other_manager, sales_manager, company, products
):
    mapping = CustomerPartNumber.objects.create(
        company=company, product=products[0], part_number="RAS-1"
    )
    client.force_login(other_manager)
    assert client.get(reverse("crm:company-part-numbers", args=[company.pk])).status_code == 404
    response = client.post(reverse("crm:company-part-number-delete", args=[company.pk, mapping.pk]))
    assert response.status_code == 404 and CustomerPartNumber.objects.exists()
    client.force_login(sales_manager)
    html = client.get(reverse("crm:company-part-numbers", args=[company.pk])).content.decode()
    assert "RAS-1" in html


def test_a_mapping_of_another_company_under_ones_own_account_is_404(
    client, account_manager, company, products
):
    theirs = CustomerPartNumber.objects.create(
        company=CompanyFactory(account_manager=account_manager), product=products[0],
        part_number="OTHER-1",
    )  # fmt: skip
    client.force_login(account_manager)
    url = reverse("crm:company-part-number-edit", args=[company.pk, theirs.pk])
    assert client.get(url).status_code == 404
    html = client.get(reverse("crm:company-part-numbers", args=[company.pk])).content.decode()
    assert "OTHER-1" not in html


def test_a_buyer_cannot_enter_the_crm_page(client, buyer_member, company):
    client.force_login(buyer_member.user)
    assert client.get(reverse("crm:company-part-numbers", args=[company.pk])).status_code == 403


def test_the_crm_list_costs_the_same_queries_at_3_and_60(client, account_manager, company):
    def add(start, count):
        products = [ProductFactory(upc=f"CR-{i:04d}") for i in range(start, start + count)]
        CustomerPartNumber.objects.bulk_create(
            CustomerPartNumber(company=company, product=p, part_number=f"C-{i}", normalized=f"C{i}")
            for i, p in enumerate(products, start=start)
        )

    def cost():
        url = reverse("crm:company-part-numbers", args=[company.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    add(0, 3)
    client.force_login(account_manager)
    small = cost()
    add(3, 57)
    assert cost() == small
