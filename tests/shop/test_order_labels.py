"""An order's stored status and shipping method read in the buyer's language."""

import pytest
from django.urls import reverse
from django.utils import translation
from oscar.test.factories import create_order

from shop.customer.templatetags.order_labels import ORDER_STATUSES, order_status
from tests.factories import CompanyMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(db):
    member = CompanyMemberFactory(user=UserFactory(email="buyer@werk.example"))
    order = create_order(user=member.user)
    order.company = member.company
    order.status = "Cancelled"
    order.shipping_method, order.shipping_code = "Free shipping", "free-shipping"
    order.save()
    return order


def _page(client, order, language: str) -> str:
    client.force_login(order.user)
    url = reverse("customer:order", kwargs={"order_number": order.number})
    return client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_the_stored_status_and_shipping_method_are_translated_on_the_order_page(client, order):
    html = _page(client, order, "de")
    assert 'id="order-status">Storniert<' in html
    assert 'id="order-shipping-method">Kostenloser Versand<' in html
    english = _page(client, order, "en")
    assert 'id="order-status">Cancelled<' in english
    assert 'id="order-shipping-method">Free shipping<' in english


def test_an_unknown_status_or_method_shows_as_stored(client, order):
    order.status, order.shipping_method, order.shipping_code = (
        "Returned to sender",
        "Courier",
        "courier",
    )
    order.save()
    html = _page(client, order, "de")
    assert (
        'id="order-status">Returned to sender<' in html
        and 'id="order-shipping-method">Courier<' in html
    )


def test_every_status_of_the_pipeline_has_a_translatable_label(settings):
    with translation.override("en"):
        for status in settings.OSCAR_ORDER_STATUS_PIPELINE:
            assert order_status(status) == status  # English: the label is the stored name
    assert set(settings.OSCAR_ORDER_STATUS_PIPELINE) <= set(ORDER_STATUSES)
