"""Uploads cannot exhaust a worker: zip bombs, huge cells and endless price lists (issue 17)."""

import io
import random
import string
import tracemalloc
import zipfile
from decimal import Decimal
from html.parser import HTMLParser
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook
from oscar.core.loading import get_model

from shop.bulk import parser
from shop.pricing import services
from shop.pricing.models import PriceList
from tests.factories import CompanyMemberFactory, ProductFactory, UserFactory, category_create

Basket = get_model("basket", "Basket")
SHEET = "xl/worksheets/sheet1.xml"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_with_sheet(chunks) -> bytes:
    """A valid .xlsx whose first sheet's XML is streamed from `chunks` (deflate, level 9).

    Streaming means the test never holds the inflated XML in memory; openpyxl itself could
    not write these sheets (it cuts a cell at Excel's 32,767 characters).
    """
    template = zipfile.ZipFile(io.BytesIO(_workbook([["sku", "quantity"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        for item in template.infolist():
            if item.filename != SHEET:
                book.writestr(item.filename, template.read(item.filename))
        with book.open(SHEET, "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b"<sheetData>"
            )
            for chunk in chunks:
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def _zip_bomb(inflated_mb: int) -> bytes:
    """An .xlsx whose first sheet is one row of `inflated_mb` MB of cells, packed ~300:1."""
    cells = b'<c t="inlineStr"><is><t>A</t></is></c>' * 25_000
    repeat = inflated_mb * 1024 * 1024 // len(cells) + 1
    return _xlsx_with_sheet([b'<row r="1">', *([cells] * repeat), b"</row>"])


def _inline_row(number: int, *texts: str) -> bytes:
    cells = "".join(f'<c t="inlineStr"><is><t>{text}</t></is></c>' for text in texts)
    return f'<row r="{number}">{cells}</row>'.encode()


@pytest.fixture(scope="module")
def bombs():
    # 100 MB is over the inflated-size cap; 20 MB is under it but packed ~300:1.
    return {"size": _zip_bomb(100), "ratio": _zip_bomb(20)}


BOMB_MESSAGES = {"size": "unpacks to 100 MB, more than 50 MB", "ratio": "packed far more tightly"}


def _measured(function, *args, **kwargs):
    """The result, whether openpyxl was asked to open the workbook, and the peak of memory
    allocated. Speed belongs to `make bench`; what makes these refusals cheap is that they
    happen before openpyxl parses anything, which is what is asserted instead of seconds."""
    import openpyxl

    with mock.patch.object(openpyxl, "load_workbook", wraps=openpyxl.load_workbook) as opened:
        tracemalloc.start()
        try:
            result = function(*args, **kwargs)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    return result, opened.called, peak


def test_zip_bombs_are_refused_by_the_quick_order_parser_before_parsing_and_in_little_memory(bombs):
    for kind, data in bombs.items():
        assert len(data) < parser.MAX_FILE_BYTES  # it passes the upload size limit
        result, opened, peak = _measured(parser.parse_file, "bomb.xlsx", data)
        assert BOMB_MESSAGES[kind] in result.error and not result.lines
        assert not opened
        assert peak < 20 * 1024 * 1024, f"parsing allocated {peak / 1024 / 1024:.1f} MB"
    # ...while an ordinary workbook of the largest order (sheet packed ~13:1) still reads.
    data = _workbook([["SKU", "Qty"]] + [[f"BRG-{n:06d}", n % 50 + 1] for n in range(10_000)])
    result = parser.parse_file("order.xlsx", data)
    assert not result.error and len(result.lines) == 10_000
    assert (result.lines[-1].line, result.lines[-1].sku) == (10_001, "BRG-009999")


def _random_cells(rows: int, columns: int) -> list[bytes]:
    """Rows of random numbers: they pack about 2:1, like real data, far below the ratio cap."""
    rnd = random.Random(7)
    return [
        b'<row r="%d">' % number
        + b"".join(b"<c><v>%d</v></c>" % rnd.randrange(10**9) for _ in range(columns))
        + b"</row>"
        for number in range(1, rows + 1)
    ]


@pytest.mark.parametrize(
    ("rows", "columns", "message"),
    [
        (1, 5_000, "Line 1 of this .xlsx file has more than 1,000 cells"),
        (5_000, 101, "This .xlsx file has more than 500,000 cells"),
    ],
)
def test_a_workbook_with_too_many_cells_is_refused_before_openpyxl_builds_them(
    rows, columns, message
):
    # openpyxl builds a whole row before handing it over (about 0.5 KB a cell), and takes
    # microseconds a cell: the raw sheet is counted first, without parsing it.
    data = _xlsx_with_sheet(_random_cells(rows, columns))
    result, opened, peak = _measured(parser.parse_file, "wide.xlsx", data)
    assert message in result.error and not result.lines
    assert not opened
    assert peak < 20 * 1024 * 1024, f"parsing allocated {peak / 1024 / 1024:.1f} MB"


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["size", "ratio"])
def test_a_zip_bomb_is_refused_by_the_price_list_import_before_parsing_and_in_little_memory(
    bombs, kind, company
):
    price_list = PriceList.objects.create(code="alpha", name="Alpha", company=company)
    report, opened, peak = _measured(
        services.price_list_import_check, price_list=price_list, data=bombs[kind]
    )
    assert BOMB_MESSAGES[kind] in report.file_error and not report.rows
    assert not opened
    assert peak < 20 * 1024 * 1024, f"the import check allocated {peak / 1024 / 1024:.1f} MB"


@pytest.fixture
def shop_buyer(company):
    ProductFactory(upc="FLT-0001", category=category_create("Filters"))
    return CompanyMemberFactory(company=company, user=UserFactory(email="up@alpha.example")).user


@pytest.fixture
def price_list(company):
    return PriceList.objects.create(code="alpha", name="Alpha", company=company)


def _quick_order_upload(client, name: str, data: bytes):
    upload = SimpleUploadedFile(name, data, XLSX if name.endswith(".xlsx") else "text/csv")
    return client.post(reverse("bulk:quick-order"), {"file": upload, "action": "check"})


def _price_list_upload(client, price_list, name: str, data: bytes):
    upload = SimpleUploadedFile(name, data, XLSX if name.endswith(".xlsx") else "text/csv")
    return client.post(
        reverse("crm:price-list-import", kwargs={"pk": price_list.pk}),
        {"file": upload, "mode": "check"},
    )


@pytest.mark.django_db
def test_the_pages_answer_a_zip_bomb_with_the_message(
    client, bombs, shop_buyer, account_manager, price_list
):
    client.force_login(shop_buyer)
    response = _quick_order_upload(client, "bomb.xlsx", bombs["size"])
    assert response.status_code == 400
    assert BOMB_MESSAGES["size"] in response.content.decode()
    client.force_login(account_manager)
    response = _price_list_upload(client, price_list, "bomb.xlsx", bombs["ratio"])
    assert response.status_code == 200
    assert BOMB_MESSAGES["ratio"] in response.content.decode()


# Long cells -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_csv_cell_beyond_the_csv_field_limit_is_a_message_not_a_500(
    client, shop_buyer, account_manager, price_list
):
    client.force_login(shop_buyer)
    huge = b"FLT-0001,2\n" + b"X" * 200_000 + b",1\n"
    response = _quick_order_upload(client, "order.csv", huge)
    assert response.status_code == 400
    assert "Line 2 could not be read" in response.content.decode()

    client.force_login(account_manager)
    quoted = b'sku,kind,value\nFLT-0001,fixed,1\n"' + b"Y" * 200_000 + b'",fixed,2\n'
    response = _price_list_upload(client, price_list, "prices.csv", quoted)
    assert response.status_code == 200
    assert "Line 3 could not be read" in response.content.decode()


@pytest.mark.django_db
def test_a_megabyte_xlsx_cell_is_a_message_not_a_500(
    client, shop_buyer, account_manager, price_list
):
    client.force_login(shop_buyer)
    # Random letters: a megabyte of one letter would be refused as packed too tightly.
    megabyte = "".join(random.Random(17).choices(string.ascii_letters, k=1_000_000))
    order = _xlsx_with_sheet([_inline_row(1, "FLT-0001", "2"), _inline_row(2, megabyte, "1")])
    response = _quick_order_upload(client, "order.xlsx", order)
    assert response.status_code == 400
    assert "Line 2 has a cell of 1,000,000 characters" in response.content.decode()

    client.force_login(account_manager)
    prices = _xlsx_with_sheet(
        [_inline_row(1, "sku", "kind", "value"), _inline_row(2, "FLT-0001", "fixed", megabyte)]
    )
    response = _price_list_upload(client, price_list, "prices.xlsx", prices)
    assert response.status_code == 200
    assert "Line 2 has a cell of 1,000,000 characters" in response.content.decode()


def test_cells_are_capped_at_1000_characters_with_the_line_named():
    result = parser.parse_file("order.csv", b"A-1,1\nA-2,1\n" + b"B" * 1001 + b",1\n")
    assert "Line 3 has a cell of 1,001 characters; a cell may hold at most 1,000" in result.error
    assert not parser.parse_file("order.csv", b"A-1,1\n" + b"B" * 1000 + b",1\n").error


# The web import's line limit ----------------------------------------------------------


@pytest.mark.django_db
def test_the_web_import_has_a_line_limit_and_the_command_does_not(
    client, account_manager, price_list, settings, tmp_path
):
    settings.PRICE_LIST_WEB_IMPORT_MAX_LINES = 5
    ProductFactory(upc="BRG-0", category=category_create("Bearings"))
    client.force_login(account_manager)
    lines = "sku,kind,value,min_quantity\n" + "".join(
        f"BRG-0,fixed,{10 - n},{n + 1}\n" for n in range(6)
    )
    response = _price_list_upload(client, price_list, "prices.csv", lines.encode())
    html = response.content.decode()
    assert response.status_code == 200
    assert "more than 5 price lines" in html and "manage.py import_price_list alpha" in html
    assert not price_list.entries.exists()

    at_limit = "sku,kind,value,min_quantity\n" + "".join(
        f"BRG-0,fixed,{10 - n},{n + 1}\n" for n in range(5)
    )
    client.post(
        reverse("crm:price-list-import", kwargs={"pk": price_list.pk}),
        {"file": SimpleUploadedFile("p.csv", at_limit.encode(), "text/csv"), "mode": "all"},
    )
    assert price_list.entries.count() == 5

    path = tmp_path / "prices.csv"
    path.write_text(lines)
    call_command("import_price_list", "alpha", str(path), stdout=io.StringIO())
    assert price_list.entries.count() == 6


# A 10,000-line quick order ---------------------------------------------------------------


def _many_products(count: int) -> list[str]:
    """`count` orderable products, inserted in bulk (a factory per product takes minutes)."""
    Partner, StockRecord = get_model("partner", "Partner"), get_model("partner", "StockRecord")
    Product, ProductClass = (
        get_model("catalogue", "Product"),
        get_model("catalogue", "ProductClass"),
    )
    product_class = ProductClass.objects.create(name="Bolts", track_stock=True)
    partner = Partner.objects.create(name="Bulk partner")
    products = Product.objects.bulk_create(
        Product(structure="standalone", upc=f"BLK-{n:05d}", title=f"Bolt {n}",
                slug=f"bolt-{n}", product_class=product_class)
        for n in range(count)
    )  # fmt: skip
    StockRecord.objects.bulk_create(
        StockRecord(product=product, partner=partner, partner_sku=product.upc,
                    price_currency="EUR", price=Decimal("1.00"), num_in_stock=1000)
        for product in products
    )  # fmt: skip
    return [product.upc for product in products]


class _TableForm(HTMLParser):
    """The fields of the quick order's table form, as a browser would post them back."""

    def __init__(self):
        super().__init__()
        self.fields, self._inside, self._textarea = {}, False, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._inside = attrs.get("id") == "quick-order-table"
        elif self._inside and tag == "input" and attrs.get("name"):
            if attrs.get("type") != "checkbox" or "checked" in attrs:
                self.fields[attrs["name"]] = attrs.get("value", "")
        elif self._inside and tag == "textarea":
            self._textarea = attrs["name"]
            self.fields[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._inside = False


@pytest.mark.django_db
def test_a_10000_line_check_is_a_small_page_and_adding_adds_every_ready_line(client, shop_buyer):
    skus = _many_products(9_998)
    client.force_login(shop_buyer)
    text = "\n".join([f"{sku} 2" for sku in skus] + ["NOPE-1 1", "BLK-00001 x"])
    response = client.post(reverse("bulk:quick-order"), {"lines": text, "action": "check"})
    html = response.content.decode()
    assert response.status_code == 200
    assert len(response.content) < 1.5 * 1024 * 1024, f"{len(response.content):,} bytes"
    assert "9948 more ready lines are not listed" in html
    assert "NOPE-1" in html and "is not a whole number" in html  # the lines to fix are shown

    form = _TableForm()
    form.feed(html)
    form.fields["action"] = "add"
    response = client.post(reverse("bulk:quick-order"), form.fields)
    assert response.status_code == 200  # the two lines to fix stay on the page
    basket = Basket.objects.get(owner=shop_buyer, status="Open")
    assert basket.lines.count() == 9_998
    assert not basket.lines.exclude(quantity=2).exists()
    assert "2 lines below were not added" in response.content.decode()
