from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


# Not labelled "search": Oscar owns that label.
class SiteSearchConfig(AppConfig):
    name = "cms.search"
    label = "cms_search"
    verbose_name = _("Site search")
