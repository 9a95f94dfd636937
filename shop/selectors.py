"""Read-only queries over the storefront, for the shop itself and for cms and crm_embedded."""

from django.db.models import Exists, OuterRef, QuerySet
from oscar.core.loading import get_model

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
StockRecord = get_model("partner", "StockRecord")


def category_top_level() -> list:
    """Return the public top-level categories in display order."""
    return list(Category.get_root_nodes().filter(is_public=True).order_by("path"))


def product_list_queryset() -> QuerySet:
    """Return browsable products with what a product card needs, in a fixed number of queries.

    Oscar's product card touches stock records, images, options and the product class
    per product; ``base_queryset`` prefetches and annotates them so that a listing page
    costs the same number of queries whatever its length.
    """
    # Oscar's base_queryset() also prefetches children and both option sets; a card needs
    # none of them (``has_options`` reads the two annotations), and Django's per-row
    # prefetch bookkeeping for them was a third of a listing's time. Categories are for
    # the buyer's price book (category price-list entries).
    Option = get_model("catalogue", "Option")
    return (
        Product.objects.browsable()
        .select_related("product_class")
        .annotate(
            has_product_class_options=Exists(
                Option.objects.filter(productclass=OuterRef("product_class"))
            ),
            has_product_options=Exists(Option.objects.filter(product=OuterRef("pk"))),
        )
        .prefetch_related("stockrecords", "images", "categories")
    )


def product_search(*, query: str):
    """Return browsable products matching the query, ranked by the search engine (codes first).

    The result pages like a queryset (count, slices) but cannot be filtered or re-ordered.
    """
    from shop.search.selectors import product_search as engine_search

    return engine_search(query=query).products


def products_in_category(*, category) -> QuerySet:
    """Return browsable products in a category or any of its descendants, newest first."""
    subtree = Category.objects.filter(
        path__startswith=category.path, depth__gte=category.depth
    ).values("pk")
    in_subtree = ProductCategory.objects.filter(product=OuterRef("pk"), category__in=subtree)
    return product_list_queryset().filter(Exists(in_subtree)).order_by("-date_created", "-id")
