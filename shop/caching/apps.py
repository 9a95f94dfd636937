from django.apps import AppConfig


class CachingConfig(AppConfig):
    name = "shop.caching"
    label = "shop_caching"
    verbose_name = "Storefront caches"

    def ready(self):
        from shop.caching import receivers

        receivers.connect()
