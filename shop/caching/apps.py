from django.apps import AppConfig


class CachingConfig(AppConfig):
    name = "shop.caching"
    label = "shop_caching"
    verbose_name = "Storefront caches"

    def ready(self):
        from shop.caching import receivers
        from shop.caching.chrome import chrome_prefetch_keys
        from shop.caching.prefetch import prefetch_provider_register

        receivers.connect()
        prefetch_provider_register(chrome_prefetch_keys)
