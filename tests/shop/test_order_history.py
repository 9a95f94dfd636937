"""The company's order list: every buyer's orders, filters, search, pages and a CSV export."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oscar.core.loading import get_model

from shop.companies.models import CompanyMember
from tests.factories import CompanyMemberFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")
Line = get_model("order", "Line")

URL = "/shop/accounts/orders/"  # customer:order-list
DAY = datetime.date(2026, 3, 10)


def at(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def order_build(*, company, user, number: str, placed=None, **fields) -> Order:
    """An unsaved order as checkout leaves it (no lines), cheap enough to build by thousands."""
    values = {
        "number": number,
        "company": company,
        "user": user,
        "currency": "EUR",
        "total_excl_tax": Decimal("100.00"),
        "total_incl_tax": Decimal("119.00"),
        "status": "Placed",
        "date_placed": placed or at(DAY),
    }
    values.update(fields)
    return Order(**values)


def line_build(
    *, order, sku: str = "SKU-1", title: str = "Hex bolt M8", quantity: int = 2, stockrecord=None
) -> Line:
    return Line(
        order=order,
        stockrecord=stockrecord,
        product=stockrecord.product if stockrecord else None,
        partner_name="PartsHub",
        partner_sku=sku,
        title=title,
        quantity=quantity,
        line_price_incl_tax=Decimal("11.90") * quantity,
        line_price_excl_tax=Decimal("10.00") * quantity,
        line_price_before_discounts_incl_tax=Decimal("11.90") * quantity,
        line_price_before_discounts_excl_tax=Decimal("10.00") * quantity,
        unit_price_incl_tax=Decimal("11.90"),
        unit_price_excl_tax=Decimal("10.00"),
        num_allocated=0,
    )


def order_create(
    *, company, user, number: str, lines=(("SKU-1", "Hex bolt M8", 2),), stock=False, **fields
):
    """An order with lines; ``stock=True`` gives each line a product and stock record to ship from."""
    order = order_build(company=company, user=user, number=number, **fields)
    order.save()
    built = []
    for sku, title, quantity in lines:
        stockrecord = None
        if stock:
            stockrecord = ProductFactory(title=title, upc=sku).stockrecords.get()
        built.append(
            line_build(
                order=order, sku=sku, title=title, quantity=quantity, stockrecord=stockrecord
            )
        )
    Line.objects.bulk_create(built)
    return order


def orders_bulk_create(*, company, users, count: int, start: int = 100000) -> None:
    """Many orders at once; one in ten gets a few lines (the list must not care)."""
    orders = Order.objects.bulk_create(
        [
            order_build(
                company=company,
                user=users[i % len(users)],
                number=str(start + i),
                placed=at(DAY) - datetime.timedelta(minutes=i),
                purchase_order_number=f"PO-{i}",
            )
            for i in range(count)
        ],
        batch_size=500,
    )
    lines = [
        line_build(order=order, sku=f"SKU-{n}", quantity=n + 1)
        for order in orders[::10]
        for n in range(3)
    ]
    Line.objects.bulk_create(lines, batch_size=500)


@pytest.fixture
def team(company, admin_member, buyer_member, viewer_member):
    return {"admin": admin_member.user, "buyer": buyer_member.user, "viewer": viewer_member.user}


def _numbers(response) -> list[str]:
    return [order.number for order in response.context["orders"]]


def _queries(client, params=None) -> int:
    client.get(URL, params or {})  # per-process caches warm
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["admin", "buyer", "viewer"])
def test_every_member_sees_every_buyers_orders_of_the_company_only(client, company, team, role):
    order_create(company=company, user=team["admin"], number="1001")
    order_create(company=company, user=team["buyer"], number="1002")
    other = CompanyMemberFactory(role=CompanyMember.Role.BUYER)
    order_create(company=other.company, user=other.user, number="2001")
    client.force_login(team[role])
    response = client.get(URL)
    assert response.status_code == 200
    assert sorted(_numbers(response)) == ["1001", "1002"]
    html = response.content.decode()
    assert 'id="id_buyer"' in html and team["buyer"].get_full_name() in html


def test_a_user_without_company_sees_only_their_own_orders_and_no_buyer_filter(client, buyer):
    order_create(company=None, user=buyer, number="3001")
    order_create(company=None, user=UserFactory(), number="3002")
    client.force_login(buyer)
    response = client.get(URL)
    assert _numbers(response) == ["3001"]
    assert 'id="id_buyer"' not in response.content.decode()


def test_filters_status_buyer_po_number_and_sku(client, company, team):
    order_create(company=company, user=team["admin"], number="1001", status="Shipped",
                 purchase_order_number="BE-2026-0042", lines=[("BRG-30205", "Bearing", 4)])  # fmt: skip
    order_create(company=company, user=team["buyer"], number="1002", status="Placed",
                 purchase_order_number="BE-2026-0099", lines=[("HEX-M8", "Hex bolt", 1)])  # fmt: skip
    client.force_login(team["viewer"])
    assert _numbers(client.get(URL, {"status": "Shipped"})) == ["1001"]
    assert _numbers(client.get(URL, {"buyer": team["buyer"].pk})) == ["1002"]
    assert _numbers(client.get(URL, {"po_number": "0042"})) == ["1001"]
    assert _numbers(client.get(URL, {"sku": "hex-m8"})) == ["1002"]
    assert _numbers(client.get(URL, {"status": "Shipped", "sku": "HEX-M8"})) == []


def test_an_order_with_two_matching_lines_is_listed_once(client, company, team):
    order_create(company=company, user=team["buyer"], number="1001",
                 lines=[("HEX-M8", "Hex bolt", 1), ("HEX-M8", "Hex bolt", 3)])  # fmt: skip
    client.force_login(team["buyer"])
    assert _numbers(client.get(URL, {"sku": "HEX-M8"})) == ["1001"]
    assert _numbers(client.get(URL, {"q": "hex"})) == ["1001"]
    assert client.get(URL).context["orders"][0].item_count == 4


def test_search_finds_order_number_po_number_quote_sku_and_product_title(client, company, team):
    order_create(company=company, user=team["buyer"], number="100077", purchase_order_number="PO-ALPHA",
                 quote_reference="Q-000123", lines=[("BRG-30205", "Tapered roller bearing", 1)])  # fmt: skip
    order_create(company=company, user=team["buyer"], number="100088")
    client.force_login(team["buyer"])
    for term in ("100077", "po-alpha", "Q-000123", "BRG-30205", "roller bearing"):
        assert _numbers(client.get(URL, {"q": term})) == ["100077"], term
    response = client.get(URL, {"q": "nothing like it"})
    assert _numbers(response) == []
    assert 'id="order-list-empty"' in response.content.decode()


def test_typed_dates_are_inclusive_whole_days(client, company, team):
    order_create(company=company, user=team["buyer"], number="1", placed=at(DAY, 0, 0))
    order_create(company=company, user=team["buyer"], number="2", placed=at(DAY, 23, 59))
    order_create(
        company=company,
        user=team["buyer"],
        number="3",
        placed=at(DAY + datetime.timedelta(days=1), 0, 0),
    )
    order_create(
        company=company,
        user=team["buyer"],
        number="4",
        placed=at(DAY - datetime.timedelta(days=1), 23, 59),
    )
    client.force_login(team["buyer"])
    one_day = {"date_from": DAY.isoformat(), "date_to": DAY.isoformat()}
    assert sorted(_numbers(client.get(URL, one_day))) == ["1", "2"]
    assert sorted(_numbers(client.get(URL, {"date_from": "2026-03-11"}))) == ["3"]
    assert sorted(_numbers(client.get(URL, {"date_to": "2026-03-09"}))) == ["4"]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"date_from": "2026-13-45"}, "date_from"),
        ({"date_to": "yesterday"}, "date_to"),
        ({"date_from": "2026-03-10", "date_to": "2026-03-01"}, "date_to"),
        ({"buyer": "999999"}, "buyer"),
        ({"buyer": "not-a-number"}, "buyer"),
        ({"status": "Exploded"}, "status"),
        ({"status": "Pending"}, "status"),  # renamed to "Placed": not offered any more
        ({"q": "bolt\x00"}, "q"),
    ],
)
def test_bad_filter_input_is_explained_on_the_form_never_a_500(
    client, company, team, params, field
):
    order_create(company=company, user=team["buyer"], number="1001")
    client.force_login(team["buyer"])
    for extra in ({}, {"export": "csv"}):
        response = client.get(URL, {**params, **extra})
        assert response.status_code == 400
        html = response.content.decode()
        assert f'id="order-filter-error-{field}"' in html or (
            field == "q" and "invalid-feedback" in html
        )
        assert list(response.context["orders"]) == []
        assert "Correct the filter above" in html


def test_the_list_pages_through_the_orders_keeping_the_filters(client, company, team):
    orders_bulk_create(company=company, users=[team["buyer"]], count=45)
    client.force_login(team["buyer"])
    first = client.get(URL, {"po_number": "PO-"})
    assert len(_numbers(first)) == 20 and first.context["paginator"].count == 45
    html = first.content.decode()
    assert "po_number=PO-" in html and "page=2" in html
    third = client.get(URL, {"po_number": "PO-", "page": 3})
    assert len(_numbers(third)) == 5
    assert client.get(URL, {"page": 99}).status_code == 404  # as Oscar's lists do


def test_csv_export_streams_the_filtered_list_with_formula_safe_cells(client, company, team):
    order_create(company=company, user=team["buyer"], number="1001", status="Shipped",
                 purchase_order_number='=HYPERLINK("http://evil.example","x")')  # fmt: skip
    order_create(company=company, user=team["admin"], number="1002", status="Placed")
    client.force_login(team["viewer"])
    response = client.get(URL, {"status": "Shipped", "export": "csv"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Order number", "Date placed", "Buyer"]
    assert [row[0] for row in rows[1:]] == ["1001"]
    assert rows[1][3] == "buyer@alpha.example"
    assert rows[1][4] == '\'=HYPERLINK("http://evil.example","x")'
    assert rows[1][6] == "Shipped" and rows[1][7] == "2"
    assert rows[1][8:] == ["100.00", "19.00", "119.00", "EUR"]


def test_csv_export_speaks_the_readers_language(client, company, team):
    order_create(company=company, user=team["buyer"], number="1001", status="Cancelled")
    client.force_login(team["buyer"])
    response = client.get(URL, {"export": "csv"}, HTTP_ACCEPT_LANGUAGE="de")
    text = b"".join(response.streaming_content).decode()
    assert "Storniert" in text


def test_the_export_link_keeps_the_filters_and_drops_the_page(client, company, team):
    orders_bulk_create(company=company, users=[team["buyer"]], count=25)
    client.force_login(team["buyer"])
    html = client.get(URL, {"po_number": "PO-", "page": 2}).content.decode()
    assert 'href="?po_number=PO-&amp;export=csv"' in html


def test_list_queries_do_not_grow_with_the_orders(client, company, team, django_assert_num_queries):
    client.force_login(team["viewer"])
    orders_bulk_create(company=company, users=[team["buyer"], team["admin"]], count=3)
    small = _queries(client)
    filtered = _queries(client, {"q": "SKU-1", "status": "Placed", "date_from": "2026-01-01"})
    orders_bulk_create(
        company=company, users=[team["buyer"], team["admin"]], count=60, start=200000
    )
    with django_assert_num_queries(small):
        assert client.get(URL).status_code == 200
    with django_assert_num_queries(small):
        assert client.get(URL, {"page": 2}).status_code == 200
    with django_assert_num_queries(filtered):
        client.get(URL, {"q": "SKU-1", "status": "Placed", "date_from": "2026-01-01"})


def test_csv_queries_do_not_grow_with_the_orders(client, company, team, django_assert_num_queries):
    client.force_login(team["viewer"])
    orders_bulk_create(company=company, users=[team["buyer"]], count=3)

    def export() -> int:
        with CaptureQueriesContext(connection) as ctx:
            body = b"".join(client.get(URL, {"export": "csv"}).streaming_content)
        return len(ctx.captured_queries), body.count(b"\n")

    export()  # per-process caches warm
    small, lines = export()
    assert lines == 4
    orders_bulk_create(company=company, users=[team["buyer"]], count=300, start=200000)
    assert export() == (small, 304)


def test_ten_thousand_orders_cost_the_same_queries_as_twenty(
    client, company, team, django_assert_num_queries
):
    client.force_login(team["admin"])
    users = [team["buyer"], team["admin"]]
    orders_bulk_create(company=company, users=users, count=20)
    twenty = _queries(client)
    twenty_search = _queries(client, {"q": "PO-1", "buyer": team["buyer"].pk})
    orders_bulk_create(company=company, users=users, count=10_000 - 20, start=300000)
    assert Order.objects.filter(company=company).count() == 10_000
    with django_assert_num_queries(twenty):
        response = client.get(URL, {"page": 250})
    assert response.context["paginator"].count == 10_000
    with django_assert_num_queries(twenty):
        client.get(URL)
    with django_assert_num_queries(twenty_search):
        client.get(URL, {"q": "PO-1", "buyer": team["buyer"].pk})
