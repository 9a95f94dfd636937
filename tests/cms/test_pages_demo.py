"""seed_demo's content: the pages a demo visitor opens, and pictures for the whole catalogue."""

from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from oscar.core.loading import get_model
from PIL import Image as PILImage
from wagtail.models import Page

from cms.models import ArticlePage, ContentPage, FaqPage, HomePage, LandingPage, NewsIndexPage
from shop.demo import DEMO_PASSWORD, FAMILIES, catalogue_images_ensure

pytestmark = pytest.mark.django_db
Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")


@pytest.fixture
def seeded(db):
    call_command("seed_demo", products=60, stdout=StringIO())


def test_the_demo_has_every_page_type_with_real_content(client, seeded):
    home = HomePage.objects.get()
    kinds = [block.block_type for block in home.body]
    for kind in ("hero", "product_carousel", "category_tiles", "testimonial", "call_to_action"):
        assert kind in kinds
    assert LandingPage.objects.live().count() == 1
    assert NewsIndexPage.objects.live().get().get_children().live().count() == 3
    assert ArticlePage.objects.filter(tagged_items__isnull=False).distinct().count() == 3
    assert FaqPage.objects.live().get().topics() == [
        "Ordering", "Prices and quotes", "Delivery", "Invoices and payment"
    ]  # fmt: skip
    slugs = set(ContentPage.objects.live().values_list("slug", flat=True))
    assert {"about", "terms", "delivery-and-returns", "contact", "ordering-on-account"} <= slugs

    html = client.get("/").content.decode()
    assert html.count('data-product-id="') >= 8  # picked products and a category's newest
    assert "Petra Hoffmann" in html and "Shop by category" in html
    for page in Page.objects.live().type(
        HomePage, LandingPage, NewsIndexPage, ArticlePage, FaqPage, ContentPage
    ):
        response = client.get(page.url)
        assert response.status_code == 200, page.url
    landing = client.get(LandingPage.objects.get().url).content.decode()
    assert "/documents/" in landing and ".pdf" in landing  # the downloadable catalogue
    assert 'data-product-id="' in landing


def test_every_demo_product_and_category_has_a_drawn_picture(client, seeded):
    assert not Product.objects.filter(images__isnull=True).exists()
    assert not Category.objects.filter(image="").exists()
    # One file per family, shared by its products: the seed stays fast at 50,000 products.
    files = set(ProductImage.objects.values_list("original", flat=True))
    assert len(files) == min(60, len(FAMILIES))
    with default_storage.open(sorted(files)[0]) as f:
        picture = PILImage.open(f)
        assert picture.size == (600, 600)
    product = Product.objects.first()
    html = client.get(product.get_absolute_url()).content.decode()
    assert "image_not_found" not in html
    listing = client.get("/shop/catalogue/").content.decode()
    assert "image_not_found" not in listing


def test_seeding_again_adds_nothing_and_keeps_an_editors_change(client, seeded):
    home = HomePage.objects.get()
    home.title = "Edited by the team"
    home.save_revision().publish()
    counts = (Page.objects.count(), ProductImage.objects.count())
    call_command("seed_demo", products=60, stdout=StringIO())
    assert (Page.objects.count(), ProductImage.objects.count()) == counts
    assert HomePage.objects.get().title == "Edited by the team"
    assert catalogue_images_ensure() == (0, 0)


def test_the_sign_up_prompt_is_for_visitors_and_older_home_pages_are_updated(client, seeded):
    visitor = client.get("/").content.decode()
    assert "block-call_to_action" in visitor and "Apply now" in visitor
    assert "Sign in to see" not in visitor
    client.login(username="jonas.weber@rheinland-auto.example", password=DEMO_PASSWORD)
    buyer = client.get("/").content.decode()
    assert "block-call_to_action" not in buyer and "Apply now" not in buyer
    assert "Sign in to see" not in buyer and "Petra Hoffmann" in buyer  # the rest is shown

    # A home page seeded before the "Show to" choice: its blocks had none (everyone) and
    # the old feature text. seed_demo updates them once, and leaves the page alone after.
    home = HomePage.objects.get()
    old = "Sign in to see your company's contract prices, volume tiers and live stock on every product."
    for child in home.body:
        if child.block_type == "call_to_action":
            child.value.pop("show_to", None)
        if child.block_type == "features":
            child.value["features"][0]["text"] = old
    home.save_revision().publish()
    assert "block-call_to_action" in client.get("/").content.decode()  # shown to everyone
    call_command("seed_demo", products=60, stdout=StringIO())
    buyer = client.get("/").content.decode()
    assert "block-call_to_action" not in buyer and "Sign in to see" not in buyer
    revisions = HomePage.objects.get().revisions.count()
    call_command("seed_demo", products=60, stdout=StringIO())
    assert HomePage.objects.get().revisions.count() == revisions


def test_a_block_for_signed_in_users_only_is_hidden_from_visitors(client, seeded):
    home = HomePage.objects.get()
    for child in home.body:
        if child.block_type == "call_to_action":
            child.value["show_to"] = "signed_in"
    home.save_revision().publish()
    assert "block-call_to_action" not in client.get("/").content.decode()
    client.login(username="jonas.weber@rheinland-auto.example", password=DEMO_PASSWORD)
    assert "block-call_to_action" in client.get("/").content.decode()
