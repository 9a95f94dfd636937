"""Isolation sweep: every URL that names an object is scoped on the server.

The sweep walks the URLconf, and every pattern that takes an object id must be listed
here, either in SCOPED (with how to build its URL for an object of one's own company and
for one of another company) or in EXEMPT (with the reason). A user of company A then gets
404 — never 403, which would leak existence — for company B's object, while the same
user gets a normal answer for company A's object. Later issues add their URLs here; an
unlisted new URL fails ``test_every_object_url_is_in_the_sweep``.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from oscar.core.loading import get_model
from oscar.test.factories import create_order

from crm_embedded.quotes.models import Quote, QuoteLine, QuoteVersion
from crm_embedded.quotes.states import State
from crm_embedded.tasks.models import Task
from shop.approvals.models import ApprovalRequest, ApprovalRule
from shop.approvals.states import State as ApprovalState
from shop.bulk.models import RequisitionList
from shop.companies import services
from shop.companies.models import (
    CompanyAddress,
    CompanyApplication,
    CompanyMember,
    Invitation,
)
from shop.credit.models import LedgerEntry
from shop.pricing.models import PriceList, PriceListEntry
from tests.factories import CompanyFactory, CompanyMemberFactory, ProductFactory, UserFactory
from tests.orders.documents.sweep import sweep_credit_note, sweep_invoice, sweep_shipment
from tests.sweep_parts import Probe, parts

UserAddress = get_model("address", "UserAddress")
Email = get_model("communication", "Email")
Notification = get_model("communication", "Notification")
ProductAlert = get_model("customer", "ProductAlert")
WishList = get_model("wishlists", "WishList")
Basket = get_model("basket", "Basket")
Country = get_model("address", "Country")

pytestmark = pytest.mark.django_db

# Areas that are not company-scoped object views, and why.
EXEMPT_PREFIXES = {
    "cms/": "Wagtail admin: editors only, covered by the staff-area tests",
    "django-admin/": "superusers only",
    "shop/dashboard/": "Oscar dashboard: seller staff only, covered by the staff-area tests",
    "documents/": "Wagtail documents served to the public",
    "media/": "media files (DEBUG only)",
    "_util/": "Wagtail page password form",
    "shop/fulfilment/": "seller staff's shipment and status pages, covered by tests/orders",
    "shop/webhooks/": "the operator's (superuser's) webhook pages, covered by tests/shop/webhooks",
    "shop/integrations/": "the operator's (superuser's) API token pages, covered by tests/shop/integrations",
    "api/v1/": "the ERP's API: integration tokens by scope, covered by tests/shop/integrations",
}
EXEMPT_NAMES = {
    "notifications:log-detail": "the operator's (superuser's) log of sent notifications, "
    "covered by tests/shop/notifications",
    "notifications:log-resend": "the operator's (superuser's) log of sent notifications, "
    "covered by tests/shop/notifications",
    "account_confirm_email": "allauth: addressed by an emailed secret key",
    "account_reset_password_from_key": "allauth: addressed by an emailed secret key",
    "password-reset-confirm": "addressed by an emailed token",
    "company:join": "addressed by a signed invitation token (tests cover tampering and reuse)",
    "followups:restore": "addressed by a signed, expiring token naming its buyer; another "
    "user's is a 403 (tests/crm_embedded/followups/test_buyer_links.py)",
    "followups:opt-out": "addressed by a signed token naming an email address, no login "
    "(tests/crm_embedded/followups/test_buyer_links.py)",
    "catalogue:detail": "public catalogue",
    "catalogue:category": "public catalogue",
    "catalogue:range": "public catalogue",
    "catalogue:reviews-detail": "public product reviews",
    "catalogue:reviews-add": "public product reviews",
    "catalogue:reviews-vote": "public product reviews",
    "catalogue:reviews-list": "public product reviews",
    "offer:detail": "public offers",
    "basket:add": "adds a public product to one's own basket",
    "basket:vouchers-remove": "acts on one's own basket only (the voucher id is a public code)",
    "customer:alert-create": "takes a public product id",
    "customer:alerts-confirm": "addressed by an emailed secret key",
    "customer:alerts-cancel-by-key": "addressed by an emailed secret key",
    "customer:anon-order": "guest order status by a signed hash (guest checkout is off)",
    "customer:anon-order-form": "guest order status by a signed hash (guest checkout is off)",
    "customer:wishlists-add-product": "takes a public product id; list looked up by owner",
    "customer:wishlists-create-with-product": "takes a public product id",
    "customer:wishlists-remove-product": "Oscar wishlist lines, looked up through the owner's list",
    "customer:wishlists-move-product-to-another": "Oscar wishlist lines, looked up by owner",
    "wishlists:detail": "Oscar's public/shared wishlist view: visible by the list's own setting",
    "order_documents:invoice-issue": "seller staff only (order.change_order; others 404), covered by tests/orders/documents",
    "order_documents:credit-note-issue": "seller staff only (order.change_order; others 404), covered by tests/orders/documents",
}


def _object_patterns(resolver=None, prefix="", namespace=None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _object_patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern).lstrip("^")
            if "<" in route:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                yield name, route


@dataclass
class Side:
    """One company's world: its people and one object of every kind."""

    company: object
    admin: object
    member: object
    address: object
    invitation: object
    application: object
    order: object
    user_address: object
    email: object
    notification: object
    alert: object
    wishlist: object
    price_list: object
    price_entry: object
    requisition: object
    extra: dict = field(default_factory=dict)


def _side(name: str, account_manager) -> Side:
    company = CompanyFactory(legal_name=f"{name} GmbH", account_manager=account_manager)
    admin = CompanyMemberFactory(company=company, role=CompanyMember.Role.ADMIN,
                                 user=UserFactory(email=f"admin@{name}.example")).user  # fmt: skip
    member = CompanyMemberFactory(company=company, role=CompanyMember.Role.BUYER,
                                  user=UserFactory(email=f"buyer@{name}.example"))  # fmt: skip
    country, _ = Country.objects.get_or_create(
        iso_3166_1_a2="DE", defaults={"name": "Germany", "is_shipping_country": True}
    )
    order = create_order(user=member.user)
    order.company = company
    order.save()
    product = ProductFactory()
    price_list = PriceList.objects.create(
        code=f"{name}-contract", name=f"{name} contract", company=company
    )
    price_entry = PriceListEntry.objects.create(
        price_list=price_list, product=product, value=Decimal("9.99")
    )
    side = Side(
        company=company,
        admin=admin,
        member=member,
        address=CompanyAddress.objects.create(
            company=company,
            kind="shipping",
            label="Depot",
            line1="Weg 1",
            postcode="1",
            city="X",
            country="DE",
        ),  # fmt: skip
        invitation=Invitation.objects.create(
            company=company,
            email=f"new@{name}.example",
            role="buyer",
            invited_by=admin,
            expires_at=timezone.now() + timedelta(days=3),
        ),  # fmt: skip
        application=CompanyApplication.objects.create(
            company=company, applicant=admin, contact_name="C", contact_phone="1"
        ),  # fmt: skip
        order=order,
        user_address=UserAddress.objects.create(
            user=admin,
            first_name="A",
            last_name="B",
            line1="Weg 2",
            line4="X",
            postcode="10115",
            country=country,
        ),  # fmt: skip
        email=Email.objects.create(
            user=admin, subject="Order", body_text="Hello", email=admin.email
        ),
        notification=Notification.objects.create(recipient=admin, subject="Hi", body="Hello"),
        alert=ProductAlert.objects.create(user=admin, product=product, status=ProductAlert.ACTIVE),
        wishlist=WishList.objects.create(owner=admin, name="Monthly"),
        price_list=price_list,
        price_entry=price_entry,
        requisition=RequisitionList.objects.create(company=company, owner=admin, name="Monthly"),
        extra=_quote_objects(name, company, member.user, account_manager, product),
    )
    for part in parts():
        side.extra.update(part.objects(side))
    return side


def _quote_objects(name: str, company, buyer, account_manager, product) -> dict:
    """An offered quote with one sent version, and a CRM task of the account manager."""
    quote = Quote.objects.create(
        number=f"Q-{name}", company=company, requested_by=buyer,
        account_manager=account_manager, state=State.OFFERED,
        valid_until=timezone.localdate() + timedelta(days=10),
    )  # fmt: skip
    line = QuoteLine.objects.create(
        quote=quote, product=product, sku=product.upc, title="Item", quantity=5,
        list_price=Decimal("12.50"), contract_price=Decimal("12.50"), offered_price=Decimal("11"),
    )  # fmt: skip
    QuoteVersion.objects.create(
        quote=quote, number=1, sent_at=timezone.now(), valid_until=quote.valid_until,
        currency="EUR", total=Decimal("55.00"),
        lines=[{"sku": line.sku, "title": "Item", "quantity": 5, "list_price": "12.50",
                "unit_price": "11.00", "line_total": "55.00", "product_id": product.pk}],
    )  # fmt: skip
    task = Task.objects.create(owner=account_manager, company=company, title=f"Call {name}")
    # Decided already, so the sweep's approve/reject/cancel posts change nothing on one's own.
    approval = ApprovalRequest.objects.create(
        company=company, requester=buyer, basket=Basket.objects.create(owner=buyer),
        total=Decimal("3000.00"), currency="EUR", status=ApprovalState.EXPIRED,
        expires_at=timezone.now(),
    )  # fmt: skip
    rule = ApprovalRule.objects.create(company=company, name=f"{name} big orders")
    # An open invoice on the company's ledger: its statement and the CRM credit page show it.
    ledger = LedgerEntry.objects.create(
        company=company, kind=LedgerEntry.Kind.ORDER, amount=Decimal("123.45"), currency="EUR",
        reference=f"INV-{name}", due_date=timezone.localdate() + timedelta(days=30),
    )  # fmt: skip
    return {"quote": quote, "quote_line": line, "task": task, "approval": approval, "rule": rule,
            "ledger": ledger}  # fmt: skip


SCOPED: dict[str, Probe] = {
    # The buyer's company area.
    "company:member-role": Probe("post", lambda s: {"pk": s.member.pk}, data={"role": "approver"}),
    "company:member-deactivate": Probe("post", lambda s: {"pk": s.member.pk}),
    "company:member-limits": Probe("get", lambda s: {"pk": s.member.pk}),
    "company:invitation-revoke": Probe("post", lambda s: {"pk": s.invitation.pk}),
    "company:address-edit": Probe("get", lambda s: {"pk": s.address.pk}),
    "company:address-delete": Probe("post", lambda s: {"pk": s.address.pk}),
    # Requisition lists: one's own and the company's shared ones.
    "bulk:list-detail": Probe("get", lambda s: {"pk": s.requisition.pk}),
    "bulk:list-update": Probe("post", lambda s: {"pk": s.requisition.pk}),
    "bulk:list-order": Probe("post", lambda s: {"pk": s.requisition.pk}),
    "bulk:list-delete": Probe("post", lambda s: {"pk": s.requisition.pk}),
    # Orders: the whole company's, not only one's own.
    "customer:order": Probe("get", lambda s: {"order_number": s.order.number}),
    "customer:order-line": Probe("get", lambda s: {"order_number": s.order.number, "line_id": s.order.lines.first().pk}),
    # Oscar's per-user account objects.
    "customer:address-detail": Probe("get", lambda s: {"pk": s.user_address.pk}),
    "customer:address-delete": Probe("get", lambda s: {"pk": s.user_address.pk}),
    "customer:address-change-status": Probe("post", lambda s: {"pk": s.user_address.pk, "action": "default_for_billing"}),
    "checkout:user-address-update": Probe("get", lambda s: {"pk": s.user_address.pk}),
    "checkout:user-address-delete": Probe("get", lambda s: {"pk": s.user_address.pk}),
    "customer:email-detail": Probe("get", lambda s: {"email_id": s.email.pk}),
    "customer:notifications-detail": Probe("get", lambda s: {"pk": s.notification.pk}),
    "customer:alerts-cancel-by-pk": Probe("post", lambda s: {"pk": s.alert.pk}),
    "customer:wishlists-detail": Probe("get", lambda s: {"key": s.wishlist.key}),
    "customer:wishlists-update": Probe("get", lambda s: {"key": s.wishlist.key}),
    "customer:wishlists-delete": Probe("get", lambda s: {"key": s.wishlist.key}),
    # The account manager's CRM: only their own accounts.
    "crm:company-detail": Probe("get", lambda s: {"pk": s.company.pk}, actor="staff"),
    "crm:company-edit": Probe("get", lambda s: {"pk": s.company.pk}, actor="staff"),
    "crm:company-credit": Probe("get", lambda s: {"pk": s.company.pk}, actor="staff"),
    "crm:company-reassign": Probe("post", lambda s: {"pk": s.company.pk}, actor="staff"),
    "crm:company-act-as": Probe("post", lambda s: {"pk": s.company.pk, "member_pk": s.member.pk}, actor="staff"),
    "crm:application-detail": Probe("get", lambda s: {"pk": s.application.pk}, actor="staff"),
    "crm:company-price-check": Probe("get", lambda s: {"pk": s.company.pk}, actor="staff"),
    "crm:price-list-detail": Probe("get", lambda s: {"pk": s.price_list.pk}, actor="staff"),
    "crm:price-list-edit": Probe("get", lambda s: {"pk": s.price_list.pk}, actor="staff"),
    "crm:price-list-export": Probe("get", lambda s: {"pk": s.price_list.pk}, actor="staff"),
    "crm:price-entry-add": Probe("post", lambda s: {"pk": s.price_list.pk}, actor="staff",
                                 data={"sku": "", "category": "", "kind": "fixed", "value": "1", "min_quantity": 1}),
    "crm:price-entry-delete": Probe("post", lambda s: {"pk": s.price_list.pk, "entry_pk": s.price_entry.pk}, actor="staff"),
    "crm:price-list-import": Probe("post", lambda s: {"pk": s.price_list.pk}, actor="staff"),
    "crm:price-list-copy": Probe("post", lambda s: {"pk": s.price_list.pk}, actor="staff", data={"name": "Copy"}),
    "crm:task-done": Probe("post", lambda s: {"pk": s.extra["task"].pk}, actor="staff"),
    # Quotes: the buyer's company sees its own; the account manager their accounts' only.
    "quotes:detail": Probe("get", lambda s: {"number": s.extra["quote"].number}),
    "quotes:message": Probe("post", lambda s: {"number": s.extra["quote"].number}, data={"body": "Hello"}),
    "quotes:pdf": Probe("get", lambda s: {"number": s.extra["quote"].number, "version": 1}),
    "quotes:action": Probe("post", lambda s: {"number": s.extra["quote"].number, "action": "decline"}, data={"text": "Too dear"}),
    "crm:quote-detail": Probe("get", lambda s: {"pk": s.extra["quote"].pk}, actor="staff"),
    "crm:quote-lines": Probe("post", lambda s: {"pk": s.extra["quote"].pk}, actor="staff"),
    "crm:quote-line-add": Probe("post", lambda s: {"pk": s.extra["quote"].pk}, actor="staff", data={"sku": "X", "quantity": "1"}),
    "crm:quote-terms": Probe("post", lambda s: {"pk": s.extra["quote"].pk}, actor="staff"),
    "crm:quote-message": Probe("post", lambda s: {"pk": s.extra["quote"].pk}, actor="staff", data={"body": "Hi"}),
    "crm:quote-pdf": Probe("get", lambda s: {"pk": s.extra["quote"].pk, "version": 1}, actor="staff"),
    "crm:quote-action": Probe("post", lambda s: {"pk": s.extra["quote"].pk, "action": "revise"}, actor="staff"),
    "crm:quote-approval": Probe("post", lambda s: {"pk": s.extra["quote"].pk}, actor="staff", data={"decision": "approve"}),
    # Purchase approvals: the company's requests only.
    "approvals:detail": Probe("get", lambda s: {"pk": s.extra["approval"].pk}),
    "approvals:sent": Probe("get", lambda s: {"pk": s.extra["approval"].pk}),
    "approvals:approve": Probe("post", lambda s: {"pk": s.extra["approval"].pk}),
    "approvals:reject": Probe("post", lambda s: {"pk": s.extra["approval"].pk}, data={"reason": "No"}),
    "approvals:cancel": Probe("post", lambda s: {"pk": s.extra["approval"].pk}),
    "approvals:pay": Probe("get", lambda s: {"pk": s.extra["approval"].pk}, actor="buyer"),
    "approvals:rule-edit": Probe("get", lambda s: {"pk": s.extra["rule"].pk}),
    "approvals:rule-delete": Probe("post", lambda s: {"pk": s.extra["rule"].pk}),
    # Order documents: the company's orders' PDFs (tests/orders/documents/sweep.py makes them).
    "order_documents:confirmation": Probe("get", lambda s: {"order_number": s.order.number}),
    "order_documents:invoice": Probe("get", lambda s: {"number": sweep_invoice(s).number}),
    "order_documents:credit-note": Probe("get", lambda s: {"number": sweep_credit_note(s).number}),
    "order_documents:packing-slip": Probe("get", lambda s: {"number": sweep_shipment(s).number}),
}  # fmt: skip
for _part in parts():
    SCOPED.update(_part.PROBES)


def test_every_object_url_is_in_the_sweep():
    unlisted = sorted(
        f"{name} ({route})"
        for name, route in _object_patterns()
        if name not in SCOPED
        and name not in EXEMPT_NAMES
        and not route.startswith(tuple(EXEMPT_PREFIXES))
    )
    assert not unlisted, "add these object URLs to SCOPED or EXEMPT_NAMES: " + ", ".join(unlisted)


@pytest.fixture
def world(db):
    group, _ = Group.objects.get_or_create(name="Account managers")
    managers = []
    for email in ("am-a@partshub.example", "am-b@partshub.example"):
        user = UserFactory(email=email, is_staff=True)
        user.groups.add(group)
        managers.append(user)
    return {"a": _side("alpha", managers[0]), "b": _side("beta", managers[1]), "managers": managers}


def _call(client, probe: Probe, name: str, side: Side):
    url = reverse(name, kwargs=probe.kwargs(side))
    if probe.method == "post":
        return client.post(url, probe.data or {})
    return client.get(url)


@pytest.mark.parametrize("name", sorted(SCOPED))
def test_another_companys_object_is_404_and_ones_own_is_not(client, world, name):
    probe = SCOPED[name]
    a, b = world["a"], world["b"]
    actors = {"staff": world["managers"][0], "buyer": a.member.user}
    client.force_login(actors.get(probe.actor, a.admin))
    other = _call(client, probe, name, b)
    assert other.status_code == 404, f"{name}: {other.status_code} for another company's object"
    own = _call(client, probe, name, a)
    # 400 is a form error on one's own object (the sweep posts minimal data): not a 404.
    assert own.status_code in (200, 302, 400), f"{name}: {own.status_code} for one's own object"
    if own.status_code == 302:
        assert "/accounts/login/" not in own["Location"]


def test_statements_ledgers_and_approval_lists_show_only_ones_own_company(client, world):
    """Objects with no id in their URL: the lists and the statement are scoped by their content."""
    a, b = world["a"], world["b"]
    client.force_login(a.admin)
    for url in (reverse("company:statement"), reverse("company:statement-csv")):
        body = client.get(url).content.decode()
        assert "INV-alpha" in body and "INV-beta" not in body, url
    body = client.get(reverse("approvals:list")).content.decode()
    assert f"#{a.extra['approval'].pk}<" in body and f"#{b.extra['approval'].pk}<" not in body
    client.force_login(world["managers"][0])
    body = client.get(reverse("crm:company-credit", kwargs={"pk": a.company.pk})).content.decode()
    assert "INV-alpha" in body and "INV-beta" not in body


def test_a_colleague_sees_the_companys_orders_but_another_company_does_not(client, world):
    a, b = world["a"], world["b"]
    client.force_login(a.admin)  # not the buyer who placed it: a colleague
    response = client.get(reverse("customer:order-list"))
    assert str(a.order.number) in response.content.decode()
    assert str(b.order.number) not in response.content.decode()


def test_a_member_removed_from_a_company_loses_its_orders(client, world):
    a = world["a"]
    services.member_deactivate(member_id=a.member.pk, company=a.company, by_user=a.admin)
    client.force_login(a.member.user)
    response = client.get(reverse("customer:order", kwargs={"order_number": a.order.number}))
    assert response.status_code == 404
