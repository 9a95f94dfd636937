"""Banner snippets: a message for one audience (visitors, buyers, a customer group or chosen
companies), live between two moments."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Banner(models.Model):
    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        VISITORS = "visitors", _("Visitors (not signed in)")
        BUYERS = "buyers", _("Any signed-in buyer")
        GROUP = "group", _("Companies in a customer group")
        COMPANIES = "companies", _("Chosen companies")

    title = models.CharField(_("title"), max_length=120)
    text = models.TextField(_("text"), max_length=400, blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    link_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("link to a page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    link_url = models.CharField(
        _("or link to an address"),
        max_length=300,
        blank=True,
        help_text=_("A path on this site such as /shop/catalogue/, or a full https:// address."),
    )
    cta_label = models.CharField(_("button label"), max_length=40, blank=True)
    audience = models.CharField(
        _("audience"), max_length=16, choices=Audience.choices, default=Audience.EVERYONE
    )
    customer_group = models.ForeignKey(
        "companies.CustomerGroup",
        verbose_name=_("customer group"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    companies = models.ManyToManyField(
        "companies.Company", verbose_name=_("companies"), blank=True, related_name="+"
    )
    starts_at = models.DateTimeField(_("show from"), default=timezone.now)
    ends_at = models.DateTimeField(
        _("show until"), null=True, blank=True, help_text=_("Empty: until switched off.")
    )
    is_active = models.BooleanField(_("switched on"), default=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"),
        default=0,
        help_text=_("Where two banners fit the same visitor equally well, the higher one shows."),
    )

    class Meta:
        verbose_name = _("banner")
        verbose_name_plural = _("banners")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gt=models.F("starts_at")),
                name="banner_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.ends_at and self.starts_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The banner must end after it starts: pick a later end.")
        if self.audience == self.Audience.GROUP and not self.customer_group_id:
            errors["customer_group"] = _(
                "Choose the customer group this banner is for, or pick another audience."
            )
        if self.audience != self.Audience.GROUP and self.customer_group_id:
            errors["customer_group"] = _(
                "A customer group only applies to the audience 'Companies in a customer "
                "group': clear it or change the audience."
            )
        if self.link_page_id and self.link_url:
            errors["link_url"] = _("Link to a page or to an address, not both: clear one.")
        if self.link_url and not (
            self.link_url.startswith("/") or self.link_url.startswith("https://")
        ):
            errors["link_url"] = _(
                "Start the address with / (a page on this site) or https:// (another site)."
            )
        if self.cta_label and not (self.link_page_id or self.link_url):
            errors["cta_label"] = _("A button needs a link: choose a page or enter an address.")
        if errors:
            raise ValidationError(errors)

    @property
    def link(self) -> str:
        if self.link_page_id:
            # An unpublished page would be a dead link: the banner shows without its button.
            return (self.link_page.url or "") if self.link_page.live else ""
        return self.link_url
