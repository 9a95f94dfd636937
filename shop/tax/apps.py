from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaxConfig(AppConfig):
    """Sales tax and VAT: rates by country, region, tax class and dates; exemptions."""

    name = "shop.tax"
    label = "tax"
    verbose_name = _("Tax")

    def ready(self) -> None:
        from shop.tax import receivers  # noqa: F401  (connects the signal receivers)
