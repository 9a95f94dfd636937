"""Every page type renders with its blocks: home, landing, standard, news and article, FAQ."""

import io
from datetime import date

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from cms.models import ArticlePage, ContentPage, FaqPage, HomePage, LandingPage, NewsIndexPage
from tests.factories import ProductFactory, category_create

pytestmark = pytest.mark.django_db


def _png() -> io.BytesIO:
    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 30), (200, 50, 50)).save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


@pytest.fixture
def picture(db):
    Image = get_image_model()
    return Image.objects.create(title="Red square", file=ImageFile(_png(), name="red.png"))


@pytest.fixture
def home(db):
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="Home", slug="test-home"))
    site = Site.objects.get(is_default_site=True)
    site.root_page = home
    site.save()
    return home


def _publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _html(client, page) -> str:
    response = client.get(page.url)
    assert response.status_code == 200, page.url
    return response.content.decode()


def test_home_page_shows_hero_tiles_carousel_testimonial_and_cta(client, home, picture):
    bearings = category_create("Bearings")
    product = ProductFactory(title="Deep groove ball bearing 6204", category=bearings)
    home.body = [
        {"type": "hero", "value": {"heading": "Parts for business", "text": "From stock.",
                                   "button_label": "Browse", "button_url": "/shop/catalogue/",
                                   "image": picture.pk}},
        {"type": "category_tiles", "value": {"heading": "", "categories": []}},
        {"type": "product_carousel", "value": {"heading": "Popular", "products": [product.pk],
                                               "category": None, "count": 8}},
        {"type": "testimonial", "value": {"quote": "Next-day, every time.", "name": "Petra",
                                          "role": "Purchasing", "image": None}},
        {"type": "call_to_action", "value": {"title": "Open an account", "text": "",
                                             "button_label": "Apply", "button_url": "/accounts/signup/"}},
    ]  # fmt: skip
    home.save_revision().publish()
    html = _html(client, home)
    assert "Parts for business" in html and 'href="/shop/catalogue/"' in html
    assert "/media/images/red" in html and "max-900x500" in html  # the hero rendition
    assert bearings.get_absolute_url() in html and "Shop by category" in html
    assert "Deep groove ball bearing 6204" in html and "€12.50" in html
    assert "Next-day, every time." in html and "Petra" in html
    assert 'href="/accounts/signup/"' in html


def test_landing_page_renders_its_blocks_and_a_document(client, home):
    Document = get_document_model()
    document = Document(title="Winter catalogue")
    document.file.save("winter.pdf", io.BytesIO(b"%PDF-1.4 demo"), save=False)
    document.save()
    page = _publish(
        home,
        LandingPage(
            title="Winter service",
            slug="winter",
            body=[
                {"type": "hero", "value": {"heading": "Winter is coming", "image": None}},
                {"type": "paragraph", "value": "<p>Brakes and <b>filters</b>.</p>"},
                {
                    "type": "document",
                    "value": {"document": document.pk, "title": "", "description": "To print."},
                },
            ],  # fmt: skip
        ),
    )
    html = _html(client, page)
    assert "Winter is coming" in html and "<b>filters</b>" in html
    assert document.url in html and "Winter catalogue" in html and "PDF" in html


@pytest.mark.parametrize(
    "slug,title", [("about", "About us"), ("terms", "Terms"), ("contact", "Contact")]
)
def test_standard_pages_render_intro_and_body(client, home, picture, slug, title):
    page = _publish(
        home,
        ContentPage(
            title=title,
            slug=slug,
            intro=f"{title} intro",
            body=[
                {"type": "heading", "value": f"{title} heading"},
                {
                    "type": "image_with_caption",
                    "value": {"image": picture.pk, "caption": "Our warehouse", "alt_text": ""},
                },
            ],  # fmt: skip
        ),
    )
    html = _html(client, page)
    assert f"{title} intro" in html and f"{title} heading" in html
    assert "<figcaption" in html and "Our warehouse" in html
    assert 'alt="Our warehouse"' in html  # the caption stands in for a missing alt text


@pytest.fixture
def news(home, picture):
    index = _publish(home, NewsIndexPage(title="News", slug="news", intro="What is new."))
    for slug, day, tags in (
        ("old", date(2026, 1, 5), ["Bearings"]),
        ("new", date(2026, 11, 20), ["Delivery", "Company"]),
        ("mid", date(2026, 6, 1), ["Company"]),
    ):
        article = ArticlePage(
            title=f"Article {slug}",
            slug=slug,
            date=day,
            intro=f"Intro {slug}",
            listing_image=picture,
            body=[{"type": "paragraph", "value": f"<p>Body {slug}</p>"}],
        )
        article.tags.add(*tags)
        _publish(index, article)
    draft = ArticlePage(title="Article draft", slug="draft", intro="Not yet", live=False)
    index.add_child(instance=draft)
    return index


def test_news_index_lists_live_articles_newest_first_and_filters_by_tag(client, news):
    html = _html(client, news)
    positions = [html.index(f"Article {slug}") for slug in ("new", "mid", "old")]
    assert positions == sorted(positions)
    assert "Article draft" not in html
    assert "Intro new" in html and "?tag=company" in html
    tagged = client.get(news.url, {"tag": "company"}).content.decode()
    assert "Article new" in tagged and "Article mid" in tagged and "Article old" not in tagged
    nothing = client.get(news.url, {"tag": "no-such-tag", "page": "x"})
    assert nothing.status_code == 200 and "No news on this topic yet." in nothing.content.decode()


def test_article_shows_date_tags_image_and_body(client, news):
    article = ArticlePage.objects.get(slug="new")
    html = _html(client, article)
    assert "Body new" in html and "Intro new" in html
    assert 'datetime="2026-11-20"' in html
    assert "Delivery" in html and f"{news.url}?tag=delivery" in html
    assert "<img" in html


def test_faq_page_groups_questions_by_topic(client, home):
    page = _publish(
        home,
        FaqPage(
            title="FAQ",
            slug="faq",
            body=[
                {
                    "type": "faq_group",
                    "value": {
                        "topic": "Ordering",
                        "items": [
                            {
                                "question": "How do I order in bulk?",
                                "answer": "<p>Use quick order.</p>",
                            }
                        ],
                    },
                },
                {
                    "type": "faq_group",
                    "value": {
                        "topic": "Delivery",
                        "items": [
                            {
                                "question": "When does it ship?",
                                "answer": "<p>Same day before 16:00.</p>",
                            },
                            {"question": "Pallets?", "answer": "<p>As quoted.</p>"},
                        ],
                    },
                },
            ],  # fmt: skip
        ),
    )
    html = _html(client, page)
    assert 'href="#ordering"' in html and 'id="delivery"' in html  # topic navigation
    assert html.count("<details") == 3
    assert html.index("How do I order in bulk?") < html.index("When does it ship?")
    assert "Same day before 16:00." in html
    assert page.topics() == ["Ordering", "Delivery"]


def test_page_types_can_only_go_where_they_belong():
    assert ArticlePage.parent_page_types == ["cms.NewsIndexPage"]
    assert set(HomePage.subpage_types) == {
        "cms.ContentPage", "cms.LandingPage", "cms.NewsIndexPage", "cms.FaqPage"
    }  # fmt: skip
    assert NewsIndexPage.subpage_types == ["cms.ArticlePage"]
