from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from cms.blocks import BodyBlock


class HomePage(Page):
    """The portal's front page: editor-run hero and body, with the catalogue's top categories."""

    hero_title = models.CharField(max_length=120)
    hero_text = models.TextField(blank=True)
    hero_button_label = models.CharField(max_length=40, blank=True)
    hero_button_url = models.CharField(max_length=200, blank=True)
    body = StreamField(BodyBlock(), blank=True)
    show_categories = models.BooleanField(
        default=True, help_text=_("List the catalogue's top-level categories below the hero.")
    )

    content_panels = Page.content_panels + [
        FieldPanel("hero_title"),
        FieldPanel("hero_text"),
        FieldPanel("hero_button_label"),
        FieldPanel("hero_button_url"),
        FieldPanel("body"),
        FieldPanel("show_categories"),
    ]

    max_count = 1
    subpage_types = ["cms.ContentPage"]
    template = "cms/home_page.html"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if self.show_categories:
            from shop import selectors as shop_selectors

            context["top_categories"] = shop_selectors.category_top_level()
        return context


class ContentPage(Page):
    """A plain editorial page: about us, delivery terms, how to order on account."""

    intro = models.TextField(blank=True)
    body = StreamField(BodyBlock(), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    subpage_types = ["cms.ContentPage"]
    template = "cms/content_page.html"
