"""Part-number services: one at a time, the import (all or nothing, or the valid lines), export."""

import csv
import io

import pytest
from openpyxl import Workbook

from shop.companies.models import AuditEntry
from shop.partnumbers import selectors, services
from shop.partnumbers.models import CustomerPartNumber
from shop.partnumbers.services import PartNumberError

pytestmark = pytest.mark.django_db


def _create(company, user, number, sku):
    return services.part_number_create(company=company, part_number=number, sku=sku, by_user=user)


def test_create_normalizes_audits_and_resolves(company, admin_member, products):
    mapping = _create(company, admin_member.user, "  ras-fil 0815 ", "aut-fl-0001")
    assert (mapping.part_number, mapping.normalized) == ("ras-fil 0815", "RASFIL0815")
    assert mapping.product == products[0] and mapping.updated_by == admin_member.user
    assert selectors.part_number_matches(company_id=company.pk, code="RAS.FIL.0815") == [
        (products[0].pk, True)
    ]
    entry = AuditEntry.objects.get(company=company, action="part_number.created")
    assert entry.detail == {"part_number": "ras-fil 0815", "sku": "AUT-FL-0001"}


@pytest.mark.parametrize(
    ("number", "sku", "field", "message"),
    [
        ("", "AUT-FL-0001", "part_number", "Type your part number"),
        ("X" * 65, "AUT-FL-0001", "part_number", "at most 64 characters; this one has 65"),
        ("AB\n12", "AUT-FL-0001", "part_number", "one line"),
        ("AB\x0012", "AUT-FL-0001", "part_number", "one line"),
        ("=HYPERLINK(1)", "AUT-FL-0001", "part_number", "formula"),
        ("...", "AUT-FL-0001", "part_number", "at least one letter"),
        ("é/ü", "AUT-FL-0001", "part_number", "at least one letter"),
        ("RAS-1", "", "sku", "Type our SKU"),
        ("RAS-1", "NOPE-1", "sku", "'NOPE-1' is not one of our SKUs"),
        ("aut-fl-0002", "AUT-FL-0001", "part_number", "our SKU of another product"),
    ],
)
def test_bad_input_gets_a_clear_message_on_its_field(
    company, admin_member, products, number, sku, field, message
):
    with pytest.raises(PartNumberError) as error:
        _create(company, admin_member.user, number, sku)
    assert message in error.value.message and error.value.field == field
    assert not CustomerPartNumber.objects.exists()


def test_our_own_sku_as_the_part_number_of_the_same_product_is_fine(
    company, admin_member, products
):
    assert _create(company, admin_member.user, "AUT-FL-0001", "AUT-FL-0001").product == products[0]


def test_a_number_used_for_another_product_and_a_second_number_for_a_product_are_refused(
    company, admin_member, products
):
    _create(company, admin_member.user, "RAS-1", "AUT-FL-0001")
    with pytest.raises(PartNumberError) as error:
        _create(company, admin_member.user, "ras 1", "AUT-FL-0002")
    assert "RAS-1 is already your part number for AUT-FL-0001" in error.value.message
    with pytest.raises(PartNumberError) as error:
        _create(company, admin_member.user, "RAS-2", "AUT-FL-0001")
    assert "AUT-FL-0001 has a part number already" in error.value.message
    assert error.value.field == "sku"


def test_two_companies_may_use_the_same_number_for_different_products(
    company, admin_member, other_company, other_admin, products
):
    _create(company, admin_member.user, "P-1", "AUT-FL-0001")
    _create(other_company, other_admin.user, "P-1", "AUT-FL-0002")
    assert selectors.part_number_matches(company_id=company.pk, code="P1") == [
        (products[0].pk, True)
    ]
    assert selectors.part_number_matches(company_id=other_company.pk, code="P1") == [
        (products[1].pk, True)
    ]


def test_update_changes_number_or_product_and_keeps_its_own_number(company, admin_member, products):
    user = admin_member.user
    mapping = _create(company, user, "RAS-1", "AUT-FL-0001")
    other = _create(company, user, "RAS-2", "AUT-FL-0002")
    services.part_number_update(
        company=company, part_number_id=mapping.pk, part_number="RAS-1", sku="AUT-FL-0003",
        by_user=user,
    )  # fmt: skip
    mapping.refresh_from_db()
    assert mapping.product == products[2]
    services.part_number_update(
        company=company, part_number_id=mapping.pk, part_number="RAS 1b", sku="AUT-FL-0003",
        by_user=user,
    )  # fmt: skip
    mapping.refresh_from_db()
    assert (mapping.part_number, mapping.normalized) == ("RAS 1b", "RAS1B")
    with pytest.raises(PartNumberError, match="already your part number"):
        services.part_number_update(
            company=company, part_number_id=mapping.pk, part_number="ras-2", sku="AUT-FL-0003",
            by_user=user,
        )  # fmt: skip
    with pytest.raises(PartNumberError, match="has a part number already"):
        services.part_number_update(
            company=company, part_number_id=mapping.pk, part_number="RAS-1", sku="AUT-FL-0002",
            by_user=user,
        )  # fmt: skip
    assert other.pk in set(company.part_numbers.values_list("pk", flat=True))


def test_only_admins_and_the_account_team_change_part_numbers(
    company, admin_member, buyer_member, account_manager, sales_manager, products, other_admin
):
    with pytest.raises(PartNumberError, match="Only your company's admins"):
        _create(company, buyer_member.user, "RAS-1", "AUT-FL-0001")
    with pytest.raises(PartNumberError, match="Only your company's admins"):
        _create(company, other_admin.user, "RAS-1", "AUT-FL-0001")
    _create(company, account_manager, "RAS-1", "AUT-FL-0001")
    _create(company, sales_manager, "RAS-2", "AUT-FL-0002")
    assert company.part_numbers.count() == 2


def test_delete_audits_and_another_companys_id_changes_nothing(
    company, admin_member, other_company, other_admin, products
):
    mine = _create(company, admin_member.user, "RAS-1", "AUT-FL-0001")
    theirs = _create(other_company, other_admin.user, "B-1", "AUT-FL-0001")
    services.part_number_delete(
        company=company, part_number_id=theirs.pk, by_user=admin_member.user
    )
    assert CustomerPartNumber.objects.filter(pk=theirs.pk).exists()
    services.part_number_delete(company=company, part_number_id=mine.pk, by_user=admin_member.user)
    assert not CustomerPartNumber.objects.filter(pk=mine.pk).exists()
    assert AuditEntry.objects.filter(company=company, action="part_number.deleted").exists()
    with pytest.raises(PartNumberError, match="deleted meanwhile"):
        services.part_number_update(
            company=company, part_number_id=theirs.pk, part_number="X", sku="AUT-FL-0001",
            by_user=admin_member.user,
        )  # fmt: skip


# Import ------------------------------------------------------------------------------------


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def test_import_reports_every_bad_line_with_its_number_and_writes_nothing(
    company, admin_member, products
):
    _create(company, admin_member.user, "OLD-9", "AUT-FL-0003")
    data = _csv(
        "part_number;sku",
        "RAS-1;AUT-FL-0001",
        "RAS-2;NOPE",
        "ras 1;AUT-FL-0002",
        "RAS-3;AUT-FL-0001",
        ";AUT-FL-0002",
        "old9;AUT-FL-0002",
        "=1+1;AUT-FL-0002",
    )
    report = services.part_numbers_import_check(company=company, data=data)
    errors = {row.line: " ".join(row.errors) for row in report.invalid_rows}
    assert [row.line for row in report.valid_rows] == [2]
    assert "'NOPE' is not one of our SKUs" in errors[3]
    assert "Line 2 has the same part number" in errors[4]
    assert "Line 2 gives AUT-FL-0001 a part number already" in errors[5]
    assert "Type your part number" in errors[6]
    assert "OLD-9 is already your part number for AUT-FL-0003" in errors[7]
    assert "formula" in errors[8]
    with pytest.raises(PartNumberError, match="6 of 7 lines have errors: nothing was imported"):
        services.part_numbers_import_apply(
            company=company, report=report, by_user=admin_member.user, valid_only=False
        )
    assert list(company.part_numbers.values_list("part_number", flat=True)) == ["OLD-9"]
    services.part_numbers_import_apply(
        company=company, report=report, by_user=admin_member.user, valid_only=True
    )
    assert sorted(company.part_numbers.values_list("part_number", flat=True)) == ["OLD-9", "RAS-1"]
    assert report.created == 1 and report.applied


def test_import_without_header_replaces_a_products_number_and_reimports_its_export(
    company, admin_member, products
):
    _create(company, admin_member.user, "OLD-1", "AUT-FL-0001")
    report = services.part_numbers_import_check(
        company=company, data=_csv("NEW-1,AUT-FL-0001", "NEW-2,aut-fl-0002")
    )
    services.part_numbers_import_apply(
        company=company, report=report, by_user=admin_member.user, valid_only=False
    )
    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    assert dict(company.part_numbers.values_list("product__upc", "part_number")) == {
        "AUT-FL-0001": "NEW-1",
        "AUT-FL-0002": "NEW-2",
    }
    exported = "".join(services.part_numbers_export(company=company)).encode()
    again = services.part_numbers_import_check(company=company, data=exported)
    services.part_numbers_import_apply(
        company=company, report=again, by_user=admin_member.user, valid_only=False
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert AuditEntry.objects.filter(company=company, action="part_numbers.imported").count() == 2


def test_import_reads_xlsx_through_the_shared_reader(company, admin_member, products):
    workbook = Workbook()
    workbook.active.append(["Your part number", "Our SKU"])
    workbook.active.append(["X-1", "AUT-FL-0001"])
    workbook.active.append([4711, "AUT-FL-0002"])  # a number cell is the number typed
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = services.part_numbers_import_check(company=company, data=buffer.getvalue())
    assert [(r.line, r.part_number, r.ok) for r in report.rows] == [
        (2, "X-1", True),
        (3, "4711", True),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "no lines"),
        (b"part_number,sku\n", "no lines"),
        (b"\x00\x01binary", "binary data"),
        (b"PK\x03\x04broken", "could not be read"),
        (b"A,AUT-FL-0001\n" * (services.MAX_IMPORT_LINES + 1), "more than 20,000 lines"),
    ],
)
def test_whole_file_problems_are_explained(company, products, data, message):
    report = services.part_numbers_import_check(company=company, data=data)
    assert message in report.file_error and not report.rows


def test_export_is_formula_safe_and_only_the_companys(
    company, admin_member, other_company, other_admin, products
):
    CustomerPartNumber.objects.create(company=company, product=products[0], part_number="+49-7")
    _create(other_company, other_admin.user, "SECRET-1", "AUT-FL-0002")
    rows = list(csv.reader(io.StringIO("".join(services.part_numbers_export(company=company)))))
    assert rows == [["part_number", "sku", "product"], ["'+49-7", "AUT-FL-0001", "Oil filter 1"]]


def test_selectors_search_by_number_sku_or_title_and_resolve_in_one_query(
    company, admin_member, products, django_assert_num_queries
):
    _create(company, admin_member.user, "RAS-FIL-0815", "AUT-FL-0001")
    _create(company, admin_member.user, "RAS-BRE-1", "AUT-FL-0002")

    def numbers(query):
        rows = selectors.part_numbers_for_company(company_id=company.pk, query=query)
        return [m.part_number for m in rows]

    assert numbers("fil0815") == ["RAS-FIL-0815"]
    assert numbers("fl-0002") == ["RAS-BRE-1"]
    assert numbers("oil filter 2") == ["RAS-BRE-1"]
    assert numbers("") == ["RAS-BRE-1", "RAS-FIL-0815"]
    with django_assert_num_queries(1):
        found = selectors.part_numbers_resolve(
            company_id=company.pk, codes=["RASFIL0815", "ras-bre-1", "NOPE"]
        )
    assert found == {
        "RASFIL0815": (products[0].pk, "RAS-FIL-0815"),
        "ras-bre-1": (products[1].pk, "RAS-BRE-1"),
    }
    suggestions = selectors.part_number_suggestions(company_id=company.pk, query="ras-f")
    assert suggestions == [
        {"sku": "AUT-FL-0001", "title": "Oil filter 1", "part_number": "RAS-FIL-0815"}
    ]


def test_matching_part_numbers_rank_prefixes_first_within_the_limit(company, products):
    for product, number in zip(products, ["XX-AB-1", "AB-9", "AB-10"], strict=True):
        CustomerPartNumber.objects.create(company=company, product=product, part_number=number)
    found = selectors.part_number_matches(company_id=company.pk, code="ab", limit=2)
    # AB10, AB9 (by number), never XXAB1 first
    assert found == [(products[2].pk, False), (products[1].pk, False)]
    assert selectors.part_number_matches(company_id=None, code="ab") == []
    # An exact number is the shortest prefix: first, and marked, even with a limit of one.
    assert selectors.part_number_matches(company_id=company.pk, code="ab 9", limit=1) == [
        (products[1].pk, True)
    ]


def test_an_import_makes_the_companys_cached_grids_stale(company, admin_member, products):
    from shop.caching.versions import versions_token

    scope = f"prices:company:{company.pk}"
    before = versions_token(scopes=[scope])
    report = services.part_numbers_import_check(company=company, data=_csv("N-1,AUT-FL-0001"))
    services.part_numbers_import_apply(
        company=company, report=report, by_user=admin_member.user, valid_only=False
    )
    assert versions_token(scopes=[scope]) != before
