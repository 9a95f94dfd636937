from django.apps import AppConfig


class QuotesConfig(AppConfig):
    """Requests for quote, negotiation in versions, and quote-to-order (CRM side)."""

    name = "crm_embedded.quotes"
    label = "quotes"
    verbose_name = "Quotes"

    def ready(self) -> None:
        from crm_embedded.quotes import receivers  # noqa: F401  (connects the signal receivers)
