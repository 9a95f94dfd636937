from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditorialConfig(AppConfig):
    """The content team's workflow: scheduled publishing runs from Celery beat."""

    name = "cms.editorial"
    label = "cms_editorial"
    verbose_name = _("Editorial workflow")
