from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrderDocumentsConfig(AppConfig):
    name = "orders.documents"
    label = "order_documents"
    verbose_name = _("Order documents")

    def ready(self):
        from orders.documents import receivers

        receivers.connect()
