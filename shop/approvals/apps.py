from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    """Purchase approvals: orders over a buyer's limits wait for the company's approvers."""

    name = "shop.approvals"
    label = "approvals"
    verbose_name = "Purchase approvals"
