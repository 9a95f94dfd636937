"""One search over the shop's products and the site's content pages."""

from dataclasses import dataclass, field

from wagtail.models import Page, Site

PRODUCTS_SHOWN = 6
PAGES_SHOWN = 10


@dataclass
class SiteSearchResults:
    query: str
    products: list = field(default_factory=list)  # (product, priced display or None, part no.)
    product_count: int = 0
    pages: list = field(default_factory=list)
    exact_url: str = ""  # the query is one product's code: its page
    suggestion: str = ""  # "did you mean" from the product search
    fuzzy: bool = False  # the products shown are near matches, not matches


def site_search(*, query: str, request, company_id: int | None = None) -> SiteSearchResults:
    """Return the best products (ranked by the shop's search engine) and the live public pages."""
    from shop.catalogue import selectors as catalogue_selectors
    from shop.partnumbers import selectors as partnumber_selectors
    from shop.search import selectors as search_selectors

    results = SiteSearchResults(query=query)
    if not query:
        return results
    outcome = search_selectors.product_search(query=query, company_id=company_id)
    if outcome.exact_product_id:
        product = catalogue_selectors.product_public(product_id=outcome.exact_product_id)
        if product is not None:
            results.exact_url = product.get_absolute_url()
            return results  # the view goes to the product: nothing else to look up
    results.product_count = outcome.total
    results.suggestion = outcome.suggestion
    results.fuzzy = outcome.fuzzy
    if results.product_count:
        first = list(outcome.products[:PRODUCTS_SHOWN])
        ids = [product.pk for product in first]
        # Priced for this request's buyer (a visitor gets list prices or "log in for your
        # price"); a product that cannot be bought right now is listed without a price.
        displays = {
            display.product_id: display
            for display in catalogue_selectors.products_for_display(
                product_ids=ids, request=request
            )
        }
        part_numbers = partnumber_selectors.part_numbers_for_products(
            company_id=company_id, product_ids=ids
        )
        results.products = [
            (product, displays.get(product.pk), part_numbers.get(product.pk, ""))
            for product in first
        ]
    pages = Page.objects.live().public().exclude(depth=1)
    site = Site.find_for_request(request)
    if site is not None:
        pages = pages.descendant_of(site.root_page, inclusive=True)
    results.pages = list(pages.search(query)[:PAGES_SHOWN])
    return results
