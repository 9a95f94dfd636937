"""One search over the shop's products and the site's content pages."""

from dataclasses import dataclass, field

from wagtail.models import Page, Site

PRODUCTS_SHOWN = 6
PAGES_SHOWN = 10


@dataclass
class SiteSearchResults:
    query: str
    products: list = field(default_factory=list)  # (product, its priced display or None)
    product_count: int = 0
    pages: list = field(default_factory=list)


def site_search(*, query: str, request) -> SiteSearchResults:
    """Return the first products (shop's search selector) and the live public pages matching."""
    from shop import selectors as shop_selectors
    from shop.catalogue import selectors as catalogue_selectors

    results = SiteSearchResults(query=query)
    if not query:
        return results
    products = shop_selectors.product_search(query=query)
    results.product_count = products.count()
    if results.product_count:
        first = list(products[:PRODUCTS_SHOWN])
        # Priced for this request's buyer (a visitor gets list prices or "log in for your
        # price"); a product that cannot be bought right now is listed without a price.
        displays = {
            display.product_id: display
            for display in catalogue_selectors.products_for_display(
                product_ids=[product.pk for product in first], request=request
            )
        }
        results.products = [(product, displays.get(product.pk)) for product in first]
    pages = Page.objects.live().public().exclude(depth=1)
    site = Site.find_for_request(request)
    if site is not None:
        pages = pages.descendant_of(site.root_page, inclusive=True)
    results.pages = list(pages.search(query)[:PAGES_SHOWN])
    return results
