from django.apps import AppConfig


class PipelineConfig(AppConfig):
    """Opportunities by stage, the board and the forecast."""

    name = "crm_embedded.pipeline"
    label = "crm_pipeline"
    verbose_name = "CRM pipeline"

    def ready(self) -> None:
        from crm_embedded.pipeline import receivers  # noqa: F401  (connects the signal receivers)
