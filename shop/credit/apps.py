from django.apps import AppConfig


class CreditConfig(AppConfig):
    """Pay on account: the company ledger, the credit line and credit control."""

    name = "shop.credit"
    label = "credit"
    verbose_name = "Credit"
