"""Quotes through the pages: the buyer asks from the basket, the account manager offers in the
CRM, the buyer counters, the manager revises, the buyer accepts and checks out at the quoted
prices. Plus the refusals a user meets on the way, and who may see what."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from crm_embedded.quotes.models import Quote
from crm_embedded.quotes.states import State
from crm_embedded.tasks.models import Task
from tests.factories import CompanyFactory, CompanyMemberFactory, ProductFactory, UserFactory

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
Country = get_model("address", "Country")

pytestmark = pytest.mark.django_db


def _lines(quote, typed: dict) -> dict:
    """The draft-lines formset as the browser posts it: every line with its current values,
    then what was typed (keys ``qty_<line id>``, ``price_<line id>``, ``pct_<line id>``)."""
    names = {"qty": "quantity", "price": "unit_price", "pct": "percent_off"}
    lines = list(quote.lines.order_by("pk"))
    data = {"lines-TOTAL_FORMS": str(len(lines)), "lines-INITIAL_FORMS": str(len(lines))}
    for index, line in enumerate(lines):
        data[f"lines-{index}-line"] = str(line.pk)
        data[f"lines-{index}-quantity"] = str(line.quantity)
        offered = line.offered_price
        data[f"lines-{index}-unit_price"] = "" if offered is None else str(offered)
        data[f"lines-{index}-percent_off"] = ""
        for key, value in typed.items():
            field, _sep, line_id = key.partition("_")
            if line_id == str(line.pk):
                data[f"lines-{index}-{names[field]}"] = value
    return data


@pytest.fixture
def products():
    return [
        ProductFactory(upc="QT-1", stock__price=Decimal("20.00"), stock__num_in_stock=5000),
        ProductFactory(upc="QT-2", stock__price=Decimal("8.00"), stock__num_in_stock=5000),
    ]


def _basket_with(client, lines):
    text = "\n".join(f"{sku} {qty}" for sku, qty in lines)
    client.post(reverse("bulk:quick-order"), {"lines": text, "action": "add"})


def _quote_from_basket(client, buyer_member, products) -> Quote:
    client.force_login(buyer_member.user)
    _basket_with(client, [("QT-1", 100), ("QT-2", 400)])
    basket = Basket.objects.get(owner=buyer_member.user, status="Open")
    ids = list(basket.lines.order_by("pk").values_list("pk", flat=True))
    page = client.get(reverse("quotes:request")).content.decode()
    assert "QT" in page or "groove" in page
    response = client.post(reverse("quotes:request"), {
        f"line_{ids[0]}": "1", f"target_{ids[0]}": "17.50", f"line_{ids[1]}": "1",
        "note": "Yearly need, delivery in two drops", "needed_by": "",
    })  # fmt: skip
    quote = Quote.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "quotes:detail", kwargs={"number": quote.number}
    )
    assert not basket.lines.exists()  # the basket is free for other shopping
    return quote


def test_request_offer_counter_revise_accept_checkout(
    client, buyer_member, account_manager, products, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        quote = _quote_from_basket(client, buyer_member, products)
    assert quote.lines.count() == 2 and quote.state == State.REQUESTED
    assert any(quote.number in m.subject and account_manager.email in m.to for m in mailoutbox)

    # The account manager prices it in the CRM and sends version 1.
    client.force_login(account_manager)
    detail = reverse("crm:quote-detail", kwargs={"pk": quote.pk})
    html = client.get(detail).content.decode()
    assert "Yearly need" in html and "QT-1" in html
    lines = {line.sku: line for line in quote.lines.all()}
    client.post(reverse("crm:quote-action", kwargs={"pk": quote.pk, "action": "review"}))
    client.post(reverse("crm:quote-lines", kwargs={"pk": quote.pk}), _lines(quote, {
        f"qty_{lines['QT-1'].pk}": "100", f"price_{lines['QT-1'].pk}": "18.00",
        f"qty_{lines['QT-2'].pk}": "400", f"pct_{lines['QT-2'].pk}": "10",
    }))  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("crm:quote-action", kwargs={"pk": quote.pk, "action": "send"}), follow=True
        )
    assert "Offer sent to the buyer" in response.content.decode()
    quote.refresh_from_db()
    assert quote.state == State.OFFERED and quote.versions.count() == 1
    offer_mail = mailoutbox[-1]
    assert buyer_member.user.email in offer_mail.to and "4680.00 EUR" in offer_mail.body

    # The buyer asks for changes; the manager revises and sends version 2.
    client.force_login(buyer_member.user)
    page = client.get(reverse("quotes:detail", kwargs={"number": quote.number})).content.decode()
    assert "€18.00" in page and "€7.20" in page and "€4,680.00" in page
    client.post(reverse("quotes:action", kwargs={"number": quote.number, "action": "changes"}),
                {"text": "17.00 for QT-1 and we take 120"})  # fmt: skip
    client.force_login(account_manager)
    client.post(reverse("crm:quote-lines", kwargs={"pk": quote.pk}), _lines(quote, {
        f"qty_{lines['QT-1'].pk}": "120", f"price_{lines['QT-1'].pk}": "17.00",
        f"qty_{lines['QT-2'].pk}": "400", f"price_{lines['QT-2'].pk}": "7.20",
    }))  # fmt: skip
    client.post(reverse("crm:quote-action", kwargs={"pk": quote.pk, "action": "send"}))
    quote.refresh_from_db()
    assert quote.versions.count() == 2
    v1 = quote.versions.get(number=1)
    assert v1.total == Decimal("4680.00")  # the first version is frozen as sent

    # The buyer sees what changed, accepts and checks out at the quoted prices.
    client.force_login(buyer_member.user)
    page = client.get(reverse("quotes:detail", kwargs={"number": quote.number})).content.decode()
    assert "QT-1 quantity 100 → 120" in page and "QT-1 unit price 18.00 → 17.00" in page
    response = client.post(
        reverse("quotes:action", kwargs={"number": quote.number, "action": "accept"}), follow=True
    )
    assert "accepted" in response.content.decode()
    basket = Basket.objects.get(owner=buyer_member.user, status="Open")
    assert {(x.product.upc, x.quantity, x.quoted_unit_price) for x in basket.lines.all()} == {
        ("QT-1", 120, Decimal("17.00")),
        ("QT-2", 400, Decimal("7.20")),
    }
    # Other shopping goes on at normal prices beside the locked lines.
    _basket_with(client, [("QT-2", 5)])
    assert basket.lines.filter(quoted_unit_price__isnull=True).get().quantity == 5

    with django_capture_on_commit_callbacks(execute=True):
        response = _place_order(client)
    assert response.status_code == 302 and response["Location"] == reverse("checkout:thank-you")
    order = Order.objects.get()
    assert order.quote_reference == quote.number
    prices = {
        (x.upc or x.partner_sku, x.quantity, x.unit_price_excl_tax) for x in order.lines.all()
    }
    assert ("QT-1", 120, Decimal("17.00")) in prices and ("QT-2", 400, Decimal("7.20")) in prices
    quote.refresh_from_db()
    assert quote.state == State.ORDERED and quote.order_number == order.number


def test_bad_input_gets_a_clear_refusal(client, buyer_member, account_manager, products):
    client.force_login(buyer_member.user)
    url = reverse("quotes:request") + f"?product={products[0].pk}&quantity=10"
    assert client.get(url).status_code == 200
    cases = [
        ({"quantity_product": "0"}, "whole number from 1"),
        ({"quantity_product": "5", "target_product": "-3"}, "cannot be negative"),
        ({"quantity_product": "5", "target_product": "abc"}, "is not an amount"),
        ({"quantity_product": "5", "needed_by": "2001-01-01"}, "in the past"),
    ]
    for data, message in cases:
        response = client.post(url, {"product": products[0].pk, **data})
        assert response.status_code == 400 and message in response.content.decode(), data
    assert not Quote.objects.exists()
    client.post(url, {"product": products[0].pk, "quantity_product": "50"})
    quote = Quote.objects.get()
    assert quote.lines.get().quantity == 50

    client.force_login(account_manager)
    line = quote.lines.get()
    cases = [
        ({f"price_{line.pk}": "-1"}, "cannot be negative"),
        ({f"pct_{line.pk}": "150"}, "from 0 to 100"),
        ({f"price_{line.pk}": "x"}, "must be numbers"),
        ({f"qty_{line.pk}": "zero"}, "is not a quantity"),
        ({f"qty_{line.pk}": "0"}, "at least one line"),
    ]
    for data, message in cases:
        html = client.post(reverse("crm:quote-lines", kwargs={"pk": quote.pk}),
                           _lines(quote, data), follow=True).content.decode()  # fmt: skip
        assert message in html, data
    past = (timezone.localdate() - timezone.timedelta(days=1)).isoformat()
    html = client.post(reverse("crm:quote-terms", kwargs={"pk": quote.pk}),
                       {"valid_until": past, "terms": ""}, follow=True).content.decode()  # fmt: skip
    assert "in the past" in html
    html = client.post(reverse("crm:quote-action", kwargs={"pk": quote.pk, "action": "send"}),
                       follow=True).content.decode()  # fmt: skip
    assert "Give every line an offered price first" in html
    html = client.post(reverse("crm:quote-action", kwargs={"pk": quote.pk, "action": "reject"}),
                       {"text": " "}, follow=True).content.decode()  # fmt: skip
    assert "Say why" in html
    # Illegal in this state: the buyer cannot accept a request that has no offer.
    client.force_login(buyer_member.user)
    html = client.post(reverse("quotes:action", kwargs={"number": quote.number, "action": "accept"}),
                       follow=True).content.decode()  # fmt: skip
    assert "cannot become" in html
    quote.refresh_from_db()
    assert quote.state == State.REQUESTED


def test_quotes_are_scoped_to_the_company_and_the_account_manager(
    client, buyer_member, account_manager, products
):
    client.force_login(buyer_member.user)
    client.post(reverse("quotes:request") + f"?product={products[0].pk}",
                {"product": products[0].pk, "quantity_product": "5"})  # fmt: skip
    quote = Quote.objects.get()
    other_manager = UserFactory(email="am-other@partshub.example", is_staff=True)
    other_manager.groups.add(*account_manager.groups.all())
    stranger = CompanyMemberFactory(company=CompanyFactory(account_manager=other_manager)).user
    client.force_login(stranger)
    detail = reverse("quotes:detail", kwargs={"number": quote.number})
    assert client.get(detail).status_code == 404
    response = client.post(reverse("quotes:message", kwargs={"number": quote.number}),
                           {"body": "hello"})  # fmt: skip
    assert response.status_code == 404 and not quote.messages.exists()
    client.force_login(other_manager)
    assert client.get(reverse("crm:quote-detail", kwargs={"pk": quote.pk})).status_code == 404
    assert quote.number not in client.get(reverse("crm:quote-list")).content.decode()
    client.force_login(account_manager)
    assert quote.number in client.get(reverse("crm:quote-list")).content.decode()


def test_internal_notes_stay_with_staff_and_the_overdue_task_shows_in_the_workspace(
    client, buyer_member, account_manager, products
):
    client.force_login(buyer_member.user)
    client.post(reverse("quotes:request") + f"?product={products[0].pk}",
                {"product": products[0].pk, "quantity_product": "5"})  # fmt: skip
    quote = Quote.objects.get()
    client.force_login(account_manager)
    client.post(reverse("crm:quote-message", kwargs={"pk": quote.pk}),
                {"body": "Margin is thin, check with purchasing", "internal": "1"})  # fmt: skip
    client.post(reverse("crm:quote-message", kwargs={"pk": quote.pk}), {"body": "Working on it"})
    Task.objects.create(owner=account_manager, title=f"Answer {quote.number}",
                        url=reverse("crm:quote-detail", kwargs={"pk": quote.pk}))  # fmt: skip
    workspace = client.get(reverse("crm:home")).content.decode()
    assert f"Answer {quote.number}" in workspace and quote.number in workspace
    client.force_login(buyer_member.user)
    page = client.get(reverse("quotes:detail", kwargs={"number": quote.number})).content.decode()
    assert "Working on it" in page and "Margin is thin" not in page


def _accepted_quote_in_basket(client, buyer_member, account_manager, products):
    client.force_login(buyer_member.user)
    client.post(reverse("quotes:request") + f"?product={products[0].pk}",
                {"product": products[0].pk, "quantity_product": "10"})  # fmt: skip
    quote = Quote.objects.get()
    client.force_login(account_manager)
    line = quote.lines.get()
    client.post(
        reverse("crm:quote-lines", kwargs={"pk": quote.pk}),
        _lines(quote, {f"price_{line.pk}": "19.00"}),
    )
    client.post(reverse("crm:quote-action", kwargs={"pk": quote.pk, "action": "send"}))
    client.force_login(buyer_member.user)
    client.post(reverse("quotes:action", kwargs={"number": quote.number, "action": "accept"}))
    quote.refresh_from_db()
    assert quote.state == State.ACCEPTED
    return quote


def _place_order(client):
    Country.objects.get_or_create(iso_3166_1_a2="DE", defaults={"name": "Germany",
                                                               "is_shipping_country": True})  # fmt: skip
    client.post(reverse("checkout:shipping-address"), {
        "first_name": "Jonas", "last_name": "Weber", "line1": "Ring 1", "line4": "Koeln",
        "postcode": "50667", "country": "DE", "phone_number": "",
    })  # fmt: skip
    for step in ("checkout:shipping-method", "checkout:payment-method", "checkout:preview"):
        client.get(reverse(step), follow=True)
    return client.post(reverse("checkout:preview"), {"action": "place_order"})


@pytest.mark.parametrize("broken", ["receiver", "queue"])
def test_a_failing_crm_never_breaks_checkout(
    client, buyer_member, account_manager, products, monkeypatch, broken,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    quote = _accepted_quote_in_basket(client, buyer_member, account_manager, products)
    from crm_embedded.quotes import receivers, tasks

    def boom(*args, **kwargs):
        raise ConnectionError("broker down")

    if broken == "receiver":
        monkeypatch.setattr(receivers.transaction, "on_commit", boom)
    else:
        monkeypatch.setattr(tasks.quote_mark_ordered, "delay", boom)
    with django_capture_on_commit_callbacks(execute=True):
        response = _place_order(client)
    assert response.status_code == 302 and response["Location"] == reverse("checkout:thank-you")
    order = Order.objects.get()
    assert order.quote_reference == quote.number  # the order is placed; the CRM catches up later
    quote.refresh_from_db()
    assert quote.state == State.ACCEPTED


def test_a_quote_converts_into_one_order_only(client, buyer_member, account_manager, products):
    quote = _accepted_quote_in_basket(client, buyer_member, account_manager, products)
    assert _place_order(client).status_code == 302
    # The same quote's lines again in a basket (e.g. a second tab): refused with the reason.
    basket = Basket.objects.create(owner=buyer_member.user)
    from shop.basket import services as basket_services

    basket_services.basket_add_quoted_lines(basket=basket, reference=quote.number, lines=[
        basket_services.QuotedLine(products[0].pk, 10, Decimal("19.00"))])  # fmt: skip
    response = _place_order(client)
    assert response.status_code == 200
    assert "has already been ordered" in response.content.decode()
    assert Order.objects.filter(quote_reference=quote.number).count() == 1


def test_a_percentage_replaces_the_prefilled_price(client, buyer_member, account_manager, products):
    client.force_login(buyer_member.user)
    client.post(reverse("quotes:request") + f"?product={products[0].pk}",
                {"product": products[0].pk, "quantity_product": "10"})  # fmt: skip
    quote = Quote.objects.get()
    line = quote.lines.get()
    client.force_login(account_manager)
    url = reverse("crm:quote-lines", kwargs={"pk": quote.pk})
    client.post(url, _lines(quote, {f"qty_{line.pk}": "10", f"price_{line.pk}": "19.00"}))
    line.refresh_from_db()
    assert line.offered_price == Decimal("19.00")
    # The form posts the pre-filled price with the percentage: the percentage wins.
    client.post(
        url,
        _lines(
            quote, {f"qty_{line.pk}": "10", f"price_{line.pk}": "19.00", f"pct_{line.pk}": "15"}
        ),
    )
    line.refresh_from_db()
    assert line.offered_price == Decimal("17.00")  # 20.00 list - 15 %
    history = client.get(reverse("crm:quote-detail", kwargs={"pk": quote.pk})).content.decode()
    assert "QT-1: price 19.00 → 17.00" in history and "None" not in history


def test_offers_leave_quoted_lines_alone(client, buyer_member, account_manager, products):
    from oscar.test.factories import create_offer

    create_offer(name="Spring sale")  # 20 % off everything, from one item
    _accepted_quote_in_basket(client, buyer_member, account_manager, products)
    _basket_with(client, [("QT-2", 10)])
    basket = Basket.objects.get(owner=buyer_member.user, status="Open")
    html = client.get(reverse("basket:summary")).content.decode()
    assert "Spring sale" in html  # the offer applies to the other line ...
    from shop.partner.strategy import Selector

    basket.strategy = Selector().strategy(user=buyer_member.user)
    from oscar.apps.offer.applicator import Applicator

    Applicator().apply(basket, buyer_member.user)
    quoted = next(x for x in basket.all_lines() if x.quoted_unit_price is not None)
    other = next(x for x in basket.all_lines() if x.quoted_unit_price is None)
    assert quoted.discount_value == 0  # ... never to the quoted one
    assert other.discount_value > 0
    assert quoted.line_price_incl_tax_incl_discounts == Decimal("190.00")  # 10 x 19.00


def test_checkout_refuses_quoted_prices_past_their_validity(
    client, buyer_member, account_manager, products
):
    quote = _accepted_quote_in_basket(client, buyer_member, account_manager, products)
    lines = Basket.objects.get(owner=buyer_member.user, status="Open").lines
    assert lines.get().quote_valid_until == quote.valid_until
    lines.update(quote_valid_until=timezone.localdate() - timezone.timedelta(days=1))
    response = client.get(reverse("checkout:index"), follow=True)
    html = response.content.decode()
    assert f"The prices of quote {quote.number} were valid until" in html
    assert not Order.objects.exists()


def _make_quotes(company, buyer, product, count):
    for _ in range(count):
        quote = Quote.objects.create(number=f"tmp-{Quote.objects.count()}", company=company,
                                     requested_by=buyer, account_manager=company.account_manager)  # fmt: skip
        quote.number = f"Q-{quote.pk:06d}"
        quote.save()
        quote.lines.create(product=product, sku=product.upc, title="x", quantity=1,
                           list_price=Decimal("20"), contract_price=Decimal("20"))  # fmt: skip


def test_quote_lists_cost_the_same_queries_at_two_sizes(
    client, buyer_member, account_manager, products
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url):
        client.get(url)  # warm (session)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    company, buyer = buyer_member.company, buyer_member.user
    _make_quotes(company, buyer, products[0], 2)
    client.force_login(buyer)
    buyer_small = count(reverse("quotes:list"))
    client.force_login(account_manager)
    staff_small = count(reverse("crm:quote-list"))
    _make_quotes(company, buyer, products[0], 25)
    staff_large = count(reverse("crm:quote-list"))
    client.force_login(buyer)
    buyer_large = count(reverse("quotes:list"))
    assert (buyer_small, staff_small) == (buyer_large, staff_large)


def test_odd_numbers_get_a_message_not_a_500(client, buyer_member, account_manager, products):
    client.force_login(buyer_member.user)
    url = reverse("quotes:request") + f"?product={products[0].pk}"
    for target in ("nan", "Infinity", "1e30", "99999999999"):
        response = client.post(url, {"product": products[0].pk, "quantity_product": "5",
                                     "target_product": target})  # fmt: skip
        assert (
            response.status_code == 400 and "not a price we can quote" in response.content.decode()
        )
    response = client.post(url, {"product": products[0].pk, "quantity_product": "²"})
    assert response.status_code == 400 and "whole number from 1" in response.content.decode()
    assert client.get(reverse("quotes:request") + "?product=²").status_code == 404
    client.post(url, {"product": products[0].pk, "quantity_product": "5"})
    quote = Quote.objects.get()
    line = quote.lines.get()
    client.force_login(account_manager)
    lines_url = reverse("crm:quote-lines", kwargs={"pk": quote.pk})
    html = client.post(
        lines_url, _lines(quote, {f"price_{line.pk}": "99999999999"})
    ).content.decode()
    assert "must be below 10,000,000" in html
    response = client.post(lines_url, {"qty_²": "3"})  # no formset at all (an old page)
    assert (
        response.status_code == 400 and "The lines could not be read" in response.content.decode()
    )
    html = client.post(lines_url, _lines(quote, {f"qty_{line.pk}": "²"})).content.decode()
    assert "is not a quantity" in html
    html = client.post(reverse("crm:quote-line-add", kwargs={"pk": quote.pk}),
                       {"sku": "QT-2", "quantity": "²"}, follow=True).content.decode()  # fmt: skip
    assert "whole number from 1" in html
    line.refresh_from_db()
    assert line.quantity == 5 and line.offered_price is None


def test_checkout_refuses_a_basket_with_two_quotes(client, buyer_member, account_manager, products):
    quote = _accepted_quote_in_basket(client, buyer_member, account_manager, products)
    basket = Basket.objects.get(owner=buyer_member.user, status="Open")
    # The accept service refuses a second quote (under a lock); the checkout is the backstop,
    # as if a second tab accepted another quote at the same moment.
    basket.lines.create(product=products[1], stockrecord=products[1].stockrecords.get(),
                        quantity=3, line_reference="x-Q-999999", price_currency="EUR",
                        price_excl_tax=Decimal("7"), quoted_unit_price=Decimal("7"),
                        quote_reference="Q-999999")  # fmt: skip
    html = client.get(reverse("checkout:index"), follow=True).content.decode()
    assert f"Your basket holds several quotes ({quote.number}, Q-999999)" in html


def test_a_quote_beyond_stock_checks_out_as_agreed(client, buyer_member, account_manager, products):
    products[0].stockrecords.update(num_in_stock=3)  # the manager quoted 10 with a lead time
    quote = _accepted_quote_in_basket(client, buyer_member, account_manager, products)
    response = _place_order(client)
    assert response.status_code == 302 and response["Location"] == reverse("checkout:thank-you")
    assert Order.objects.get().quote_reference == quote.number
    # Ordinary lines are still limited by stock.
    _basket_with(client, [("QT-1", 5)])
    Line = get_model("basket", "Line")
    assert not Line.objects.filter(basket__owner=buyer_member.user, basket__status="Open").exists()


# A date a person typed survives the next save (issue 10) -------------------------------------


def _date_input_value(html: str, name: str) -> str:
    import re

    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
    assert 'type="date"' in tag
    value = re.search(r'value="([^"]*)"', tag)
    return value.group(1) if value else ""


@pytest.mark.parametrize("language", ["en-gb", "de", "en-us"])
def test_date_widgets_render_iso_dates_whatever_the_language(language):
    from datetime import date

    from django.utils import translation

    from crm_embedded.quotes.forms import RequestForm, TermsForm

    with translation.override(language):
        terms = TermsForm(initial={"valid_until": date(2026, 12, 10), "terms": ""})
        request = RequestForm(initial={"needed_by": date(2026, 12, 10)})
        assert _date_input_value(str(terms["valid_until"]), "valid_until") == "2026-12-10"
        assert _date_input_value(str(request["needed_by"]), "needed_by") == "2026-12-10"
        # Posting back what the browser shows gives the same date.
        posted = TermsForm({"valid_until": "2026-12-10", "terms": ""})
        assert posted.is_valid() and posted.cleaned_data["valid_until"] == date(2026, 12, 10)


def test_a_saved_validity_survives_saving_the_terms_again(
    client, buyer_member, account_manager, products
):
    from datetime import timedelta

    quote = _quote_from_basket(client, buyer_member, products)
    client.force_login(account_manager)
    valid = timezone.localdate() + timedelta(days=45)
    detail, terms = (
        reverse("crm:quote-detail", args=[quote.pk]),
        reverse("crm:quote-terms", args=[quote.pk]),
    )
    client.post(terms, {"valid_until": valid.isoformat(), "terms": "Net 30"})
    shown = _date_input_value(client.get(detail).content.decode(), "valid_until")
    assert shown == valid.isoformat()
    # The form is posted again as the browser shows it (only the terms changed).
    client.post(terms, {"valid_until": shown, "terms": "Net 45"})
    quote.refresh_from_db()
    assert (quote.valid_until, quote.terms) == (valid, "Net 45")


# Approvals: a place in the CRM where sales managers decide (issue 10) -------------------------


def _awaiting_approval(client, buyer_member, account_manager, products) -> Quote:
    quote = _quote_from_basket(client, buyer_member, products)
    client.force_login(account_manager)
    first, second = quote.lines.get(sku="QT-1"), quote.lines.get(sku="QT-2")
    client.post(
        reverse("crm:quote-lines", args=[quote.pk]),
        _lines(quote, {f"price_{first.pk}": "10.00", f"price_{second.pk}": "8.00"}),
    )
    response = client.post(
        reverse("crm:quote-action", args=[quote.pk, "request-approval"]), follow=True
    )
    assert "Approval requested: every sales manager has a task" in response.content.decode()
    quote.refresh_from_db()
    assert quote.state == State.AWAITING_APPROVAL
    return quote


def test_sales_managers_find_pending_approvals_and_decide_with_a_reason(
    client, buyer_member, account_manager, sales_manager, products
):
    quote = _awaiting_approval(client, buyer_member, account_manager, products)
    decide = reverse("crm:quote-approval", args=[quote.pk])

    # The account manager sees the quote waiting, but cannot decide (checked on the server).
    page = client.get(reverse("crm:quote-detail", args=[quote.pk])).content.decode()
    assert "Waiting for a sales manager&#x27;s approval" in page
    assert 'id="quote-withdraw-approval"' in page and "quote-approve-" not in page
    response = client.post(decide, {"decision": "approve"}, follow=True)
    assert "Only a sales manager can approve" in response.content.decode()
    quote.refresh_from_db()
    assert quote.state == State.AWAITING_APPROVAL and quote.approved_by is None

    client.force_login(sales_manager)
    workspace = client.get(reverse("crm:home")).content.decode()
    assert "1 offer waiting for your approval" in workspace
    assert reverse("crm:approval-list") in workspace
    assert f"Approve or refuse the offer {quote.number}" in workspace  # the task
    listing = client.get(reverse("crm:approval-list")).content.decode()
    assert quote.number in listing and "QT-1: 50.0% off list (more than 25%)" in listing

    response = client.post(decide, {"decision": "refuse", "reason": " "}, follow=True)
    assert "Say why you refuse" in response.content.decode()
    quote.refresh_from_db()
    assert quote.state == State.AWAITING_APPROVAL
    response = client.post(decide, {"decision": "refuse", "reason": "Offer 12.00 at most"})
    assert response.status_code == 302 and response["Location"] == reverse("crm:approval-list")
    quote.refresh_from_db()
    assert quote.state == State.IN_REVIEW
    assert not Task.objects.filter(key__startswith="quote-approval:", done_at=None).exists()
    history = client.get(reverse("crm:quote-detail", args=[quote.pk])).content.decode()
    assert "Approval refused: Offer 12.00 at most" in history

    client.force_login(account_manager)
    client.post(reverse("crm:quote-action", args=[quote.pk, "request-approval"]))
    client.force_login(sales_manager)
    client.post(decide, {"decision": "approve"})
    quote.refresh_from_db()
    assert (quote.state, quote.approved_by) == (State.IN_REVIEW, sales_manager)
    client.force_login(account_manager)
    response = client.post(reverse("crm:quote-action", args=[quote.pk, "send"]), follow=True)
    quote.refresh_from_db()
    assert quote.state == State.OFFERED, response.content.decode()[-3000:]


# What a person needs to see while quoting (issue 10) -----------------------------------------


def test_the_request_form_shows_the_buyers_price_today_for_each_quantity(
    client, buyer_member, products
):
    from shop.pricing.models import PriceList, PriceListEntry

    contract = PriceList.objects.create(code="alpha-q", name="Alpha", company=buyer_member.company)
    PriceListEntry.objects.create(
        price_list=contract, product=products[0], value=Decimal("15.00"), min_quantity=100
    )
    client.force_login(buyer_member.user)
    _basket_with(client, [("QT-1", 100), ("QT-2", 400)])
    page = client.get(reverse("quotes:request")).content.decode()
    assert "Your unit price today" in page
    cells = re.findall(r'<td class="text-right price-today">(.*?)</td>', page, re.S)
    assert len(cells) == 2
    assert "15.00" in cells[0] and "at 100 units" in cells[0]  # the contract's tier at 100
    assert "8.00" in cells[1] and "at 400 units" in cells[1]  # list price
    # A single product asked from its page is priced at the quantity asked.
    page = client.get(reverse("quotes:request"), {"product": products[0].pk, "quantity": "5"})
    (cell,) = re.findall(
        r'<td class="text-right price-today">(.*?)</td>', page.content.decode(), re.S
    )
    assert "20.00" in cell and "at 5 units" in cell


def test_the_quote_editor_shows_cost_margin_discount_and_why_approval_is_needed(
    client, buyer_member, account_manager, products
):
    from oscar.core.loading import get_model

    get_model("partner", "StockRecord").objects.filter(partner_sku="QT-1").update(
        cost_price=Decimal("16.00")
    )
    quote = _quote_from_basket(client, buyer_member, products)
    client.force_login(account_manager)
    line = quote.lines.get(sku="QT-1")
    client.post(
        reverse("crm:quote-lines", args=[quote.pk]), _lines(quote, {f"price_{line.pk}": "17.00"})
    )
    page = client.get(reverse("crm:quote-detail", args=[quote.pk])).content.decode()
    row = re.search(r'<tr data-sku="QT-1">(.*?)</tr>', page, re.S).group(1)
    cost = re.search(r'line-cost">(.*?)</td>', row).group(1)
    margin = re.search(r'line-margin[^"]*">(.*?)</td>', row).group(1)
    discount = re.search(r'line-discount[^"]*">(.*?)</td>', row).group(1)
    assert "16.00" in cost and margin == "5.9 %" and discount == "15.0 %"
    other = re.search(r'<tr data-sku="QT-2">(.*?)</tr>', page, re.S).group(1)
    assert re.search(r'line-cost">—</td>', other)  # no cost price known, no offered price yet
    # The notice comes from the rule the send applies, before anyone presses "send".
    assert "This offer needs a sales manager’s approval because:" in page
    assert "QT-1: 5.9% margin (less than 10%)" in page


def test_the_reassign_list_names_people_with_their_email(client, sales_manager, company):
    client.force_login(sales_manager)
    page = client.get(reverse("crm:company-detail", args=[company.pk])).content.decode()
    select = re.search(r'<select name="account_manager".*?</select>', page, re.S).group(0)
    manager = company.account_manager
    assert f"{manager.get_full_name()} ({manager.email})" in select
    assert f">{manager.username}<" not in select


def test_the_staff_quote_list_keeps_numbers_whole_and_names_the_manager(
    client, buyer_member, account_manager, products
):
    account_manager.first_name, account_manager.last_name = "Anna", "Berg"
    account_manager.save()
    _make_quotes(buyer_member.company, buyer_member.user, products[0], 1)
    client.force_login(account_manager)
    html = client.get(reverse("crm:quote-list")).content.decode()
    row = re.search(r'<table[^>]*id="staff-quote-list".*?</table>', html, re.S).group(0)
    assert re.search(r'<td class="[^"]*text-nowrap[^"]*"><a [^>]*>Q-\d{6}</a></td>', row)
    assert '<td class="quote-manager">Anna Berg</td>' in row
    assert account_manager.email not in row
