from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "shop.webhooks"
    label = "webhooks"
    verbose_name = _("Outbound webhooks")

    def ready(self):
        from shop.webhooks import receivers

        receivers.connect()
