"""Price list authoring: CSV import validation and apply modes, export, copies, audit, access."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shop.companies.models import CustomerGroup
from shop.pricing import services
from shop.pricing.models import PriceChange, PriceList, PriceListEntry
from tests.factories import ProductFactory, category_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract(company):
    return PriceList.objects.create(code="alpha", name="Alpha contract", company=company)


@pytest.fixture
def products(db):
    category = category_create("Bearings")
    return [ProductFactory(upc=f"BRG-{i}", category=category) for i in range(3)]


def _check(price_list, text: str):
    return services.price_list_import_check(price_list=price_list, data=text.encode())


def test_import_reports_every_bad_line_and_applies_nothing(contract, products, account_manager):
    report = _check(contract, "\n".join([
        "sku,category,kind,value,min_quantity",
        "BRG-0,,fixed,10.50,1",
        "NOPE-1,,fixed,3,1",
        "BRG-1,,fixed,abc,1",
        "BRG-1,,percent,120,1",
        "BRG-2,Bearings,fixed,4,1",
        "BRG-0,,fixed,9.90,1",
        "=HYPERLINK(1),,fixed,1,1",
        "BRG-2,,fixed,-4,1",
        "BRG-2,,fixed,4,0",
        "BRG-2,,cheap,4,1",
        ",,fixed,4,1",
    ]))  # fmt: skip
    problems = {row.line: " ".join(row.errors) for row in report.invalid_rows}
    assert problems[3] == "Unknown SKU 'NOPE-1'."
    assert "not a number" in problems[4]
    assert "cannot exceed 100" in problems[5]
    assert "not both" in problems[6]
    assert "Duplicate of line 2" in problems[7]
    assert "formulas" in problems[8]
    assert "zero or more" in problems[9]
    assert "whole number from 1" in problems[10]
    assert "'fixed' or 'percent'" in problems[11]
    assert "Give a SKU or a category" in problems[12]
    assert [row.line for row in report.valid_rows] == [2]
    with pytest.raises(
        services.PricingError, match="10 of 11 lines have errors: nothing was applied"
    ):
        services.price_list_import_apply(
            price_list=contract, report=report, by_user=account_manager, valid_only=False
        )
    assert not contract.entries.exists()
    services.price_list_import_apply(
        price_list=contract, report=report, by_user=account_manager, valid_only=True
    )
    assert contract.entries.get().value == Decimal("10.50")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "must name the columns"),
        (b"sku,category,kind,value\n", "no prices"),
        (b"\x00\x01\x02binary", "binary data"),
        ("sku;kind;value\nBRG-0;fixed;1\n".encode("utf-16"), "binary data"),
        ("sku,kind,value\nBRG-0,fixed,1\n".encode("latin-1") + b"\xff", "not UTF-8"),
        (b"name,price\nx,1\n", "must name the columns"),
    ],
)
def test_unreadable_files_get_one_clear_message(contract, data, message):
    assert message in services.price_list_import_check(price_list=contract, data=data).file_error


def test_semicolons_and_decimal_commas_from_spreadsheets_work(contract, products, account_manager):
    report = _check(
        contract, "sku;kind;value;min_quantity\nBRG-0;fixed;7,25;1\nBRG-0;percent;10;50\n"
    )
    assert not report.invalid_rows
    services.price_list_import_apply(
        price_list=contract, report=report, by_user=account_manager, valid_only=False
    )
    assert sorted(contract.entries.values_list("min_quantity", "value")) == [
        (1, Decimal("7.25")),
        (50, Decimal("10")),
    ]


def test_reimport_updates_changed_prices_and_logs_old_and_new(contract, products, account_manager):
    first = _check(contract, "sku,kind,value\nBRG-0,fixed,10\nBRG-1,fixed,11\n")
    services.price_list_import_apply(
        price_list=contract, report=first, by_user=account_manager, valid_only=False
    )
    second = _check(contract, "sku,kind,value\nBRG-0,fixed,10\nBRG-1,fixed,12.5\n")
    services.price_list_import_apply(
        price_list=contract, report=second, by_user=account_manager, valid_only=False
    )
    assert (second.created, second.updated) == (0, 1)
    change = PriceChange.objects.get(action="entry.updated")
    assert (change.old["value"], change.new["value"], change.changed_by) == (
        "11.0000",
        "12.5",
        account_manager,
    )


def test_export_then_import_changes_nothing(contract, products, account_manager):
    text = "sku,category,kind,value,min_quantity\nBRG-0,,fixed,10,1\nBRG-0,,fixed,9,10\n,Bearings,percent,12.5,1\n"
    services.price_list_import_apply(
        price_list=contract,
        report=_check(contract, text),
        by_user=account_manager,
        valid_only=False,
    )
    exported = "".join(services.price_list_export(price_list=contract))
    again = _check(contract, exported)
    assert not again.invalid_rows and len(again.rows) == 3
    services.price_list_import_apply(
        price_list=contract, report=again, by_user=account_manager, valid_only=False
    )
    assert (again.created, again.updated) == (0, 0)


def test_copy_schedules_a_new_list_with_all_entries(contract, products, account_manager):
    from django.utils import timezone

    PriceListEntry.objects.create(price_list=contract, product=products[0], value=Decimal("5"))
    start = timezone.localdate() + timezone.timedelta(days=30)
    copy = services.price_list_copy(
        source=contract, name="Alpha 2027", by_user=account_manager, valid_from=start
    )
    assert copy.entries.get().value == Decimal("5")
    assert copy.valid_from == start and copy.company == contract.company


def test_crm_entry_form_explains_a_bad_sku(client, account_manager, contract, products):
    client.force_login(account_manager)
    response = client.post(reverse("crm:price-entry-add", kwargs={"pk": contract.pk}),
                           {"sku": "XX-9", "kind": "fixed", "value": "3", "min_quantity": 1})  # fmt: skip
    assert response.status_code == 400
    assert "Unknown SKU" in response.content.decode()
    response = client.post(reverse("crm:price-entry-add", kwargs={"pk": contract.pk}),
                           {"sku": "BRG-1", "kind": "fixed", "value": "3,5", "min_quantity": 1})  # fmt: skip
    assert response.status_code == 302
    assert contract.entries.get().value == Decimal("3.5")


def test_crm_import_upload_with_report(client, account_manager, contract, products):
    client.force_login(account_manager)
    upload = SimpleUploadedFile(
        "prices.csv", b"sku,kind,value\nBRG-0,fixed,4\nBAD,fixed,1\n", "text/csv"
    )
    response = client.post(
        reverse("crm:price-list-import", kwargs={"pk": contract.pk}),
        {"file": upload, "mode": "valid"},
    )
    html = response.content.decode()
    assert "Unknown SKU" in html and "1 new" in html
    assert contract.entries.count() == 1


def test_account_manager_cannot_change_group_lists(client, account_manager):
    group = CustomerGroup.objects.create(name="Plants", slug="plants")
    group_list = PriceList.objects.create(code="plants", name="Plants", customer_group=group)
    client.force_login(account_manager)
    assert (
        client.get(reverse("crm:price-list-detail", kwargs={"pk": group_list.pk})).status_code
        == 200
    )
    response = client.post(
        reverse("crm:price-entry-add", kwargs={"pk": group_list.pk}),
        {"kind": "fixed", "value": "1"},
    )
    assert response.status_code == 403


def test_price_check_shows_how_a_companys_price_is_built(
    client, account_manager, contract, products
):
    PriceListEntry.objects.create(price_list=contract, product=products[0], value=Decimal("7.77"))
    client.force_login(account_manager)
    html = client.get(
        reverse("crm:company-price-check", kwargs={"pk": contract.company.pk}), {"sku": "BRG-0"}
    ).content.decode()
    assert "€7.77" in html and "Alpha contract" in html
    html = client.get(
        reverse("crm:company-price-check", kwargs={"pk": contract.company.pk}), {"sku": "NOPE"}
    ).content.decode()
    assert "No product has the SKU" in html


def test_xlsx_workbooks_are_read_and_formulas_refused(contract, products):
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["sku", "kind", "value", "min_quantity"])
    sheet.append(["BRG-0", "fixed", 4.5, 1])
    sheet.append(["BRG-1", "fixed", "=1+1", 1])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = services.price_list_import_check(price_list=contract, data=buffer.getvalue())
    assert [row.line for row in report.valid_rows] == [2]
    assert "not a number" in " ".join(report.invalid_rows[0].errors)
    broken = services.price_list_import_check(price_list=contract, data=b"PK\x03\x04garbage")
    assert "could not be read" in broken.file_error


def test_entry_form_survives_quotes_and_commas_in_the_input(
    client, account_manager, contract, products
):
    client.force_login(account_manager)
    response = client.post(reverse("crm:price-entry-add", kwargs={"pk": contract.pk}),
                           {"sku": 'BRG-"0,1', "kind": "fixed", "value": "3", "min_quantity": 1})  # fmt: skip
    assert response.status_code == 400
    assert "Unknown SKU" in response.content.decode()


def test_crm_price_list_dates_are_inclusive_days_in_iso_date_inputs(
    client, account_manager, contract
):
    import re
    from datetime import date

    client.force_login(account_manager)
    edit = reverse("crm:price-list-edit", kwargs={"pk": contract.pk})
    response = client.post(edit, {
        "name": contract.name, "company": contract.company_id, "currency": "EUR",
        "valid_from": "2026-01-01", "valid_until": "2027-12-31", "is_active": "on",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    contract.refresh_from_db()
    assert (contract.valid_from, contract.valid_until) == (date(2026, 1, 1), date(2027, 12, 31))
    page = client.get(edit).content.decode()
    for name, value in (("valid_from", "2026-01-01"), ("valid_until", "2027-12-31")):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
        assert 'type="date"' in tag and f'value="{value}"' in tag
    detail = client.get(reverse("crm:price-list-detail", kwargs={"pk": contract.pk}))
    assert "1 Jan 2026 – 31 Dec 2027" in detail.content.decode()
