"""Quotes under real concurrency (PostgreSQL, real threads, committed transactions): two
accepts of one offer put its lines in once, and one quote becomes one order even when two
checkouts place it at the same moment."""

import threading
import time
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_class, get_model
from oscar.test.factories import create_order

from crm_embedded.quotes import services
from crm_embedded.quotes.models import Quote, QuoteEvent
from crm_embedded.quotes.services import QuoteError, RequestItem
from crm_embedded.quotes.states import IllegalTransition, State
from shop.basket import services as basket_services
from shop.companies.models import CompanyMember
from shop.partner.strategy import CompanyPricing
from tests.factories import CompanyMemberFactory, ProductFactory, UserFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")
Country = get_model("address", "Country")
Order = get_model("order", "Order")
PaymentDetailsView = get_class("checkout.views", "PaymentDetailsView")


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: row locks and concurrent transactions (SQLite serialises "
            "writers); run with DATABASE_URL=postgres://..."
        )


@pytest.fixture
def offered(buyer_member, account_manager):
    """An offer for Alpha: 5 x QT-1 at 11.00 and 2 x QT-2 at 38.00."""
    products = [
        ProductFactory(upc="QT-1"),
        ProductFactory(upc="QT-2", stock__price=Decimal("40.00")),
    ]
    quote = services.quote_request(
        member=buyer_member,
        items=[RequestItem(products[0].pk, 5), RequestItem(products[1].pk, 2)],
    )
    prices = {"QT-1": "11.00", "QT-2": "38.00"}
    services.quote_lines_update(
        quote=quote,
        by=account_manager,
        changes={line.pk: {"unit_price": prices[line.sku]} for line in quote.lines.all()},
    )
    services.quote_send(quote=quote, by=account_manager)
    return Quote.objects.get(pk=quote.pk)


def _colleague(company):
    return CompanyMemberFactory(
        company=company, role=CompanyMember.Role.BUYER,
        user=UserFactory(email="colleague@alpha.example"),
    )  # fmt: skip


def _race(*jobs) -> list:
    """Run each job in its own thread; a job prepares, waits at the barrier, then acts.

    Returns what each job returned or raised. Each thread closes its own connection.
    """
    barrier = threading.Barrier(len(jobs), timeout=30)
    results: list = [None] * len(jobs)

    def run(index, job):
        try:
            results[index] = job(barrier)
        except Exception as exc:  # the loser's error is the result
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


def _slowly(monkeypatch, owner, name: str, seconds: float = 0.3) -> None:
    """Make ``owner.name`` take a while, so the other thread arrives while it runs."""
    original = getattr(owner, name)

    def slow(*args, **kwargs):
        result = original(*args, **kwargs)
        time.sleep(seconds)
        return result

    monkeypatch.setattr(owner, name, slow)


# Two accepts at once ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["one-buyer-two-tabs", "two-colleagues"])
def test_two_accepts_at_once_put_the_lines_in_once(who, offered, buyer_member, monkeypatch):
    second = buyer_member if who == "one-buyer-two-tabs" else _colleague(buyer_member.company)
    members = [buyer_member, second]
    for member in members:
        Basket.open.get_or_create(owner=member.user)
    # The winner holds the quote's row lock a while; without the lock both would accept.
    _slowly(monkeypatch, basket_services, "basket_add_quoted_lines")
    mail.outbox = []

    def accept(member_pk):
        def job(barrier):
            member = CompanyMember.objects.select_related("company", "user").get(pk=member_pk)
            basket = Basket.open.get(owner=member.user)
            quote = Quote.objects.get(pk=offered.pk)
            barrier.wait()
            return services.quote_accept(quote=quote, member=member, basket=basket)

        return job

    results = _race(*(accept(member.pk) for member in members))
    winners = [r for r in results if isinstance(r, Quote)]
    losers = [r for r in results if not isinstance(r, Quote)]
    assert len(winners) == 1, results
    assert len(losers) == 1 and isinstance(losers[0], QuoteError | IllegalTransition), losers
    assert losers[0].message == "A quote that is 'Accepted' cannot become 'Accepted'."

    quote = Quote.objects.get(pk=offered.pk)
    assert quote.state == State.ACCEPTED
    assert QuoteEvent.objects.filter(quote=quote, to_state=State.ACCEPTED).count() == 1
    lines = Line.objects.filter(quote_reference=quote.number)
    assert sorted(lines.values_list("product__upc", "quantity", "quoted_unit_price")) == [
        ("QT-1", 5, Decimal("11.00")),
        ("QT-2", 2, Decimal("38.00")),
    ]
    assert lines.values("basket").distinct().count() == 1  # one basket holds them, once
    accepted = [e for e in mail.outbox if "accepted quote" in e.subject]
    assert len(accepted) == 1


# Two orders for one quote at once -------------------------------------------------------------


@pytest.fixture
def two_baskets_with_the_quote(offered, buyer_member):
    """The quote accepted into the buyer's basket, and its lines in a colleague's basket too
    (as a replayed or copied basket would hold them)."""
    services.quote_accept(
        quote=offered, member=buyer_member, basket=Basket.open.get_or_create(owner=buyer_member.user)[0]
    )  # fmt: skip
    colleague = _colleague(buyer_member.company)
    version = offered.latest_version
    basket_services.basket_add_quoted_lines(
        basket=Basket.open.get_or_create(owner=colleague.user)[0],
        reference=offered.number,
        lines=[
            basket_services.QuotedLine(row["product_id"], row["quantity"],
                                       Decimal(row["unit_price"]))
            for row in version.lines
        ],
    )  # fmt: skip
    return Quote.objects.get(pk=offered.pk), [buyer_member, colleague]


def test_two_orders_for_one_quote_at_once_the_database_keeps_one(two_baskets_with_the_quote):
    quote, members = two_baskets_with_the_quote

    def place(member):
        def job(barrier):
            basket = Basket.open.get(owner=member.user)
            basket.strategy = CompanyPricing(company=member.company)
            with transaction.atomic():
                barrier.wait()
                order = create_order(basket=basket, user=member.user, quote_reference=quote.number)
                time.sleep(0.3)  # still uncommitted: the other insert has to wait for it
            return order

        return job

    results = _race(*(place(member) for member in members))
    orders = [r for r in results if isinstance(r, Order)]
    errors = [r for r in results if not isinstance(r, Order)]
    assert len(orders) == 1, results
    assert len(errors) == 1 and isinstance(errors[0], IntegrityError), errors
    assert "order_one_order_per_quote" in str(errors[0])
    (order,) = Order.objects.filter(quote_reference=quote.number)
    assert order.pk == orders[0].pk
    assert sorted(order.lines.values_list("partner_sku", "quantity", "unit_price_excl_tax")) == [
        ("QT-1", 5, Decimal("11.00")),
        ("QT-2", 2, Decimal("38.00")),
    ]
    # The order_placed receiver marked the quote (on commit, through the Celery task).
    quote.refresh_from_db()
    assert (quote.state, quote.order_number) == (State.ORDERED, order.number)


def _to_preview(client) -> None:
    client.post(reverse("checkout:shipping-address"), {
        "first_name": "Jonas", "last_name": "Weber", "line1": "Ring 1", "line4": "Koeln",
        "postcode": "50667", "country": "DE", "phone_number": "",
    })  # fmt: skip
    for step in ("checkout:shipping-method", "checkout:payment-method", "checkout:preview"):
        assert client.get(reverse(step), follow=True).status_code == 200


def test_two_checkouts_of_one_quote_at_once_place_one_order(
    two_baskets_with_the_quote, monkeypatch
):
    quote, members = two_baskets_with_the_quote
    Country.objects.get_or_create(
        iso_3166_1_a2="DE", defaults={"name": "Germany", "is_shipping_country": True}
    )
    clients = []
    for member in members:
        client = Client()
        client.force_login(member.user)
        _to_preview(client)
        clients.append(client)
    # The winner's request (one transaction) stays open a while after its order is written.
    _slowly(monkeypatch, PaymentDetailsView, "handle_successful_order")

    def place(client):
        def job(barrier):
            barrier.wait()
            return client.post(reverse("checkout:preview"), {"action": "place_order"})

        return job

    responses = _race(*(place(client) for client in clients))
    assert not [r for r in responses if isinstance(r, Exception)], responses
    placed = [r for r in responses if r.status_code == 302]
    refused = [r for r in responses if r.status_code == 200]
    assert len(placed) == 1 and placed[0]["Location"] == reverse("checkout:thank-you")
    assert len(refused) == 1
    assert (
        f"Quote {quote.number} has already been ordered: it converts into one order only."
        in refused[0].content.decode()
    )
    (order,) = Order.objects.filter(quote_reference=quote.number)
    assert Order.objects.count() == 1
    quote.refresh_from_db()
    assert (quote.state, quote.order_number) == (State.ORDERED, order.number)
