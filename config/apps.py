from django.apps import AppConfig


class PortalConfig(AppConfig):
    """Project-wide glue: health check, Celery wiring task, demo data command."""

    name = "config"
    label = "portal"
    verbose_name = "Portal"
