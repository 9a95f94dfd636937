"""Header and footer menus, contact details and social links: per-site Wagtail settings."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField

from cms.navigation.forms import SettingsForm


def validate_link_url(value: str) -> None:
    if value and not (value.startswith("/") or value.startswith(("https://", "mailto:", "tel:"))):
        raise ValidationError(
            _("Start the address with / (this site), https://, mailto: or tel:."), code="url"
        )


class MenuLinkBlock(blocks.StructBlock):
    """A menu entry: a page of the site, or an address (e.g. /shop/quick-order/)."""

    label = blocks.CharBlock(max_length=60, required=False, help_text=_("Empty: the page's title."))
    page = blocks.PageChooserBlock(required=False)
    url = blocks.CharBlock(
        max_length=300,
        required=False,
        label=_("Address"),
        validators=[validate_link_url],
        help_text=_("Or an address: /shop/catalogue/ or https://..."),
    )

    def clean(self, value):
        value = super().clean(value)
        page, url = value.get("page"), value.get("url")
        if bool(page) == bool(url):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "url": ValidationError(
                        _("Choose a page or enter an address (one of them, not both).")
                    )
                }
            )
        if url and not value.get("label"):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "label": ValidationError(_("An address needs a label: type the menu text."))
                }
            )
        return value

    class Meta:
        icon = "link"
        label = _("Link")


class FooterColumnBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=60)
    links = blocks.ListBlock(MenuLinkBlock())

    class Meta:
        icon = "list-ul"
        label = _("Column")


class SocialLinkBlock(blocks.StructBlock):
    NETWORKS = [
        ("linkedin", "LinkedIn"),
        ("xing", "XING"),
        ("youtube", "YouTube"),
        ("instagram", "Instagram"),
        ("facebook", "Facebook"),
        ("x", "X"),
    ]
    network = blocks.ChoiceBlock(choices=NETWORKS)
    url = blocks.URLBlock()

    class Meta:
        icon = "site"
        label = _("Social link")


@register_setting(icon="list-ul")
class NavigationSettings(BaseSiteSetting):
    header_links = StreamField(
        [("link", MenuLinkBlock())],
        blank=True,
        verbose_name=_("header menu"),
        help_text=_("Shown beside the catalogue's categories in the header."),
    )
    footer_columns = StreamField(
        [("column", FooterColumnBlock())], blank=True, verbose_name=_("footer menu")
    )

    base_form_class = SettingsForm
    panels = [FieldPanel("header_links"), FieldPanel("footer_columns")]

    class Meta:
        verbose_name = _("navigation")


@register_setting(icon="mail")
class ContactSettings(BaseSiteSetting):
    company_name = models.CharField(_("company name"), max_length=120, blank=True)
    address = models.TextField(_("address"), max_length=400, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=120, blank=True)
    social_links = StreamField(
        [("social", SocialLinkBlock())], blank=True, verbose_name=_("social links")
    )

    base_form_class = SettingsForm
    panels = [
        MultiFieldPanel(
            [
                FieldPanel("company_name"),
                FieldPanel("address"),
                FieldPanel("phone"),
                FieldPanel("email"),
                FieldPanel("opening_hours"),
            ],
            heading=_("Contact details"),
        ),
        FieldPanel("social_links"),
    ]

    class Meta:
        verbose_name = _("contact details")

    @property
    def phone_href(self) -> str:
        return "tel:" + "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")
