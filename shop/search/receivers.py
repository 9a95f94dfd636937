"""Keep the search index in step with products, stock records and attribute values.

Receivers pass ids, update after commit and never raise into the request.
"""

import logging

from django.db.models.signals import m2m_changed, post_delete, post_save
from oscar.core.loading import get_model

logger = logging.getLogger(__name__)


def _queue(product_ids) -> None:
    from shop.search.services import search_index_update_on_commit

    try:
        search_index_update_on_commit(product_ids=product_ids)
    except Exception:
        logger.exception("could not queue a search index update")


def _product_saved(sender, instance, **kwargs) -> None:
    _queue([instance.pk, instance.parent_id])


def _related_saved(sender, instance, **kwargs) -> None:
    _queue([instance.product_id])


def _categories_changed(sender, instance, action, pk_set=None, reverse=False, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    _queue((pk_set or []) if reverse else [instance.pk])


def connect() -> None:
    """Connect the index's receivers (called once from SearchConfig.ready)."""
    Product = get_model("catalogue", "Product")
    ProductCategory = get_model("catalogue", "ProductCategory")
    ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
    StockRecord = get_model("partner", "StockRecord")
    uid = "shop.search.receivers"
    post_save.connect(_product_saved, sender=Product, dispatch_uid=f"{uid}.product")
    for model in (StockRecord, ProductCategory, ProductAttributeValue):
        name = model._meta.model_name
        post_save.connect(_related_saved, sender=model, dispatch_uid=f"{uid}.{name}.save")
        post_delete.connect(_related_saved, sender=model, dispatch_uid=f"{uid}.{name}.delete")
    m2m_changed.connect(
        _categories_changed, sender=Product.categories.through, dispatch_uid=f"{uid}.categories"
    )
