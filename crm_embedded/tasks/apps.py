from django.apps import AppConfig


class TasksConfig(AppConfig):
    """Account managers' tasks: by hand or by automation, reminders before due."""

    name = "crm_embedded.tasks"
    label = "crm_tasks"
    verbose_name = "CRM tasks"

    def ready(self) -> None:
        from crm_embedded.tasks import receivers  # noqa: F401  (connects the credit receiver)
