"""Search results: SKUs, part numbers and words, with facets (``shop.search.selectors``)."""

from django.contrib import messages
from django.utils.translation import gettext_lazy as _

from shop import selectors
from shop.search.listing import ProductListView

MAX_QUERY_LENGTH = 100


class FacetedSearchView(ProductListView):
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
