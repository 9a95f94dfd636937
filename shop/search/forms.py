"""The product search's GET parameters: query, facet filters, sort and what was left out.

A results page is linked, bookmarked and edited by hand: a bad filter or sort never makes
the page fail. What cannot be used is dropped and named in ``notes``; only a query the
database cannot take (a control character) makes the form invalid.
"""

from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext_lazy as _

from shop.search.selectors import SORTS, SearchFilters
from shop.validators import TextGuardMixin

MAX_QUERY_LENGTH = 100
MAX_FACET_VALUES = 20  # per facet: more is a crafted URL, not a buyer ticking boxes
MAX_BRAND_LENGTH = 100


class _QueryField(forms.CharField):
    """One line of words: runs of spaces, tabs and line breaks (pasted codes) become a space."""

    def to_python(self, value):
        return " ".join(super().to_python(value).split())


class _ListField(forms.Field):
    """Every value of a repeated GET parameter, as given (the form cleans them)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        return [value] if isinstance(value, str) else list(value)


@dataclass(frozen=True)
class SearchCriteria:
    query: str = ""
    filters: SearchFilters = SearchFilters()
    sort: str = "relevance"
    notes: list = field(default_factory=list)

    @property
    def filtered(self) -> bool:
        return bool(self.filters.category_ids or self.filters.brands or self.filters.in_stock)

    def params(self, *, sort: bool = True) -> list[tuple[str, str]]:
        """The GET parameters that reproduce these criteria (for links and pagination)."""
        pairs = [("q", self.query)]
        pairs += [("category", str(pk)) for pk in self.filters.category_ids]
        pairs += [("brand", brand) for brand in self.filters.brands]
        if self.filters.in_stock:
            pairs.append(("in_stock", "1"))
        if sort and self.sort != "relevance":
            pairs.append(("sort", self.sort))
        return pairs


class ProductSearchForm(TextGuardMixin, forms.Form):
    q = _QueryField(label=_("Search"), required=False, strip=True)
    category = _ListField(required=False)
    brand = _ListField(required=False)
    in_stock = forms.BooleanField(label=_("In stock now"), required=False)
    sort = forms.CharField(required=False)

    def clean_q(self) -> str:
        query = self.cleaned_data["q"]
        if len(query) > MAX_QUERY_LENGTH:
            self.add_note(
                _("Your search was shortened to its first %(limit)d characters.")
                % {"limit": MAX_QUERY_LENGTH}
            )
            query = query[:MAX_QUERY_LENGTH].rstrip()
        return query

    def clean_category(self) -> tuple[int, ...]:
        ids = []
        for value in self.cleaned_data["category"][:MAX_FACET_VALUES]:
            value = str(value).strip()
            if value.isascii() and value.isdigit() and 0 < int(value) < 2**31:
                ids.append(int(value))
            else:
                self.add_note(_("A category filter in the address was not understood: left out."))
        return tuple(dict.fromkeys(ids))

    def clean_brand(self) -> tuple[str, ...]:
        brands = []
        for value in self.cleaned_data["brand"][:MAX_FACET_VALUES]:
            value = " ".join(str(value).split())
            if value and len(value) <= MAX_BRAND_LENGTH and value.isprintable():
                brands.append(value)
            else:
                self.add_note(_("A brand filter in the address was not understood: left out."))
        return tuple(dict.fromkeys(brands))

    def clean_sort(self) -> str:
        sort = self.cleaned_data["sort"].strip() or "relevance"
        if sort not in SORTS:
            self.add_note(_("That sort order does not exist: sorted by relevance instead."))
            return "relevance"
        return sort

    def add_note(self, note) -> None:
        notes = self.__dict__.setdefault("notes", [])
        if note not in notes:
            notes.append(note)

    def criteria(self) -> SearchCriteria:
        """What to search for; a query the database cannot take searches for nothing."""
        self.is_valid()
        data = self.cleaned_data
        return SearchCriteria(
            query=data.get("q", "") if "q" not in self.errors else "",
            filters=SearchFilters(
                category_ids=data.get("category", ()),
                brands=data.get("brand", ()),
                in_stock=bool(data.get("in_stock")),
            ),
            sort=data.get("sort", "relevance"),
            notes=list(getattr(self, "notes", [])),
        )
