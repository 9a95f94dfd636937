"""Pricing and availability strategy: the one hook every price on the site passes through."""

from collections.abc import Callable
from decimal import Decimal

from django.utils.translation import gettext as _
from oscar.apps.partner import strategy
from oscar.apps.partner.availability import Available, StockRequired
from oscar.apps.partner.prices import FixedPrice
from oscar.apps.partner.prices import Unavailable as UnavailablePrice

from shop.money import money_round
from shop.pricing.engine import PriceBook, QuantityRule, ResolvedPrice
from shop.tax.services import TaxEngine


class Selector(strategy.Selector):
    def strategy(self, request=None, user=None, **kwargs):
        member = getattr(request, "company_member", None) if request is not None else None
        company = member.company if member is not None and member.company.is_active else None
        return CompanyPricing(request, company=company)


def stock_refusal(num_available: int, quantity: int, *, tells_quantity: bool) -> tuple[bool, str]:
    """Oscar's stock check, refusing in a sentence that says what to do.

    Oscar's reasons ("a maximum of 5 can be bought", "no stock available") are fragments
    that the add form shows as they are.
    """
    if num_available <= 0:
        return False, _("This product is out of stock now: ask us for a delivery date.")
    if quantity > num_available:
        if not tells_quantity:
            return False, _("Not that many are in stock: order fewer.")
        return False, _("Only %(count)s in stock: order up to %(count)s.") % {
            "count": num_available
        }
    return True, ""


class StockWithoutFigures(StockRequired):
    """Stock-checked availability that does not tell the quantity on hand."""

    tells_quantity = False

    @property
    def message(self) -> str:
        return str(self.short_message)

    def is_purchase_permitted(self, quantity):
        return stock_refusal(self.num_available, quantity, tells_quantity=False)


class StockBelowMinimumAware(StockRequired):
    """Oscar's stock check, saying so when the stock on hand is below the minimum order.

    Such a product cannot be bought from stock at any quantity; Oscar would only say "a
    maximum of 4 can be bought", which the minimum order of 5 then refuses as well.
    ``minimum`` is called only when a purchase is checked, so listings cost nothing more.
    """

    def __init__(self, num_available, minimum: Callable[[], int]):
        super().__init__(num_available)
        self._minimum = minimum

    def is_purchase_permitted(self, quantity):
        if self.num_available > 0:
            minimum = self._minimum()
            if minimum > self.num_available:
                return False, _(
                    "At least %(minimum)s must be ordered, but only %(available)s are in "
                    "stock: ask for a quote with a lead time."
                ) % {"minimum": minimum, "available": self.num_available}
        return stock_refusal(self.num_available, quantity, tells_quantity=True)


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
        self._tax: TaxEngine | None = None
        self._ship_to_country: str | None = None

    # Tax: prices are net; the tax on top follows the buyer and the destination. Before
    # checkout knows the delivery address, the destination is the company's default
    # delivery country (the seller's country for visitors); checkout sets the chosen one.

    @property
    def tax(self) -> TaxEngine:
        if self._tax is None:
            self._tax = TaxEngine(company=self.company, ship_to_country=self._ship_to_country)
        return self._tax

    def ship_to(self, country: str | None) -> None:
        """Tax the following prices for delivery to ``country`` (None: the default)."""
        if country != self._ship_to_country:
            self._ship_to_country, self._tax = country, None

    def _price(self, product, currency: str, unit: Decimal, quantity: int = 1) -> FixedPrice:
        """A net unit price with its tax; the tax is rounded per line of ``quantity`` units."""
        quantity = max(1, quantity)
        line_tax = self.tax.line(product=product, net=unit * quantity).amount
        unit_tax = line_tax if quantity == 1 else (line_tax / quantity).quantize(Decimal("1e-10"))
        return FixedPrice(currency=currency, excl_tax=money_round(unit), tax=unit_tax)

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
        if stockrecord is None or stockrecord.price is None:
            return QuantityRule(product.min_order_quantity, product.pack_size)
        if self.book is None:
            return self.resolve(product, stockrecord, quantity=10**9).rule
        # The rule of the list that prices the largest quantity (resolve(..., 10**9).rule),
        # without the price's explanation: every basket line asks for it.
        return self.book.rule(product, stockrecord, quantity=10**9)

    def availability_policy(self, product, stockrecord):
        """Oscar's stock check; only buyers of an active company are told the quantity."""
        policy = super().availability_policy(product, stockrecord)
        if self.company is None and isinstance(policy, StockRequired):
            return StockWithoutFigures(policy.num_available)
        if type(policy) is StockRequired:
            return StockBelowMinimumAware(
                policy.num_available,
                lambda: self.quantity_rule(product, stockrecord).nearest(1),
            )
        return policy

    def pricing_policy(self, product, stockrecord, quantity: int | None = None):
        if not stockrecord or stockrecord.price is None:
            return UnavailablePrice()
        if self.book is None:
            return self._price(
                product, stockrecord.price_currency, stockrecord.price, quantity or 1
            )
        quantity = quantity or max(1, product.min_order_quantity)
        resolved = self.book.price(product, stockrecord, quantity)
        return self._price(product, resolved.currency, resolved.unit_price, quantity)

    def fetch_for_line(self, line, stockrecord=None):
        stockrecord = stockrecord or line.stockrecord
        quoted = getattr(line, "quoted_unit_price", None)
        if quoted is not None and stockrecord is not None:
            # A locked quoted price beats every list, and the quoted quantity was agreed
            # with its delivery: stock on hand does not limit it (the account manager
            # quoted beyond stock with the lead time in mind).
            currency = getattr(line, "price_currency", "") or stockrecord.price_currency
            stockrecord.allocation_beyond_stock = True
            return strategy.PurchaseInfo(
                price=self._price(line.product, currency, quoted, line.quantity),
                availability=QuotedAvailability(),
                stockrecord=stockrecord,
            )
        if self.book is not None and not self.book.is_loaded(line.product_id) and line.basket_id:
            # First line priced on this request: load the whole basket at once.
            self.book.load([other.product for other in line.basket.all_lines()])
        if stockrecord is None:
            return self.fetch_for_product(line.product, stockrecord)
        if self.book is None:
            return strategy.PurchaseInfo(
                price=self.pricing_policy(line.product, stockrecord, quantity=line.quantity),
                availability=self.availability_policy(line.product, stockrecord),
                stockrecord=stockrecord,
            )
        return strategy.PurchaseInfo(
            price=self.pricing_policy(line.product, stockrecord, quantity=line.quantity),
            availability=self.availability_policy(line.product, stockrecord),
            stockrecord=stockrecord,
        )
