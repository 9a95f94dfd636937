"""Helpers for the follow-up engine tests: rules, real carts, quotes, approvals, orders."""

import importlib
import itertools
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace

import time_machine
from oscar.core.loading import get_model

from crm_embedded.followups.models import FollowUpRule
from orders import states as order_states
from shop.partner.strategy import CompanyPricing

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
OrderLine = get_model("order", "Line")

_numbers = itertools.count(1)


def rules_ensure(**changes) -> dict[str, FollowUpRule]:
    """The default rules (a flush by a transactional test may have removed the migration's)."""
    defaults = importlib.import_module(
        "crm_embedded.followups.migrations.0002_default_rules"
    ).DEFAULTS
    rules = {}
    for kind, fields in defaults.items():
        rule, _ = FollowUpRule.objects.get_or_create(kind=kind, defaults=fields)
        rules[kind] = rule
    for kind, fields in changes.items():
        FollowUpRule.objects.filter(kind=kind).update(**fields)
        rules[kind].refresh_from_db()
    return rules


def cart_fill(member, items: list[tuple], at: datetime):
    """The member's open basket with (product, quantity) lines added at ``at``."""
    with time_machine.travel(at, tick=False):
        basket, _ = Basket.open.get_or_create(owner=member.user)
        basket.strategy = CompanyPricing(company=member.company)
        for product, quantity in items:
            basket.add_product(product, quantity)
    return basket


def order_place(*, company, user=None, placed: datetime, lines: list[tuple]):
    """An order of the company placed at ``placed`` with [(product, quantity, net price)]."""
    total = sum((Decimal(price) for _, _, price in lines), Decimal("0.00"))
    order = Order.objects.create(
        number=f"FU-{next(_numbers):06d}", company=company, user=user, currency="EUR",
        total_excl_tax=total, total_incl_tax=total, status=order_states.PLACED,
        date_placed=placed,
    )  # fmt: skip
    for product, quantity, price in lines:
        price = Decimal(price)
        OrderLine.objects.create(
            order=order, product=product, partner_sku=product.upc, title=product.title,
            quantity=quantity, line_price_excl_tax=price, line_price_incl_tax=price,
            line_price_before_discounts_excl_tax=price, line_price_before_discounts_incl_tax=price,
            unit_price_excl_tax=price / quantity, unit_price_incl_tax=price / quantity,
            num_allocated=0,
        )  # fmt: skip
    return order


def total(value) -> SimpleNamespace:
    """An order total as the approval service reads it."""
    return SimpleNamespace(incl_tax=Decimal(value), currency="EUR")
