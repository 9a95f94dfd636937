"""Writes over the catalogue: the ERP's bulk product upsert, and the result shape all bulk upserts share.

A bulk upsert checks every item first (a form per item, lookups for the whole batch at once),
then writes with ``bulk_create``/``bulk_update``, so the number of queries does not grow
with the number of items. ``atomic=True`` writes nothing when any item is wrong and returns
every error; ``atomic=False`` writes the good items and reports the bad ones.
"""

from dataclasses import dataclass, field

from django import forms
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from oscar.core.loading import get_model
from oscar.core.utils import slugify

from shop import uploads
from shop.caching.services import cache_catalogue_bump
from shop.errors import PortalError
from shop.validators import TextGuardMixin

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductClass = get_model("catalogue", "ProductClass")

CREATED, UPDATED, UNCHANGED, ERROR, SKIPPED = "created", "updated", "unchanged", "error", "skipped"
CATEGORY_SEPARATOR = " > "
BATCH_SIZE = 1000


class BulkUpsertError(PortalError):
    """A whole batch could not be written (e.g. another writer took a key at the same moment)."""

    http_status = 409


@dataclass
class ItemError:
    field: str | None  # the item's field the message is about; None for the whole item
    message: str

    def as_dict(self) -> dict:
        return {"field": self.field, "message": self.message}


@dataclass
class ItemResult:
    index: int  # position in the request's items (0-based), or the line of an uploaded file
    key: str
    status: str = UNCHANGED
    errors: list[ItemError] = field(default_factory=list)

    def error(self, name: str | None, message: str) -> None:
        self.errors.append(ItemError(name, str(message)))
        self.status = ERROR

    def as_dict(self) -> dict:
        return {
            "index": self.index,
            "key": self.key,
            "status": self.status,
            "errors": [e.as_dict() for e in self.errors],
        }


@dataclass
class BulkResult:
    """Per-item outcome of a bulk upsert; ``applied`` is False when nothing was written."""

    atomic: bool
    items: list[ItemResult]
    applied: bool = False

    @property
    def has_errors(self) -> bool:
        return any(item.errors for item in self.items)

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys((CREATED, UPDATED, UNCHANGED, ERROR, SKIPPED), 0)
        for item in self.items:
            counts[item.status] += 1
        return counts

    def as_dict(self) -> dict:
        return {
            "mode": "atomic" if self.atomic else "per_item",
            "applied": self.applied,
            "counts": self.counts(),
            "results": [item.as_dict() for item in self.items],
        }


def bulk_refused(results: list[ItemResult], *, atomic: bool) -> BulkResult | None:
    """The answer for an atomic batch with an error: nothing written, the good items skipped."""
    if not atomic or not any(r.errors for r in results):
        return None
    for result in results:
        if not result.errors:
            result.status = SKIPPED
    return BulkResult(atomic=True, items=results, applied=False)


def form_errors(result: ItemResult, form: forms.Form) -> None:
    """Copy a form's errors onto an item result, with the field names."""
    for name, messages in form.errors.items():
        for message in messages:
            result.error(None if name == "__all__" else name, message)


def key_formula_check(result: ItemResult, item: dict, names: tuple[str, ...]) -> None:
    """Refuse formula cells in the given fields (the shared rule of shop.uploads)."""
    for name in names:
        if uploads.is_formula(item.get(name)):
            result.error(name, uploads.formula_message())


def category_paths_by_id() -> dict[int, str]:
    """Every category's full path ("Bearings > Ball bearings") by its id, in one query."""
    rows = list(Category.objects.order_by("path").values_list("pk", "path", "depth", "name"))
    name_by_path = {path: name for _pk, path, _depth, name in rows}
    step = Category.steplen
    return {
        pk: CATEGORY_SEPARATOR.join(
            name_by_path.get(path[: step * level], "") for level in range(1, depth + 1)
        )
        for pk, path, depth, _name in rows
    }


def category_ids_by_path() -> dict[str, int]:
    """Every category by its full path (lower case), in one query.

    A category's own name also finds it when no other path uses that text.
    """
    paths = category_paths_by_id()
    by_path = {full.lower(): pk for pk, full in paths.items()}
    for pk, full in paths.items():
        by_path.setdefault(full.rsplit(CATEGORY_SEPARATOR, 1)[-1].lower(), pk)
    return by_path


class ProductItemForm(TextGuardMixin, forms.Form):
    sku = forms.CharField(label=gettext_lazy("SKU"), max_length=64, required=False)
    external_id = forms.CharField(label=gettext_lazy("external ID"), max_length=64, required=False)
    title = forms.CharField(label=gettext_lazy("title"), max_length=255, required=False)
    product_class = forms.CharField(
        label=gettext_lazy("product class"), max_length=128, required=False
    )
    category = forms.CharField(label=gettext_lazy("category"), max_length=1000, required=False)
    description = forms.CharField(
        label=gettext_lazy("description"), max_length=20000, required=False
    )
    is_public = forms.NullBooleanField(label=gettext_lazy("public"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("sku") and not data.get("external_id"):
            raise forms.ValidationError(_("Give a sku or an external_id."))
        return data


KEY_FIELDS = ("sku", "external_id")
PRODUCT_FIELDS = ("title", "description", "is_public", "external_id", "upc")


def _product_key(data: dict) -> str:
    return data.get("sku") or f"ext:{data.get('external_id')}"


@dataclass
class _Plan:
    result: ItemResult
    data: dict
    product: object | None = None
    category_id: int | None = None


def products_upsert(
    *, items: list[dict], atomic: bool, by_user, from_file: bool = False
) -> BulkResult:
    """Create or update products by sku (UPC) or external_id, in a fixed number of queries.

    Only the fields an item carries change on an existing product; a new one needs a title
    and a product class. A category path adds the product to that category (others stay).
    """
    text_fields = ("sku", "external_id", "product_class")
    if from_file:
        text_fields += ("title", "category")
    plans: list[_Plan] = []
    for index, item in enumerate(items):
        item = item if isinstance(item, dict) else {}
        form = ProductItemForm(data=item)
        result = ItemResult(index=index, key=str(item.get("sku") or "")[:64])
        if not form.is_valid():
            form_errors(result, form)
        else:
            result.key = _product_key(form.cleaned_data)
        key_formula_check(result, item, text_fields)
        given = {
            name
            for name, value in item.items()
            if name in ProductItemForm.base_fields
            # Keys are never cleared by an upsert; a file's empty cell means "not given".
            and (value not in ("", None) or (not from_file and name not in KEY_FIELDS))
        }
        data = {k: v for k, v in (form.cleaned_data or {}).items() if k in given}
        plans.append(_Plan(result, data))

    valid = [p for p in plans if not p.result.errors]
    skus = {p.data["sku"] for p in valid if p.data.get("sku")}
    external_ids = {p.data["external_id"] for p in valid if p.data.get("external_id")}
    by_sku, by_external_id = {}, {}
    if skus or external_ids:
        for product in Product.objects.filter(
            Q(upc__in=skus) | Q(external_id__in=external_ids)
        ).only("pk", "upc", "external_id", "title", "description", "is_public", "product_class"):
            if product.upc:
                by_sku[product.upc] = product
            if product.external_id:
                by_external_id[product.external_id] = product
    classes = {c.name.lower(): c for c in ProductClass.objects.all()}
    categories = category_ids_by_path() if any(p.data.get("category") for p in valid) else {}

    seen_sku: dict[str, int] = {}
    seen_external_id: dict[str, int] = {}
    for plan in valid:
        data, result = plan.data, plan.result
        sku, external_id = data.get("sku", ""), data.get("external_id", "")
        for value, seen, name in (
            (sku, seen_sku, "sku"),
            (external_id, seen_external_id, "external_id"),
        ):
            if value and value in seen:
                result.error(
                    name,
                    _("The same %(field)s as item %(index)s: send each product once.")
                    % {"field": name, "index": seen[value]},
                )
            elif value:
                seen[value] = result.index
        found_by_sku = by_sku.get(sku) if sku else None
        found_by_ext = by_external_id.get(external_id) if external_id else None
        if found_by_sku and found_by_ext and found_by_sku.pk != found_by_ext.pk:
            result.error(
                "external_id",
                _("This sku and this external_id belong to two different products."),
            )
        plan.product = found_by_sku or found_by_ext
        if "product_class" in data and data["product_class"]:
            product_class = classes.get(data["product_class"].lower())
            if product_class is None:
                result.error(
                    "product_class",
                    _("Unknown product class '%(name)s'.") % {"name": data["product_class"]},
                )
            data["product_class"] = product_class
        elif "product_class" in data:
            del data["product_class"]
        if data.get("category"):
            plan.category_id = categories.get(data["category"].strip().lower())
            if plan.category_id is None:
                result.error(
                    "category",
                    _(
                        "Unknown category '%(path)s': give its full path, e.g. 'Bearings > Ball bearings'."
                    )
                    % {"path": data["category"]},
                )
        if plan.product is None:
            if not data.get("title"):
                result.error("title", _("A new product needs a title."))
            if not data.get("product_class"):
                result.error("product_class", _("A new product needs a product class."))

    refused = bulk_refused([p.result for p in plans], atomic=atomic)
    if refused:
        return refused

    now = timezone.now()
    to_create, to_update, links = [], [], []
    for plan in plans:
        if plan.result.errors:
            continue
        data = dict(plan.data)
        if "sku" in data:
            data["upc"] = data.pop("sku")  # Oscar stores an empty UPC as NULL
        data.pop("category", None)
        if data.get("is_public") is None:
            data.pop("is_public", None)
        product = plan.product
        if product is None:
            data.setdefault("upc", "")
            product = Product(
                structure=Product.STANDALONE,
                slug=slugify(data["title"])[:128] or "product",
                **{k: v for k, v in data.items() if k in PRODUCT_FIELDS or k == "product_class"},
            )
            plan.product = product
            plan.result.status = CREATED
            to_create.append(product)
        else:
            changed = False
            for name, value in data.items():
                if name == "product_class":
                    if product.product_class_id != value.pk:
                        product.product_class, changed = value, True
                elif getattr(product, name) != value:
                    setattr(product, name, value)
                    changed = True
            if changed:
                product.date_updated = now
                plan.result.status = UPDATED
                to_update.append(product)
        if plan.category_id:
            links.append(plan)

    try:
        with transaction.atomic():
            Product.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
            Product.objects.bulk_update(
                to_update, [*PRODUCT_FIELDS, "product_class", "date_updated"], batch_size=BATCH_SIZE
            )
            if links:
                existing = set(
                    ProductCategory.objects.filter(
                        product_id__in=[p.product.pk for p in links]
                    ).values_list("product_id", "category_id")
                )
                new_links = [
                    ProductCategory(product_id=p.product.pk, category_id=p.category_id)
                    for p in links
                    if (p.product.pk, p.category_id) not in existing
                ]
                ProductCategory.objects.bulk_create(new_links, ignore_conflicts=True)
            if to_create or to_update or links:
                cache_catalogue_bump()  # bulk writes send no signals: cached grids go stale
                for plan in links:
                    if (plan.product.pk, plan.category_id) not in existing and (
                        plan.result.status == UNCHANGED
                    ):
                        plan.result.status = UPDATED
    except IntegrityError:
        raise BulkUpsertError(
            _("Another change to the same products happened at the same moment: send it again.")
        ) from None
    from shop.search.services import search_index_update_on_commit

    # Bulk writes send no signals: the search index learns of them here.
    search_index_update_on_commit(
        product_ids=[p.product.pk for p in plans if p.result.status in (CREATED, UPDATED)]
    )
    return BulkResult(atomic=atomic, items=[p.result for p in plans], applied=True)
