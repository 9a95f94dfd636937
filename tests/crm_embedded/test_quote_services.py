"""Quotes through their services: the state machine, request, draft, approval, versions,
accept into a locked basket, the thread, checkout into one order, expiry, reminders and
overdue alerts, and the emails each step sends."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from crm_embedded.quotes import selectors, services, states, tasks
from crm_embedded.quotes.models import Quote, QuoteEvent, QuoteMessage, QuoteVersion
from crm_embedded.quotes.services import QuoteError, RequestItem
from crm_embedded.quotes.states import IllegalTransition, State
from crm_embedded.tasks.models import Task
from shop.basket import services as basket_services
from shop.companies.models import Company, CompanyAddress, CompanyMember
from shop.partner.strategy import CompanyPricing
from shop.pricing.models import PriceList, PriceListEntry
from shop.pricing.selectors import company_prices
from tests.factories import CompanyFactory, CompanyMemberFactory, ProductFactory, UserFactory
from tests.helpers import basket_formset_data

pytestmark = pytest.mark.django_db

Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")
Country = get_model("address", "Country")
Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")

FRIDAY_EVENING = datetime(2026, 3, 6, 18, 0, tzinfo=UTC)  # 6 March 2026 is a Friday


@pytest.fixture
def catalogue(company):
    """QT-1 lists at 12.50 and costs Alpha 10.00 by contract; QT-2 lists at 40.00, QT-3 at 5.00."""
    products = {
        "QT-1": ProductFactory(upc="QT-1", title="Ball bearing 6204"),
        "QT-2": ProductFactory(upc="QT-2", title="Roller chain 08B", stock__price=Decimal("40.00")),
        "QT-3": ProductFactory(upc="QT-3", title="Hex bolt M8", stock__price=Decimal("5.00")),
    }
    contract = PriceList.objects.create(code="alpha", name="Alpha contract", company=company)
    PriceListEntry.objects.create(
        price_list=contract, product=products["QT-1"], value=Decimal("10.00")
    )
    return products


@pytest.fixture
def ctx(buyer_member, account_manager, sales_manager, catalogue):
    return SimpleNamespace(
        buyer=buyer_member, am=account_manager, sm=sales_manager, catalogue=catalogue
    )


# Helpers ---------------------------------------------------------------------------------

DEFAULT_LINES = {"QT-1": 5, "QT-2": 2}
DEFAULT_PRICES = {"QT-1": "11.00", "QT-2": "38.00"}  # 12% and 5% off list: no approval
DEFAULT_TOTAL = Decimal("131.00")  # 5 x 11.00 + 2 x 38.00


def _request(ctx, lines=None, member=None, **kwargs) -> Quote:
    """A request; ``lines`` maps SKU to a quantity or to (quantity, target price)."""
    items = []
    for sku, value in (lines or DEFAULT_LINES).items():
        quantity, target = value if isinstance(value, tuple) else (value, None)
        items.append(RequestItem(ctx.catalogue[sku].pk, quantity, target))
    return services.quote_request(member=member or ctx.buyer, items=items, **kwargs)


def _lines(quote) -> dict:
    return {line.sku: line for line in quote.lines.all()}


def _price(quote, by, prices: dict[str, str]) -> Quote:
    lines = _lines(quote)
    return services.quote_lines_update(
        quote=quote,
        by=by,
        changes={lines[sku].pk: {"unit_price": price} for sku, price in prices.items()},
    )


def _offered(ctx, prices=None, **kwargs) -> Quote:
    quote = _request(ctx, **kwargs)
    _price(quote, ctx.am, prices or DEFAULT_PRICES)
    services.quote_send(quote=quote, by=ctx.am)
    return _fresh(quote)


def _fresh(quote) -> Quote:
    return Quote.objects.get(pk=quote.pk)


def _basket(member):
    basket, _ = Basket.open.get_or_create(owner=member.user)
    basket.strategy = CompanyPricing(company=member.company)
    return basket


def _accepted(ctx, **kwargs) -> Quote:
    quote = _offered(ctx, **kwargs)
    services.quote_accept(quote=quote, member=ctx.buyer, basket=_basket(ctx.buyer))
    return _fresh(quote)


def _member(company, role=CompanyMember.Role.BUYER, email=None):
    return CompanyMemberFactory(
        company=company, role=role, user=UserFactory(**({"email": email} if email else {}))
    )


def _quote_in(state: str, ctx) -> Quote:
    """A quote brought to ``state`` through the services (its draft priced)."""
    if state == State.AWAITING_APPROVAL:
        return _awaiting_approval(ctx)
    if state in (State.REQUESTED, State.IN_REVIEW, State.REJECTED):
        quote = _request(ctx)
        _price(quote, ctx.am, DEFAULT_PRICES)
        if state == State.IN_REVIEW:
            services.quote_start_review(quote=quote, by=ctx.am)
        if state == State.REJECTED:
            services.quote_reject(quote=quote, by=ctx.am, reason="Not our range")
        return _fresh(quote)
    if state in (State.ACCEPTED, State.ORDERED):
        quote = _accepted(ctx)
        if state == State.ORDERED:
            services.quote_mark_ordered(quote_number=quote.number, order_number="100099")
        return _fresh(quote)
    quote = _offered(ctx)
    if state == State.DECLINED:
        services.quote_decline(quote=quote, member=ctx.buyer, reason="Too expensive")
    elif state == State.EXPIRED:
        services.quotes_expire(today=quote.valid_until + timedelta(days=1))
    elif state == State.CANCELLED:
        services.quote_cancel(quote=quote, member=ctx.buyer, reason="No longer needed")
    return _fresh(quote)


def _awaiting_approval(ctx) -> Quote:
    quote = _request(ctx)
    _price(quote, ctx.am, DEEP_PRICES)
    services.quote_request_approval(quote=quote, by=ctx.am)
    return _fresh(quote)


DEEP_PRICES = {"QT-1": "9.00", "QT-2": "38.00"}  # QT-1: 28 % off 12.50, beyond the threshold


def _deepen_and_ask(q, c):
    _price(q, c.am, DEEP_PRICES)
    return services.quote_request_approval(quote=q, by=c.am)


# The state machine -----------------------------------------------------------------------


@pytest.mark.parametrize(("source", "target"), list(states.TRANSITIONS))
def test_transition_check_allows_exactly_the_listed_transitions(source, target):
    states.transition_check(source, target)  # no error
    assert target in states.allowed_from(source)


def test_every_other_pair_of_states_is_refused_with_a_clear_message():
    refused = [
        (a, b) for a in State for b in State if (a, b) not in states.TRANSITIONS
    ]  # fmt: skip
    assert len(refused) == len(State) ** 2 - len(states.TRANSITIONS)
    for source, target in refused:
        with pytest.raises(IllegalTransition) as caught:
            states.transition_check(source, target)
        assert str(caught.value) == (
            f"A quote that is '{State(source).label}' cannot become '{State(target).label}'."
        )
        assert caught.value.message == str(caught.value)
    # Final states lead nowhere; an expired offer can only be asked to be renewed.
    for final in (State.ORDERED, State.DECLINED, State.REJECTED, State.CANCELLED):
        assert states.allowed_from(final) == set()
    assert states.allowed_from(State.EXPIRED) == {State.IN_REVIEW}


def test_buyer_and_staff_names_cover_every_state():
    assert set(states.BUYER_NAMES) == set(State)
    assert set(states.STAFF_NAMES) == set(State)
    assert all(states.BUYER_NAMES.values()) and all(states.STAFF_NAMES.values())
    assert set(states.OPEN_STATES) | {
        State.ORDERED, State.DECLINED, State.REJECTED, State.EXPIRED, State.CANCELLED,
    } == set(State)  # fmt: skip


def _send(q, c):
    return services.quote_send(quote=q, by=c.am)


def _reject(q, c):
    return services.quote_reject(quote=q, by=c.am, reason="Discontinued")


def _cancel(q, c):
    return services.quote_cancel(quote=q, member=c.buyer, reason="Bought elsewhere",
                                 basket=_basket(c.buyer))  # fmt: skip


ACTIONS = [
    (State.REQUESTED, State.IN_REVIEW, "start-review",
     lambda q, c: services.quote_start_review(quote=q, by=c.am)),
    (State.REQUESTED, State.OFFERED, "send", _send),
    (State.IN_REVIEW, State.OFFERED, "send", _send),
    (State.REQUESTED, State.REJECTED, "reject", _reject),
    (State.IN_REVIEW, State.REJECTED, "reject", _reject),
    (State.REQUESTED, State.CANCELLED, "cancel", _cancel),
    (State.IN_REVIEW, State.CANCELLED, "cancel", _cancel),
    (State.OFFERED, State.CANCELLED, "cancel", _cancel),
    (State.OFFERED, State.ACCEPTED, "accept",
     lambda q, c: services.quote_accept(quote=q, member=c.buyer, basket=_basket(c.buyer))),
    (State.OFFERED, State.DECLINED, "decline",
     lambda q, c: services.quote_decline(quote=q, member=c.buyer, reason="Price")),
    (State.OFFERED, State.IN_REVIEW, "ask-changes",
     lambda q, c: services.quote_ask_changes(quote=q, member=c.buyer, message="10 % less?")),
    (State.OFFERED, State.IN_REVIEW, "revise",
     lambda q, c: services.quote_revise(quote=q, by=c.am)),
    (State.OFFERED, State.EXPIRED, "expire",
     lambda q, c: services.quotes_expire(today=q.valid_until + timedelta(days=1))),
    (State.ACCEPTED, State.ORDERED, "order",
     lambda q, c: services.quote_mark_ordered(quote_number=q.number, order_number="100042")),
    (State.ACCEPTED, State.CANCELLED, "cancel", _cancel),
    (State.EXPIRED, State.IN_REVIEW, "renew",
     lambda q, c: services.quote_ask_changes(quote=q, member=c.buyer, message="Renew it, please")),
    (State.REQUESTED, State.AWAITING_APPROVAL, "request-approval", _deepen_and_ask),
    (State.IN_REVIEW, State.AWAITING_APPROVAL, "request-approval", _deepen_and_ask),
    (State.AWAITING_APPROVAL, State.IN_REVIEW, "approve",
     lambda q, c: services.quote_approve(quote=q, by=c.sm)),
    (State.AWAITING_APPROVAL, State.IN_REVIEW, "refuse-approval",
     lambda q, c: services.quote_refuse_approval(quote=q, by=c.sm, reason="Too deep")),
    (State.AWAITING_APPROVAL, State.IN_REVIEW, "withdraw-approval",
     lambda q, c: services.quote_withdraw_approval_request(quote=q, by=c.am)),
    (State.AWAITING_APPROVAL, State.CANCELLED, "cancel", _cancel),
]  # fmt: skip


def test_the_actions_below_cover_every_allowed_transition():
    assert {(source, target) for source, target, _, _ in ACTIONS} == set(states.TRANSITIONS)


@pytest.mark.parametrize(
    ("source", "target", "action"),
    [pytest.param(s, t, a, id=f"{s}-{name}-{t}") for s, t, name, a in ACTIONS],
)
def test_every_allowed_transition_through_its_service(source, target, action, ctx):
    quote = _quote_in(source, ctx)
    assert quote.state == source
    action(quote, ctx)
    quote = _fresh(quote)
    assert quote.state == target
    last = quote.events.order_by("-id").first()
    assert (last.from_state, last.to_state) == (source, target)


ILLEGAL = [
    (State.REQUESTED, State.ACCEPTED,
     lambda q, c: services.quote_accept(quote=q, member=c.buyer, basket=_basket(c.buyer))),
    (State.DECLINED, State.OFFERED, _send),
    (State.ACCEPTED, State.DECLINED,
     lambda q, c: services.quote_decline(quote=q, member=c.buyer, reason="Changed my mind")),
    (State.OFFERED, State.REJECTED, _reject),
    (State.ORDERED, State.CANCELLED, _cancel),
    (State.EXPIRED, State.ACCEPTED,
     lambda q, c: services.quote_accept(quote=q, member=c.buyer, basket=_basket(c.buyer))),
    (State.REJECTED, State.OFFERED, _send),
    (State.ACCEPTED, State.ACCEPTED,
     lambda q, c: services.quote_accept(quote=q, member=c.buyer, basket=_basket(c.buyer))),
]  # fmt: skip


@pytest.mark.parametrize(
    ("source", "target", "action"),
    [pytest.param(s, t, a, id=f"{s}-to-{t}") for s, t, a in ILLEGAL],
)
def test_illegal_transitions_are_refused_and_change_nothing(source, target, action, ctx):
    quote = _quote_in(source, ctx)
    events = quote.events.count()
    with pytest.raises(IllegalTransition) as caught:
        action(quote, ctx)
    assert caught.value.message == (
        f"A quote that is '{State(source).label}' cannot become '{State(target).label}'."
    )
    assert _fresh(quote).state == source
    assert quote.events.count() == events


@pytest.mark.parametrize(
    ("source", "action"),
    [
        pytest.param(State.REQUESTED, lambda q, c: services.quote_ask_changes(
            quote=q, member=c.buyer, message="cheaper?"), id="ask-changes-on-a-request"),
        pytest.param(State.REQUESTED, lambda q, c: services.quote_revise(quote=q, by=c.am),
                     id="revise-a-request"),
        pytest.param(State.OFFERED, lambda q, c: services.quote_start_review(quote=q, by=c.am),
                     id="start-review-of-an-offer"),
    ],
)  # fmt: skip
def test_actions_sharing_a_target_state_start_only_from_their_own(source, action, ctx):
    # Review, revision and "ask for changes" all lead to IN_REVIEW; each from its own state.
    quote = _quote_in(source, ctx)
    with pytest.raises(QuoteError):
        action(quote, ctx)
    assert _fresh(quote).state == source


# Request ---------------------------------------------------------------------------------


def test_request_from_the_basket_moves_the_chosen_lines_into_the_quote(
    ctx, company, django_capture_on_commit_callbacks
):
    basket = _basket(ctx.buyer)
    for sku, quantity in (("QT-1", 5), ("QT-2", 2), ("QT-3", 7)):
        basket.add_product(ctx.catalogue[sku], quantity)
    chosen = set(
        basket.lines.filter(product__upc__in=["QT-1", "QT-2"]).values_list("pk", flat=True)
    )
    with django_capture_on_commit_callbacks(execute=True):
        quote = _request(
            ctx,
            {"QT-1": (5, Decimal("9.00")), "QT-2": 2},
            note="  For the spring overhaul  ",
            needed_by=timezone.localdate() + timedelta(days=14),
            basket=basket,
            basket_line_ids=chosen,
        )
    # The chosen lines left the basket; the other one stays.
    assert list(basket.lines.values_list("product__upc", "quantity")) == [("QT-3", 7)]
    assert quote.number == f"Q-{quote.pk:06d}"
    assert (quote.state, quote.company, quote.requested_by) == (
        State.REQUESTED, company, ctx.buyer.user,
    )  # fmt: skip
    assert quote.account_manager == ctx.am and quote.currency == "EUR"
    assert quote.note == "For the spring overhaul"
    rows = {
        line.sku: (line.title, line.quantity, line.list_price, line.contract_price,
                   line.target_price, line.offered_price)
        for line in quote.lines.all()
    }  # fmt: skip
    assert rows == {
        # The contract price of Alpha (10.00) is kept next to the list price.
        "QT-1": ("Ball bearing 6204", 5, Decimal("12.50"), Decimal("10.00"), Decimal("9.00"), None),
        "QT-2": ("Roller chain 08B", 2, Decimal("40.00"), Decimal("40.00"), None, None),
    }
    event = quote.events.get()
    assert (event.to_state, event.by) == (State.REQUESTED, ctx.buyer.user)
    # The account manager hears of it.
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [ctx.am.email]
    assert email.subject == f"New request for quote {quote.number} from Alpha Werkstatt GmbH"
    assert "asks for a quote on 2 line(s)" in email.body
    assert "For the spring overhaul" in email.body
    assert f"/crm/quotes/{quote.pk}/" in email.body


def test_request_from_the_basket_leaves_lines_of_an_accepted_quote_alone(ctx):
    accepted = _accepted(ctx)
    basket = _basket(ctx.buyer)
    basket.add_product(ctx.catalogue["QT-3"], 4)
    quote = _request(ctx, {"QT-3": 4}, basket=basket)  # all (unlocked) lines
    assert quote.lines.get().quantity == 4
    assert set(basket.lines.values_list("quote_reference", flat=True)) == {accepted.number}
    assert basket.lines.count() == 2


def test_the_same_product_twice_in_a_request_becomes_one_line(ctx):
    quote = _request(ctx, {"QT-1": 3}, member=ctx.buyer)
    assert quote.lines.get().quantity == 3
    items = [RequestItem(ctx.catalogue["QT-1"].pk, 3), RequestItem(ctx.catalogue["QT-1"].pk, 4)]
    quote = services.quote_request(member=ctx.buyer, items=items)
    assert quote.lines.get().quantity == 7


def test_a_company_on_hold_is_quoted_list_prices_not_its_contract(ctx, company):
    company.status = Company.Status.ON_HOLD
    company.save()
    prices = company_prices(company=company, products_quantities=[(ctx.catalogue["QT-1"], 5)])
    price = prices[ctx.catalogue["QT-1"].pk]
    assert (price.list_price, price.unit_price) == (Decimal("12.50"), Decimal("12.50"))


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("negative-target", "target price cannot be negative"),
        ("quantity-0", "Quantities must be from 1"),
        ("needed-by-past", "is in the past"),
        ("viewer", "Your role can see quotes but not ask for them"),
        ("pending-company", "not active yet"),
        ("other-address", "Choose one of your company's addresses"),
        ("nothing", "Choose at least one product"),
        ("unsold-product", "not sold online"),
    ],
)
def test_bad_requests_are_refused_with_the_reason(
    case, message, ctx, company, viewer_member, django_capture_on_commit_callbacks
):
    member, lines, kwargs = ctx.buyer, dict(DEFAULT_LINES), {}
    if case == "negative-target":
        lines["QT-1"] = (5, Decimal("-1.00"))
    elif case == "quantity-0":
        lines["QT-2"] = 0
    elif case == "needed-by-past":
        kwargs["needed_by"] = timezone.localdate() - timedelta(days=1)
    elif case == "viewer":
        member = viewer_member
    elif case == "pending-company":
        company.status = Company.Status.PENDING
        company.save()
        member = CompanyMember.objects.get(pk=ctx.buyer.pk)
    elif case == "other-address":
        kwargs["delivery_address"] = CompanyAddress.objects.create(
            company=CompanyFactory(), kind="shipping", label="Theirs", line1="Weg 1",
            postcode="10115", city="Berlin", country="DE",
        )  # fmt: skip
    basket = _basket(ctx.buyer)
    basket.add_product(ctx.catalogue["QT-3"], 2)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(QuoteError) as caught:
        if case == "nothing":
            services.quote_request(member=member, items=[], basket=basket)
        elif case == "unsold-product":
            hidden = ProductFactory(upc="NOPRICE", stock__price=None)
            services.quote_request(member=member, items=[RequestItem(hidden.pk, 1)])
        else:
            _request(ctx, lines, member=member, basket=basket, **kwargs)
    assert message in caught.value.message
    assert not Quote.objects.exists()
    assert basket.lines.count() == 1  # nothing left the basket
    assert mail.outbox == []


def test_a_delivery_address_of_the_company_is_kept(ctx, company):
    address = CompanyAddress.objects.create(
        company=company, kind="shipping", label="Warehouse", line1="Ring 2",
        postcode="50667", city="Koeln", country="DE",
    )  # fmt: skip
    assert _request(ctx, delivery_address=address).delivery_address == address


# Staff edits the draft ---------------------------------------------------------------------


def test_offered_price_and_percent_off(ctx):
    quote = _request(ctx)
    lines = _lines(quote)
    services.quote_lines_update(quote=quote, by=ctx.am, changes={
        lines["QT-1"].pk: {"percent_off": "10"},
        lines["QT-2"].pk: {"unit_price": "36.5", "quantity": "4"},
    })  # fmt: skip
    lines = _lines(quote)
    assert lines["QT-1"].offered_price == Decimal("11.25")  # 10 % off 12.50
    assert (lines["QT-2"].offered_price, lines["QT-2"].quantity) == (Decimal("36.50"), 4)
    assert lines["QT-2"].line_total == Decimal("146.00")
    event = quote.events.order_by("-id").first()
    assert "QT-1: price — → 11.25" in event.text and event.by == ctx.am
    # An empty field leaves the price as it is.
    services.quote_lines_update(quote=quote, by=ctx.am, changes={
        lines["QT-1"].pk: {"unit_price": "", "percent_off": ""}})  # fmt: skip
    assert _lines(quote)["QT-1"].offered_price == Decimal("11.25")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"unit_price": "10", "percent_off": "5"}, "not both"),
        ({"unit_price": "-0.01"}, "cannot be negative"),
        ({"percent_off": "101"}, "from 0 to 100"),
        ({"percent_off": "-5"}, "from 0 to 100"),
        ({"quantity": "-1"}, "Quantities must be from 1"),
        ({"quantity": str(services.MAX_QUANTITY + 1)}, "Quantities must be from 1"),
    ],
)
def test_bad_draft_edits_are_refused(change, message, ctx):
    quote = _request(ctx)
    _price(quote, ctx.am, {"QT-1": "11.00"})
    line = _lines(quote)["QT-1"]
    with pytest.raises(QuoteError) as caught:
        services.quote_lines_update(quote=quote, by=ctx.am, changes={line.pk: change})
    assert message in caught.value.message
    line.refresh_from_db()
    assert (line.quantity, line.offered_price) == (5, Decimal("11.00"))


def test_quantity_zero_removes_a_line_but_never_the_last(ctx):
    quote = _request(ctx)
    lines = _lines(quote)
    with pytest.raises(QuoteError, match="at least one line"):
        services.quote_lines_update(quote=quote, by=ctx.am, changes={
            line.pk: {"quantity": 0} for line in lines.values()})  # fmt: skip
    assert quote.lines.count() == 2
    services.quote_lines_update(quote=quote, by=ctx.am, changes={lines["QT-2"].pk: {"quantity": 0}})
    assert list(quote.lines.values_list("sku", flat=True)) == ["QT-1"]
    assert "QT-2 removed" in quote.events.order_by("-id").first().text
    with pytest.raises(QuoteError, match="not on this quote any more"):
        services.quote_lines_update(quote=quote, by=ctx.am, changes={lines["QT-2"].pk: {}})


def test_a_line_from_another_quote_cannot_be_edited(ctx):
    first, second = _request(ctx), _request(ctx, {"QT-3": 1})
    with pytest.raises(QuoteError, match="not on this quote"):
        services.quote_lines_update(
            quote=first, by=ctx.am, changes={second.lines.get().pk: {"unit_price": "1"}}
        )
    assert second.lines.get().offered_price is None


def test_staff_add_a_line_by_sku_at_the_company_prices(ctx):
    quote = _request(ctx, {"QT-2": 1})
    line = services.quote_line_add(quote=quote, by=ctx.am, sku=" qt-1 ", quantity=20)
    assert (line.sku, line.quantity, line.list_price, line.contract_price) == (
        "QT-1", 20, Decimal("12.50"), Decimal("10.00"),
    )  # fmt: skip
    assert line.offered_price is None
    assert "Line added: 20 x QT-1" in quote.events.order_by("-id").first().text
    with pytest.raises(QuoteError, match="on the quote already"):
        services.quote_line_add(quote=quote, by=ctx.am, sku="QT-1", quantity=1)
    with pytest.raises(QuoteError, match="No product with the SKU 'NOPE-9'"):
        services.quote_line_add(quote=quote, by=ctx.am, sku="NOPE-9", quantity=1)
    ProductFactory(upc="HIDDEN-1", is_public=False)
    with pytest.raises(QuoteError, match="No product with the SKU"):
        services.quote_line_add(quote=quote, by=ctx.am, sku="HIDDEN-1", quantity=1)
    with pytest.raises(QuoteError, match="Quantities must be from 1"):
        services.quote_line_add(quote=quote, by=ctx.am, sku="QT-3", quantity=0)
    assert quote.lines.count() == 2


def test_validity_and_terms(ctx):
    quote = _request(ctx)
    later = timezone.localdate() + timedelta(days=10)
    services.quote_terms_update(quote=quote, by=ctx.am, valid_until=later, terms=" Net 30 ")
    assert (_fresh(quote).valid_until, _fresh(quote).terms) == (later, "Net 30")
    with pytest.raises(QuoteError, match="is in the past"):
        services.quote_terms_update(
            quote=quote, by=ctx.am, valid_until=timezone.localdate() - timedelta(days=1), terms=""
        )
    assert _fresh(quote).valid_until == later


def test_a_sent_offer_cannot_be_edited_until_a_new_version_is_started(ctx):
    quote = _offered(ctx)
    line = _lines(quote)["QT-1"]
    edits = [
        lambda: services.quote_lines_update(quote=quote, by=ctx.am,
                                            changes={line.pk: {"unit_price": "1"}}),
        lambda: services.quote_line_add(quote=quote, by=ctx.am, sku="QT-3", quantity=1),
        lambda: services.quote_terms_update(quote=quote, by=ctx.am, valid_until=None, terms="x"),
        lambda: services.quote_approve(quote=quote, by=ctx.sm),
    ]  # fmt: skip
    for edit in edits:
        with pytest.raises(QuoteError, match="Offer sent, waiting for the buyer"):
            edit()
    assert _lines(quote)["QT-1"].offered_price == Decimal("11.00")
    services.quote_revise(quote=quote, by=ctx.am)
    edits[0]()
    assert _lines(quote)["QT-1"].offered_price == Decimal("1.00")


# Send and versions ---------------------------------------------------------------------------


def test_an_offer_needs_a_price_on_every_line(ctx):
    quote = _request(ctx)
    _price(quote, ctx.am, {"QT-1": "11.00"})
    with pytest.raises(QuoteError, match="Give every line an offered price first: QT-2"):
        services.quote_send(quote=quote, by=ctx.am)
    assert _fresh(quote).state == State.REQUESTED and not quote.versions.exists()


def test_an_offer_with_a_past_validity_is_not_sent(ctx):
    quote = _request(ctx)
    _price(quote, ctx.am, DEFAULT_PRICES)
    Quote.objects.filter(pk=quote.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    with pytest.raises(QuoteError, match="validity date is in the past"):
        services.quote_send(quote=quote, by=ctx.am)


def test_send_freezes_version_1(ctx, settings, django_capture_on_commit_callbacks):
    quote = _request(ctx)
    _price(quote, ctx.am, DEFAULT_PRICES)
    with django_capture_on_commit_callbacks(execute=True):
        version = services.quote_send(quote=quote, by=ctx.am)
    quote = _fresh(quote)
    today = timezone.localdate()
    assert quote.state == State.OFFERED and quote.offered_at == version.sent_at
    assert quote.valid_until == today + timedelta(days=settings.QUOTE_DEFAULT_VALIDITY_DAYS)
    assert (version.number, version.sent_by, version.total, version.currency) == (
        1, ctx.am, DEFAULT_TOTAL, "EUR",
    )  # fmt: skip
    assert version.valid_until == quote.valid_until and quote.latest_version == version
    assert [(row["sku"], row["quantity"], row["list_price"], row["unit_price"], row["line_total"])
            for row in version.lines] == [
        ("QT-1", 5, "12.50", "11.00", "55.00"),
        ("QT-2", 2, "40.00", "38.00", "76.00"),
    ]  # fmt: skip
    assert selectors.version_changes(older=None, newer=version) == ["First offer."]
    # The frozen row cannot be saved again.
    version.total = Decimal("1.00")
    with pytest.raises(ValidationError, match="frozen"):
        version.save()
    assert QuoteVersion.objects.get(pk=version.pk).total == DEFAULT_TOTAL
    # The buyer gets the offer.
    (email,) = mail.outbox
    assert email.to == [ctx.buyer.user.email]
    assert email.subject == f"Your quote {quote.number} from PartsHub B2B: offer 1"
    assert "131.00 EUR" in email.body
    assert f"valid until {quote.valid_until:%d.%m.%Y}" in email.body
    assert f"/shop/quotes/{quote.number}/" in email.body


def test_ask_for_changes_then_version_2_says_what_changed(ctx, django_capture_on_commit_callbacks):
    quote = _offered(ctx)
    v1 = quote.latest_version
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_ask_changes(quote=quote, member=ctx.buyer, message="  10 of QT-1 at 10?  ")
    quote = _fresh(quote)
    assert quote.state == State.IN_REVIEW
    message = quote.messages.get()
    assert (message.body, message.author, message.from_staff) == (
        "10 of QT-1 at 10?", ctx.buyer.user, False,
    )  # fmt: skip
    (email,) = mail.outbox
    assert email.to == [ctx.am.email]
    assert email.subject == f"Alpha Werkstatt GmbH asks for changes to quote {quote.number}"
    assert "10 of QT-1 at 10?" in email.body
    with pytest.raises(QuoteError, match="Say what should change"):
        services.quote_ask_changes(quote=quote, member=ctx.buyer, message=" ")

    line = _lines(quote)["QT-1"]
    services.quote_lines_update(quote=quote, by=ctx.am,
                                changes={line.pk: {"quantity": 10, "unit_price": "10.00"}})  # fmt: skip
    v2 = services.quote_send(quote=quote, by=ctx.am)
    assert v2.number == 2 and v2.total == Decimal("176.00")  # 10 x 10.00 + 2 x 38.00
    assert _fresh(quote).latest_version == v2
    assert selectors.version_changes(older=v1, newer=v2) == [
        "QT-1 quantity 5 → 10",
        "QT-1 unit price 11.00 → 10.00",
        "total 131.00 → 176.00 EUR",
    ]
    v1.refresh_from_db()
    assert v1.total == DEFAULT_TOTAL and v1.lines[0]["unit_price"] == "11.00"
    assert v1.lines[0]["quantity"] == 5


def test_version_changes_names_added_and_removed_lines_validity_and_terms(ctx):
    quote = _offered(ctx)
    v1 = quote.latest_version
    services.quote_revise(quote=quote, by=ctx.am)
    services.quote_lines_update(quote=quote, by=ctx.am,
                                changes={_lines(quote)["QT-2"].pk: {"quantity": 0}})  # fmt: skip
    added = services.quote_line_add(quote=quote, by=ctx.am, sku="QT-3", quantity=3)
    services.quote_lines_update(quote=quote, by=ctx.am, changes={added.pk: {"unit_price": "4.50"}})
    later = v1.valid_until + timedelta(days=7)
    services.quote_terms_update(quote=quote, by=ctx.am, valid_until=later, terms="Ex works")
    v2 = services.quote_send(quote=quote, by=ctx.am)
    assert selectors.version_changes(older=v1, newer=v2) == [
        "QT-3 added: 3 at 4.50",
        "QT-2 removed",
        f"valid until {v1.valid_until:%d.%m.%Y} → {later:%d.%m.%Y}",
        "terms changed",
        "total 131.00 → 68.50 EUR",
    ]
    assert selectors.version_changes(older=v2, newer=v2) == ["No change."]


def test_a_revision_tells_the_buyer(ctx, django_capture_on_commit_callbacks):
    quote = _offered(ctx)
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_revise(quote=quote, by=ctx.am)
    (email,) = mail.outbox
    assert email.to == [ctx.buyer.user.email]
    assert email.subject == f"Your quote {quote.number} is being revised"


# Approval of discounts and margins ---------------------------------------------------------


def test_a_discount_beyond_the_threshold_needs_a_sales_manager(
    ctx, settings, django_capture_on_commit_callbacks
):
    assert settings.QUOTE_MAX_DISCOUNT_PERCENT == 25
    quote = _request(ctx)
    _price(quote, ctx.am, {"QT-1": "9.00", "QT-2": "38.00"})  # QT-1: 28 % off 12.50
    (needing,) = selectors.lines_needing_approval(quote=quote)
    assert needing[0].sku == "QT-1" and needing[1] == "28.0% off list (more than 25%)"
    with pytest.raises(QuoteError) as caught:
        services.quote_send(quote=quote, by=ctx.am)
    assert "A sales manager must approve" in caught.value.message
    assert "QT-1: 28.0% off list" in caught.value.message
    assert _fresh(quote).state == State.REQUESTED

    with django_capture_on_commit_callbacks(execute=True):
        services.quote_request_approval(quote=quote, by=ctx.am)
    assert _fresh(quote).approval_requested_at is not None
    assert _fresh(quote).state == State.AWAITING_APPROVAL
    (email,) = mail.outbox
    assert email.to == [ctx.sm.email]
    assert email.subject == f"Approve discounts on quote {quote.number} for Alpha Werkstatt GmbH"

    with pytest.raises(QuoteError, match="Only a sales manager"):
        services.quote_approve(quote=quote, by=ctx.am)
    services.quote_approve(quote=quote, by=ctx.sm)
    assert _fresh(quote).approved_by == ctx.sm
    version = services.quote_send(quote=quote, by=ctx.am)
    assert version.lines[0]["unit_price"] == "9.00"


def test_a_change_after_approval_needs_approval_again(ctx):
    quote = _request(ctx)
    _price(quote, ctx.am, {"QT-1": "9.00", "QT-2": "38.00"})
    services.quote_approve(quote=quote, by=ctx.sm)
    _price(quote, ctx.am, {"QT-1": "8.50"})
    with pytest.raises(QuoteError, match="A sales manager must approve"):
        services.quote_send(quote=quote, by=ctx.am)
    # A quantity change counts as a change too.
    services.quote_approve(quote=quote, by=ctx.sm)
    line = _lines(quote)["QT-1"]
    services.quote_lines_update(quote=quote, by=ctx.am, changes={line.pk: {"quantity": 50}})
    with pytest.raises(QuoteError, match="A sales manager must approve"):
        services.quote_send(quote=quote, by=ctx.am)
    services.quote_approve(quote=quote, by=ctx.sm)
    assert services.quote_send(quote=quote, by=ctx.am).number == 1


def test_an_approval_is_for_one_version_of_the_draft(ctx):
    # Approved, sent, then the buyer asks for changes: the same lines need nothing new, a
    # deeper discount does.
    quote = _request(ctx)
    _price(quote, ctx.am, {"QT-1": "9.00", "QT-2": "38.00"})
    services.quote_approve(quote=quote, by=ctx.sm)
    services.quote_send(quote=quote, by=ctx.am)
    services.quote_ask_changes(quote=quote, member=ctx.buyer, message="More time please")
    services.quote_terms_update(quote=quote, by=ctx.am, valid_until=None, terms="60 days")
    assert services.quote_send(quote=quote, by=ctx.am).number == 2
    services.quote_ask_changes(quote=quote, member=ctx.buyer, message="And cheaper")
    _price(quote, ctx.am, {"QT-1": "8.00"})
    with pytest.raises(QuoteError, match="A sales manager must approve"):
        services.quote_send(quote=quote, by=ctx.am)


def test_a_sales_manager_may_send_a_deep_discount_directly(ctx):
    quote = _request(ctx)
    _price(quote, ctx.am, {"QT-1": "5.00", "QT-2": "38.00"})
    assert services.quote_send(quote=quote, by=ctx.sm).sent_by == ctx.sm


def test_approval_is_asked_only_when_a_line_needs_it(ctx):
    quote = _request(ctx)
    _price(quote, ctx.am, DEFAULT_PRICES)
    assert selectors.lines_needing_approval(quote=quote) == []
    with pytest.raises(QuoteError, match="send the offer directly"):
        services.quote_request_approval(quote=quote, by=ctx.am)


def test_the_margin_rule_uses_the_stock_record_cost_price(ctx, settings):
    assert settings.QUOTE_MIN_MARGIN_PERCENT == 10
    StockRecord.objects.filter(partner_sku="QT-1").update(cost_price=Decimal("11.00"))
    quote = _request(ctx)
    _price(quote, ctx.am, {"QT-1": "12.00", "QT-2": "38.00"})  # 4 % and 5 % off list: fine
    (needing,) = selectors.lines_needing_approval(quote=quote)  # but 12.00 over 11.00 is 8.3 %
    assert needing[0].sku == "QT-1" and needing[1] == "8.3% margin (less than 10%)"
    with pytest.raises(QuoteError, match="QT-1: 8.3% margin"):
        services.quote_send(quote=quote, by=ctx.am)
    services.quote_approve(quote=quote, by=ctx.sm)
    assert services.quote_send(quote=quote, by=ctx.am).number == 1
    services.quote_revise(quote=quote, by=ctx.am)
    _price(quote, ctx.am, {"QT-1": "12.50"})  # 12 % margin: no approval needed
    assert selectors.lines_needing_approval(quote=quote) == []


def test_a_line_without_a_cost_price_is_judged_by_its_discount_only(ctx):
    assert not StockRecord.objects.exclude(cost_price=None).exists()
    quote = _request(ctx)
    _price(quote, ctx.am, {"QT-1": "9.40", "QT-2": "30.00"})  # 24.8 % and 25 % off
    assert selectors.lines_needing_approval(quote=quote) == []
    assert services.quote_send(quote=quote, by=ctx.am).number == 1


# Accept into the basket --------------------------------------------------------------------


def test_accept_puts_the_lines_in_the_basket_at_the_quoted_prices(
    ctx, django_capture_on_commit_callbacks
):
    quote = _offered(ctx, prices={"QT-1": "9.80", "QT-2": "38.00"}, lines={"QT-1": 5, "QT-2": 2})
    services.quote_revise(quote=quote, by=ctx.am)  # 9.80 is 21.6 % off: no approval needed
    services.quote_send(quote=quote, by=ctx.am)
    basket = _basket(ctx.buyer)
    basket.add_product(ctx.catalogue["QT-3"], 3)
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_accept(quote=_fresh(quote), member=ctx.buyer, basket=basket)
    assert _fresh(quote).state == State.ACCEPTED
    rows = {
        line.product.upc: (line.quantity, line.quoted_unit_price, line.quote_reference)
        for line in Line.objects.filter(basket=basket)
    }
    assert rows == {
        "QT-1": (5, Decimal("9.80"), quote.number),
        "QT-2": (2, Decimal("38.00"), quote.number),
        "QT-3": (3, None, ""),
    }
    # Through the strategy the quoted price beats the contract (10.00) and list (12.50).
    basket = Basket.objects.get(pk=basket.pk)
    basket.strategy = CompanyPricing(company=ctx.buyer.company)
    prices = {line.product.upc: line.unit_price_excl_tax for line in basket.all_lines()}
    assert prices == {"QT-1": Decimal("9.80"), "QT-2": Decimal("38.00"), "QT-3": Decimal("5.00")}
    assert basket.total_excl_tax == Decimal("140.00")  # 49.00 + 76.00 + 15.00
    (email,) = mail.outbox
    assert email.to == [ctx.am.email]
    assert email.subject == f"Alpha Werkstatt GmbH accepted quote {quote.number}"
    assert "(125.00 EUR)" in email.body


def test_an_expired_offer_cannot_be_accepted(ctx):
    quote = _offered(ctx)
    Quote.objects.filter(pk=quote.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    with pytest.raises(QuoteError, match="This offer expired on"):
        services.quote_accept(quote=quote, member=ctx.buyer, basket=_basket(ctx.buyer))
    assert _fresh(quote).state == State.OFFERED
    assert not Line.objects.exists()


def test_an_offer_valid_until_today_can_still_be_accepted(ctx):
    quote = _offered(ctx)
    Quote.objects.filter(pk=quote.pk).update(valid_until=timezone.localdate())
    services.quote_accept(quote=quote, member=ctx.buyer, basket=_basket(ctx.buyer))
    assert _fresh(quote).state == State.ACCEPTED


def test_a_basket_holds_one_quote_at_a_time(ctx):
    first = _accepted(ctx)
    second = _offered(ctx, lines={"QT-3": 10}, prices={"QT-3": "4.50"})
    events = second.events.count()
    with pytest.raises(QuoteError) as caught:
        services.quote_accept(quote=second, member=ctx.buyer, basket=_basket(ctx.buyer))
    assert caught.value.message == (
        f"Your basket already holds quote {first.number}: check it out (or cancel it) before "
        f"accepting {second.number}."
    )
    assert _fresh(second).state == State.OFFERED and second.events.count() == events
    assert set(Line.objects.values_list("quote_reference", flat=True)) == {first.number}


def test_only_a_buyer_of_the_company_can_act_on_its_quote(ctx, viewer_member):
    quote = _offered(ctx)
    stranger = _member(CompanyFactory(account_manager=ctx.am), email="buyer@beta.example")
    actions = [
        lambda m: services.quote_accept(quote=quote, member=m, basket=_basket(ctx.buyer)),
        lambda m: services.quote_decline(quote=quote, member=m, reason="no"),
        lambda m: services.quote_ask_changes(quote=quote, member=m, message="cheaper"),
        lambda m: services.quote_cancel(quote=quote, member=m, reason="no"),
    ]
    for act in actions:
        with pytest.raises(QuoteError, match="not act on them"):
            act(viewer_member)
        with pytest.raises(QuoteError, match="not your company's"):
            act(stranger)
        with pytest.raises(QuoteError, match="not your company's"):
            act(None)
    assert _fresh(quote).state == State.OFFERED and not Line.objects.exists()
    # A colleague with the buyer role may accept.
    colleague = _member(ctx.buyer.company, email="colleague@alpha.example")
    services.quote_accept(quote=quote, member=colleague, basket=_basket(colleague))
    assert Line.objects.filter(basket__owner=colleague.user).count() == 2


def _basket_rows(basket) -> dict:
    return {
        line.product.upc: (line.quantity, line.quoted_unit_price)
        for line in Line.objects.filter(basket=basket)
    }


def test_the_basket_table_locks_quoted_lines_and_edits_the_others(client, ctx):
    quote = _accepted(ctx)
    basket = _basket(ctx.buyer)
    basket.add_product(ctx.catalogue["QT-3"], 3)
    ProductFactory(upc="QT-4")
    basket.add_product(StockRecord.objects.get(partner_sku="QT-4").product, 1)
    client.force_login(ctx.buyer.user)
    before = _basket_rows(basket)
    url = reverse("basket:summary")

    response = client.post(url, basket_formset_data(basket, {"QT-1": 50}), follow=True)
    assert f"The quantity is locked by quote {quote.number}" in response.content.decode()
    assert _basket_rows(basket) == before
    response = client.post(url, basket_formset_data(basket, {"QT-1": 0}), follow=True)
    assert f"The quantity is locked by quote {quote.number}" in response.content.decode()
    assert _basket_rows(basket) == before
    response = client.post(url, basket_formset_data(basket, {}, remove={"QT-2"}), follow=True)
    assert f"This line belongs to quote {quote.number}" in response.content.decode()
    assert _basket_rows(basket) == before
    response = client.post(
        url, basket_formset_data(basket, {}, extra={"QT-1": {"save_for_later": "on"}}), follow=True
    )
    assert f"This line belongs to quote {quote.number}" in response.content.decode()
    assert _basket_rows(basket) == before
    assert not Line.objects.filter(basket__status=Basket.SAVED).exists()

    # The other lines still work, with the quoted ones posted unchanged.
    client.post(url, basket_formset_data(basket, {"QT-3": 6}, remove={"QT-4"}))
    assert _basket_rows(basket) == {
        "QT-1": (5, Decimal("11.00")), "QT-2": (2, Decimal("38.00")), "QT-3": (6, None),
    }  # fmt: skip


def test_prices_posted_with_the_basket_table_are_ignored(client, ctx):
    quote = _accepted(ctx)
    basket = _basket(ctx.buyer)
    client.force_login(ctx.buyer.user)
    tampered = {
        "price_excl_tax": "0.01", "price_incl_tax": "0.01", "quoted_unit_price": "0.01",
        "quote_reference": "", "unit_price": "0.01",
    }  # fmt: skip
    client.post(reverse("basket:summary"),
                basket_formset_data(basket, {}, extra={"QT-1": tampered, "QT-2": tampered}))  # fmt: skip
    line = Line.objects.get(basket=basket, product__upc="QT-1")
    assert (line.quoted_unit_price, line.quote_reference, line.price_excl_tax) == (
        Decimal("11.00"), quote.number, Decimal("11.00"),
    )  # fmt: skip
    basket = Basket.objects.get(pk=basket.pk)
    basket.strategy = CompanyPricing(company=ctx.buyer.company)
    assert basket.total_excl_tax == DEFAULT_TOTAL


# Decline, cancel, reject -------------------------------------------------------------------


def test_decline_needs_a_reason(ctx, django_capture_on_commit_callbacks):
    quote = _offered(ctx)
    with pytest.raises(QuoteError, match="why you decline"):
        services.quote_decline(quote=quote, member=ctx.buyer, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_decline(quote=quote, member=ctx.buyer, reason=" Too expensive ")
    quote = _fresh(quote)
    assert (quote.state, quote.reason) == (State.DECLINED, "Too expensive")
    (email,) = mail.outbox
    assert email.to == [ctx.am.email]
    assert email.subject == f"Alpha Werkstatt GmbH declined quote {quote.number}"
    assert "Reason: Too expensive" in email.body


def test_reject_needs_a_reason(ctx, django_capture_on_commit_callbacks):
    quote = _request(ctx)
    with pytest.raises(QuoteError, match="Say why the request is rejected"):
        services.quote_reject(quote=quote, by=ctx.am, reason="")
    assert _fresh(quote).state == State.REQUESTED
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_reject(quote=quote, by=ctx.am, reason="We no longer stock QT-2")
    quote = _fresh(quote)
    assert (quote.state, quote.reason) == (State.REJECTED, "We no longer stock QT-2")
    (email,) = mail.outbox
    assert email.to == [ctx.buyer.user.email]
    assert email.subject == f"Your request for quote {quote.number} was not offered"
    assert "Reason: We no longer stock QT-2" in email.body


def test_cancelling_an_accepted_quote_takes_its_lines_out_of_the_basket(
    ctx, django_capture_on_commit_callbacks
):
    quote = _accepted(ctx)
    basket = _basket(ctx.buyer)
    basket.add_product(ctx.catalogue["QT-3"], 1)
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_cancel(quote=quote, member=ctx.buyer, reason="Project stopped",
                              basket=basket)  # fmt: skip
    quote = _fresh(quote)
    assert (quote.state, quote.reason) == (State.CANCELLED, "Project stopped")
    assert _basket_rows(basket) == {"QT-3": (1, None)}
    (email,) = mail.outbox
    assert email.to == [ctx.am.email]
    assert email.subject == f"Alpha Werkstatt GmbH cancelled quote {quote.number}"


def test_a_colleague_cancelling_an_accepted_quote_empties_the_basket_that_holds_it(ctx):
    # The lines sit in the basket of whoever accepted; a colleague may cancel the quote.
    quote = _accepted(ctx)
    colleague = _member(ctx.buyer.company, email="colleague@alpha.example")
    services.quote_cancel(quote=quote, member=colleague, reason="Duplicate",
                          basket=_basket(colleague))  # fmt: skip
    assert _fresh(quote).state == State.CANCELLED
    assert not Line.objects.filter(quote_reference=quote.number).exists()


def test_cancelling_a_request_touches_no_basket(ctx):
    quote = _request(ctx)
    basket = _basket(ctx.buyer)
    basket.add_product(ctx.catalogue["QT-3"], 1)
    services.quote_cancel(quote=quote, member=ctx.buyer, basket=basket)
    quote = _fresh(quote)
    assert (quote.state, quote.reason) == (State.CANCELLED, "")
    assert quote.events.order_by("-id").first().text == "Cancelled"
    assert basket.lines.count() == 1


# The thread --------------------------------------------------------------------------------


def test_the_thread_rules(ctx):
    quote = _request(ctx)
    other = _request(ctx, {"QT-3": 1})
    with pytest.raises(QuoteError, match="Only staff can write internal notes"):
        services.quote_message_post(quote=quote, author=ctx.buyer.user, body="psst",
                                    from_staff=False, internal=True)  # fmt: skip
    with pytest.raises(QuoteError, match="not on this quote"):
        services.quote_message_post(quote=quote, author=ctx.am, body="about this",
                                    from_staff=True, line_id=other.lines.get().pk)  # fmt: skip
    with pytest.raises(QuoteError, match="Write a message first"):
        services.quote_message_post(quote=quote, author=ctx.am, body=" \n ", from_staff=True)
    assert not QuoteMessage.objects.exists()
    line = _lines(quote)["QT-1"]
    message = services.quote_message_post(quote=quote, author=ctx.am, body=" Which seal? ",
                                          from_staff=True, line_id=line.pk)  # fmt: skip
    assert (message.body, message.line, message.line_label) == (
        "Which seal?", line, "QT-1 Ball bearing 6204",
    )  # fmt: skip


def test_who_hears_of_a_message(ctx, django_capture_on_commit_callbacks):
    quote = _request(ctx)
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_message_post(quote=quote, author=ctx.buyer.user, body="Any news?",
                                    from_staff=False)  # fmt: skip
    (to_staff,) = mail.outbox
    assert to_staff.to == [ctx.am.email]
    assert to_staff.subject == f"Message on quote {quote.number} from Alpha Werkstatt GmbH"
    assert "Any news?" in to_staff.body and "Test User" in to_staff.body

    mail.outbox.clear()
    line = _lines(quote)["QT-2"]
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_message_post(quote=quote, author=ctx.am, body="Tomorrow.",
                                    from_staff=True, line_id=line.pk)  # fmt: skip
    (to_buyer,) = mail.outbox
    assert to_buyer.to == [ctx.buyer.user.email]
    assert to_buyer.subject == f"Message on your quote {quote.number}"
    assert "(about QT-2 Roller chain 08B)" in to_buyer.body and "Tomorrow." in to_buyer.body
    assert f"/shop/quotes/{quote.number}/" in to_buyer.body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_message_post(quote=quote, author=ctx.am, body="Margin is thin here",
                                    from_staff=True, internal=True)  # fmt: skip
    assert mail.outbox == []
    assert quote.messages.filter(is_internal=True).count() == 1


# Checkout --------------------------------------------------------------------------------


def _checkout(client) -> None:
    Country.objects.get_or_create(
        iso_3166_1_a2="DE", defaults={"name": "Germany", "is_shipping_country": True}
    )
    client.post(reverse("checkout:shipping-address"), {
        "first_name": "Jonas", "last_name": "Weber", "line1": "Ring 1", "line4": "Koeln",
        "postcode": "50667", "country": "DE", "phone_number": "",
    })  # fmt: skip
    for step in ("checkout:shipping-method", "checkout:payment-method", "checkout:preview"):
        assert client.get(reverse(step), follow=True).status_code == 200
    return client.post(reverse("checkout:preview"), {"action": "place_order"})


def test_checkout_of_an_accepted_quote_orders_it(client, ctx, django_capture_on_commit_callbacks):
    quote = _accepted(ctx)
    _basket(ctx.buyer).add_product(ctx.catalogue["QT-3"], 2)
    client.force_login(ctx.buyer.user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _checkout(client)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("checkout:thank-you")
    order = Order.objects.get()
    assert (order.quote_reference, order.company) == (quote.number, ctx.buyer.company)
    assert {
        line.partner_sku: (line.quantity, line.unit_price_excl_tax) for line in order.lines.all()
    } == {
        "QT-1": (5, Decimal("11.00")), "QT-2": (2, Decimal("38.00")),
        "QT-3": (2, Decimal("5.00")),  # not quoted: the list price
    }  # fmt: skip
    assert order.basket_total_excl_tax == Decimal("141.00")
    quote = _fresh(quote)
    assert (quote.state, quote.order_number) == (State.ORDERED, order.number)
    assert quote.events.order_by("-id").first().text == f"Order {order.number}"
    ordered = [email for email in mail.outbox if email.subject.startswith("Quote ")]
    assert [(email.to, email.subject) for email in ordered] == [
        ([ctx.am.email], f"Quote {quote.number} became order {order.number}")
    ]
    assert "Alpha Werkstatt GmbH ordered the accepted quote" in ordered[0].body
    # A duplicate delivery of the event changes nothing.
    services.quote_mark_ordered(quote_number=quote.number, order_number="other")
    assert _fresh(quote).order_number == order.number


def test_a_quote_converts_into_one_order_only(client, ctx, django_capture_on_commit_callbacks):
    quote = _accepted(ctx)
    client.force_login(ctx.buyer.user)
    with django_capture_on_commit_callbacks(execute=True):
        assert _checkout(client).status_code == 302
    # The same quoted lines again (as a second browser tab, or a replay, would hold them).
    version = quote.latest_version
    basket_services.basket_add_quoted_lines(
        basket=_basket(ctx.buyer),
        reference=quote.number,
        lines=[
            basket_services.QuotedLine(row["product_id"], row["quantity"],
                                       Decimal(row["unit_price"]))
            for row in version.lines
        ],
    )  # fmt: skip
    response = _checkout(client)
    assert response.status_code == 200
    assert f"Quote {quote.number} has already been ordered" in response.content.decode()
    assert Order.objects.count() == 1


def test_the_database_refuses_a_second_order_for_a_quote(ctx):
    from oscar.test.factories import create_order

    first = create_order(user=ctx.buyer.user)
    Order.objects.filter(pk=first.pk).update(quote_reference="Q-000777")
    second = create_order(user=ctx.buyer.user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.filter(pk=second.pk).update(quote_reference="Q-000777")
    Order.objects.filter(pk=second.pk).update(quote_reference="")  # many orders without a quote
    assert Order.objects.filter(quote_reference="").count() == 1


# Automation --------------------------------------------------------------------------------


def test_offers_past_their_validity_expire_and_the_buyer_hears_of_it(
    ctx, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False):
        quote = _request(ctx)
        _price(quote, ctx.am, DEFAULT_PRICES)
        services.quote_terms_update(quote=quote, by=ctx.am, valid_until=date(2026, 3, 10),
                                    terms="")  # fmt: skip
        services.quote_send(quote=quote, by=ctx.am)
        accepted = _accepted(ctx)  # an accepted offer never expires
        Quote.objects.filter(pk=accepted.pk).update(valid_until=date(2026, 3, 10))
    with time_machine.travel(datetime(2026, 3, 10, 23, 0, tzinfo=UTC), tick=False):
        assert services.quotes_expire() == 0  # valid through its last day
    with (
        time_machine.travel(datetime(2026, 3, 11, 6, 0, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.quotes_expire() == 1
        assert services.quotes_expire() == 0
    assert _fresh(quote).state == State.EXPIRED
    assert _fresh(accepted).state == State.ACCEPTED
    assert quote.events.order_by("-id").first().text == "Not accepted by 10.03.2026"
    (email,) = mail.outbox
    assert email.to == [ctx.buyer.user.email]
    assert email.subject == f"Your quote {quote.number} expired"
    assert "valid until 10.03.2026" in email.body


def test_buyers_are_reminded_once_before_an_offer_expires(
    ctx, settings, django_capture_on_commit_callbacks
):
    assert settings.QUOTE_REMIND_DAYS_BEFORE_EXPIRY == 3
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False):
        quote = _request(ctx)
        _price(quote, ctx.am, DEFAULT_PRICES)
        services.quote_terms_update(quote=quote, by=ctx.am, valid_until=date(2026, 3, 10),
                                    terms="")  # fmt: skip
        services.quote_send(quote=quote, by=ctx.am)
    with (
        time_machine.travel(datetime(2026, 3, 6, 9, 0, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.quotes_remind_expiring() == 0  # 4 days before
    with (
        time_machine.travel(datetime(2026, 3, 7, 9, 0, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.quotes_remind_expiring() == 1
        assert services.quotes_remind_expiring() == 0
    with (
        time_machine.travel(datetime(2026, 3, 9, 9, 0, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.quotes_remind_expiring() == 0
    (email,) = mail.outbox
    assert email.to == [ctx.buyer.user.email]
    assert email.subject == f"Your quote {quote.number} expires on 10.03.2026"
    assert "(131.00 EUR)" in email.body and "valid until 10.03.2026" in email.body
    # A new version is a new offer: its buyer is reminded again.
    with time_machine.travel(datetime(2026, 3, 9, 10, 0, tzinfo=UTC), tick=False):
        services.quote_revise(quote=quote, by=ctx.am)
        services.quote_send(quote=quote, by=ctx.am)
        with django_capture_on_commit_callbacks(execute=True):
            assert services.quotes_remind_expiring() == 1


@pytest.mark.parametrize(
    ("when", "overdue"),
    [
        (datetime(2026, 3, 7, 12, 0, tzinfo=UTC), False),  # Saturday
        (datetime(2026, 3, 8, 23, 0, tzinfo=UTC), False),  # Sunday night
        (datetime(2026, 3, 9, 17, 0, tzinfo=UTC), False),  # Monday, before a full day
        (datetime(2026, 3, 9, 19, 0, tzinfo=UTC), True),  # Monday evening
        (datetime(2026, 3, 10, 9, 0, tzinfo=UTC), True),  # Tuesday
    ],
)
def test_a_friday_evening_request_is_overdue_after_one_business_day(
    when, overdue, ctx, settings, django_capture_on_commit_callbacks
):
    assert settings.QUOTE_RESPONSE_TARGET_BUSINESS_DAYS == 1
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        quote = _request(ctx)
    mail.outbox.clear()
    with time_machine.travel(when, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert services.quotes_alert_overdue() == int(overdue)
        assert services.quotes_alert_overdue() == 0  # twice: nothing more
    assert Task.objects.count() == int(overdue)
    assert len(mail.outbox) == int(overdue)
    if overdue:
        task = Task.objects.get()
        assert task.key == f"quote-overdue:{quote.pk}"
        assert (task.owner, task.company, task.due_at) == (ctx.am, ctx.buyer.company, when)
        assert quote.number in task.title and "Alpha Werkstatt GmbH" in task.title
        assert "06.03.2026 18:00" in task.title
        email = mail.outbox[0]
        assert email.to == [ctx.am.email]
        assert email.subject == f"Request for quote {quote.number} is waiting for an answer"
        assert "Alpha Werkstatt GmbH asked on 06.03.2026 18:00" in email.body
        assert _fresh(quote).overdue_alerted_at == when


def test_overdue_alerts_once_and_only_for_unanswered_requests(
    ctx, django_capture_on_commit_callbacks
):
    with time_machine.travel(FRIDAY_EVENING, tick=False):
        waiting = _request(ctx)
        answered = _request(ctx)
        services.quote_start_review(quote=answered, by=ctx.am)
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=UTC), tick=False):
        assert services.quotes_alert_overdue() == 1
    with time_machine.travel(datetime(2026, 3, 12, 9, 0, tzinfo=UTC), tick=False):
        assert services.quotes_alert_overdue() == 0
    assert list(Task.objects.values_list("key", flat=True)) == [f"quote-overdue:{waiting.pk}"]


def test_housekeeping_returns_the_counts(ctx, django_capture_on_commit_callbacks):
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False):
        expiring, reminded = _request(ctx), _request(ctx)
        for quote, until in ((expiring, date(2026, 3, 5)), (reminded, date(2026, 3, 9))):
            _price(quote, ctx.am, DEFAULT_PRICES)
            services.quote_terms_update(quote=quote, by=ctx.am, valid_until=until, terms="")
            services.quote_send(quote=quote, by=ctx.am)
        waiting = _request(ctx)
    with (
        time_machine.travel(datetime(2026, 3, 6, 9, 0, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.housekeeping() == {"expired": 1, "reminded": 1, "overdue": 1}
        assert tasks.housekeeping() == {"expired": 0, "reminded": 0, "overdue": 0}
    assert _fresh(expiring).state == State.EXPIRED
    assert _fresh(reminded).reminded_at is not None
    assert _fresh(waiting).overdue_alerted_at is not None
    assert sorted(email.subject.split(" ")[-1] for email in mail.outbox) == sorted(
        ["expired", "answer", "09.03.2026"]
    )


# Emails --------------------------------------------------------------------------------------


def test_without_an_account_manager_the_sales_managers_hear_of_requests(
    ctx, company, superuser, django_capture_on_commit_callbacks
):
    company.account_manager = None
    company.save()
    with django_capture_on_commit_callbacks(execute=True):
        quote = _request(ctx)
    (email,) = mail.outbox
    assert email.to == sorted([ctx.sm.email, superuser.email])
    assert quote.number in email.subject and "Alpha Werkstatt GmbH" in email.subject


def test_quote_emails_are_built_from_the_quote(ctx, django_capture_on_commit_callbacks):
    from crm_embedded.quotes import notifications

    quote = _offered(ctx)
    kinds = {
        "requested": [ctx.am.email], "changes_requested": [ctx.am.email],
        "accepted": [ctx.am.email], "declined": [ctx.am.email], "cancelled": [ctx.am.email],
        "ordered": [ctx.am.email], "message_to_staff": [ctx.am.email],
        "overdue": [ctx.am.email], "approval_requested": [ctx.sm.email],
        "approval_granted": [ctx.am.email], "approval_refused": [ctx.am.email],
        "offered": [ctx.buyer.user.email], "rejected": [ctx.buyer.user.email],
        "expired": [ctx.buyer.user.email], "expiry_reminder": [ctx.buyer.user.email],
        "message_to_buyer": [ctx.buyer.user.email], "revising": [ctx.buyer.user.email],
    }  # fmt: skip
    assert set(kinds) == notifications.BUYER_KINDS | notifications.STAFF_KINDS
    for kind, recipients in kinds.items():
        to, subject, body = notifications.build(quote, kind)
        assert to == recipients, kind
        assert quote.number in subject, kind
        if kind in notifications.STAFF_KINDS:
            assert "Alpha Werkstatt GmbH" in subject + body, kind
            assert f"/crm/quotes/{quote.pk}/" in body, kind
        else:
            assert f"/shop/quotes/{quote.number}/" in body, kind
    _, subject, body = notifications.build(quote, "offered")
    assert "131.00 EUR" in body and f"{quote.valid_until:%d.%m.%Y}" in body
    # Sending logs it once per quote change and says to how many; the task delivers it.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.quote_notify(quote_id=quote.pk, kind="offered") == 1
        assert notifications.quote_notify(quote_id=quote.pk, kind="offered") == 0
        assert notifications.quote_notify(quote_id=0, kind="offered") == 0
    (email,) = mail.outbox
    assert email.subject == subject and email.body == body


def test_quote_emails_link_to_the_site_base_url_and_reach_the_buyer_in_their_language(
    ctx, settings, django_capture_on_commit_callbacks
):
    from shop.notifications.models import NotificationLog
    from shop.notifications.services import notification_preferences_save

    settings.SITE_BASE_URL = "https://portal.example"
    notification_preferences_save(user=ctx.buyer.user, topics={}, language="de")
    with django_capture_on_commit_callbacks(execute=True):
        quote = _request(ctx)
    (to_staff,) = mail.outbox
    assert f"https://portal.example/crm/quotes/{quote.pk}/" in to_staff.body
    mail.outbox.clear()
    _price(quote, ctx.am, DEFAULT_PRICES)
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_send(quote=_fresh(quote), by=ctx.am)
    (offer,) = mail.outbox
    url = f"https://portal.example/shop/quotes/{quote.number}/"
    assert url in offer.body and f'href="{url}"' in offer.alternatives[0][0]
    entry = NotificationLog.objects.get(kind="quote_offered")
    assert entry.language == "de" and entry.recipients == [ctx.buyer.user.email]


def test_no_email_for_a_requester_without_an_address(ctx, django_capture_on_commit_callbacks):
    quote = _request(ctx)
    type(ctx.buyer.user).objects.filter(pk=ctx.buyer.user.pk).update(email="")
    _price(quote, ctx.am, DEFAULT_PRICES)
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_send(quote=quote, by=ctx.am)
    assert mail.outbox == []
    assert QuoteEvent.objects.filter(quote=quote, to_state=State.OFFERED).exists()


def test_an_order_for_a_quote_that_is_no_longer_accepted_is_recorded_not_retried(ctx, mailoutbox,
                                                                                 django_capture_on_commit_callbacks):  # fmt: skip
    # E.g. cancelled while its basket was being paid for: the order stands, staff are told.
    quote = _quote_in(State.CANCELLED, ctx)
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_mark_ordered(quote_number=quote.number, order_number="100077")
    quote = _fresh(quote)
    assert quote.state == State.CANCELLED and quote.order_number == "100077"
    assert (
        "Order 100077 was placed while the quote was" in quote.events.order_by("-id").first().text
    )
    assert any("100077" in m.subject for m in mailoutbox)


# Approval requests reach the sales managers (issue 10) ----------------------------------------


def _approval_tasks(quote):
    return Task.objects.filter(key__startswith=f"quote-approval:{quote.pk}:").order_by("owner_id")


def test_an_approval_request_gives_every_sales_manager_a_task_and_an_email(
    ctx, django_capture_on_commit_callbacks
):
    second = UserFactory(email="sm2@partshub.example")
    second.groups.add(ctx.sm.groups.get())
    quote = _request(ctx)
    _price(quote, ctx.am, DEEP_PRICES)
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_request_approval(quote=quote, by=ctx.am)
    quote = _fresh(quote)
    assert quote.state == State.AWAITING_APPROVAL
    assert quote.staff_state == "Waiting for a sales manager's approval"
    assert quote.buyer_state == "Your account manager is preparing an offer"  # internal
    tasks_ = _approval_tasks(quote)
    assert [t.owner for t in tasks_] == [ctx.sm, second]
    assert all(t.done_at is None and t.url == f"/crm/quotes/{quote.pk}/" for t in tasks_)
    assert f"offer {quote.number} for Alpha Werkstatt GmbH" in tasks_[0].title
    (email,) = mail.outbox
    assert email.to == sorted([ctx.sm.email, second.email])
    assert "QT-1: 28.0% off list (more than 25%)" in email.body
    assert "/crm/approvals/" in email.body
    event = quote.events.order_by("-id").first()
    assert (event.from_state, event.to_state, event.by) == (
        "requested",
        "awaiting_approval",
        ctx.am,
    )
    # While it waits, the draft is frozen and cannot be sent or asked for twice.
    line = _lines(quote)["QT-1"]
    with pytest.raises(QuoteError, match="start a new version"):
        services.quote_lines_update(quote=quote, by=ctx.am, changes={line.pk: {"quantity": 9}})
    with pytest.raises(QuoteError, match="waiting for a sales manager's approval"):
        services.quote_send(quote=quote, by=ctx.am)
    with pytest.raises(QuoteError, match="requested already"):
        services.quote_request_approval(quote=quote, by=ctx.am)
    assert _approval_tasks(quote).count() == 2  # idempotent by key


def test_approval_closes_the_tasks_tells_the_account_manager_and_lets_the_offer_go(
    ctx, django_capture_on_commit_callbacks
):
    quote = _awaiting_approval(ctx)
    with pytest.raises(QuoteError, match="Only a sales manager"):
        services.quote_approve(quote=quote, by=ctx.am)
    with pytest.raises(QuoteError, match="Only a sales manager"):
        services.quote_refuse_approval(quote=quote, by=ctx.am, reason="I refuse my own")
    assert _fresh(quote).state == State.AWAITING_APPROVAL
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_approve(quote=quote, by=ctx.sm, note="Strategic account")
    quote = _fresh(quote)
    assert (quote.state, quote.approved_by) == (State.IN_REVIEW, ctx.sm)
    assert selectors.quote_is_approved(quote=quote)
    assert all(t.done_at is not None for t in _approval_tasks(quote))
    event = quote.events.order_by("-id").first()
    assert (event.by, event.text) == (ctx.sm, "Discounts approved: Strategic account")
    (email,) = mail.outbox
    assert email.to == [ctx.am.email]
    assert email.subject == f"Discounts on quote {quote.number} for Alpha Werkstatt GmbH approved"
    assert services.quote_send(quote=quote, by=ctx.am).lines[0]["unit_price"] == "9.00"


def test_a_refusal_needs_a_reason_which_the_account_manager_reads(
    ctx, django_capture_on_commit_callbacks
):
    quote = _awaiting_approval(ctx)
    with pytest.raises(QuoteError, match="Say why"):
        services.quote_refuse_approval(quote=quote, by=ctx.sm, reason="  ")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.quote_refuse_approval(quote=quote, by=ctx.sm, reason="Margin too thin, try 10.50")
    quote = _fresh(quote)
    assert quote.state == State.IN_REVIEW and not selectors.quote_is_approved(quote=quote)
    assert quote.reason == ""  # the buyer never reads an internal refusal
    assert all(t.done_at is not None for t in _approval_tasks(quote))
    event = quote.events.order_by("-id").first()
    assert event.text == "Approval refused: Margin too thin, try 10.50"
    (email,) = mail.outbox
    assert email.to == [ctx.am.email]
    assert "Margin too thin, try 10.50" in email.body
    with pytest.raises(QuoteError, match="A sales manager must approve"):
        services.quote_send(quote=quote, by=ctx.am)
    # Only a pending request can be refused or withdrawn.
    with pytest.raises(QuoteError, match="waiting for approval"):
        services.quote_refuse_approval(quote=quote, by=ctx.sm, reason="Again")
    with pytest.raises(QuoteError, match="No approval request is pending"):
        services.quote_withdraw_approval_request(quote=quote, by=ctx.am)


def test_a_sales_manager_cannot_approve_their_own_request(ctx):
    other = UserFactory(email="sm2@partshub.example")
    other.groups.add(ctx.sm.groups.get())
    quote = _request(ctx)
    _price(quote, ctx.sm, DEEP_PRICES)
    services.quote_request_approval(quote=quote, by=ctx.sm)
    assert [t.owner for t in _approval_tasks(quote)] == [other]  # not to the one who asked
    with pytest.raises(QuoteError, match="another sales manager"):
        services.quote_approve(quote=quote, by=ctx.sm)
    services.quote_approve(quote=quote, by=other)
    assert _fresh(quote).approved_by == other


def test_withdrawing_or_cancelling_closes_the_approval_tasks(ctx):
    quote = _awaiting_approval(ctx)
    services.quote_withdraw_approval_request(quote=quote, by=ctx.am)
    assert _fresh(quote).state == State.IN_REVIEW
    assert all(t.done_at is not None for t in _approval_tasks(quote))
    services.quote_request_approval(quote=quote, by=ctx.am)  # asked again: the task reopens
    assert [t.done_at for t in _approval_tasks(quote)] == [None]
    services.quote_cancel(quote=quote, member=ctx.buyer, reason="Bought elsewhere")
    assert _fresh(quote).state == State.CANCELLED
    assert all(t.done_at is not None for t in _approval_tasks(quote))
