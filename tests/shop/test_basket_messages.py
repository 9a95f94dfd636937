"""What the buyer is told when parts go into the basket."""

from decimal import Decimal

from django.contrib.messages import get_messages
from django.urls import reverse

from tests.factories import ProductFactory


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


def _messages(response) -> list[str]:
    return [" ".join(str(m).split()) for m in get_messages(response.wsgi_request)]


def test_adding_beyond_the_stock_is_a_sentence(client, buyer_member):
    product = ProductFactory(upc="MSG-5", title="Brake pad", stock__num_in_stock=5)
    client.force_login(buyer_member.user)
    url = reverse("basket:add", kwargs={"pk": product.pk})
    # Oscar's "a maximum of 5 can be bought", as a sentence that says what to do.
    messages = _messages(client.post(url, {"quantity": 6}))
    assert "Only 5 in stock: order up to 5." in messages
    assert not any("a maximum of" in m for m in messages), messages
