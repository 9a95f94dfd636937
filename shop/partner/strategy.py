"""Pricing and availability strategy: the one hook every price on the site passes through."""

from decimal import Decimal

from oscar.apps.partner import strategy
from oscar.apps.partner.availability import Available, StockRequired
from oscar.apps.partner.prices import FixedPrice
from oscar.apps.partner.prices import Unavailable as UnavailablePrice

from shop.pricing.engine import PriceBook, QuantityRule, ResolvedPrice


class Selector(strategy.Selector):
    def strategy(self, request=None, user=None, **kwargs):
        member = getattr(request, "company_member", None) if request is not None else None
        company = member.company if member is not None and member.company.is_active else None
        return CompanyPricing(request, company=company)


class StockWithoutFigures(StockRequired):
    """Stock-checked availability that does not tell the quantity on hand."""

    @property
    def message(self) -> str:
        return str(self.short_message)


class QuotedAvailability(Available):
    """A quoted line: the quantity and delivery were agreed in the quote."""

    message = "Quantity and delivery as quoted"


class CompanyPricing(strategy.Default):
    """Oscar's default strategy with the buyer's negotiated prices.

    Buyers of an active company get their price book; everybody else (anonymous,
    no company, pending company) gets list prices. Views call ``prime(products)``
    before rendering a list so that pricing it costs a fixed number of queries.
    """

    def __init__(self, request=None, company=None):
        super().__init__(request)
        self.company = company
        self.book = PriceBook(company=company) if company is not None else None

    def prime(self, products) -> None:
        if self.book is not None:
            self.book.load(list(products))

    def resolve(self, product, stockrecord, quantity: int = 1) -> ResolvedPrice | None:
        """The full answer for a product: price, tiers, rule and explanation."""
        if stockrecord is None or stockrecord.price is None:
            return None
        if self.book is None:
            return ResolvedPrice(
                stockrecord.price, stockrecord.price, stockrecord.price_currency, "list",
                None, None, (), (), QuantityRule(product.min_order_quantity, product.pack_size),
            )  # fmt: skip
        return self.book.price(product, stockrecord, quantity)

    def quantity_rule(self, product, stockrecord=None) -> QuantityRule:
        stockrecord = stockrecord or self.select_stockrecord(product)
        resolved = self.resolve(product, stockrecord, quantity=10**9) if stockrecord else None
        if resolved is None:
            return QuantityRule(product.min_order_quantity, product.pack_size)
        return resolved.rule

    def availability_policy(self, product, stockrecord):
        """Oscar's stock check; only buyers of an active company are told the quantity."""
        policy = super().availability_policy(product, stockrecord)
        if self.company is None and isinstance(policy, StockRequired):
            return StockWithoutFigures(policy.num_available)
        return policy

    def pricing_policy(self, product, stockrecord, quantity: int | None = None):
        if not stockrecord or stockrecord.price is None:
            return UnavailablePrice()
        if self.book is None:
            return super().pricing_policy(product, stockrecord)
        quantity = quantity or max(1, product.min_order_quantity)
        resolved = self.book.price(product, stockrecord, quantity)
        return FixedPrice(
            currency=resolved.currency, excl_tax=resolved.unit_price, tax=Decimal("0.00")
        )

    def fetch_for_line(self, line, stockrecord=None):
        stockrecord = stockrecord or line.stockrecord
        quoted = getattr(line, "quoted_unit_price", None)
        if quoted is not None and stockrecord is not None:
            # A locked quoted price beats every list, and the quoted quantity was agreed
            # with its delivery: stock on hand does not limit it (the account manager
            # quoted beyond stock with the lead time in mind).
            return strategy.PurchaseInfo(
                price=FixedPrice(
                    currency=stockrecord.price_currency, excl_tax=quoted, tax=Decimal("0.00")
                ),
                availability=QuotedAvailability(),
                stockrecord=stockrecord,
            )
        if self.book is not None and not self.book.is_loaded(line.product_id) and line.basket_id:
            # First line priced on this request: load the whole basket at once.
            self.book.load([other.product for other in line.basket.all_lines()])
        if self.book is None or stockrecord is None:
            return self.fetch_for_product(line.product, stockrecord)
        return strategy.PurchaseInfo(
            price=self.pricing_policy(line.product, stockrecord, quantity=line.quantity),
            availability=self.availability_policy(line.product, stockrecord),
            stockrecord=stockrecord,
        )
