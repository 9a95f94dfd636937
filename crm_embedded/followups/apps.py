from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    """Follow-ups: the periodic job that notices B2B leaks and emails buyers or files tasks."""

    name = "crm_embedded.followups"
    label = "crm_followups"
    verbose_name = "CRM follow-ups"
