from django.apps import AppConfig


class BulkConfig(AppConfig):
    """Bulk ordering: quick order by SKU and file, requisition lists."""

    name = "shop.bulk"
    label = "bulk"
    verbose_name = "Bulk ordering"
