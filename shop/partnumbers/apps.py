from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartNumbersConfig(AppConfig):
    name = "shop.partnumbers"
    label = "partnumbers"
    verbose_name = _("Customer part numbers")
