import logging

from django.core.cache import cache
from django.db.models import prefetch_related_objects
from oscar.apps.catalogue import views
from oscar.core.loading import get_model

from shop.caching.audience import audience_key, price_scopes
from shop.caching.prefetch import request_prefetch
from shop.caching.versions import versions_token
from shop.catalogue.templatetags.product_page_tags import recently_viewed_key
from shop.partnumbers import selectors as partnumber_selectors

FRAGMENTS = ("crumbs", "main")  # the {% pagecache %} names in catalogue/detail.html
PRODUCT_ROW_SECONDS = 3600  # the "catalogue" version makes a stale row unreachable

Product = get_model("catalogue", "Product")
logger = logging.getLogger(__name__)


class ProductDetailView(views.ProductDetailView):
    """Oscar's product page plus the buyer's tier table and how their price was built.

    The page's product part (gallery, price, stock, tiers, forms, information,
    recommendations) is cached per product and price audience (shop.caching), see
    shop/catalogue/templatetags/product_page_tags.py; on a cached copy the view skips the
    price book and the product's stock records, images and categories.
    """

    def get_queryset(self):
        return super().get_queryset().select_related("product_class", "parent__product_class")

    def get(self, request, *args, **kwargs):
        self.pagecache_audience = self.pagecache_key = None
        self.pagecache_found = {}
        # A query string may reach the page (a "next" link): only the plain URL is shared.
        if not request.GET:
            member = getattr(request, "company_member", None)
            role = member.role if member is not None else "-"
            # The role names a viewer's refusal text; the audience already separates o/r.
            self.pagecache_audience = ":".join(
                (audience_key(request), role, versions_token(scopes=price_scopes(request)))
            )
            self.pagecache_key = f"pagecache:product:{kwargs.get('pk')}:{self.pagecache_audience}"
            self._cached_product_and_fragments(kwargs.get("pk"))
        return super().get(request, *args, **kwargs)

    def _cached_product_and_fragments(self, pk) -> None:
        """The product's row and the page's fragments, from the cache in one round trip.

        The same round trip reads what the layout will ask for (shop.caching.prefetch):
        the header, footer and banner, the user's chrome and list choices, and the recently
        viewed products.

        The row (with its class and parent) is the same for everyone and is cached under
        the "catalogue" version, which every product, class or bulk catalogue write bumps;
        Oscar's view still checks the URL and whether the product may be shown. An unknown
        product is never cached: the database answers 404 each time.
        """
        row_key = f"pagecache:product-row:{pk}:{versions_token(scopes=['catalogue'])}"
        keys = [f"{self.pagecache_key}:{name}" for name in FRAGMENTS]
        viewed = recently_viewed_key(
            self.request, current_pk=int(pk), audience=self.pagecache_audience
        )
        try:
            # With the layout's entries (header, banner, the user's chrome and lists).
            found = request_prefetch(
                request=self.request, keys=[row_key, *keys, *([viewed] if viewed else [])]
            )
        except Exception:  # a cache outage costs the queries, never the page
            logger.warning("product page cache unavailable", exc_info=True)
            return
        self.pagecache_found = {key: found[key] for key in keys if key in found}
        product = found.get(row_key)
        if not isinstance(product, Product) or str(product.pk) != str(pk):
            product = self.get_object()  # Http404 for an unknown product
            try:
                cache.set(row_key, product, PRODUCT_ROW_SECONDS)
            except Exception:
                logger.warning("product row not cached", exc_info=True)
        self.object = product

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pagecache_key"] = self.pagecache_key
        context["pagecache_audience"] = self.pagecache_audience
        # Fetched with the product's row (get): a fragment found skips its rendering.
        context["pagecache_found"] = found = self.pagecache_found
        product = self.object
        if len(found) == len(FRAGMENTS):
            return context  # the fragments hold everything priced below
        # The buyer company's own number for the product, shown in the cached fragment: its
        # key holds the company (audience) and the company's version, which part-number
        # changes bump (shop.caching.receivers, the import).
        company_id = partnumber_selectors.shown_company_id(
            member=getattr(self.request, "company_member", None)
        )
        context["part_number"] = partnumber_selectors.part_numbers_for_products(
            company_id=company_id, product_ids=[product.pk]
        ).get(product.pk, "")
        # Every price and stock block on the page reads the stock records: load them once
        # (Oscar ran one query per block), with the categories for the price book.
        prefetch_related_objects([product], "stockrecords", "images", "categories")
        strategy = getattr(self.request, "strategy", None)
        if strategy is not None and hasattr(strategy, "resolve") and not product.is_parent:
            stockrecord = strategy.select_stockrecord(product)
            # Priced at the buyer's own minimum order (a price list may override the product's).
            minimum = strategy.quantity_rule(product, stockrecord).nearest(1)
            context["pricing"] = strategy.resolve(product, stockrecord, quantity=minimum)
        return context

    def get_alert_status(self):
        # Only a product that cannot be bought shows the alert: ask the database then.
        return super().get_alert_status
