"""Shared set-up for the cache tests: one category, two contract companies, a group, a viewer."""

import re
from dataclasses import dataclass
from decimal import Decimal

from oscar.core.loading import get_model

from shop.companies.models import CompanyMember, CustomerGroup
from shop.pricing.models import PriceList, PriceListEntry
from tests.factories import (
    CompanyFactory,
    CompanyMemberFactory,
    ProductFactory,
    UserFactory,
    category_create,
)

StockRecord = get_model("partner", "StockRecord")


@dataclass
class Shop:
    category: object
    product: object
    record: object
    alpha_buyer: object
    alpha_viewer: object
    beta_buyer: object
    gamma_buyer: object
    contract_entry: object
    group_entry: object
    no_company_user: object


def shop_create() -> Shop:
    """Alpha has a contract (9.00), Gamma only its group's list (10.00), Beta list prices."""
    category = category_create("Cached bearings")
    product = ProductFactory(title="Cache test bearing 6204", category=category)
    record = StockRecord.objects.get(product=product)  # list price 12.50, 100 in stock
    alpha, beta = CompanyFactory(legal_name="Alpha GmbH"), CompanyFactory(legal_name="Beta AG")
    group = CustomerGroup.objects.create(name="Workshops", slug="workshops-cache")
    gamma = CompanyFactory(legal_name="Gamma KG", customer_group=group)
    contract = PriceList.objects.create(code="alpha-contract", name="Alpha", company=alpha)
    group_list = PriceList.objects.create(code="workshops", name="Workshops", customer_group=group)

    def entry(price_list, value):
        return PriceListEntry.objects.create(
            price_list=price_list, product=product, kind=PriceListEntry.Kind.FIXED,
            value=Decimal(value), min_quantity=1,
        )  # fmt: skip

    def member(company, email, role=CompanyMember.Role.BUYER):
        return CompanyMemberFactory(company=company, role=role, user=UserFactory(email=email)).user

    return Shop(
        category=category,
        product=product,
        record=record,
        alpha_buyer=member(alpha, "buyer@alpha.example"),
        alpha_viewer=member(alpha, "viewer@alpha.example", CompanyMember.Role.VIEWER),
        beta_buyer=member(beta, "buyer@beta.example"),
        gamma_buyer=member(gamma, "buyer@gamma.example"),
        contract_entry=entry(contract, "9.00"),
        group_entry=entry(group_list, "10.00"),
        no_company_user=UserFactory(email="nobody@example.com"),
    )


def grid(response) -> str:
    """The product list of a listing page (count, cards, pagination)."""
    html = response.content.decode()
    start = html.index('class="result-count"')
    return html[start : html.index("</section>", start)]


def prices(response) -> list[str]:
    return re.findall(r'<p class="price_color">([^<]*)', grid(response))


def stock_labels(response) -> list[str]:
    return [
        " ".join(s.split())
        for s in re.findall(r"stock-info[^>]*>\s*<i[^>]*></i>([^<]*)", grid(response))
    ]


def calls_counted(monkeypatch, module, name) -> list:
    """Replace ``module.name`` by a wrapper that records each call's arguments (and calls it)."""
    calls = []
    original = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(args or kwargs)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def buyer_signed_in():
    """A company buyer signed in on a client, and a product in a category: (member, product, client)."""
    from django.test import Client

    member = CompanyMemberFactory(user=UserFactory(email="kim@alpha.example"))
    product = ProductFactory(title="Ball bearing 6204", category=category_create("Bearings"))
    client = Client()
    client.force_login(member.user)
    return member, product, client
