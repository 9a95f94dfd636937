"""Product cards for listings, computed once per page instead of by template tags per card.

Oscar's ``render_product`` flattens the whole template context per product, asks the
strategy twice per card (price block and basket form) and renders a Django form per card;
on a 24-product page that was most of the time spent. A card holds what the template
shows, from one strategy call per product.
"""

from dataclasses import dataclass

from shop.partner.stock import StockInfo, stock_info
from shop.partnumbers import selectors as partnumber_selectors


@dataclass(frozen=True)
class ProductCard:
    product: object
    price: object  # Oscar price (exists, excl_tax, incl_tax, is_tax_known, currency)
    availability: object
    stock: StockInfo | None
    quantity: int  # what the card's "Add to basket" adds: the smallest valid quantity
    can_add: bool
    sku: str = ""  # buyers identify parts by SKU: every card shows it
    # The buyer company's own number for the product. Grids are cached per company
    # (shop.caching.audience), so it never reaches another company or a visitor.
    part_number: str = ""


def product_cards(request, products) -> list[ProductCard]:
    """One card per product, priced for this request's buyer (prime the strategy first).

    With the buyer company's part numbers beside our SKUs: one query for the page.
    """
    strategy = request.strategy
    products = list(products)
    part_numbers = partnumber_selectors.part_numbers_for_products(
        company_id=partnumber_selectors.shown_company_id(
            member=getattr(request, "company_member", None)
        ),
        product_ids=[product.pk for product in products],
    )
    cards = []
    for product in products:
        if product.is_parent:
            info = strategy.fetch_for_parent(product)
        else:
            info = strategy.fetch_for_product(product)
        record = info.stockrecord
        quantity = 1
        if record is not None and hasattr(strategy, "quantity_rule") and not product.is_parent:
            quantity = strategy.quantity_rule(product, record).nearest(1)
        can_add = (
            not product.is_parent
            and not product.has_options
            and info.price.exists
            and info.availability.is_available_to_buy
        )
        cards.append(
            ProductCard(
                product=product,
                price=info.price,
                availability=info.availability,
                stock=stock_info(record, strategy=strategy, product=product),
                quantity=quantity,
                can_add=can_add,
                sku=record.partner_sku if record is not None else (product.upc or ""),
                part_number=part_numbers.get(product.pk, ""),
            )
        )
    return cards
