"""Stock allocation at order placement: never more than is on hand, and never a deadlock.

Two buyers may both see the last units as available and place their orders at the same
moment. The allocation is one conditional ``UPDATE`` (the row is locked by it, and
PostgreSQL re-checks the condition once the other buyer's transaction ends), so exactly one
gets the units and the other a clear message. Oscar's ``OrderCreator`` allocates the lines
sorted by stock record, so concurrent placements take the row locks in one order.

A quoted line was agreed with its lead time and may go beyond the stock on hand; products
whose class does not track stock are never allocated.
"""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from oscar.apps.order.exceptions import UnableToPlaceOrder
from oscar.core.loading import get_model

from shop.errors import PortalError
from shop.validators import TextGuardMixin


class StockShortage(PortalError, UnableToPlaceOrder):
    """Fewer units are on hand than the order asks for (checkout shows the message)."""


def _shortage(*, stockrecord, quantity: int, available: int) -> StockShortage:
    product = stockrecord.product.get_title()
    if available <= 0:
        message = _(
            "%(product)s has just sold out (your order asks for %(quantity)s): remove it "
            "from your basket, or ask your account manager for a quote with a lead time."
        ) % {"product": product, "quantity": quantity}
    else:
        message = _(
            "Only %(available)s of %(product)s left in stock, and your order asks for "
            "%(quantity)s: lower the quantity in your basket to %(available)s and place the "
            "order again."
        ) % {"product": product, "available": available, "quantity": quantity}
    return StockShortage(message)


def stock_allocate(*, stockrecord, quantity: int) -> None:
    """Allocate ``quantity`` units of a stock record, or raise StockShortage if fewer are left."""
    if not stockrecord.can_track_allocations:
        return
    model = type(stockrecord)
    allocated = Coalesce(F("num_allocated"), Value(0))
    rows = model.objects.filter(pk=stockrecord.pk)
    if not getattr(stockrecord, "allocation_beyond_stock", False):
        rows = rows.filter(num_in_stock__gte=allocated + quantity)
    stockrecord.pre_save_signal()
    if not rows.update(num_allocated=allocated + quantity):
        stockrecord.refresh_from_db(fields=["num_in_stock", "num_allocated"])
        raise _shortage(
            stockrecord=stockrecord, quantity=quantity, available=stockrecord.net_stock_level
        )
    stockrecord.refresh_from_db(fields=["num_allocated"])
    stockrecord.post_save_signal()


def stock_reserve_for_basket(*, basket) -> None:
    """Lock the basket's stock records (in id order) and check the lines fit what is left.

    Call it inside the placement transaction before taking a card payment: the row locks
    are held until the transaction ends, so the allocation that follows cannot fail and no
    card is charged for units another buyer took a moment earlier.
    """
    lines = [
        line
        for line in basket.all_lines()
        if line.stockrecord_id
        and line.product.get_product_class().track_stock
        and getattr(line, "quoted_unit_price", None) is None
    ]
    if not lines:
        return
    model = type(lines[0].stockrecord)
    locked = {
        record.pk: record
        for record in model.objects.select_for_update()
        .filter(pk__in={line.stockrecord_id for line in lines})
        .order_by("pk")
    }
    wanted: dict[int, int] = {}
    for line in lines:
        wanted[line.stockrecord_id] = wanted.get(line.stockrecord_id, 0) + line.quantity
    for line in sorted(lines, key=lambda line: line.stockrecord_id):
        record = locked[line.stockrecord_id]
        if wanted[record.pk] > record.net_stock_level:
            record.product = line.product
            raise _shortage(
                stockrecord=record,
                quantity=wanted[record.pk],
                available=max(record.net_stock_level, 0),
            )


class DecimalCommaField(forms.DecimalField):
    """A decimal that also takes one decimal comma ("4,50"), as European spreadsheets write it."""

    def to_python(self, value):
        if isinstance(value, str) and value.count(",") == 1 and "." not in value:
            value = value.replace(",", ".")
        return super().to_python(value)


class StockItemForm(TextGuardMixin, forms.Form):
    sku = forms.CharField(label=gettext_lazy("SKU"), max_length=64, required=False)
    product_external_id = forms.CharField(
        label=gettext_lazy("product external ID"), max_length=64, required=False
    )
    partner = forms.CharField(label=gettext_lazy("partner"), max_length=128)
    partner_sku = forms.CharField(label=gettext_lazy("partner SKU"), max_length=128, required=False)
    num_in_stock = forms.IntegerField(
        label=gettext_lazy("number in stock"), min_value=0, max_value=2_000_000_000, required=False
    )
    price = DecimalCommaField(
        label=gettext_lazy("price"), min_value=Decimal("0"), max_digits=12, decimal_places=2,
        required=False,
    )  # fmt: skip
    price_currency = forms.RegexField(
        label=gettext_lazy("currency"), regex=r"^[A-Z]{3}$", required=False
    )

    def clean(self):
        data = super().clean()
        if not data.get("sku") and not data.get("product_external_id"):
            raise forms.ValidationError(_("Give the product's sku or product_external_id."))
        return data


STOCK_FIELDS = ("partner_sku", "num_in_stock", "price", "price_currency")


def stock_upsert(*, items: list[dict], atomic: bool, by_user, from_file: bool = False):
    """Create or update stock records (partner by code; product by sku or external id) in bulk.

    One record per partner and product; only the fields an item carries change. ``price``
    is the net list price in ``price_currency`` (the shop's currency when not given).
    """
    from shop.caching.services import cache_catalogue_bump
    from shop.catalogue import services as bulk

    Partner = get_model("partner", "Partner")  # noqa: N806
    Product = get_model("catalogue", "Product")  # noqa: N806
    StockRecord = get_model("partner", "StockRecord")  # noqa: N806

    plans = []
    for index, item in enumerate(items):
        item = item if isinstance(item, dict) else {}
        form = StockItemForm(data=item)
        result = bulk.ItemResult(index=index, key=str(item.get("sku") or "")[:64])
        if form.is_valid():
            data = form.cleaned_data
            product_key = data["sku"] or f"ext:{data['product_external_id']}"
            result.key = f"{data['partner']}/{product_key}"
        else:
            bulk.form_errors(result, form)
        bulk.key_formula_check(
            result, item, ("sku", "product_external_id", "partner", "partner_sku")
        )
        given = {
            name
            for name, value in item.items()
            if name in STOCK_FIELDS and (value not in ("", None) or not from_file)
        }
        plans.append([result, form.cleaned_data if not result.errors else {}, given, None])

    valid = [p for p in plans if not p[0].errors]
    codes = {p[1]["partner"] for p in valid}
    skus = {p[1]["sku"] for p in valid if p[1]["sku"]}
    external_ids = {p[1]["product_external_id"] for p in valid if p[1]["product_external_id"]}
    partners = {p.code: p for p in Partner.objects.filter(code__in=codes)} if codes else {}
    by_sku, by_external_id, upc_by_id = {}, {}, {}
    if skus or external_ids:
        for pk, upc, external_id in Product.objects.filter(
            Q(upc__in=skus) | Q(external_id__in=external_ids)
        ).values_list("pk", "upc", "external_id"):
            by_sku[upc] = pk
            by_external_id[external_id] = pk
            upc_by_id[pk] = upc
    for result, data, _given, _record in valid:
        if data["partner"] not in partners:
            result.error("partner", _("Unknown partner '%(code)s'.") % {"code": data["partner"]})
        sku, external_id = data["sku"], data["product_external_id"]
        product_id = by_sku.get(sku) if sku else None
        by_ext = by_external_id.get(external_id) if external_id else None
        if sku and product_id is None:
            result.error("sku", _("Unknown SKU '%(sku)s'.") % {"sku": sku})
        if external_id and by_ext is None:
            result.error(
                "product_external_id",
                _("Unknown product external id '%(id)s'.") % {"id": external_id},
            )
        if product_id and by_ext and product_id != by_ext:
            result.error(
                "product_external_id",
                _("This sku and this product_external_id belong to two different products."),
            )
        data["product_id"] = product_id or by_ext
        if not data["partner_sku"]:
            data["partner_sku"] = sku or upc_by_id.get(data["product_id"]) or ""

    valid = [p for p in valid if not p[0].errors]
    partner_ids = {partners[p[1]["partner"]].pk for p in valid}
    product_ids = {p[1]["product_id"] for p in valid}
    partner_skus = {p[1]["partner_sku"] for p in valid if p[1]["partner_sku"]}
    by_product, by_partner_sku = {}, {}
    if valid:
        for record in StockRecord.objects.filter(partner_id__in=partner_ids).filter(
            Q(product_id__in=product_ids) | Q(partner_sku__in=partner_skus)
        ):
            by_product[(record.partner_id, record.product_id)] = record
            by_partner_sku[(record.partner_id, record.partner_sku)] = record
    seen: dict[tuple, int] = {}
    seen_partner_sku: dict[tuple, int] = {}
    for plan in valid:
        result, data = plan[0], plan[1]
        partner_id = partners[data["partner"]].pk
        pair = (partner_id, data["product_id"])
        if pair in seen:
            result.error(
                None,
                _("The same partner and product as item %(index)s: send each once.")
                % {"index": seen[pair]},
            )
            continue
        seen[pair] = result.index
        record = by_product.get(pair)
        taken = by_partner_sku.get(
            (partner_id, data["partner_sku"] or (record and record.partner_sku))
        )
        if taken is not None and taken.product_id != data["product_id"]:
            result.error(
                "partner_sku",
                _("This partner already uses the partner SKU '%(sku)s' for another product.")
                % {"sku": taken.partner_sku},
            )
        elif record is None and not data["partner_sku"]:
            result.error("partner_sku", _("A new stock record needs a partner_sku."))
        written_sku = (partner_id, data["partner_sku"] or (record.partner_sku if record else ""))
        if written_sku in seen_partner_sku:
            result.error(
                "partner_sku",
                _("The same partner SKU as item %(index)s: send each once.")
                % {"index": seen_partner_sku[written_sku]},
            )
        seen_partner_sku[written_sku] = result.index
        plan[3] = record

    refused = bulk.bulk_refused([p[0] for p in plans], atomic=atomic)
    if refused:
        return refused
    now = timezone.now()
    to_create, to_update = [], []
    for result, data, given, record in plans:
        if result.errors:
            continue
        values = {name: data[name] for name in given}
        if "price_currency" not in given and record is None:
            values["price_currency"] = settings.OSCAR_DEFAULT_CURRENCY
        if "partner_sku" not in given and record is None:
            values["partner_sku"] = data["partner_sku"]
        if record is None:
            to_create.append(
                StockRecord(
                    partner_id=partners[data["partner"]].pk, product_id=data["product_id"], **values
                )
            )
            result.status = bulk.CREATED
            continue
        changed = [name for name, value in values.items() if getattr(record, name) != value]
        for name in changed:
            setattr(record, name, values[name])
        if changed:
            record.date_updated = now
            to_update.append(record)
            result.status = bulk.UPDATED
    try:
        with transaction.atomic():
            StockRecord.objects.bulk_create(to_create, batch_size=bulk.BATCH_SIZE)
            StockRecord.objects.bulk_update(
                to_update, [*STOCK_FIELDS, "date_updated"], batch_size=bulk.BATCH_SIZE
            )
            if to_create or to_update:
                cache_catalogue_bump()  # bulk writes send no signals: cached grids go stale
    except IntegrityError:
        raise bulk.BulkUpsertError(
            _("Another change to the same stock happened at the same moment: send it again.")
        ) from None
    from shop.search.services import search_index_update_on_commit

    # Bulk writes send no signals: the search index (stock now) learns of them here.
    search_index_update_on_commit(product_ids={r.product_id for r in (*to_create, *to_update)})
    return bulk.BulkResult(atomic=atomic, items=[p[0] for p in plans], applied=True)
