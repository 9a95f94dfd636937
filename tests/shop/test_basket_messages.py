"""What the buyer is told when parts go into the basket."""

from decimal import Decimal

from django.contrib.messages import get_messages
from django.urls import reverse

from tests.factories import ProductFactory
from tests.helpers import basket_formset_data


def test_adding_parts_says_how_many_not_copies(client, buyer_member):
    product = ProductFactory(
        upc="MSG-1",
        title="Hex bolt M8 & nut",
        stock__price=Decimal("0.40"),
        stock__num_in_stock=500,
    )
    client.force_login(buyer_member.user)
    response = client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 50})
    assert response.status_code == 302
    messages = [" ".join(str(m).split()) for m in get_messages(response.wsgi_request)]
    assert "Added 50 × <strong>Hex bolt M8 &amp; nut</strong> to your basket." in messages
    assert not any("copies" in message for message in messages)


def test_the_addition_message_is_translated(client, buyer_member):
    product = ProductFactory(
        upc="MSG-2", title="Washer", stock__price=Decimal("0.10"), stock__num_in_stock=500
    )
    client.force_login(buyer_member.user)
    response = client.post(
        reverse("basket:add", kwargs={"pk": product.pk}),
        {"quantity": 20},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    messages = [" ".join(str(m).split()) for m in get_messages(response.wsgi_request)]
    assert "20 × <strong>Washer</strong> in den Warenkorb gelegt." in messages


def test_a_minimum_above_the_stock_is_explained_not_a_bare_maximum(client, buyer_member):
    product = ProductFactory(
        upc="MSG-3", title="Oil filter", min_order_quantity=5, stock__num_in_stock=4
    )
    client.force_login(buyer_member.user)
    for quantity in (5, 4):
        response = client.post(
            reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity}
        )
        messages = [" ".join(str(m).split()) for m in get_messages(response.wsgi_request)]
        expected = (
            "At least 5 must be ordered, but only 4 are in stock: ask for a quote with a lead time."
        )
        assert any(expected in message for message in messages), messages
        assert not any("a maximum of" in message for message in messages)
    assert not buyer_member.user.baskets.filter(lines__isnull=False).exists()


def test_enough_stock_for_the_minimum_still_adds(client, buyer_member):
    product = ProductFactory(
        upc="MSG-4", title="Air filter", min_order_quantity=5, stock__num_in_stock=5
    )
    client.force_login(buyer_member.user)
    response = client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 5})
    messages = [" ".join(str(m).split()) for m in get_messages(response.wsgi_request)]
    assert "Added 5 × <strong>Air filter</strong> to your basket." in messages


def _messages(response) -> list[str]:
    return [" ".join(str(m).split()) for m in get_messages(response.wsgi_request)]


def test_adding_beyond_the_stock_is_a_sentence_that_counts_the_basket(client, buyer_member):
    product = ProductFactory(upc="MSG-5", title="Brake pad", stock__num_in_stock=5)
    client.force_login(buyer_member.user)
    url = reverse("basket:add", kwargs={"pk": product.pk})
    # Nothing in the basket: Oscar's "a maximum of 5 can be bought", as a sentence.
    assert "Only 5 in stock: order up to 5." in _messages(client.post(url, {"quantity": 6}))
    # The refused form is not kept for the next page: pages draw their add forms into cached
    # copies (product page, grids, recently viewed), where it would stay and be shared.
    assert f"add_to_basket_form_post_data_{product.pk}" not in client.session
    client.get(product.get_absolute_url())  # shows the message once
    page = client.get(product.get_absolute_url()).content.decode()
    assert "Only 5 in stock" not in page and 'value="6"' not in page
    client.post(url, {"quantity": 3})
    messages = _messages(client.post(url, {"quantity": 3}))
    assert "Only 5 in stock, and your basket holds 3 already: you can add up to 2 more." in messages
    assert not any("multiple lines" in m or "a maximum of" in m for m in messages), messages
    basket = buyer_member.user.baskets.get(status="Open")
    assert basket.lines.get().quantity == 3  # nothing added
    client.post(url, {"quantity": 2})
    assert (
        "Only 5 in stock, and your basket holds 5 already: no more can be added from stock."
        in _messages(client.post(url, {"quantity": 1}))
    )


def test_a_too_high_line_quantity_is_explained_as_one_line(client, buyer_member):
    product = ProductFactory(upc="MSG-6", title="Brake disc", stock__num_in_stock=5)
    client.force_login(buyer_member.user)
    client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 3})
    basket = buyer_member.user.baskets.get(status="Open")
    for quantity in (6, 9):  # within the stock as a change (+3), and beyond it (+6)
        html = client.post(
            reverse("basket:summary"), basket_formset_data(basket, {"MSG-6": quantity})
        ).content.decode()
        assert "Only 5 in stock: order up to 5." in html
        assert "multiple lines" not in html
    assert basket.lines.get().quantity == 3


def test_oscars_message_stays_when_several_lines_share_the_stock(client, buyer_member):
    product = ProductFactory(upc="MSG-7", title="Wiper", stock__num_in_stock=5)
    client.force_login(buyer_member.user)
    client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 2})
    basket = buyer_member.user.baskets.get(status="Open")
    first = basket.lines.get()
    first.pk, first.line_reference = None, f"{first.line_reference}_other"
    first.save()  # a second line of the same stock record (as options would make)
    html = client.post(
        reverse("basket:summary"), basket_formset_data(basket, {"MSG-7": 4})
    ).content.decode()
    assert "Available stock is only 5, which has been exceeded because multiple lines" in html


def test_a_zero_quantity_is_told_the_products_minimum(client, buyer_member):
    product = ProductFactory(upc="MSG-9", title="Brake hose", min_order_quantity=4)
    client.force_login(buyer_member.user)
    url = reverse("basket:add", kwargs={"pk": product.pk})
    messages = _messages(client.post(url, {"quantity": 0}))
    assert "Type a quantity of at least 4." in messages, messages
    assert not any("greater than or equal" in m for m in messages), messages
