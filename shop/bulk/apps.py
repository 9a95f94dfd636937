from django.apps import AppConfig


class BulkConfig(AppConfig):
    """Bulk ordering: quick order by SKU and file, requisition lists."""

    name = "shop.bulk"
    label = "bulk"
    verbose_name = "Bulk ordering"

    def ready(self):
        from shop.bulk.selectors import list_choices_prefetch_keys
        from shop.caching.prefetch import prefetch_provider_register

        prefetch_provider_register(list_choices_prefetch_keys)
