from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.promotions.forms import BannerForm
from cms.promotions.models import Banner


class BannerViewSet(SnippetViewSet):
    model = Banner
    icon = "pick"
    menu_label = _("Banners")
    menu_order = 250
    add_to_admin_menu = True
    list_display = [
        "title",
        "audience",
        "starts_at",
        "ends_at",
        BooleanColumn("is_active", label=_("Switched on")),
        "priority",
    ]
    list_filter = ["audience", "is_active"]
    search_fields = ["title", "text"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("title"),
                    FieldPanel("text"),
                    FieldPanel("image"),
                    FieldPanel("cta_label"),
                    FieldPanel("link_page"),
                    FieldPanel("link_url"),
                ],
                heading=_("Message"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("audience"),
                    FieldPanel("customer_group"),
                    FieldPanel("companies", widget=forms.CheckboxSelectMultiple),
                ],
                heading=_("Who sees it"),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
                    FieldRowPanel([FieldPanel("is_active"), FieldPanel("priority")]),
                ],
                heading=_("When"),
            ),
        ],
        base_form_class=BannerForm,
    )


register_snippet(BannerViewSet)
