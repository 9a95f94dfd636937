from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Companies as the account team sees them: applications, act-as, the single customer view."""

    name = "crm_embedded.accounts"
    label = "crm_accounts"
    verbose_name = "CRM accounts"

    def ready(self) -> None:
        from crm_embedded.accounts import receivers  # noqa: F401  (connects the login receiver)
