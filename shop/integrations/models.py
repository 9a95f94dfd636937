"""ERP integration: API tokens with scopes, and the stored answers to idempotent requests."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    ORDERS_READ = "orders:read", _("Read orders")
    ORDERS_WRITE = "orders:write", _("Change orders (status, shipments, tracking)")
    CATALOGUE_WRITE = "catalogue:write", _("Upsert products and stock")
    PRICES_WRITE = "prices:write", _("Upsert price lists")
    COMPANIES_READ = "companies:read", _("Read companies")


class IntegrationToken(models.Model):
    """A key an ERP sends as ``Authorization: Token <key>``; only its hash is kept."""

    name = models.CharField(_("name"), max_length=100)
    # Each token acts as its own active user without a password (it cannot log in): changes
    # are recorded against that user ("by_user"), so a timeline names the integration.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="integration_tokens",
        verbose_name=_("integration user"),
    )
    key_prefix = models.CharField(_("key prefix"), max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("integration token")
        verbose_name_plural = _("integration tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])


class IdempotencyRecord(models.Model):
    """The answer given to a write sent with an ``Idempotency-Key``, replayed on a retry."""

    token = models.ForeignKey(
        IntegrationToken, on_delete=models.CASCADE, related_name="idempotency_records"
    )
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=500)
    fingerprint = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="idempotency_one_per_token_key")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"
