from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shop.money import money_round


class Stage(models.Model):
    """A configurable pipeline stage; exactly the open ones lie between qualification and close."""

    class Kind(models.TextChoices):
        OPEN = "open", _("Open")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    name = models.CharField(_("name"), max_length=60, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    probability = models.PositiveSmallIntegerField(
        _("probability (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OPEN)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__lte=100), name="crm_stage_probability_max_100"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Opportunity(models.Model):
    """A deal being worked with a company: amount, stage, probability and expected close."""

    company = models.ForeignKey(
        "companies.Company", on_delete=models.CASCADE, related_name="crm_opportunities"
    )
    name = models.CharField(_("name"), max_length=200)
    amount = models.DecimalField(
        _("amount"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(max_length=3, default="EUR")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="opportunities")
    probability = models.PositiveSmallIntegerField(
        _("probability (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    # False: the probability follows the stage on every move; True: someone typed it.
    probability_manual = models.BooleanField(default=False)
    expected_close = models.DateField(_("expected close date"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="crm_opportunities"
    )
    quote = models.ForeignKey(
        "quotes.Quote",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="crm_opportunities",
    )
    lost_reason = models.CharField(_("lost reason"), max_length=300, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["expected_close", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__lte=100), name="crm_opportunity_probability_max_100"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="crm_opportunity_amount_gte_0"),
        ]
        indexes = [models.Index(fields=["owner", "stage"], name="crm_opp_owner_stage")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.stage.kind != Stage.Kind.OPEN

    @property
    def weighted_amount(self) -> Decimal:
        """The amount times the probability, to the cent."""
        return money_round(self.amount * self.probability / 100)
