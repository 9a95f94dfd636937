"""The base of every product listing (category, all products, search results).

Oscar routes these pages through haystack; its simple backend loads every product
into memory for each request. These list views keep Oscar's URLs, names and
templates' look, read through ``shop.selectors`` and cost a fixed number of queries.
"""

from django.conf import settings
from django.http import Http404
from django.views.generic import ListView

from shop.search.cards import product_cards
from shop.search.prime import prime_prices


class ProductListView(ListView):
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
