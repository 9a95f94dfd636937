"""What the account team records about its accounts beyond the storefront's own data."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class LoginEvent(models.Model):
    """A company member signed in: the single customer view's timeline shows buyer logins."""

    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="+", verbose_name=_("company")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    at = models.DateTimeField(_("signed in at"), db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["company", "-at"], name="crm_login_company_at")]
        verbose_name = _("login event")
        verbose_name_plural = _("login events")

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.company_id} {self.at:%Y-%m-%d %H:%M}"
