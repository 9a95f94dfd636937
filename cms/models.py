"""The site's page types: home, landing, standard content, news and articles, FAQ."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import BodyBlock, FaqBodyBlock
from cms.promotions.preview import AudiencePreviewMixin

NEWS_PER_PAGE = 10


class ShopAwarePage(AudiencePreviewMixin, Page):
    """A page whose blocks may show one buyer's prices: never cached for anyone else.

    Visitors (not signed in, no basket, no message, no preview) share one cached copy
    (cms.caching); everyone else gets the page rendered for them. The response also
    tells browsers and proxies that a logged-in user's copy is private and varies by cookie.
    Editors preview it as a visitor, a buyer or a company (cms.promotions' preview modes):
    banners and product prices follow the chosen audience.
    """

    class Meta:
        abstract = True

    def serve(self, request, *args, **kwargs):
        from cms.caching import page_serve

        response = page_serve(
            self, request, lambda: super(ShopAwarePage, self).serve(request, *args, **kwargs)
        )
        patch_vary_headers(response, ("Cookie",))
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            patch_cache_control(response, private=True, no_cache=True)
        return response


class HomePage(ShopAwarePage):
    """The portal's front page, built entirely from blocks (hero, carousels, tiles ...)."""

    body = StreamField(BodyBlock(), blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]

    max_count = 1
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.ContentPage", "cms.LandingPage", "cms.NewsIndexPage", "cms.FaqPage"]
    template = "cms/home_page.html"


class LandingPage(ShopAwarePage):
    """A campaign page: hero, products and a call to action, without the usual page header."""

    body = StreamField(BodyBlock(), blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]
    subpage_types: list[str] = []
    template = "cms/landing_page.html"


class ContentPage(ShopAwarePage):
    """A standard page: about us, terms, delivery and returns, contact."""

    intro = models.TextField(blank=True)
    body = StreamField(BodyBlock(), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    subpage_types = ["cms.ContentPage"]
    template = "cms/content_page.html"


class NewsIndexPage(ShopAwarePage):
    """The news: its articles, newest first, filterable by tag."""

    intro = models.TextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["cms.ArticlePage"]
    max_count = 1
    template = "cms/news_index_page.html"

    def articles(self):
        return (
            ArticlePage.objects.live()
            .public()
            .child_of(self)
            .select_related("listing_image")
            .prefetch_related("tags")
            .order_by("-date", "-pk")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = self.articles()
        tag = request.GET.get("tag", "").strip()[:100]
        if tag:
            articles = articles.filter(tags__slug=tag).distinct()
        paginator = Paginator(articles, NEWS_PER_PAGE)
        try:
            page = paginator.page(request.GET.get("page") or 1)
        except (PageNotAnInteger, EmptyPage):
            page = paginator.page(1)
        context.update(articles=page, tag=tag, all_tags=ArticlePage.tags_in_use(parent=self))
        return context


class ArticlePageTag(TaggedItemBase):
    content_object = ParentalKey(
        "cms.ArticlePage", related_name="tagged_items", on_delete=models.CASCADE
    )


class ArticlePage(ShopAwarePage):
    """A news article: date, intro for the listing, tags and a block body."""

    date = models.DateField(_("date"), default=timezone.localdate)
    intro = models.TextField(_("intro"), max_length=400, help_text=_("Shown in the news listing."))
    listing_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown in the news listing and at the top of the article."),
    )
    tags = ClusterTaggableManager(through=ArticlePageTag, blank=True)
    body = StreamField(BodyBlock(), blank=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("date"), FieldPanel("tags"), FieldPanel("listing_image")],
            heading=_("Listing"),
        ),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types: list[str] = []
    template = "cms/article_page.html"

    @staticmethod
    def tags_in_use(*, parent) -> list:
        from taggit.models import Tag

        live = ArticlePage.objects.live().public().child_of(parent)
        return list(
            Tag.objects.filter(cms_articlepagetag_items__content_object__in=live)
            .distinct()
            .order_by("name")
        )


class FaqPage(ShopAwarePage):
    """A knowledge base: questions and answers grouped by topic."""

    intro = models.TextField(blank=True)
    body = StreamField(FaqBodyBlock(), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    subpage_types: list[str] = []
    template = "cms/faq_page.html"

    def topics(self) -> list[str]:
        return [block.value["topic"] for block in self.body if block.block_type == "faq_group"]
