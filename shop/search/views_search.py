"""Search results: SKUs, part numbers and words, with facets (``shop.search.selectors``).

The engine answers one query with the ranked matches, their facets, an exact match and a
"did you mean"; this view reads the GET parameters through ``ProductSearchForm``, sends an
exact code straight to its product, and shows one page of cards with the buyer's prices
and, beside our SKU, the buyer company's own part number.

The grid and what is shown around it (facets, suggestion, notes) are cached together by
``ProductListView``: on a hit neither the engine nor the database is asked.
"""

from dataclasses import replace
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from oscar.core.loading import get_model

from shop.catalogue import selectors as catalogue_selectors
from shop.search import selectors as search_selectors
from shop.search.forms import MAX_QUERY_LENGTH, ProductSearchForm, SearchCriteria
from shop.search.listing import ProductListView

__all__ = ["MAX_QUERY_LENGTH", "FacetedSearchView", "company_id_for"]

Category = get_model("catalogue", "Category")

SORT_CHOICES = (
    ("relevance", _("Relevance")),
    ("price", _("Price: low to high")),
    ("-price", _("Price: high to low")),
    ("name", _("Name: A to Z")),
)


def company_id_for(request) -> int | None:
    """The signed-in buyer's company (whose part numbers the search knows), or None."""
    member = getattr(request, "company_member", None)
    return member.company_id if member is not None else None


class _CountedPaginator(Paginator):
    """A paginator told the total: the engine counted the matches already."""

    def __init__(self, object_list, per_page, *, total: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._total = total

    @cached_property
    def count(self) -> int:
        return self._total


class _ExactMatch(Exception):
    """The query names one product: leave the listing for its page."""

    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


class FacetedSearchView(ProductListView):
    template_name = "oscar/search/results.html"
    grid_template_name = "shop/partials/search_grid.html"
    grid_cache_name = "search"

    def get(self, request, *args, **kwargs):
        self.form = ProductSearchForm(request.GET)
        self.criteria = self.form.criteria()
        self.company_id = company_id_for(request)
        self.selected_categories: dict[int, str] = {}
        self.outcome = None
        try:
            return super().get(request, *args, **kwargs)
        except _ExactMatch as exact:
            # Raised from get_queryset: the base view decides (cache) whether to search at all.
            return redirect(exact.url)

    def grid_cache_parts(self) -> list[str]:
        # Matches and cards show the company's own part numbers: never shared across companies.
        return [f"company:{self.company_id or '-'}"]

    def get_queryset(self):
        self.criteria = self._known_categories(self.criteria)
        if not self.criteria.query:
            return []
        self.outcome = search_selectors.product_search(
            query=self.criteria.query,
            company_id=self.company_id,
            filters=self.criteria.filters,
            sort=self.criteria.sort,
        )
        target = self._exact_target()
        if target is not None:
            raise _ExactMatch(target)
        return self.outcome.products

    def _known_categories(self, criteria: SearchCriteria) -> SearchCriteria:
        """Drop category ids that name no public category (one query, only when filtered)."""
        ids = criteria.filters.category_ids
        if not ids:
            return criteria
        self.selected_categories = dict(
            Category.objects.filter(pk__in=ids, is_public=True).values_list("pk", "name")
        )
        if len(self.selected_categories) == len(ids):
            return criteria
        notes = [*criteria.notes, _("A category in the address does not exist: left out.")]
        known = tuple(pk for pk in ids if pk in self.selected_categories)
        return replace(criteria, filters=replace(criteria.filters, category_ids=known), notes=notes)

    def _exact_target(self) -> str | None:
        """The product's page when the query is its code and the buyer did not narrow or page."""
        if not self.outcome.exact_product_id or self.criteria.filtered:
            return None
        if self.request.GET.get(self.page_kwarg) or self.request.GET.get("all"):
            return None
        product = catalogue_selectors.product_public(product_id=self.outcome.exact_product_id)
        return product.get_absolute_url() if product is not None else None

    def get_paginator(self, queryset, per_page, **kwargs):
        total = self.outcome.total if self.outcome is not None else 0
        return _CountedPaginator(queryset, per_page, total=total, **kwargs)

    def grid_context(self, context: dict) -> dict:
        # The cards carry the company's part numbers (shop.search.cards).
        cards = context["cards"]
        return {
            "cards": cards,
            "part_numbers": [(card.sku, card.part_number) for card in cards if card.part_number],
            "page_query": self._page_query(),
            "query": self.criteria.query,
        }

    def grid_cache_extra(self, context: dict) -> dict:
        return self._around_grid()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not context.get("grid_cached"):
            context.update(self._around_grid())
            if "grid_html" not in context:  # a base view without the grid cache
                context.update(self.grid_context(context))
        context.update(
            query=self.criteria.query,
            site_search_query=self.criteria.query,
            query_errors=self.form.errors.get("q", []),
            sort_choices=SORT_CHOICES,
            price_sort_limit=search_selectors.PRICE_SORT_LIMIT,
        )
        return context

    def _shown_sort(self) -> str:
        refused = self.outcome is not None and self.outcome.price_sort_refused
        return "relevance" if refused else self.criteria.sort

    def _page_query(self) -> str:
        return urlencode(replace(self.criteria, sort=self._shown_sort()).params())

    def _around_grid(self) -> dict:
        """What the page shows beside the grid; picklable, so it is cached with the grid."""
        outcome = self.outcome
        criteria = replace(self.criteria, notes=[str(note) for note in self.criteria.notes])
        return {
            "criteria": criteria,
            "notes": criteria.notes,
            "total": outcome.total if outcome else 0,
            "facets": self._facets() if outcome else None,
            "suggestion": outcome.suggestion if outcome else "",
            "suggestion_query": urlencode({"q": outcome.suggestion}) if outcome else "",
            "fuzzy": bool(outcome and outcome.fuzzy),
            "price_sort_refused": bool(outcome and outcome.price_sort_refused),
            "sort": self._shown_sort(),
            "page_query": self._page_query(),
        }

    def _facets(self) -> search_selectors.Facets:
        """The engine's facets, with the buyer's choices ticked even when nothing matches them."""
        facets = self.outcome.facets
        filters = self.criteria.filters
        chosen = {str(pk) for pk in filters.category_ids}
        categories = [replace(value, selected=value.value in chosen) for value in facets.categories]
        listed = {value.value for value in categories}
        categories += [
            search_selectors.FacetValue(
                value=str(pk),
                label=self.selected_categories.get(pk, str(pk)),
                count=0,
                selected=True,
            )
            for pk in filters.category_ids
            if str(pk) not in listed
        ]
        brands = [replace(value, selected=value.value in filters.brands) for value in facets.brands]
        listed = {value.value for value in brands}
        brands += [
            search_selectors.FacetValue(value=brand, label=brand, count=0, selected=True)
            for brand in filters.brands
            if brand not in listed
        ]
        return search_selectors.Facets(
            categories=categories, brands=brands, in_stock=facets.in_stock
        )
