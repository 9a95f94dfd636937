"""Purchase approvals: orders over a buyer's limits wait for an approver of the company."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_class, get_model

from shop.approvals import selectors, services
from shop.approvals.models import ApprovalPolicy, ApprovalRequest, ApprovalRule
from shop.approvals.states import IllegalTransition, State, transition_check
from shop.approvals.tasks import expire
from shop.companies.models import CompanyMember
from tests.factories import CompanyFactory, CompanyMemberFactory, ProductFactory, UserFactory

Basket = get_model("basket", "Basket")
Country = get_model("address", "Country")
Order = get_model("order", "Order")
OrderNote = get_model("order", "OrderNote")
ShippingAddress = get_model("order", "ShippingAddress")
Free = get_class("shipping.methods", "Free")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Selector = get_class("partner.strategy", "Selector")

pytestmark = pytest.mark.django_db
PRICE = Decimal("100.00")
_commit = None


@pytest.fixture
def company():
    Country.objects.get_or_create(
        iso_3166_1_a2="DE",
        defaults={"name": "Germany", "printable_name": "Germany", "is_shipping_country": True},
    )
    return CompanyFactory(credit_limit=Decimal("1000000.00"))


@pytest.fixture
def buyer_member(company):
    return CompanyMemberFactory(
        company=company,
        role=CompanyMember.Role.BUYER,
        order_limit=Decimal("500.00"),
        period=CompanyMember.Period.MONTH,
        period_limit=Decimal("2000.00"),
        user=UserFactory(email="buyer@client.example"),
    )


@pytest.fixture
def approver(company):
    return CompanyMemberFactory(
        company=company,
        role=CompanyMember.Role.APPROVER,
        user=UserFactory(email="approver@client.example"),
    )


@pytest.fixture
def admin(company):
    return CompanyMemberFactory(
        company=company,
        role=CompanyMember.Role.ADMIN,
        user=UserFactory(email="admin@client.example"),
    )


@pytest.fixture
def product():
    return ProductFactory(stock__price=PRICE)


@pytest.fixture(autouse=True)
def _on_commit(django_capture_on_commit_callbacks):
    """Run the emails queued on commit (the test's transaction never commits)."""
    global _commit
    _commit = django_capture_on_commit_callbacks


def _request(member, product, quantity: int, **kwargs) -> ApprovalRequest:
    """Freeze a basket of ``quantity`` units into a request, as the checkout does."""
    basket = Basket.objects.create(owner=member.user)
    basket.strategy = Selector().strategy(user=member.user)
    basket.add_product(product, quantity)
    total = OrderTotalCalculator().calculate(basket, Free().calculate(basket))
    address = ShippingAddress(
        first_name="Jo", last_name="Buyer", line1="Client GmbH", line4="Bonn",
        postcode="53121", country_id="DE",
    )  # fmt: skip
    with _commit(execute=True):
        return services.approval_request_create(
            basket=basket, member=member, order_total=total, shipping_address=address,
            shipping_method=Free(), note=kwargs.get("note", "For the Bonn job"),
            purchase_order_number="PO-77", reasons=["over"],
        )  # fmt: skip


def test_under_the_limits_no_approval_is_needed(buyer_member):
    assert services.approval_required(member=buyer_member, total=Decimal("500.00")) == []
    assert services.approval_required(member=None, total=Decimal("99999")) == []


def test_over_the_order_limit_approval_is_needed(buyer_member):
    reasons = services.approval_required(member=buyer_member, total=Decimal("500.01"))
    assert len(reasons) == 1 and "limit per order of €500.00" in reasons[0]


def test_over_the_period_limit_counts_orders_and_pending_requests(buyer_member, product):
    _request(buyer_member, product, 4)  # 400 waiting for approval this month
    assert selectors.member_period_spend(member=buyer_member) == Decimal("400.00")
    assert services.approval_required(member=buyer_member, total=Decimal("400.00")) == []
    buyer_member.period_limit = Decimal("700.00")
    reasons = services.approval_required(member=buyer_member, total=Decimal("400.00"))
    assert len(reasons) == 1 and "800.00" in reasons[0] and "700.00" in reasons[0]


def test_last_months_requests_do_not_count(buyer_member, product):
    old = _request(buyer_member, product, 4)
    ApprovalRequest.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    assert selectors.member_period_spend(member=buyer_member) == Decimal("0.00")


def test_a_request_freezes_the_basket_and_emails_the_approvers(buyer_member, approver, product):
    approval = _request(buyer_member, product, 6)
    approval.refresh_from_db()
    assert approval.status == State.PENDING and approval.basket.status == Basket.FROZEN
    assert approval.total == Decimal("600.00") and approval.currency == "EUR"
    assert approval.expires_at - approval.created_at == timedelta(days=7)
    assert approval.shipping_address["postcode"] == "53121"
    assert selectors.pending_total_for_company(buyer_member.company) == Decimal("600.00")
    assert [m.to for m in mail.outbox] == [["approver@client.example"]]
    assert "For the Bonn job" in mail.outbox[0].body


def test_approval_emails_link_to_the_site_base_url_in_text_and_html(
    settings, buyer_member, approver, product
):
    from shop.notifications.models import NotificationLog

    settings.SITE_BASE_URL = "https://portal.example"
    approval = _request(buyer_member, product, 6)
    (email,) = mail.outbox
    url = f"https://portal.example/shop/approvals/{approval.pk}/"
    assert url in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html" and f'href="{url}"' in html
    entry = NotificationLog.objects.get(kind="approval_requested")
    assert entry.recipients == ["approver@client.example"] and entry.status == "sent"


def test_when_the_requester_is_the_only_approver_the_admin_is_asked(company, admin, product):
    only = CompanyMemberFactory(
        company=company, role=CompanyMember.Role.APPROVER, order_limit=Decimal("1.00"),
        user=UserFactory(email="solo@client.example"),
    )  # fmt: skip
    _request(only, product, 2)
    assert [m.to for m in mail.outbox] == [["admin@client.example"]]


def test_the_company_policy_sets_the_expiry(buyer_member, product):
    ApprovalPolicy.objects.create(company=buyer_member.company, expiry_days=2)
    approval = _request(buyer_member, product, 6)
    assert approval.expires_at - approval.created_at == timedelta(days=2)


def test_an_illegal_move_is_refused_clearly():
    transition_check(current=State.PENDING, target=State.APPROVED)
    with pytest.raises(IllegalTransition, match="already approved"):
        transition_check(current=State.APPROVED, target=State.REJECTED)


def test_checkout_over_the_order_limit_sends_for_approval_instead_of_ordering(
    client, buyer_member, approver, product
):
    client.force_login(buyer_member.user)
    client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 6})
    response = client.post(
        reverse("checkout:shipping-address"),
        {"first_name": "Jo", "last_name": "Buyer", "line1": "Client GmbH", "line4": "Bonn",
         "postcode": "53121", "country": "DE"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    client.get(reverse("checkout:shipping-method"), follow=True)
    html = client.post(reverse("checkout:preview"), {"purchase_order_number": "PO-9"}).content
    assert b'id="approval-needed"' in html and "limit per order of €500.00" in html.decode()

    response = client.post(
        reverse("checkout:preview"),
        {"action": "place_order", "purchase_order_number": "PO-9", "approval_note": "Urgent"},
    )
    approval = ApprovalRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("approvals:sent", kwargs={"pk": approval.pk})
    assert not Order.objects.exists()
    assert (approval.note, approval.purchase_order_number, approval.total) == (
        "Urgent", "PO-9", Decimal("600.00"),
    )  # fmt: skip
    assert approval.basket.status == Basket.FROZEN
    html = client.get(response["Location"]).content.decode()
    assert "Sent for approval" in html and product.upc in html
    # The buyer has a new, empty basket.
    assert client.get(reverse("basket:summary")).context["basket"].num_lines == 0


def test_checkout_under_the_limit_places_the_order(client, buyer_member, product):
    client.force_login(buyer_member.user)
    client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 2})
    client.post(
        reverse("checkout:shipping-address"),
        {"first_name": "Jo", "last_name": "Buyer", "line1": "Client GmbH", "line4": "Bonn",
         "postcode": "53121", "country": "DE"},
    )  # fmt: skip
    client.get(reverse("checkout:shipping-method"), follow=True)
    response = client.post(reverse("checkout:preview"), {"action": "place_order"})
    assert response["Location"] == reverse("checkout:thank-you")
    assert Order.objects.count() == 1 and not ApprovalRequest.objects.exists()


def test_the_approver_sees_the_inbox_and_approve_places_exactly_one_order(
    client, buyer_member, approver, product
):
    approval = _request(buyer_member, product, 6)
    client.force_login(approver.user)
    html = client.get(reverse("approvals:list")).content.decode()
    assert f"#{approval.pk}" in html and "600.00" in html
    html = client.get(reverse("approvals:detail", kwargs={"pk": approval.pk})).content.decode()
    assert product.upc in html and "For the Bonn job" in html and 'id="approve-form"' in html

    url = reverse("approvals:approve", kwargs={"pk": approval.pk})
    with _commit(execute=True):
        assert client.post(url).status_code == 302
    client.post(url)  # a double click
    order = Order.objects.get()
    approval.refresh_from_db()
    assert approval.status == State.APPROVED and approval.order == order
    assert approval.decided_by == approver.user and approval.decided_at is not None
    assert (order.user, order.company, order.purchase_order_number) == (
        buyer_member.user, buyer_member.company, "PO-77",
    )  # fmt: skip
    assert order.total_incl_tax == Decimal("600.00") and order.lines.get().quantity == 6
    assert order.shipping_address.postcode == "53121"
    assert "approver@client.example" in OrderNote.objects.get(order=order).message
    assert approval.basket.status == Basket.SUBMITTED
    assert selectors.pending_total_for_company(buyer_member.company) == Decimal("0.00")
    # The buyer sees the order, and is told.
    client.force_login(buyer_member.user)
    assert (
        client.get(reverse("customer:order", kwargs={"order_number": order.number})).status_code
        == 200
    )
    assert mail.outbox[-1].to == ["buyer@client.example"] and order.number in mail.outbox[-1].body


def test_reject_needs_a_reason_and_returns_the_lines_to_the_buyers_basket(
    client, buyer_member, approver, product
):
    approval = _request(buyer_member, product, 6)
    open_basket = Basket.objects.create(owner=buyer_member.user)
    open_basket.strategy = Selector().strategy(user=buyer_member.user)
    open_basket.add_product(ProductFactory(), 1)
    client.force_login(approver.user)
    url = reverse("approvals:reject", kwargs={"pk": approval.pk})
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 400 and b"Give the buyer a reason" in response.content
    assert ApprovalRequest.objects.get().status == State.PENDING

    with _commit(execute=True):
        assert client.post(url, {"reason": "Over budget this month"}).status_code == 302
    approval.refresh_from_db()
    assert (approval.status, approval.reason, approval.decided_by) == (
        State.REJECTED, "Over budget this month", approver.user,
    )  # fmt: skip
    assert not Order.objects.exists()
    lines = {line.product_id: line.quantity for line in open_basket.lines.all()}
    assert lines[product.pk] == 6 and len(lines) == 2
    assert mail.outbox[-1].to == ["buyer@client.example"]
    assert "Over budget this month" in mail.outbox[-1].body


def test_buyers_never_approve_their_own_request(client, company, product):
    # An approver whose own order is over their limit: they cannot approve it themselves.
    member = CompanyMemberFactory(
        company=company, role=CompanyMember.Role.APPROVER, order_limit=Decimal("1.00")
    )
    approval = _request(member, product, 6)
    client.force_login(member.user)
    html = client.get(reverse("approvals:detail", kwargs={"pk": approval.pk})).content
    assert b'id="approve-form"' not in html
    client.post(reverse("approvals:approve", kwargs={"pk": approval.pk}))
    assert ApprovalRequest.objects.get().status == State.PENDING and not Order.objects.exists()
    with pytest.raises(services.ApprovalError, match="your own request"):
        services.approval_request_approve(approval_request=approval, member=member, request=None)


def test_a_viewer_or_a_buyer_colleague_cannot_approve(client, company, buyer_member, product):
    approval = _request(buyer_member, product, 6)
    for role in (CompanyMember.Role.VIEWER, CompanyMember.Role.BUYER):
        other = CompanyMemberFactory(company=company, role=role)
        client.force_login(other.user)
        response = client.post(reverse("approvals:approve", kwargs={"pk": approval.pk}))
        assert response.status_code == 404
        with pytest.raises(services.ApprovalError, match="Only approvers"):
            services.approval_request_approve(approval_request=approval, member=other, request=None)
    assert ApprovalRequest.objects.get().status == State.PENDING and not Order.objects.exists()


def test_another_companys_approver_gets_404(client, buyer_member, product):
    approval = _request(buyer_member, product, 6)
    stranger = CompanyMemberFactory(role=CompanyMember.Role.APPROVER)
    client.force_login(stranger.user)
    for name in ("detail", "approve"):
        method = client.get if name == "detail" else client.post
        assert method(reverse(f"approvals:{name}", kwargs={"pk": approval.pk})).status_code == 404
    assert f"#{approval.pk}".encode() not in client.get(reverse("approvals:list")).content


def test_expiry_returns_the_lines_and_is_idempotent(buyer_member, approver, product):
    approval = _request(buyer_member, product, 6)
    ApprovalRequest.objects.filter(pk=approval.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    fresh = _request(buyer_member, product, 7)
    with _commit(execute=True):
        assert expire() == 1
    assert expire() == 0
    assert mail.outbox[-1].to == ["buyer@client.example"] and "expired" in mail.outbox[-1].subject
    approval.refresh_from_db()
    assert approval.status == State.EXPIRED and approval.basket.status == Basket.MERGED
    assert ApprovalRequest.objects.get(pk=fresh.pk).status == State.PENDING
    open_basket = Basket.open.get(owner=buyer_member.user)
    assert open_basket.lines.get().quantity == 6


def test_the_company_admin_sets_the_expiry_and_bad_input_is_explained(
    client, admin, buyer_member, product
):
    client.force_login(admin.user)
    url = reverse("approvals:policy")
    for value, message in (("0", b"at least 1 day"), ("abc", b"whole number of days")):
        response = client.post(url, {"expiry_days": value})
        assert response.status_code == 400 and message in response.content
    assert client.post(url, {"expiry_days": "3"}).status_code == 302
    approval = _request(buyer_member, product, 6)
    assert approval.expires_at - approval.created_at == timedelta(days=3)
    client.force_login(buyer_member.user)
    client.post(url, {"expiry_days": "60"})
    assert ApprovalPolicy.objects.get().expiry_days == 3


def test_approve_refuses_when_prices_changed_since_the_request(
    client, buyer_member, approver, product
):
    approval = _request(buyer_member, product, 6)
    product.stockrecords.update(price=Decimal("120.00"))
    client.force_login(approver.user)
    response = client.post(reverse("approvals:approve", kwargs={"pk": approval.pk}), follow=True)
    assert b"Prices have changed since the request" in response.content
    assert "€600.00" in response.content.decode() and "€720.00" in response.content.decode()
    assert ApprovalRequest.objects.get().status == State.PENDING and not Order.objects.exists()


# --- approval rules -------------------------------------------------------------------------


def _rule(company, *, tier1, tier2=(), **fields) -> ApprovalRule:
    rule = ApprovalRule.objects.create(company=company, name=fields.pop("name", "Big"), **fields)
    rule.tier1.set(tier1)
    rule.tier2.set(tier2)
    return rule


@pytest.fixture
def free_buyer(company):
    """A buyer without limits of their own: only rules send their orders for approval."""
    return CompanyMemberFactory(
        company=company,
        role=CompanyMember.Role.BUYER,
        user=UserFactory(email="free@client.example"),
    )


def test_a_rule_on_the_total_goes_through_two_tiers(client, free_buyer, approver, admin, product):
    _rule(free_buyer.company, tier1=[approver], tier2=[admin], min_total=Decimal("300"))
    basket = Basket.objects.create(owner=free_buyer.user)
    basket.strategy = Selector().strategy(user=free_buyer.user)
    basket.add_product(product, 2)
    assert services.approval_required(member=free_buyer, total=Decimal("200"), basket=basket) == []
    assert (
        "“Big” applies"
        in services.approval_required(member=free_buyer, total=Decimal("300"), basket=basket)[0]
    )
    approval = _request(free_buyer, product, 6)
    assert approval.rule.name == "Big" and mail.outbox[-1].to == ["approver@client.example"]
    # The admin is tier 2: not yet theirs to decide.
    client.force_login(admin.user)
    assert (
        f"#{approval.pk}".encode()
        not in client.get(reverse("approvals:list")).content.split(b'id="approval-requests"')[0]
    )
    client.post(reverse("approvals:approve", kwargs={"pk": approval.pk}))
    assert ApprovalRequest.objects.get().tier == 1
    # Tier 1 approves: tier 2 is asked, no order yet.
    client.force_login(approver.user)
    with _commit(execute=True):
        client.post(reverse("approvals:approve", kwargs={"pk": approval.pk}))
    approval.refresh_from_db()
    assert (approval.status, approval.tier) == (State.PENDING, 2) and not Order.objects.exists()
    assert mail.outbox[-1].to == ["admin@client.example"]
    client.force_login(admin.user)
    client.post(reverse("approvals:approve", kwargs={"pk": approval.pk}))
    approval.refresh_from_db()
    assert approval.status == State.APPROVED and approval.decided_by == admin.user
    assert Order.objects.count() == 1


def test_an_all_tier_needs_every_approver(client, free_buyer, approver, company, product):
    second = CompanyMemberFactory(company=company, role=CompanyMember.Role.APPROVER)
    _rule(company, tier1=[approver, second], tier1_mode=ApprovalRule.Mode.ALL)
    approval = _request(free_buyer, product, 3)
    url = reverse("approvals:approve", kwargs={"pk": approval.pk})
    client.force_login(approver.user)
    for _twice in range(2):  # a second click by the same approver is not a second approval
        response = client.post(url, follow=True)
        assert b"waits for the other approvers" in response.content
    approval.refresh_from_db()
    assert approval.status == State.PENDING and approval.votes.count() == 1
    assert not Order.objects.exists()
    html = client.get(reverse("approvals:detail", kwargs={"pk": approval.pk})).content.decode()
    votes = html.split('id="approval-votes"')[1].split("</dd>")[0]
    assert approver.user.get_full_name() in votes and second.user.get_full_name() not in votes
    client.force_login(second.user)
    client.post(url)
    approval.refresh_from_db()
    assert approval.status == State.APPROVED and Order.objects.count() == 1


def test_rule_conditions_must_all_hold(free_buyer, approver, company, product):
    from tests.factories import category_create

    tools = category_create("Tools")
    drills = category_create("Drills", parent=tools)
    basket = Basket.objects.create(owner=free_buyer.user)
    basket.strategy = Selector().strategy(user=free_buyer.user)
    basket.add_product(product, 1)
    _rule(company, tier1=[approver], category=tools, min_lines=1)
    assert services.approval_required(member=free_buyer, total=Decimal("1"), basket=basket) == []
    drill = ProductFactory(category=drills)
    basket.add_product(drill, 1)
    assert services.approval_required(member=free_buyer, total=Decimal("1"), basket=basket)
    ApprovalRule.objects.update(buyer_role=CompanyMember.Role.ADMIN)
    assert services.approval_required(member=free_buyer, total=Decimal("1"), basket=basket) == []


def test_a_rule_on_a_product_matches_baskets_holding_it(free_buyer, approver, company, product):
    other = ProductFactory(stock__price=PRICE)
    basket = Basket.objects.create(owner=free_buyer.user)
    basket.strategy = Selector().strategy(user=free_buyer.user)
    basket.add_product(other, 1)
    _rule(company, tier1=[approver], name="Hazardous", product=product)
    assert services.approval_required(member=free_buyer, total=Decimal("1"), basket=basket) == []
    basket.add_product(product, 1)
    reasons = services.approval_required(member=free_buyer, total=Decimal("1"), basket=basket)
    assert reasons and "“Hazardous” applies" in reasons[0]
    # Without a basket (a bare total), a product rule cannot match.
    assert services.approval_required(member=free_buyer, total=Decimal("1")) == []
    approval = _request(free_buyer, product, 1)
    assert approval.rule.name == "Hazardous"


def test_the_admin_sets_a_rules_product_by_sku_and_an_unknown_sku_is_explained(
    client, admin, approver, product
):
    sku = product.stockrecords.first().partner_sku
    client.force_login(admin.user)
    url = reverse("approvals:rule-add")
    data = {"name": "Batteries", "is_active": "on", "tier1": [approver.pk],
            "tier1_mode": "any", "tier2_mode": "any", "product_sku": "NO-SUCH-SKU"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 400 and "No product has the SKU “NO-SUCH-SKU”" in (
        response.content.decode()
    )
    assert not ApprovalRule.objects.exists()
    assert client.post(url, {**data, "product_sku": f" {sku.lower()} "}).status_code == 302
    rule = ApprovalRule.objects.get()
    assert rule.product == product
    html = client.get(reverse("approvals:rule-edit", kwargs={"pk": rule.pk})).content.decode()
    assert f'value="{sku}"' in html
    assert product.get_title() in client.get(reverse("approvals:rules")).content.decode()
    # Emptying the field removes the condition.
    client.post(reverse("approvals:rule-edit", kwargs={"pk": rule.pk}), {**data, "product_sku": ""})
    rule.refresh_from_db()
    assert rule.product is None


def test_an_idle_request_escalates_to_the_admin_once(
    free_buyer, approver, admin, product, django_capture_on_commit_callbacks
):
    from shop.approvals.tasks import housekeeping

    _rule(free_buyer.company, tier1=[approver], escalate_after_hours=2)
    approval = _request(free_buyer, product, 3)
    assert housekeeping() == {"expired": 0, "escalated": 0}
    ApprovalRequest.objects.filter(pk=approval.pk).update(
        tier_started_at=timezone.now() - timedelta(hours=3)
    )
    # The email is delivered after the commit (immediately in a worker, which autocommits).
    with django_capture_on_commit_callbacks(execute=True):
        assert housekeeping()["escalated"] == 1
    assert housekeeping()["escalated"] == 0
    approval.refresh_from_db()
    assert approval.escalated_to_admin and mail.outbox[-1].to == ["admin@client.example"]
    with pytest.raises(services.ApprovalError, match="waits for"):
        services.approval_request_approve(approval_request=approval, member=approver, request=None)


def test_the_admin_defines_rules_and_bad_input_is_explained(client, admin, approver, free_buyer):
    client.force_login(admin.user)
    url = reverse("approvals:rule-add")
    data = {"name": "Over 5k", "is_active": "on", "min_total": "5000", "tier1": [approver.pk],
            "tier1_mode": "any", "tier2": [approver.pk], "tier2_mode": "any"}  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 400 and b"cannot be in both tiers" in response.content
    response = client.post(url, {**data, "tier2": [], "min_total": "-1", "tier1": []})
    assert response.status_code == 400 and b"at least one first approver" in response.content
    assert client.post(url, {**data, "tier2": [admin.pk]}).status_code == 302
    rule = ApprovalRule.objects.get()
    assert list(rule.tier2.all()) == [admin] and rule.min_total == Decimal("5000")
    assert b"Over 5k" in client.get(reverse("approvals:rules")).content
    # A buyer cannot see or change the rules.
    client.force_login(free_buyer.user)
    assert client.get(reverse("approvals:rules")).status_code == 302
    client.post(reverse("approvals:rule-delete", kwargs={"pk": rule.pk}))
    assert ApprovalRule.objects.exists()


def test_the_inbox_costs_the_same_queries_at_two_sizes(client, buyer_member, approver, product):
    _rule(buyer_member.company, tier1=[approver], name="Any", min_total=Decimal("99999"))
    _request(buyer_member, product, 6)
    client.force_login(approver.user)
    client.get(reverse("approvals:list"))  # warm the session and the middleware caches
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse("approvals:list")).status_code == 200
    for quantity in (6, 7, 8, 9):
        _request(buyer_member, product, quantity)
    with CaptureQueriesContext(connection) as large:
        html = client.get(reverse("approvals:list")).content.decode()
    assert html.count('href="/shop/approvals/') >= 5
    assert len(large) == len(small)


def test_approving_counts_the_request_against_credit_once(client, buyer_member, approver, product):
    # Credit for exactly the order: the pending request must not be counted on top of it.
    company = buyer_member.company
    company.credit_limit = Decimal("600.00")
    company.save()
    approval = _request(buyer_member, product, 6)
    client.force_login(approver.user)
    client.post(reverse("approvals:approve", kwargs={"pk": approval.pk}))
    approval.refresh_from_db()
    assert approval.status == State.APPROVED and Order.objects.count() == 1


def test_the_request_pages_show_each_lines_unit_price_and_total(
    client, buyer_member, approver, product
):
    approval = _request(buyer_member, product, 6)
    client.force_login(buyer_member.user)
    html = client.get(reverse("approvals:sent", kwargs={"pk": approval.pk})).content.decode()
    assert "None" not in html
    assert "€100.00" in html and "€600.00" in html
    client.force_login(approver.user)
    html = client.get(reverse("approvals:detail", kwargs={"pk": approval.pk})).content.decode()
    assert "€100.00" in html and "€600.00" in html


def test_the_approvers_company_list_includes_the_pending_request(
    client, buyer_member, approver, product
):
    approval = _request(buyer_member, product, 6)
    client.force_login(approver.user)
    html = client.get(reverse("approvals:list")).content.decode()
    company_list = html.split('id="approval-requests"', 1)[1]
    assert f"#{approval.pk}" in company_list and "No requests yet." not in company_list


def test_the_request_pages_add_up_net_lines_with_the_tax_apart(client, buyer_member, approver):
    """€57.78 net × 60 at 19 %: the line shows €57.78 and €3,466.80, not a rounded gross price."""
    import datetime
    import re

    from shop.tax.models import TaxRate

    TaxRate.objects.create(country="DE", rate=Decimal("19"), valid_from=datetime.date(2000, 1, 1))
    product = ProductFactory(stock__price=Decimal("57.78"))
    approval = _request(buyer_member, product, 60)
    assert approval.total == Decimal("4125.49")

    def figures(html: str) -> dict:
        cells = {
            k: re.search(rf'id="{k}">([^<]+)<', html).group(1)
            for k in ("approval-net", "approval-tax", "approval-total")
        }
        unit = re.search(r'class="[^"]*line-unit-price">([^<]+)<', html).group(1)
        total = re.search(r'class="[^"]*line-total">([^<]+)<', html).group(1)
        return {"unit": unit, "line": total, **cells}

    def amount(text: str) -> Decimal:
        return Decimal(text.strip().lstrip("€").replace(",", ""))

    for user, name in ((buyer_member.user, "approvals:sent"), (approver.user, "approvals:detail")):
        client.force_login(user)
        html = client.get(reverse(name, kwargs={"pk": approval.pk})).content.decode()
        shown = figures(html)
        assert shown["unit"] == "€57.78" and "€68.76" not in html
        assert amount(shown["line"]) == 60 * amount(shown["unit"]) == Decimal("3466.80")
        assert amount(shown["approval-net"]) + amount(shown["approval-tax"]) == Decimal("4125.49")
        assert shown["approval-total"] == "€4,125.49" and "+ €658.69 tax" in html


def test_the_approval_reason_formats_amounts_in_the_buyers_language(buyer_member):
    from django.utils import translation

    with translation.override("de"):
        reasons = services.approval_required(
            member=buyer_member, total=Decimal("4125.49"), currency="EUR"
        )
    assert "4.125,49" in reasons[0] and "500,00" in reasons[0] and "4,125.49" not in reasons[0]
