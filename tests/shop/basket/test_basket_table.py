"""The basket table built for 300 lines: its Python-built inputs and amounts are Django's and
Oscar's output, a line's price is resolved once per page, and neither the page nor a refused
update costs more queries at 300 lines than at 3."""

from decimal import Decimal

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from oscar.core.loading import get_model
from oscar.templatetags.currency_filters import currency as currency_filter

from shop.basket.display import UnboundLineInputs, currency_text, input_html
from shop.basket.formsets import BasketLineFormSet
from shop.basket.views import BasketView
from shop.partner.strategy import CompanyPricing
from shop.pricing.engine import PriceBook
from shop.pricing.models import PriceList, PriceListEntry
from tests.factories import CompanyMemberFactory, ProductFactory, UserFactory, category_create
from tests.helpers import basket_formset_data

Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")
StockRecord = get_model("partner", "StockRecord")


# Amounts and inputs -------------------------------------------------------------------


def test_amounts_read_exactly_as_oscars_currency_filter_prints_them():
    values = [
        Decimal(v)
        for v in ("0", "0.00", "0.5", "1", "7.05", "999.99", "1000", "1234.5", "45678.90",
                  "1234567.89", "100000000.00", "-3.20", "-1234.56", "12.345", "0.001", "2.675",
                  "1E+3", "21.9600000000")
    ]  # fmt: skip
    values += [Decimal(cents) / 100 for cents in range(0, 2_500_000, 9_973)]
    for language in ("en-gb", "de"):
        with translation.override(language):
            for currency in ("EUR", "CHF", "GBP", "JPY"):
                for value in values:
                    expected = currency_filter(value, currency)
                    assert currency_text(value, currency) == expected, (language, currency, value)
            for odd in (None, "", "12.5", 3, "abc"):
                assert currency_text(odd, "EUR") == currency_filter(odd, "EUR")


class _LineForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput)
    quantity = forms.IntegerField(min_value=0, required=False)
    DELETE = forms.BooleanField(required=False)
    note = forms.CharField(help_text="Say why", max_length=20)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quantity"].widget.attrs.update({"max": 600, "step": 5})


@pytest.mark.parametrize(
    "data",
    [
        None,  # unbound: initial values
        {"f-id": "7", "f-quantity": "10", "f-DELETE": "on", "f-note": 'a "quoted" <b>'},
        {"f-id": "7", "f-quantity": "-3", "f-note": ""},  # errors: aria-invalid
        {"f-id": "7", "f-quantity": "x&y"},
    ],
)
def test_inputs_are_the_markup_of_djangos_widgets(data):
    form = _LineForm(data, prefix="f", initial={"id": 7, "quantity": 20, "note": "n&m"})
    label = mark_safe("Quantity of Hex bolt M8 &amp; nut")  # escaped once, as blocktranslate
    cases = [
        ("id", None),
        ("quantity", {"class": "form-control form-control-sm", "aria-label": label}),
        ("DELETE", {"aria-label": "Remove this line"}),
        ("note", {"aria-label": 'say "why"'}),
    ]
    for name, attrs in cases:
        assert input_html(form[name], attrs) == form[name].as_widget(attrs=attrs), name


# Prices --------------------------------------------------------------------------------


@pytest.fixture
def contract(company):
    """STK-1: 10.00 from 1, 8.00 from 50, packs of 5 on the contract; STK-2: its category 20%
    off from 10 units; STK-3: no entry; a list in SEK that never applies."""
    category = category_create("Table")
    products = {
        sku: ProductFactory(upc=sku, category=category, stock__num_in_stock=500)
        for sku in ("STK-1", "STK-2", "STK-3")
    }
    contract = PriceList.objects.create(code="tbl", name="Contract", company=company)
    PriceList.objects.create(code="sek", name="Nordic", company=company, currency="SEK")
    PriceListEntry.objects.create(
        price_list=contract, product=products["STK-1"], value=Decimal("10.00"), order_multiple=5
    )
    PriceListEntry.objects.create(
        price_list=contract, product=products["STK-1"], value=Decimal("8.00"), min_quantity=50
    )
    PriceListEntry.objects.create(
        price_list=contract,
        category=category,
        kind=PriceListEntry.Kind.PERCENT_OFF,
        value=Decimal("20"),
        min_quantity=10,
    )
    return products


def test_a_price_is_resolved_once_and_the_quantity_rule_agrees_with_it(company, contract):
    book = PriceBook(company=company)
    for product in contract.values():
        record = product.stockrecords.get()
        for quantity in (1, 5, 10, 50, 10**9):
            resolved = book.price(product, record, quantity)
            assert book.price(product, record, quantity) is resolved  # built once
            assert book.rule(product, record, quantity) == resolved.rule, (product.upc, quantity)
            fresh = PriceBook(company=company).price(product, record, quantity)
            assert resolved == fresh and list(resolved.chain) == list(fresh.chain)
    stk1 = contract["STK-1"]
    assert book.rule(stk1, stk1.stockrecords.get(), 10**9).order_multiple == 5
    # A changed stock record price is a different question, not the remembered answer.
    record = stk1.stockrecords.get()
    before = book.price(stk1, record, 1)
    record.price = Decimal("20.00")
    assert book.price(stk1, record, 1) is not before


def test_a_price_explains_itself_in_the_language_it_was_resolved_in(company, contract):
    product = contract["STK-2"]
    with translation.override("de"):
        resolved = PriceBook(company=company).price(product, product.stockrecords.get(), 10)
    steps = list(resolved.chain)  # read outside the German request
    assert steps[0].label == "Listenpreis"
    assert any("SEK" in step.detail for step in steps)  # the list passed over is said
    assert len(resolved.chain) == len(steps) and resolved.chain[-1] == steps[-1]


# The page ------------------------------------------------------------------------------


def _bulk_lines(basket, products, quantity=5):
    Line.objects.bulk_create(
        [
            Line(
                basket=basket,
                line_reference=f"{p.pk}_{p.stockrecords.get().pk}",
                product=p,
                stockrecord=p.stockrecords.get(),
                quantity=quantity,
                price_currency="EUR",
                price_excl_tax=Decimal("10.00"),
            )
            for p in products
        ]
    )


def _queries(client, method, *args):
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(reverse("basket:summary"), *args)
    return len(ctx.captured_queries), response


def test_the_page_and_a_refused_update_cost_the_same_queries_at_3_and_300_lines(
    client, company, contract
):
    buyer = CompanyMemberFactory(company=company, user=UserFactory(email="t@alpha.example")).user
    category = category_create("Many")
    many = [ProductFactory(upc=f"MNY-{i:04d}", category=category) for i in range(297)]
    client.force_login(buyer)
    basket = Basket.objects.create(owner=buyer)
    _bulk_lines(basket, contract.values())
    Line.objects.filter(basket=basket, product=contract["STK-3"]).update(
        quoted_unit_price=Decimal("9.00"), quote_reference="Q-77"
    )
    client.get(reverse("basket:summary"))  # the first visit after login writes the session

    sizes = {}
    for size in (3, 300):
        if size == 300:
            _bulk_lines(basket, many)
        get_queries, response = _queries(client, "get")
        html = response.content.decode()
        assert f"{size} lines" in html
        assert "50+: €8.00" in html  # STK-1's next tier
        assert "Q-77" in html and 'name="form-2-quantity" value="5"' in html  # locked line
        bad = basket_formset_data(basket, {"STK-1": 7})
        post_queries, response = _queries(client, "post", bad)
        html = response.content.decode()
        assert response.status_code == 200
        assert "This is sold in packs of 5: 7 is not a multiple of 5. Order 5 or 10." in html
        assert html.count('class="table-warning"') == 1
        assert 'name="form-0-quantity" value="7"' in html and 'aria-invalid="true"' in html
        sizes[size] = (get_queries, post_queries)
    assert sizes[3] == sizes[300], sizes
    assert basket.lines.get(product=contract["STK-1"]).quantity == 5  # nothing was saved


def test_updating_every_line_of_a_300_line_basket(client, company, contract):
    buyer = CompanyMemberFactory(company=company, user=UserFactory(email="u@alpha.example")).user
    category = category_create("Every")
    products = [ProductFactory(upc=f"EVR-{i:04d}", category=category) for i in range(300)]
    client.force_login(buyer)
    basket = Basket.objects.create(owner=buyer)
    _bulk_lines(basket, products, quantity=2)
    changes = {p.upc: 3 for p in products[:-2]}
    data = basket_formset_data(basket, changes, remove={products[-1].upc})
    response = client.post(reverse("basket:summary"), data)
    assert response.status_code == 302
    quantities = dict(basket.lines.values_list("product__upc", "quantity"))
    assert len(quantities) == 299 and quantities[products[-2].upc] == 2
    assert all(quantities[upc] == 3 for upc in changes)
    html = client.get(reverse("basket:summary")).content.decode()
    assert "299 lines, 896 units" in html


def test_the_pages_rows_carry_the_tags_the_unbound_forms_render(company, contract):
    """A GET builds the rows' inputs without the formset: the tags must be the forms' own."""
    buyer = CompanyMemberFactory(company=company, user=UserFactory(email="v@alpha.example")).user
    category = category_create("Tags")
    few = ProductFactory(
        title='Hex bolt "M8" & <nut>', upc="TAG-FEW", category=category, stock__num_in_stock=3
    )
    packed = ProductFactory(upc="TAG-PCK", category=category, min_order_quantity=4, pack_size=2)
    low = ProductFactory(upc="TAG-LOW", category=category, stock__num_in_stock=8)
    basket = Basket.objects.create(owner=buyer)
    _bulk_lines(basket, [*contract.values(), few, packed, low])
    Line.objects.filter(basket=basket, product=contract["STK-3"]).update(
        quoted_unit_price=Decimal("9.00"), quote_reference="Q-78"
    )
    basket = Basket.objects.get(pk=basket.pk)
    basket.strategy = CompanyPricing(company=company)
    lines = list(basket.all_lines())
    labels = ("Quantity of %(title)s", "Remove this line")
    formset = BasketLineFormSet(strategy=basket.strategy, queryset=basket.all_lines())
    tags = UnboundLineInputs(
        formset, strategy=basket.strategy, quantity_label=labels[0], remove_label=labels[1]
    )
    built = [tags(index, line) for index, line in enumerate(lines)]  # before any form exists
    forms = list(formset)
    assert [form.instance.pk for form in forms] == [line.pk for line in lines]
    for index, form in enumerate(forms):
        assert built[index] == BasketView._form_inputs(form, labels), lines[index].product.upc
    by_sku = {line.product.upc: row for line, row in zip(lines, built, strict=True)}
    # Not vacuous: the stock cap, the contract's pack, the product's rule, the escaped title.
    assert 'max="8"' in by_sku["TAG-LOW"]["quantity_input"]
    # 5 in the line, 3 in stock: a max of 3 made the browser refuse every update, even one
    # removing the line; the line's own quantity stays allowed (the server says "only 3").
    assert 'max="5"' in by_sku["TAG-FEW"]["quantity_input"]
    assert "Hex bolt &quot;M8&quot; &amp; &lt;nut&gt;" in by_sku["TAG-FEW"]["quantity_input"]
    assert 'min="0"' in by_sku["STK-1"]["quantity_input"]
    assert 'step="5"' in by_sku["STK-1"]["quantity_input"]
    assert 'step="2"' in by_sku["TAG-PCK"]["quantity_input"]
    assert "quantity_input" not in by_sku["STK-3"] and "delete_input" not in by_sku["STK-3"]
    assert by_sku["STK-3"]["quantity_name"] == "form-2-quantity"


def test_lines_load_with_their_options_in_one_query_and_answer_them_without_more(
    db, django_assert_num_queries
):
    Option = get_model("catalogue", "Option")
    LineAttribute = get_model("basket", "LineAttribute")
    buyer = UserFactory(email="w@alpha.example")
    basket = Basket.objects.create(owner=buyer)
    plain, engraved = ProductFactory(upc="OPT-PLN"), ProductFactory(upc="OPT-ENG")
    _bulk_lines(basket, [plain, engraved])
    line = basket.lines.get(product=engraved)
    text = Option.objects.create(name="Engraving", code="engraving", type=Option.TEXT)
    LineAttribute.objects.create(line=line, option=text, value="Fleet 7")
    other = Basket.objects.create(owner=UserFactory(email="x@alpha.example"))
    _bulk_lines(other, [engraved])
    LineAttribute.objects.create(line=other.lines.get(), option=text, value="not mine")

    basket = Basket.objects.get(pk=basket.pk)
    with django_assert_num_queries(2):  # the lines, then every line's options
        lines = {line.product.upc: line for line in basket.all_lines()}
    with django_assert_num_queries(0):
        assert [a.value for a in lines["OPT-ENG"].attributes.all()] == ["Fleet 7"]
        assert lines["OPT-ENG"].description.endswith("(Engraving = 'Fleet 7')")
        assert list(lines["OPT-PLN"].attributes.all()) == []
        assert lines["OPT-PLN"].description == str(plain)
        assert not lines["OPT-PLN"].attributes.filter(value="Fleet 7").exists()
    # A refined question about a line with options still asks about that line only.
    assert list(lines["OPT-ENG"].attributes.filter(value="not mine")) == []
