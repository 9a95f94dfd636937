from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    """Calls, emails, meetings and notes logged against an account, with comments and mentions."""

    name = "crm_embedded.activities"
    label = "crm_activities"
    verbose_name = "CRM activities"
