"""The base of every product listing (category, all products, search results).

Oscar routes these pages through haystack; its simple backend loads every product
into memory for each request. These list views keep Oscar's URLs, names and
templates' look, read through ``shop.selectors`` and cost a fixed number of queries.

The grid (result count, cards, pagination) is rendered once per audience and cached
(``shop.caching.grid``): on a hit the view runs no product, price or stock query.
"""

from django.conf import settings
from django.http import Http404
from django.template.loader import render_to_string
from django.views.generic import ListView
from django.views.generic.base import ContextMixin

from shop.caching.grid import CSRF_PLACEHOLDER, grid_cache_key, grid_csrf_fill, grid_get, grid_set
from shop.companies.permissions import ordering_refusal
from shop.search.cards import product_cards
from shop.search.prime import prime_prices


class ProductListView(ListView):
    context_object_name = "products"
    paginate_by = settings.OSCAR_PRODUCTS_PER_PAGE
    # The grid's fragment template and the view's name in the cache key (None: no cache).
    grid_template_name = "shop/partials/listing_grid.html"
    grid_cache_name: str | None = None

    def grid_cache_parts(self) -> list[str]:
        """What else (besides the query string, path and audience) changes this grid."""
        return []

    def grid_context(self, context: dict) -> dict:
        """Extra values for the grid fragment (on a miss only)."""
        return {}

    def grid_cache_extra(self, context: dict) -> dict:
        """Picklable values shown outside the grid, cached with it and restored on a hit."""
        return {}

    def get(self, request, *args, **kwargs):
        self.grid_key = None
        self.grid_hit = None
        if self.grid_cache_name:
            self.grid_key = grid_cache_key(
                request=request, name=self.grid_cache_name, parts=self.grid_cache_parts()
            )
            self.grid_hit = grid_get(key=self.grid_key)
        if self.grid_hit is not None:
            # Served from the cache: no product query, pricing or card building.
            self.object_list = ()
            return self.render_to_response(self.get_context_data())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        if self.grid_hit is not None:
            html, extra = self.grid_hit
            context = ContextMixin.get_context_data(self, **kwargs)
            context.update(extra)
            context["grid_html"] = grid_csrf_fill(request=self.request, html=html)
            context["grid_cached"] = True
            return context
        context = super().get_context_data(**kwargs)
        prime_prices(self.request, context["object_list"])
        context["cards"] = product_cards(self.request, context["object_list"])
        if self.grid_cache_name:
            html = self.grid_render(context)
            grid_set(key=self.grid_key, html=html, extra=self.grid_cache_extra(context))
            context["grid_html"] = grid_csrf_fill(request=self.request, html=html)
            context["grid_cached"] = False
        return context

    def grid_render(self, context: dict) -> str:
        """Render the grid fragment with the placeholder where the CSRF token goes."""
        user = getattr(self.request, "user", None)
        fragment = {
            "request": self.request,
            "cards": context["cards"],
            "products": context["object_list"],
            "paginator": context.get("paginator"),
            "page_obj": context.get("page_obj"),
            "is_paginated": context.get("is_paginated"),
            "ordering_refusal": ordering_refusal(
                member=getattr(self.request, "company_member", None)
            ),
            "hide_anonymous_prices": settings.SHOP_ANONYMOUS_PRICES == "login"
            and not (user and user.is_authenticated),
            "csrf_placeholder": CSRF_PLACEHOLDER,
            **self.grid_context(context),
        }
        return render_to_string(self.grid_template_name, fragment)

    def paginate_queryset(self, queryset, page_size):
        try:
            return super().paginate_queryset(queryset, page_size)
        except Http404:
            # A stale or mistyped page number shows the first page, not an error.
            self.kwargs.pop(self.page_kwarg, None)
            self.request.GET = self.request.GET.copy()
            self.request.GET[self.page_kwarg] = "1"
            return super().paginate_queryset(queryset, page_size)
