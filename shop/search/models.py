"""The product search index: one row per browsable product, kept current by receivers.

Holds what matching, ranking and facets read (title, codes normalized to letters and
digits, brand, categories with their ancestors, whether it is in stock now), never a
price: prices are the buyer's and come from the price book. PostgreSQL adds a weighted
search vector (GIN) and trigram indexes on the codes; SQLite keeps FTS5 tables beside
these rows (created by migration 0002, maintained by ``shop.search.index``).
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import models


class ProductSearchEntry(models.Model):
    product = models.OneToOneField(
        "catalogue.Product",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_entry",
    )
    title = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, allow_unicode=True)
    sku = models.CharField(max_length=128, blank=True)  # as written, for display
    manufacturer_part_number = models.CharField(max_length=64, blank=True)
    sku_code = models.CharField(max_length=128, blank=True, db_index=True)
    mpn_code = models.CharField(max_length=64, blank=True, db_index=True)
    upc_code = models.CharField(max_length=64, blank=True, db_index=True)
    # " SKU MPN UPC ": normalized codes between spaces, so that "% X" is a code prefix.
    codes = models.TextField(blank=True)
    brand = models.CharField(max_length=80, blank=True, db_index=True)
    # " 3 17 ": its categories and their ancestors, so that PostgreSQL counts the category
    # facet from the matched rows alone (a join cost one lookup per match).
    categories = models.TextField(blank=True, default="")
    in_stock = models.BooleanField(default=False)
    # PostgreSQL only: A = title and codes, B = brand and attribute values, C = description.
    document = SearchVectorField(null=True)

    class Meta:
        verbose_name = "product search entry"

    def __str__(self) -> str:
        return f"{self.sku} {self.title}"


class ProductSearchCategory(models.Model):
    """A product's category or one of its ancestors: category facets and filters."""

    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.CASCADE, related_name="+", db_index=True
    )
    category = models.ForeignKey("catalogue.Category", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["category", "product"], name="search_category_product_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product_id} in {self.category_id}"


class SearchTerm(models.Model):
    """A word of the product titles: the vocabulary "did you mean" corrects against."""

    term = models.CharField(max_length=64, unique=True)
    documents = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return self.term
