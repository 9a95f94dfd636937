from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """The cockpit: reads from the other rooms through their selectors."""

    name = "crm_embedded.workspace"
    label = "crm_workspace"
    verbose_name = "CRM workspace"
