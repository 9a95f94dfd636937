from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class PortalConfig(AppConfig):
    """Project-wide glue: health check, Celery wiring task, demo data command, Site URL."""

    name = "config"
    label = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        from config.sites import site_sync_after_migrate

        # Sent for the sites app after its own receiver has created the default Site
        # (sites is installed before this app, so its receiver is connected first).
        post_migrate.connect(
            site_sync_after_migrate,
            sender=apps.get_app_config("sites"),
            dispatch_uid="portal.site_sync_after_migrate",
        )
