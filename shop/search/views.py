"""Catalogue browsing (all products, a category) straight from the database.

Oscar's search app loads ``FacetedSearchView`` from this module: it lives in
``shop.search.views_search``.
"""

from django.http import HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from shop import selectors
from shop.search.listing import ProductListView
from shop.search.views_search import FacetedSearchView  # noqa: F401 (Oscar loads it from here)

Category = get_model("catalogue", "Category")


class CatalogueView(ProductListView):
    template_name = "oscar/catalogue/browse.html"
    grid_cache_name = "all"

    def get_queryset(self):
        return selectors.product_list_queryset().order_by("-date_created", "-id")

    def get_context_data(self, **kwargs):
        return super().get_context_data(summary=_("All products"), **kwargs)


class ProductCategoryView(ProductListView):
    template_name = "oscar/catalogue/category.html"
    grid_cache_name = "category"

    def grid_cache_parts(self) -> list[str]:
        return [str(self.category.pk)]

    def get(self, request, *args, **kwargs):
        self.category = get_object_or_404(Category, pk=kwargs["pk"], is_public=True)
        expected = self.category.get_absolute_url()
        if request.path != expected:
            return HttpResponsePermanentRedirect(expected)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.products_in_category(category=self.category)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            category=self.category, summary=self.category.name, **kwargs
        )
