from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "shop.integrations"
    label = "integrations"
    verbose_name = _("ERP integration")

    def ready(self) -> None:
        # Registers the token's security scheme with drf-spectacular.
        from shop.integrations import docs  # noqa: F401
