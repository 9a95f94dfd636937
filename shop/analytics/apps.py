from django.apps import AppConfig


class ShopAnalyticsConfig(AppConfig):
    """Oscar's view, search and basket counters, taken off the request path.

    Oscar's analytics receivers UPDATE a counter row on every product view; on SQLite
    that write serialises every product page behind one lock. Here the events go to the
    cache and a periodic flush writes them in one transaction (``buffer.events_flush``).
    """

    name = "shop.analytics"
    label = "shop_analytics"
    verbose_name = "Shop analytics"

    def ready(self) -> None:
        from . import receivers

        receivers.connect()
