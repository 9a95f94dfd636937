"""StreamField blocks for the content pages; the product blocks show live shop data."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

from cms.choosers import category_chooser_viewset, product_chooser_viewset

ProductChooserBlock = product_chooser_viewset.get_block_class(
    name="ProductChooserBlock", module_path="cms.blocks"
)
CategoryChooserBlock = category_chooser_viewset.get_block_class(
    name="CategoryChooserBlock", module_path="cms.blocks"
)

CAROUSEL_MAX = 12  # also in the count's help text
LINK_HELP = _(
    "A path on this site starting with / (e.g. /shop/catalogue/) or a full https:// address."
)
LINK_PREFIXES = ("/", "https://", "http://", "mailto:", "tel:")


def link_problem(url: str) -> str:
    """Why ``url`` is not a link an editor may use ('' if it is)."""
    url = (url or "").strip()
    if not url:
        return ""
    if any(ch.isspace() for ch in url):
        return str(_("A link cannot contain spaces: %(url)s") % {"url": url})
    if url.startswith("//") or not url.startswith(LINK_PREFIXES):
        return str(
            _(
                "'%(url)s' is not a link we can follow: start with / for a page on this site "
                "(e.g. /shop/catalogue/) or with https:// for another site."
            )
            % {"url": url}
        )
    if url.startswith(("https://", "http://")) and "." not in url.split("://", 1)[1].split("/")[0]:
        return str(_("'%(url)s' has no site name after https://.") % {"url": url})
    return ""


class LinkBlock(blocks.CharBlock):
    """A link an editor types: a path on this site or a full address."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("help_text", LINK_HELP)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        problem = link_problem(value)
        if problem:
            raise ValidationError(problem)
        return value.strip()

    class Meta:
        icon = "link"


def _label_and_link(value, label_field: str, link_field: str) -> None:
    """Both a button label and its link, or neither: a half button is an editor's slip."""
    label, link = (value.get(label_field) or "").strip(), (value.get(link_field) or "").strip()
    if label and not link:
        raise StructBlockValidationError(
            block_errors={
                link_field: ValidationError(_("Give the button a link, or remove its label."))
            }
        )
    if link and not label:
        raise StructBlockValidationError(
            block_errors={
                label_field: ValidationError(_("Give the button a label, or remove its link."))
            }
        )


class Audience:
    """Who sees a block: everybody, visitors (not signed in) or signed-in users."""

    EVERYONE, VISITORS, SIGNED_IN = "everyone", "visitors", "signed_in"
    CHOICES = (
        (EVERYONE, _("Everyone")),
        (VISITORS, _("Visitors only (not signed in)")),
        (SIGNED_IN, _("Signed-in users only")),
    )


def audience_block() -> blocks.ChoiceBlock:
    return blocks.ChoiceBlock(
        choices=Audience.CHOICES,
        default=Audience.EVERYONE,
        required=False,
        label=_("Show to"),
        help_text=_(
            "Visitors only: for example a sign-up prompt, which buyers who are signed in "
            "do not need."
        ),
    )


def shown_to(value, user) -> bool:
    """Whether a block's value is for this user (blocks without an audience: everyone)."""
    audience = value.get("show_to") if isinstance(value, dict) else None
    signed_in = bool(user is not None and user.is_authenticated)
    if audience == Audience.VISITORS:
        return not signed_in
    if audience == Audience.SIGNED_IN:
        return signed_in
    return True


class HeroBlock(blocks.StructBlock):
    image = ImageChooserBlock(required=False)
    heading = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False)
    button_label = blocks.CharBlock(max_length=40, required=False)
    button_url = LinkBlock(required=False)
    show_to = audience_block()

    def clean(self, value):
        value = super().clean(value)
        _label_and_link(value, "button_label", "button_url")
        return value

    class Meta:
        icon = "image"
        label = _("Hero")
        template = "cms/blocks/hero.html"


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False)
    button_label = blocks.CharBlock(max_length=40)
    button_url = LinkBlock()
    show_to = audience_block()

    class Meta:
        icon = "pick"
        label = _("Call to action")
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
        label = _("Feature row")
        template = "cms/blocks/feature_row.html"


class ImageWithCaptionBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    caption = blocks.CharBlock(max_length=250, required=False)
    alt_text = blocks.CharBlock(
        max_length=250,
        required=False,
        help_text=_("What the image shows, for people who cannot see it (default: the caption)."),
    )

    class Meta:
        icon = "image"
        label = _("Image with caption")
        template = "cms/blocks/image_with_caption.html"


def _previewed_viewer(request):
    """The audience an editor previews the page as (cms.promotions' preview modes), if any."""
    if not getattr(request, "is_preview", False):
        return None
    from cms.promotions.selectors import audience_from_preview_mode
    from shop.catalogue.selectors import Viewer

    audience = audience_from_preview_mode(getattr(request, "preview_mode", "") or "")
    if audience is None:
        return None
    return Viewer(signed_in=audience.signed_in, company_id=audience.company_id)


class ProductCarouselBlock(blocks.StructBlock):
    """Products from the shop, priced for whoever looks: picked ones, or a category's newest."""

    heading = blocks.CharBlock(max_length=120, required=False)
    products = blocks.ListBlock(
        ProductChooserBlock(required=False),
        required=False,
        # No empty entry to start with: an editor who only chooses a category must not
        # be told to remove a product entry they never filled in.
        default=[],
        help_text=_("Pick products to show in this order, or leave empty and choose a category."),
    )
    category = CategoryChooserBlock(
        required=False,
        help_text=_("Shows the category's newest products (when no product is picked)."),
    )
    count = blocks.IntegerBlock(
        default=8,
        required=False,
        help_text=_("How many of the category's products to show (1 to 12)."),
    )

    def clean(self, value):
        value = super().clean(value)
        products = list(value.get("products") or [])
        if any(product is None for product in products):
            raise StructBlockValidationError(
                block_errors={
                    "products": ValidationError(
                        _(
                            "One of the products picked here no longer exists in the catalogue "
                            "(or its entry is empty): remove that entry or choose another product."
                        )
                    )
                }
            )
        if not products and value.get("category") is None:
            raise StructBlockValidationError(
                non_block_errors=[
                    ValidationError(
                        _(
                            "This carousel is empty: pick at least one product, or choose a "
                            "category to show its products."
                        )
                    )
                ]
            )
        count = value.get("count")
        if count is not None and not 1 <= count <= CAROUSEL_MAX:
            raise StructBlockValidationError(
                block_errors={
                    "count": ValidationError(
                        _("Show between 1 and %(max)s products (you entered %(count)s).")
                        % {"max": CAROUSEL_MAX, "count": count}
                    )
                }
            )
        if len(products) > CAROUSEL_MAX:
            raise StructBlockValidationError(
                block_errors={
                    "products": ValidationError(
                        _("A carousel shows at most %(max)s products; you picked %(count)s.")
                        % {"max": CAROUSEL_MAX, "count": len(products)}
                    )
                }
            )
        return value

    def get_context(self, value, parent_context=None):
        from shop.catalogue import selectors as catalogue_selectors

        context = super().get_context(value, parent_context=parent_context)
        request = (parent_context or {}).get("request")
        items = []
        if request is not None:
            viewer = _previewed_viewer(request)
            picked = [p.pk for p in value.get("products") or [] if p is not None]
            if picked:
                items = catalogue_selectors.products_for_display(
                    product_ids=picked, request=request, limit=CAROUSEL_MAX, viewer=viewer
                )
            elif value.get("category") is not None:
                count = min(max(value.get("count") or 8, 1), CAROUSEL_MAX)
                items = catalogue_selectors.products_for_display_in_category(
                    category_id=value["category"].pk, request=request, count=count, viewer=viewer
                )
        context["items"] = items
        return context

    class Meta:
        icon = "list-ul"
        label = _("Product carousel")
        template = "cms/blocks/product_carousel.html"


class CategoryTilesBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, required=False)
    categories = blocks.ListBlock(
        CategoryChooserBlock(required=False),
        required=False,
        help_text=_("Leave empty to show the catalogue's top-level categories."),
    )

    def get_context(self, value, parent_context=None):
        from shop.catalogue import selectors as catalogue_selectors

        context = super().get_context(value, parent_context=parent_context)
        ids = [c.pk for c in value.get("categories") or [] if c is not None]
        context["categories"] = catalogue_selectors.categories_for_display(category_ids=ids)
        return context

    class Meta:
        icon = "folder-open-inverse"
        label = _("Category tiles")
        template = "cms/blocks/category_tiles.html"


class TestimonialBlock(blocks.StructBlock):
    quote = blocks.TextBlock()
    name = blocks.CharBlock(max_length=120)
    role = blocks.CharBlock(
        max_length=160,
        required=False,
        help_text=_("Their job and company, e.g. Workshop manager, Autohaus Rheinland"),
    )
    image = ImageChooserBlock(required=False)

    class Meta:
        icon = "openquote"
        label = _("Testimonial")
        template = "cms/blocks/testimonial.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock()
    title = blocks.CharBlock(
        max_length=120, required=False, help_text=_("Default: the document's own title.")
    )
    description = blocks.TextBlock(required=False)

    class Meta:
        icon = "doc-full"
        label = _("Downloadable document")
        template = "cms/blocks/document.html"


class FaqItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(max_length=250)
    answer = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"])

    class Meta:
        icon = "help"


class FaqGroupBlock(blocks.StructBlock):
    topic = blocks.CharBlock(max_length=120, help_text=_("e.g. Ordering, Delivery, Invoices"))
    items = blocks.ListBlock(FaqItemBlock(), min_num=1)

    class Meta:
        icon = "help"
        label = _("FAQ group")
        template = "cms/blocks/faq_group.html"


RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "document-link", "ol", "ul"]


class BodyBlock(blocks.StreamBlock):
    """Every block an editor may place on a page."""

    hero = HeroBlock()
    heading = blocks.CharBlock(
        form_classname="title", icon="title", template="cms/blocks/heading.html"
    )
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Rich text"))
    image = ImageChooserBlock(template="cms/blocks/image.html")
    image_with_caption = ImageWithCaptionBlock()
    product_carousel = ProductCarouselBlock()
    category_tiles = CategoryTilesBlock()
    call_to_action = CallToActionBlock()
    testimonial = TestimonialBlock()
    document = DocumentBlock()
    faq_group = FaqGroupBlock()
    features = FeatureRowBlock()


class FaqBodyBlock(blocks.StreamBlock):
    """An FAQ page: questions grouped by topic, with text and a call to action between."""

    faq_group = FaqGroupBlock()
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Rich text"))
    call_to_action = CallToActionBlock()
    document = DocumentBlock()
