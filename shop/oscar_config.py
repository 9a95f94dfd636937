from django.urls import path
from django.views.generic import RedirectView
from oscar.config import Shop

_PASSWORD_RESET_NAMES = {"password-reset", "password-reset-done"}


class PortalShop(Shop):
    """Oscar's root URLconf, with password reset handed to allauth."""

    name = "oscar"

    def get_urls(self):
        urls = [
            u for u in super().get_urls() if getattr(u, "name", None) not in _PASSWORD_RESET_NAMES
        ]
        return urls + [
            path(
                "password-reset/",
                RedirectView.as_view(pattern_name="account_reset_password"),
                name="password-reset",
            ),
            path(
                "password-reset/done/",
                RedirectView.as_view(pattern_name="account_reset_password_done"),
                name="password-reset-done",
            ),
        ]
