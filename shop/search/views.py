"""Catalogue browsing and search straight from the database.

Oscar routes these pages through haystack; its simple backend loads every product
into memory for each request. These list views keep Oscar's URLs, names and
templates' look, read through ``shop.selectors`` and cost a fixed number of queries.
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView
from oscar.core.loading import get_model

from shop import selectors
from shop.search.cards import product_cards
from shop.search.prime import prime_prices

Category = get_model("catalogue", "Category")

MAX_QUERY_LENGTH = 100


class _ProductListView(ListView):
    context_object_name = "products"
    paginate_by = settings.OSCAR_PRODUCTS_PER_PAGE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        prime_prices(self.request, context["object_list"])
        context["cards"] = product_cards(self.request, context["object_list"])
        return context

    def paginate_queryset(self, queryset, page_size):
        try:
            return super().paginate_queryset(queryset, page_size)
        except Http404:
            # A stale or mistyped page number shows the first page, not an error.
            self.kwargs.pop(self.page_kwarg, None)
            self.request.GET = self.request.GET.copy()
            self.request.GET[self.page_kwarg] = "1"
            return super().paginate_queryset(queryset, page_size)


class CatalogueView(_ProductListView):
    template_name = "oscar/catalogue/browse.html"

    def get_queryset(self):
        return selectors.product_list_queryset().order_by("-date_created", "-id")

    def get_context_data(self, **kwargs):
        return super().get_context_data(summary=_("All products"), **kwargs)


class ProductCategoryView(_ProductListView):
    template_name = "oscar/catalogue/category.html"

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


class FacetedSearchView(_ProductListView):
    template_name = "oscar/search/results.html"

    def get_query(self) -> str:
        return " ".join(self.request.GET.get("q", "").split())[:MAX_QUERY_LENGTH]

    def get_queryset(self):
        query = self.get_query()
        if not query:
            return selectors.product_list_queryset().none()
        return selectors.product_search(query=query)

    def get(self, request, *args, **kwargs):
        if len(request.GET.get("q", "")) > MAX_QUERY_LENGTH:
            messages.info(request, _("Your search was shortened to its first 100 characters."))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.get_query(), **kwargs)
