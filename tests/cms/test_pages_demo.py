"""seed_demo's content: the pages a demo visitor opens, and pictures for the whole catalogue."""

from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from oscar.core.loading import get_model
from PIL import Image as PILImage
from wagtail.models import Page

from cms.models import ArticlePage, ContentPage, FaqPage, HomePage, LandingPage, NewsIndexPage
from shop.demo import FAMILIES, catalogue_images_ensure

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
