"""One formula rule for every upload (issue 12): the quick order, the price-list import and the
ERP API's files refuse the same cells with the same message."""

import pytest

from shop import uploads
from shop.bulk.parser import parse_file, parse_text


@pytest.mark.parametrize(
    "cell", ["=1+1", "+49 1", "-SKU", "@SUM(A1)", "\t=1", "\r=1", "  =1", "\u00a0@x"]
)
def test_formula_cells_are_recognised(cell):
    assert uploads.is_formula(cell)


@pytest.mark.parametrize("cell", ["", "SKU-1", "12", "a=b", None, 5])
def test_plain_cells_pass(cell):
    assert not uploads.is_formula(cell)


def test_quick_order_text_and_file_use_the_shared_message():
    pasted = parse_text("-BRG-1 2\n@X 1\n")
    uploaded = parse_file("order.csv", b"sku;qty\n+BRG-1;2\n")
    for line in [*pasted.lines, *uploaded.lines]:
        assert line.errors[0] == uploads.formula_message()


@pytest.mark.django_db
def test_price_list_import_uses_the_shared_rule_and_message(company):
    from shop.pricing.models import PriceList
    from shop.pricing.services import price_list_import_check

    price_list = PriceList.objects.create(name="C", code="c", company=company)
    data = b"sku,kind,value\n-BRG,fixed,1\n\t=1,fixed,1\n"
    report = price_list_import_check(price_list=price_list, data=data)
    assert [row.errors[0] for row in report.rows] == [uploads.formula_message()] * 2
    assert [row.error_fields[0] for row in report.rows] == ["sku", "sku"]
