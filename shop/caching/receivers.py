"""Bump the cache versions when what a cached page shows changes (products, stock, prices).

Every receiver bumps now and after commit (``version_bump_safely``) and never raises. A
stock record bumps only when what a page shows of it changes: its list price, SKU, lead
time, or its stock as shown (the number on hand, or with ``SHOP_STOCK_DISPLAY = "band"``
only the band), so a sale that leaves a product "In stock" keeps the grids cached.
Bulk writes that send no signals call ``version_bump_safely`` themselves (price-list
import and copy, the ERP's product and stock upserts).
"""

import logging

from django.conf import settings
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from oscar.core.loading import get_model

from shop.caching.services import basket_scopes, price_list_scopes
from shop.caching.versions import version_bump_safely

logger = logging.getLogger(__name__)

STOCK_SHOWN_FIELDS = (
    "price", "price_currency", "partner_sku", "lead_time_days", "num_in_stock", "num_allocated",
)  # fmt: skip


def stock_shown(*, num_in_stock, num_allocated, **fields) -> tuple:
    """What a page shows of a stock record: a change of this tuple makes grids stale."""
    available = max((num_in_stock or 0) - (num_allocated or 0), 0)
    code = (
        "outofstock"
        if available == 0
        else "lowstock"
        if available < settings.SHOP_STOCK_LOW_BELOW
        else "instock"
    )
    shown = code if settings.SHOP_STOCK_DISPLAY == "band" else available
    return (*(fields.get(name) for name in STOCK_SHOWN_FIELDS[:4]), shown)


def _bump(*scopes: str) -> None:
    try:
        version_bump_safely(scopes=list(scopes))
    except Exception:  # never fail the write that changed the data
        logger.exception("Cache version bump failed for %s", scopes)


def _catalogue_changed(sender, **kwargs) -> None:
    _bump("catalogue")


def _stockrecord_before(sender, instance, raw=False, **kwargs) -> None:
    if raw or instance.pk is None:
        instance._shown_before = None
        return
    try:
        row = sender.objects.filter(pk=instance.pk).values(*STOCK_SHOWN_FIELDS).first()
        instance._shown_before = stock_shown(**row) if row else None
    except Exception:
        logger.exception("Could not read the stock record before saving")
        instance._shown_before = None


def _stockrecord_after(sender, instance, created=False, raw=False, **kwargs) -> None:
    before = getattr(instance, "_shown_before", None)
    try:
        row = sender.objects.filter(pk=instance.pk).values(*STOCK_SHOWN_FIELDS).first()
        after = stock_shown(**row) if row else None
    except Exception:
        logger.exception("Could not read the stock record after saving")
        after = None
    if created or before is None or after is None or before != after:
        # The list price feeds every audience's price (percent-off contracts too).
        _bump("catalogue", "prices")


def _stockrecord_deleted(sender, instance, **kwargs) -> None:
    _bump("catalogue", "prices")


def _price_list_scopes(price_list) -> list[str]:
    return price_list_scopes(price_list=price_list)


def _price_list_before(sender, instance, raw=False, **kwargs) -> None:
    instance._scopes_before = []
    if instance.pk is not None and not raw:
        old = sender.objects.filter(pk=instance.pk).only("company", "customer_group").first()
        instance._scopes_before = _price_list_scopes(old) if old is not None else []


def _price_list_changed(sender, instance, **kwargs) -> None:
    # A list moved to another company or group leaves stale prices at the old one too.
    _bump(*{*getattr(instance, "_scopes_before", []), *_price_list_scopes(instance)})


def _entry_changed(sender, instance, **kwargs) -> None:
    PriceList = get_model("pricing", "PriceList")  # noqa: N806
    price_list = PriceList.objects.filter(pk=instance.price_list_id).first()
    _bump(*(_price_list_scopes(price_list) if price_list is not None else ["prices"]))


def _company_changed(sender, instance, **kwargs) -> None:
    company_id = getattr(instance, "company_id", None) or instance.pk
    _bump(f"prices:company:{company_id}")


def _prices_changed(sender, **kwargs) -> None:
    _bump("prices")


def _basket_scopes(basket_ids) -> list[str]:
    return basket_scopes(basket_ids=basket_ids)


def _basket_changed(sender, instance, **kwargs) -> None:
    if getattr(instance, "basket_id", None):  # a line
        _bump(*_basket_scopes([instance.basket_id]))
    elif instance.pk:  # the basket itself (it may be deleted already: use its owner field)
        owner = getattr(instance, "owner_id", None)
        _bump(f"basket:{instance.pk}", *([f"basket:user:{owner}"] if owner else []))


def _line_attribute_changed(sender, instance, **kwargs) -> None:
    Line = get_model("basket", "Line")  # noqa: N806
    ids = Line.objects.filter(pk=instance.line_id).values_list("basket_id", flat=True)
    _bump(*_basket_scopes(list(ids)))


def _vouchers_changed(sender, instance, pk_set=None, reverse=False, **kwargs) -> None:
    _bump(*_basket_scopes(list(pk_set or []) if reverse else [instance.pk]))


def _notification_changed(sender, instance, **kwargs) -> None:
    _bump(f"user:{instance.recipient_id}")


def _user_rights_changed(sender, instance, pk_set=None, reverse=False, action="", **kwargs):
    if not action.startswith("post_"):
        return
    if not reverse:
        _bump(f"user:{instance.pk}")
    elif pk_set:
        _bump(*(f"user:{pk}" for pk in pk_set))
    else:  # e.g. group.user_set.clear(): which users is not known any more
        _bump("perms")


def _all_rights_changed(sender, **kwargs) -> None:
    _bump("perms")


def _requisition_list_before(sender, instance, raw=False, **kwargs) -> None:
    # The lists' owners never change today; if one did, the old owner's choices are stale.
    if raw or instance.pk is None:
        return
    try:
        before = sender.objects.filter(pk=instance.pk).values_list("owner_id", flat=True).first()
    except Exception:
        logger.exception("Could not read the requisition list before saving")
        return
    if before is not None and before != instance.owner_id:
        _bump(f"lists:user:{before}")


def _requisition_list_changed(sender, instance, **kwargs) -> None:
    _bump(f"lists:user:{instance.owner_id}")


def connect() -> None:
    """Connect the invalidation receivers (called once from CachingConfig.ready)."""
    uid = "shop_caching"
    for label, name in (
        ("catalogue", "Product"),
        ("catalogue", "Category"),
        ("catalogue", "ProductCategory"),
        ("catalogue", "ProductImage"),
        ("catalogue", "ProductClass"),
    ):
        model = get_model(label, name)
        post_save.connect(_catalogue_changed, sender=model, dispatch_uid=f"{uid}.{name}.save")
        post_delete.connect(_catalogue_changed, sender=model, dispatch_uid=f"{uid}.{name}.del")
    Product = get_model("catalogue", "Product")  # noqa: N806
    m2m_changed.connect(
        _catalogue_changed, sender=Product.categories.through, dispatch_uid=f"{uid}.categories"
    )

    StockRecord = get_model("partner", "StockRecord")  # noqa: N806
    pre_save.connect(_stockrecord_before, sender=StockRecord, dispatch_uid=f"{uid}.sr.pre")
    post_save.connect(_stockrecord_after, sender=StockRecord, dispatch_uid=f"{uid}.sr.save")
    post_delete.connect(_stockrecord_deleted, sender=StockRecord, dispatch_uid=f"{uid}.sr.del")

    PriceList = get_model("pricing", "PriceList")  # noqa: N806
    PriceListEntry = get_model("pricing", "PriceListEntry")  # noqa: N806
    pre_save.connect(_price_list_before, sender=PriceList, dispatch_uid=f"{uid}.pl.pre")
    post_save.connect(_price_list_changed, sender=PriceList, dispatch_uid=f"{uid}.pl.save")
    post_delete.connect(_price_list_changed, sender=PriceList, dispatch_uid=f"{uid}.pl.del")
    post_save.connect(_entry_changed, sender=PriceListEntry, dispatch_uid=f"{uid}.ple.save")
    post_delete.connect(_entry_changed, sender=PriceListEntry, dispatch_uid=f"{uid}.ple.del")

    # A company's tax facts (country, VAT number, delivery address, exemption), its group
    # and its part numbers are part of what its grids show.
    for label, name in (
        ("companies", "Company"),
        ("companies", "CompanyAddress"),
        ("tax", "TaxExemption"),
        ("partnumbers", "CustomerPartNumber"),
    ):
        model = get_model(label, name)
        post_save.connect(_company_changed, sender=model, dispatch_uid=f"{uid}.{name}.save")
        post_delete.connect(_company_changed, sender=model, dispatch_uid=f"{uid}.{name}.del")
    for name in ("TaxRate", "ProductClassTax"):
        model = get_model("tax", name)
        post_save.connect(_prices_changed, sender=model, dispatch_uid=f"{uid}.{name}.save")
        post_delete.connect(_prices_changed, sender=model, dispatch_uid=f"{uid}.{name}.del")

    # The page chrome: basket summary, unread notifications, staff areas.
    Basket = get_model("basket", "Basket")  # noqa: N806
    for name in ("Basket", "Line"):
        model = get_model("basket", name)
        post_save.connect(_basket_changed, sender=model, dispatch_uid=f"{uid}.{name}.save")
        post_delete.connect(_basket_changed, sender=model, dispatch_uid=f"{uid}.{name}.del")
    LineAttribute = get_model("basket", "LineAttribute")  # noqa: N806
    post_save.connect(_line_attribute_changed, sender=LineAttribute, dispatch_uid=f"{uid}.la.save")
    post_delete.connect(_line_attribute_changed, sender=LineAttribute, dispatch_uid=f"{uid}.la.del")
    m2m_changed.connect(
        _vouchers_changed, sender=Basket.vouchers.through, dispatch_uid=f"{uid}.vouchers"
    )
    ConditionalOffer = get_model("offer", "ConditionalOffer")  # noqa: N806
    post_save.connect(_prices_changed, sender=ConditionalOffer, dispatch_uid=f"{uid}.offer.save")
    post_delete.connect(_prices_changed, sender=ConditionalOffer, dispatch_uid=f"{uid}.offer.del")
    Notification = get_model("communication", "Notification")  # noqa: N806
    post_save.connect(_notification_changed, sender=Notification, dispatch_uid=f"{uid}.n.save")
    post_delete.connect(_notification_changed, sender=Notification, dispatch_uid=f"{uid}.n.del")

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission

    User = get_user_model()  # noqa: N806
    for through in (User.groups.through, User.user_permissions.through):
        m2m_changed.connect(_user_rights_changed, sender=through, dispatch_uid=f"{uid}.{through}")
    m2m_changed.connect(
        _all_rights_changed, sender=Group.permissions.through, dispatch_uid=f"{uid}.groupperms"
    )
    for model in (Group, Permission):
        post_save.connect(_all_rights_changed, sender=model, dispatch_uid=f"{uid}.{model}.save")
        post_delete.connect(_all_rights_changed, sender=model, dispatch_uid=f"{uid}.{model}.del")

    from shop.bulk.models import RequisitionList

    # The "save to list" choices (shop.bulk.selectors.list_choices_for_member).
    pre_save.connect(_requisition_list_before, sender=RequisitionList, dispatch_uid=f"{uid}.rl.pre")
    post_save.connect(
        _requisition_list_changed, sender=RequisitionList, dispatch_uid=f"{uid}.rl.save"
    )
    post_delete.connect(
        _requisition_list_changed, sender=RequisitionList, dispatch_uid=f"{uid}.rl.del"
    )
