"""Demo content: home, landing, news, FAQ and standard pages, with their pictures; created once.

Each function creates only what is missing, so running the seed twice changes nothing and
a page an editor has changed is never overwritten.
"""

import io
from datetime import date

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.text import slugify
from oscar.core.loading import get_model
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import GroupPagePermission, Page, Site

from cms import demo_content as text
from cms.models import ArticlePage, ContentPage, FaqPage, HomePage, LandingPage, NewsIndexPage
from shop.demo import DEMO_PASSWORD, demo_image_png

Category = get_model("catalogue", "Category")
Product = get_model("catalogue", "Product")

# Pictures for the content pages, drawn like the catalogue's (shop.demo): (title, top
# category, shape) per tile of a banner, side by side.
HERO_TILES = [
    ("Bearings", "Bearings", "bearing"),
    ("Fasteners", "Fasteners", "bolt"),
    ("Pneumatics", "Hydraulics and pneumatics", "cylinder"),
]
LANDING_TILES = [
    ("Brake discs", "Automotive spare parts", "disc"),
    ("Filters", "Automotive spare parts", "cylinder"),
    ("Oils", "Lubricants and chemicals", "drop"),
]
ARTICLE_TILES = {
    "new-warehouse-bremen": [("Warehouse", "Tools and workshop", "box")],
    "bearing-failure-guide": [("Bearings", "Bearings", "bearing")],
    "price-lists-2027": [("Prices 2027", "Power transmission", "chain")],
}


def _banner_png(tiles) -> bytes:
    """Tiles of demo pictures side by side in one row."""
    pictures = [
        PILImage.open(io.BytesIO(demo_image_png(title=t, code="", top_category=c, shape=s)))
        for t, c, s in tiles
    ]
    size = pictures[0].width
    canvas = PILImage.new("RGB", (size * len(pictures), size), "white")
    for i, picture in enumerate(pictures):
        canvas.paste(picture, (i * size, 0))
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG")
    return buffer.getvalue()


def _image(title: str, tiles) -> object:
    Image = get_image_model()
    image = Image.objects.filter(title=title).first()
    if image is None:
        image = Image(title=title)
        image.file = ImageFile(io.BytesIO(_banner_png(tiles)), name=f"{slugify(title)}.png")
        image.save()
    return image


def _catalogue_pdf() -> bytes:
    """A one-page PDF 'catalogue' drawn with Pillow (no network, no PDF library)."""
    page = PILImage.new("RGB", (1240, 1754), "white")
    draw = ImageDraw.Draw(page)
    draw.rectangle((0, 0, 1240, 220), fill=(31, 95, 168))
    draw.text((80, 110), "PartsHub Winter Fleet Catalogue 2026/27", font=ImageFont.load_default(size=52), fill="white", anchor="lm")  # fmt: skip
    banner = PILImage.open(io.BytesIO(_banner_png(LANDING_TILES))).resize((1080, 360))
    page.paste(banner, (80, 300))
    draw.text((80, 1460), "Brake parts · Filters · Ignition · Oils", font=ImageFont.load_default(size=40), fill=(40, 40, 40))  # fmt: skip
    buffer = io.BytesIO()
    page.save(buffer, format="PDF", resolution=150)
    return buffer.getvalue()


def _document(title: str) -> object:
    Document = get_document_model()
    document = Document.objects.filter(title=title).first()
    if document is None:
        document = Document(title=title)
        document.file.save(f"{slugify(title)}.pdf", io.BytesIO(_catalogue_pdf()), save=False)
        document.save()
    return document


def _product_ids(skus: list[str]) -> list[int]:
    by_sku = dict(Product.objects.filter(upc__in=skus).values_list("upc", "pk"))
    picked = [by_sku[sku] for sku in skus if sku in by_sku]
    if len(picked) < 4:  # a small seed: the newest products instead
        picked = list(Product.objects.order_by("-id").values_list("pk", flat=True)[:8])
    return picked


def _category_id(*names: str) -> int | None:
    category = None
    for name in names:
        children = Category.get_root_nodes() if category is None else category.get_children()
        category = children.filter(name=name).first()
        if category is None:
            return None
    return category.pk


def _block(kind: str, value) -> dict:
    return {"type": kind, "value": value}


def home_body() -> list[dict]:
    hero_image = _image("Demo hero: parts for workshops", HERO_TILES)
    bearings = _category_id("Bearings")
    body = [
        _block("hero", {**text.HOME_HERO, "image": hero_image.pk}),
        _block("features", {"features": text.FEATURES}),
        _block(
            "product_carousel",
            {
                "heading": "Popular with workshops",
                "products": _product_ids(text.HOME_PICKS),
                "category": None,
                "count": 8,
            },
        ),  # fmt: skip
        _block("category_tiles", {"heading": "Shop by category", "categories": []}),
    ]
    if bearings:
        body.append(
            _block(
                "product_carousel",
                {"heading": "New in bearings", "products": [], "category": bearings, "count": 8},
            )
        )
    body += [
        _block("testimonial", {**text.HOME_TESTIMONIAL, "image": None}),
        _block("call_to_action", text.SIGNUP_CTA),
    ]
    return body


def _publish(parent, page) -> object:
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _site_home() -> HomePage:
    """The HomePage at the default site's root, made if missing (Wagtail's welcome page goes)."""
    home = HomePage.objects.first()
    if home is not None:
        return home
    root = Page.get_first_root_node()
    home = HomePage(
        title="PartsHub B2B",
        slug="partshub-home",
        body=home_body(),
        seo_title="PartsHub B2B - industrial parts for business",
        search_description="Bulk ordering of industrial and automotive parts at negotiated prices.",
    )
    _publish(root, home)
    site = Site.objects.filter(is_default_site=True).first()
    old_root = site.root_page if site else None
    if site:
        site.root_page = home
        site.site_name = "PartsHub B2B"
        site.save()
    else:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True)
    # Wagtail's own "Welcome" placeholder page is replaced, not kept beside ours.
    if old_root and old_root.specific_class is Page and not old_root.get_children().exists():
        old_root.delete()
    return home


def _missing(home, slug: str) -> bool:
    return not home.get_children().filter(slug=slug).exists()


def _standard_pages(home) -> int:
    made = 0
    for slug, title, intro, body in text.STANDARD_PAGES:
        if _missing(home, slug):
            _publish(home, ContentPage(title=title, slug=slug, intro=intro, body=[_block("paragraph", body)]))  # fmt: skip
            made += 1
    return made


def _landing_page(home) -> int:
    spec = text.LANDING
    if not _missing(home, spec["slug"]):
        return 0
    brakes = _category_id("Automotive spare parts", "Brake parts") or _category_id(
        "Automotive spare parts"
    )
    body = [
        _block(
            "hero",
            {**spec["hero"], "image": _image("Demo: winter fleet service", LANDING_TILES).pk},
        ),  # fmt: skip
        _block("paragraph", spec["intro"]),
    ]
    if brakes:
        body.append(
            _block(
                "product_carousel",
                {
                    "heading": "Brake parts for vans and trucks",
                    "products": [],
                    "category": brakes,
                    "count": 8,
                },
            )  # fmt: skip
        )
    body += [
        _block("testimonial", {**spec["testimonial"], "image": None}),
        _block(
            "document",
            {
                "document": _document("Winter fleet catalogue 2026-27").pk,
                "title": "",
                "description": "All winter parts with SKUs and pack sizes, to print for the workshop.",
            },
        ),  # fmt: skip
        _block("call_to_action", spec["cta"]),
    ]
    _publish(home, LandingPage(title=spec["title"], slug=spec["slug"], seo_title=spec["seo_title"], body=body, show_in_menus=False))  # fmt: skip
    return 1


def _news(home) -> int:
    index = NewsIndexPage.objects.child_of(home).first()
    made = 0
    if index is None:
        index = _publish(home, NewsIndexPage(title="News", slug="news", intro=text.NEWS_INTRO))
        made += 1
    for spec in text.ARTICLES:
        if not _missing(index, spec["slug"]):
            continue
        article = ArticlePage(
            title=spec["title"],
            slug=spec["slug"],
            date=date.fromisoformat(spec["date"]),
            intro=spec["intro"],
            listing_image=_image(f"Demo news: {spec['slug']}", ARTICLE_TILES[spec["slug"]]),
            body=[_block("paragraph", spec["body"])],
        )
        article.tags.add(*spec["tags"])
        _publish(index, article)
        made += 1
    return made


def _faq(home) -> int:
    if not _missing(home, "faq"):
        return 0
    groups = [
        _block(
            "faq_group",
            {"topic": topic, "items": [{"question": q, "answer": a} for q, a in items]},
        )
        for topic, items in text.FAQ_GROUPS
    ]
    body = groups + [
        _block(
            "call_to_action",
            {
                "title": "Still a question?",
                "text": "Our sales team answers on business days from 07:00 to 18:00.",
                "button_label": "Contact us",
                "button_url": "/contact/",
            },
        )  # fmt: skip
    ]
    _publish(home, FaqPage(title="Frequently asked questions", slug="faq", intro=text.FAQ_INTRO, body=body))  # fmt: skip
    return 1


def _home_for_the_audience(home) -> bool:
    """Bring a home page seeded earlier up to date: the sign-up prompt for visitors only, and
    no sign-in prompt among the features. Only the demo's own words are touched, so a block
    an editor wrote or changed stays; returns True if a revision was published."""
    changed = False
    for child in home.body:
        value = child.value
        if (
            child.block_type == "call_to_action"
            and value.get("title") == text.SIGNUP_CTA["title"]
            and value.get("button_url") == text.SIGNUP_CTA["button_url"]
            and value.get("show_to") != text.SIGNUP_CTA["show_to"]
        ):
            value["show_to"] = text.SIGNUP_CTA["show_to"]
            changed = True
        if child.block_type == "features":
            for feature in value["features"]:
                if feature["text"] in text.FEATURE_TEXT_BEFORE:
                    feature["text"] = text.FEATURE_TEXT_BEFORE[feature["text"]]
                    changed = True
    if changed:
        home.save_revision().publish()
    return changed


@transaction.atomic
def home_page_ensure() -> bool:
    """Make the site's home page and its demo pages, those missing; return True if any was made."""
    made_home = not HomePage.objects.exists()
    home = _site_home()
    made = _standard_pages(home) + _landing_page(home) + _news(home) + _faq(home)
    if not made_home:
        _home_for_the_audience(home)
    return made_home or made > 0


# Wagtail's data migrations create "Editors" (draft, submit for moderation) and
# "Moderators" (also publish) with rights on the tree's root, where a page has no URL and
# the explorer opens on "Root". The demo grants the same rights on the site's home page
# instead, so the content team starts there and every page it adds is on the site.
# Neither group is staff: editors see the Wagtail admin only, never the Oscar dashboard,
# the CRM or Django admin.
EDITOR_GROUPS = {
    "Editors": ("add_page", "change_page", "lock_page"),
    "Moderators": ("add_page", "change_page", "publish_page", "lock_page", "unlock_page"),
}
# (email, first name, last name, groups): eddie drafts, maria reviews and publishes.
CONTENT_TEAM = (
    ("eddie.editor@partshub.example", "Eddie", "Moreau", ("Editors",)),
    ("maria.moderator@partshub.example", "Maria", "Keller", ("Editors", "Moderators")),
)


@transaction.atomic
def editors_ensure() -> list[tuple[str, str]]:
    """Give the content team its Wagtail groups and logins; return (role, email) logins."""
    root = Page.get_first_root_node()
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    home = site.root_page if site else root
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for name, codenames in EDITOR_GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin)
        if home != root:
            GroupPagePermission.objects.filter(group=group, page=root).delete()
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=home,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )
    User = get_user_model()
    logins = []
    for email, first_name, last_name, groups in CONTENT_TEAM:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            local, domain = email.split("@")
            user = User(
                username=f"{local[:30]}-{slugify(domain)[:8]}",
                email=email,
                first_name=first_name,
                last_name=last_name,
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        user.groups.add(*Group.objects.filter(name__in=groups))
        role = "content moderator (publishes)" if "Moderators" in groups else "content editor"
        logins.append((role, email))
    return logins
