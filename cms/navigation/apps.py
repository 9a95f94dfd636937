from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NavigationConfig(AppConfig):
    name = "cms.navigation"
    label = "cms_navigation"
    verbose_name = _("Navigation and contact")
    default_auto_field = "django.db.models.BigAutoField"
