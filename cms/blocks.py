from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False)
    button_label = blocks.CharBlock(max_length=40)
    button_url = blocks.CharBlock(
        max_length=200, help_text=_("A path on this site (/shop/...) or a full https:// address.")
    )

    class Meta:
        icon = "pick"
        template = "cms/blocks/call_to_action.html"


class FeatureBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=80)
    text = blocks.TextBlock()

    class Meta:
        icon = "tick"


class FeatureRowBlock(blocks.StructBlock):
    features = blocks.ListBlock(FeatureBlock(), max_num=4)

    class Meta:
        icon = "list-ul"
        template = "cms/blocks/feature_row.html"


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        form_classname="title", icon="title", template="cms/blocks/heading.html"
    )
    paragraph = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul", "h3"])
    image = ImageChooserBlock(template="cms/blocks/image.html")
    call_to_action = CallToActionBlock()
    features = FeatureRowBlock()
