"""The one place a buyer's price is decided, and explained.

Precedence, most specific first: a locked quoted price on a basket line (decided by the
strategy before it asks here) > the company's contract list > its customer group's list >
the list price. Within a list, a product's own entries beat its category's (the deepest
category wins), and the tier is the highest "from quantity" not above the quantity.
Lists outside their validity window, inactive, or in another currency never apply.

A ``PriceBook`` loads everything one page needs in a fixed number of queries
(``load(products)``), then answers from memory.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext, gettext_lazy, ngettext
from oscar.core.loading import get_model

from shop.money import money_round
from shop.pricing.models import PriceList, PriceListEntry, when_as_date

Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")

LAYERS = (
    ("contract", gettext_lazy("Your contract")),
    ("group", gettext_lazy("Your customer group's list")),
)


@dataclass(frozen=True)
class PriceStep:
    """One link of the chain shown under "how this price was built"."""

    label: str
    detail: str
    price: Decimal | None = None


class EntryRow(NamedTuple):
    """A price-list entry as plain values: building model instances costs more than pricing."""

    pk: int
    price_list_id: int
    product_id: int | None
    category_path: str | None
    kind: str
    value: Decimal
    min_quantity: int
    min_order_quantity: int | None
    order_multiple: int | None


ENTRY_FIELDS = ("pk", "price_list_id", "product_id", "category__path", "kind", "value",
                "min_quantity", "min_order_quantity", "order_multiple")  # fmt: skip


@dataclass(frozen=True)
class QuantityRule:
    min_order_quantity: int
    order_multiple: int

    def problem(self, quantity: int) -> str:
        """Say what is wrong with a quantity and propose the nearest valid one ('' if valid)."""
        if quantity < self.min_order_quantity:
            return gettext("The minimum order is %(minimum)s: order at least %(nearest)s.") % {
                "minimum": self.min_order_quantity,
                "nearest": self.nearest(quantity),
            }
        if quantity % self.order_multiple:
            lower = quantity - quantity % self.order_multiple
            upper = lower + self.order_multiple
            options = [q for q in (lower, upper) if q >= self.min_order_quantity]
            return gettext(
                "This is sold in packs of %(pack)s: %(quantity)s is not a multiple of %(pack)s. "
                "Order %(options)s."
            ) % {
                "pack": self.order_multiple,
                "quantity": quantity,
                "options": gettext(" or ").join(str(q) for q in options),
            }
        return ""

    def nearest(self, quantity: int) -> int:
        """The smallest valid quantity at or above the given one."""
        quantity = max(quantity, self.min_order_quantity)
        remainder = quantity % self.order_multiple
        return quantity if not remainder else quantity + self.order_multiple - remainder


@dataclass(frozen=True)
class ResolvedPrice:
    unit_price: Decimal
    list_price: Decimal
    currency: str
    source: str  # "list", "group", "contract" or "quote"
    price_list: PriceList | None
    entry: EntryRow | None
    tiers: tuple[tuple[int, Decimal], ...]
    chain: "tuple[PriceStep, ...] | Explanation"  # a sequence of steps either way
    rule: QuantityRule = field(default_factory=lambda: QuantityRule(1, 1))

    @property
    def is_discounted(self) -> bool:
        return self.unit_price < self.list_price


def _apply(entry: EntryRow, list_price: Decimal) -> Decimal:
    if entry.kind == PriceListEntry.Kind.PERCENT_OFF:
        return money_round(list_price * (Decimal(100) - entry.value) / Decimal(100))
    return money_round(entry.value)


def _explain(list_price, currency, skipped, applied) -> list[PriceStep]:
    """The steps of a price's explanation: the list price, lists passed over, the entry used."""
    chain = [PriceStep(gettext("List price"), f"{currency} {list_price}", list_price)]
    for label, price_list in skipped:
        chain.append(
            PriceStep(
                label,
                gettext("%(list)s is in %(its)s, not %(currency)s: not applied")
                % {"list": price_list.name, "its": price_list.currency, "currency": currency},
            )
        )
    if applied is not None:
        label, price_list, entry, scope, unit = applied
        scope_name = gettext("this product") if scope == "product" else gettext("its category")
        chain.append(PriceStep(label, f"{price_list.name} ({_window(price_list)})"))
        chain.append(
            PriceStep(
                gettext("Entry"),
                gettext("%(entry)s for %(scope)s")
                % {"entry": _describe(entry), "scope": scope_name},
            )
        )
        chain.append(PriceStep(gettext("Tier"), _from_quantity(entry.min_quantity), unit))
    return chain


class Explanation(Sequence):
    """A price's explanation steps, put into words when first read.

    Pricing a basket resolves every line's price several times a page and never shows the
    explanation; the product page does. The words are in the language active when the price
    was resolved, as if they had been built then.
    """

    __slots__ = ("_args", "_language", "_make", "_steps")

    def __init__(self, make, *args):
        self._make, self._args, self._language, self._steps = make, args, get_language(), None

    def _resolved(self) -> tuple[PriceStep, ...]:
        if self._steps is None:
            with translation.override(self._language):
                self._steps = tuple(self._make(*self._args))
            self._make = self._args = None
        return self._steps

    def __getitem__(self, index):
        return self._resolved()[index]

    def __len__(self) -> int:
        return len(self._resolved())

    def __iter__(self):
        return iter(self._resolved())

    def __eq__(self, other) -> bool:
        if isinstance(other, Explanation | tuple):
            return self._resolved() == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._resolved())

    def __repr__(self) -> str:
        return repr(self._resolved())


def _list_rule(tiers: list[EntryRow], base_rule: QuantityRule) -> QuantityRule:
    """A list's quantity rule for a product: its overrides hold for every tier, the first set."""
    return QuantityRule(
        next((e.min_order_quantity for e in tiers if e.min_order_quantity), None)
        or base_rule.min_order_quantity,
        next((e.order_multiple for e in tiers if e.order_multiple), None)
        or base_rule.order_multiple,
    )


def _describe(entry: EntryRow) -> str:
    if entry.kind == PriceListEntry.Kind.PERCENT_OFF:
        return gettext("%(value)s%% off list") % {"value": f"{entry.value.normalize():f}"}
    return gettext("fixed %(price)s") % {"price": money_round(entry.value)}


def _from_quantity(quantity: int) -> str:
    return ngettext("from %(count)d unit", "from %(count)d units", quantity) % {"count": quantity}


def _window(price_list: PriceList) -> str:
    """The list's validity in words: its dates are inclusive."""
    start, end = price_list.valid_from, price_list.valid_until
    dates = {
        "start": date_format(start, "j M Y") if start else "",
        "end": date_format(end, "j M Y") if end else "",
    }
    if start and end:
        return gettext("valid from %(start)s until %(end)s") % dates
    if start:
        return gettext("valid from %(start)s, no end date") % dates
    if end:
        return gettext("valid until %(end)s") % dates
    return gettext("no end date")


class PriceBook:
    """Negotiated prices of one company at one moment, loaded in bulk per page."""

    def __init__(self, *, company, when: datetime | None = None):
        self.company = company
        self.when = when or timezone.now()
        self._lists: dict[str, list[PriceList]] | None = None
        self._entries: dict[tuple, list[EntryRow]] = {}
        self._product_categories: dict[int, list[str]] = {}
        self._loaded: set[int] = set()
        self._seen_entries: set[int] = set()
        # price() answers, by everything they read: a page asks for the same line's price
        # several times (the line, its form's quantity rule, its row), so it is built once.
        self._resolved: dict[tuple, ResolvedPrice] = {}
        self._rules: dict[tuple, QuantityRule] = {}

    # Loading -----------------------------------------------------------------

    def lists(self) -> dict[str, list[PriceList]]:
        if self._lists is None:
            day = when_as_date(self.when)  # validity dates are inclusive days
            condition = Q(company=self.company)
            if self.company.customer_group_id:
                condition |= Q(customer_group_id=self.company.customer_group_id)
            valid = (
                PriceList.objects.filter(condition, is_active=True)
                .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
                .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
                .order_by("-valid_from", "-id")
            )
            self._lists = {"contract": [], "group": []}
            for price_list in valid:
                self._lists["contract" if price_list.company_id else "group"].append(price_list)
        return self._lists

    def is_loaded(self, product_id: int) -> bool:
        return product_id in self._loaded

    def load(self, products) -> None:
        """Fetch the entries for these products (and their categories) in one or two queries.

        Products from ``shop.selectors.product_list_queryset`` carry their categories
        prefetched; others cost one more query for their category paths.
        """
        products = [p for p in products if p.pk not in self._loaded]
        if not products:
            return
        self._resolved.clear()
        self._rules.clear()
        lists = [pl for layer in self.lists().values() for pl in layer]
        self._loaded |= {p.pk for p in products}
        if not lists:
            return
        paths_by_product: dict[int, set[str]] = {p.pk: set() for p in products}
        unknown = []
        for product in products:
            cached = getattr(product, "_prefetched_objects_cache", {}).get("categories")
            if cached is None:
                unknown.append(product.pk)
            else:
                paths_by_product[product.pk].update(c.path for c in cached)
        if unknown:
            for product_id, path in ProductCategory.objects.filter(
                product_id__in=unknown
            ).values_list("product_id", "category__path"):
                paths_by_product[product_id].add(path)
        steplen = Category.steplen
        all_paths = set()
        for product_id, paths in paths_by_product.items():
            # Every category and ancestor of the product, deepest first.
            expanded = {
                path[: d * steplen] for path in paths for d in range(1, len(path) // steplen + 1)
            }
            self._product_categories[product_id] = sorted(expanded, key=lambda p: (-len(p), p))
            all_paths |= expanded
        rows = (
            PriceListEntry.objects.filter(price_list__in=lists)
            .filter(Q(product_id__in=paths_by_product) | Q(category__path__in=all_paths))
            .order_by("min_quantity")
            .values_list(*ENTRY_FIELDS)
        )
        for row in rows:
            entry = EntryRow(*row)
            if entry.pk in self._seen_entries:
                continue  # a category entry already loaded for an earlier set of products
            self._seen_entries.add(entry.pk)
            key = (
                (entry.price_list_id, "product", entry.product_id)
                if entry.product_id
                else (entry.price_list_id, "category", entry.category_path)
            )
            self._entries.setdefault(key, []).append(entry)

    # Resolution --------------------------------------------------------------

    def _tiers_for(self, price_list: PriceList, product) -> tuple[list[EntryRow], str]:
        own = self._entries.get((price_list.pk, "product", product.pk))
        if own:
            return own, "product"
        for path in self._product_categories.get(product.pk, []):
            entries = self._entries.get((price_list.pk, "category", path))
            if entries:
                return entries, "category"  # read as "its category" in the explanation
        return [], ""

    def price(self, product, stockrecord, quantity: int = 1) -> ResolvedPrice:
        """Resolve the unit price of a product for a quantity, with its explanation.

        Answers are kept for the book's life (one request): the key holds every value of the
        product and stock record that the answer reads, and the language of its explanation.
        """
        if not self.is_loaded(product.pk):
            self.load([product])
        if product.pk is None or stockrecord.pk is None:
            return self._price(product, stockrecord, quantity)
        key = (
            product.pk, product.min_order_quantity, product.pack_size, stockrecord.pk,
            stockrecord.price, stockrecord.price_currency, quantity, get_language(),
        )  # fmt: skip
        resolved = self._resolved.get(key)
        if resolved is None:
            resolved = self._resolved[key] = self._price(product, stockrecord, quantity)
        return resolved

    def rule(self, product, stockrecord, quantity: int = 1) -> QuantityRule:
        """``price(product, stockrecord, quantity).rule`` without building the explanation.

        Every line of a basket asks for its quantity rule (its form's input, its validation):
        the same walk over the lists as ``price``, kept for the book's life like its answers.
        """
        if not self.is_loaded(product.pk):
            self.load([product])
        key = (product.pk, product.min_order_quantity, product.pack_size,
               stockrecord.price_currency, quantity)  # fmt: skip
        rule = self._rules.get(key)
        if rule is None:
            rule = self._rules[key] = self._rule(product, stockrecord.price_currency, quantity)
        return rule

    def _rule(self, product, currency: str, quantity: int) -> QuantityRule:
        base_rule = QuantityRule(product.min_order_quantity, product.pack_size)
        for layer, _label in LAYERS:
            for price_list in self.lists()[layer]:
                if price_list.currency != currency:
                    continue
                tiers, _scope = self._tiers_for(price_list, product)
                if any(e.min_quantity <= quantity for e in tiers):
                    return _list_rule(tiers, base_rule)
        return base_rule

    def _price(self, product, stockrecord, quantity: int) -> ResolvedPrice:
        list_price = stockrecord.price
        currency = stockrecord.price_currency
        base_rule = QuantityRule(product.min_order_quantity, product.pack_size)
        skipped = []  # (layer label, list) of the lists in another currency, in order
        for layer, label in LAYERS:
            for price_list in self.lists()[layer]:
                if price_list.currency != currency:
                    skipped.append((label, price_list))
                    continue
                tiers, scope = self._tiers_for(price_list, product)
                applicable = [e for e in tiers if e.min_quantity <= quantity]
                if not applicable:
                    continue
                entry = applicable[-1]
                unit = _apply(entry, list_price)
                table = tuple((e.min_quantity, _apply(e, list_price)) for e in tiers)
                chain = Explanation(
                    _explain, list_price, currency, skipped, (label, price_list, entry, scope, unit)
                )
                rule = _list_rule(tiers, base_rule)
                return ResolvedPrice(
                    unit, list_price, currency, layer, price_list, entry, table, chain, rule
                )
        chain = Explanation(_explain, list_price, currency, skipped, None)
        return ResolvedPrice(
            list_price, list_price, currency, "list", None, None, (), chain, base_rule
        )
