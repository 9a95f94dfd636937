"""Products and categories as other parts of the site show them (the CMS's product blocks).

Prices and stock come from the request's pricing strategy, so a buyer sees their company's
price and stock and a visitor the list price (or "log in for your price"). Products that
cannot be bought (withdrawn, deleted, no price, not available) are left out rather than
shown broken. Each function costs a fixed number of queries whatever the number of products.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from oscar.core.loading import get_class, get_model
from oscar.templatetags.currency_filters import currency

from shop import selectors
from shop.partner.stock import StockInfo
from shop.search.cards import product_cards
from shop.search.prime import prime_prices

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

# A category carousel looks at a few more products than it shows, so that some which turn
# out unavailable for this buyer do not leave it short.
CATEGORY_CANDIDATES_FACTOR = 3


@dataclass(frozen=True)
class ProductDisplay:
    """One product as a content block shows it, priced for the request's user."""

    product_id: int
    title: str
    url: str
    image: object  # Oscar ProductImage, or its MissingProductImage
    sku: str
    price: object  # Oscar price (exists, excl_tax, tax, currency, is_tax_known)
    availability: object
    stock: StockInfo | None
    price_text: str
    availability_text: str
    login_for_price: bool
    can_add: bool
    quantity: int
    has_options: bool
    part_number: str = ""  # the buyer company's own number (pages with it are not shared)


@dataclass(frozen=True)
class Viewer:
    """Whom to price for instead of the request's user: an editor previewing as an audience."""

    signed_in: bool
    company_id: int | None = None


@dataclass(frozen=True)
class _Priced:
    strategy: object  # what product_cards and prime_prices read from a request
    company_member: object = None  # whose part numbers the cards show (none for a preview)


def _priced(request, viewer: Viewer | None) -> _Priced:
    """The pricing strategy for the request's buyer, or for the viewer an editor poses as."""
    if viewer is not None:
        Company = get_model("companies", "Company")
        company = (
            Company.objects.filter(pk=viewer.company_id).first() if viewer.company_id else None
        )
        pricing = get_class("partner.strategy", "CompanyPricing")
        return _Priced(pricing(request, company=company if company and company.is_active else None))
    strategy = getattr(request, "strategy", None)
    if strategy is None:  # a request that did not pass Oscar's basket middleware
        selector = get_class("partner.strategy", "Selector")()
        strategy = selector.strategy(request=request, user=getattr(request, "user", None))
    return _Priced(strategy, getattr(request, "company_member", None))


def _displays(
    request, products, *, limit: int | None, viewer: Viewer | None
) -> list[ProductDisplay]:
    priced = _priced(request, viewer)
    prime_prices(priced, products)
    user = getattr(request, "user", None)
    signed_in = viewer.signed_in if viewer is not None else bool(user and user.is_authenticated)
    login_for_price = settings.SHOP_ANONYMOUS_PRICES == "login" and not signed_in
    shown = []
    for card in product_cards(priced, products):
        if not (card.price.exists and card.availability.is_available_to_buy):
            continue
        product = card.product
        if login_for_price:
            price_text = _("Log in for your price")
        elif card.price.excl_tax == 0:
            price_text = _("Free")
        else:
            price_text = currency(card.price.excl_tax, card.price.currency)
        shown.append(
            ProductDisplay(
                product_id=product.pk,
                title=product.get_title(),
                url=product.get_absolute_url(),
                image=product.primary_image(),
                sku=card.sku,
                price=card.price,
                availability=card.availability,
                stock=card.stock,
                price_text=str(price_text),
                availability_text=card.stock.label
                if card.stock
                else str(card.availability.short_message),
                login_for_price=login_for_price,
                can_add=card.can_add,
                quantity=card.quantity,
                has_options=bool(product.has_options),
                part_number=card.part_number,
            )
        )
        if limit is not None and len(shown) >= limit:
            break
    return shown


def products_for_display(
    *, product_ids: Sequence[int], request, limit: int | None = None, viewer: Viewer | None = None
) -> list[ProductDisplay]:
    """Return the buyable products among ``product_ids``, in that order, priced for the request."""
    ids = [pk for pk in dict.fromkeys(product_ids) if pk is not None]
    if not ids:
        return []
    found = {p.pk: p for p in selectors.product_list_queryset().filter(pk__in=ids)}
    products = [found[pk] for pk in ids if pk in found]
    return _displays(request, products, limit=limit, viewer=viewer)


def products_for_display_in_category(
    *, category_id: int, request, count: int, viewer: Viewer | None = None
) -> list[ProductDisplay]:
    """Return up to ``count`` buyable products of a public category (and its subcategories)."""
    category = Category.objects.filter(pk=category_id, is_public=True).first()
    if category is None or count < 1:
        return []
    candidates = list(
        selectors.products_in_category(category=category)[: count * CATEGORY_CANDIDATES_FACTOR]
    )
    return _displays(request, candidates, limit=count, viewer=viewer)


def categories_for_display(*, category_ids: Sequence[int]) -> list:
    """Return the public categories among ``category_ids`` in that order; none: the top level."""
    ids = [pk for pk in dict.fromkeys(category_ids) if pk is not None]
    if not ids:
        return selectors.category_top_level()
    found = Category.objects.filter(pk__in=ids, is_public=True).in_bulk()
    return [found[pk] for pk in ids if pk in found]


def product_choices(*, query: str) -> object:
    """Return browsable products for an editor's chooser, matching a name or SKU if given."""
    if query:
        return selectors.product_search(query=query)  # ranked: codes first, then words
    return selectors.product_list_queryset().order_by("title", "id")


def category_choices() -> object:
    """Return public categories for an editor's chooser, in tree order."""
    return Category.objects.filter(is_public=True).order_by("path")


# Products as the CRM's quotes read them (its front door instead of the models) -------------


@dataclass(frozen=True)
class ProductStock:
    """A product with its stock record's SKU, list price and cost price."""

    product: object  # Oscar Product
    sku: str
    price: object  # Decimal | None: the list price
    cost_price: object  # Decimal | None
    currency: str


def _product_stock(record) -> ProductStock:
    return ProductStock(
        record.product, record.partner_sku, record.price, record.cost_price, record.price_currency
    )


def product_stock(*, product_ids: Sequence[int]) -> dict[int, ProductStock]:
    """Each product (public or not) with its stock record, by product id; one query."""
    records = StockRecord.objects.select_related("product").filter(product_id__in=list(product_ids))
    return {record.product_id: _product_stock(record) for record in records}


def product_stock_for_sku(*, sku: str) -> ProductStock | None:
    """The public product sold under a SKU (case-insensitive), or None."""
    record = (
        StockRecord.objects.select_related("product")
        .filter(partner_sku__iexact=sku.strip(), product__is_public=True)
        .first()
    )
    return _product_stock(record) if record is not None else None


def products_priced(*, limit: int) -> list[ProductStock]:
    """The first products that have a list price, oldest stock record first (demo data)."""
    records = StockRecord.objects.select_related("product").filter(price__isnull=False)
    return [_product_stock(record) for record in records.order_by("id")[:limit]]


def product_cost_prices(*, product_ids: Sequence[int]) -> dict:
    """Each product's cost price (Decimal or None), by product id; one query."""
    return dict(
        StockRecord.objects.filter(product_id__in=list(product_ids)).values_list(
            "product_id", "cost_price"
        )
    )


def product_public(*, product_id: int):
    """The public product with this id, or None."""
    return Product.objects.filter(pk=product_id, is_public=True).first()


def products_by_id(*, product_ids: Sequence[int]) -> dict:
    """Products by id (public or not); one query."""
    return Product.objects.in_bulk(list(product_ids))
