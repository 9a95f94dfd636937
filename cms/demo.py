"""Demo content: the portal's home page and a few editorial pages, created once."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.text import slugify
from wagtail.models import GroupPagePermission, Page, Site

from cms.models import ContentPage, HomePage
from shop.demo import DEMO_PASSWORD

HOME_BODY = [
    {
        "type": "features",
        "value": {
            "features": [
                {
                    "title": "Your negotiated prices",
                    "text": "Sign in to see your company's contract prices, volume tiers and live stock on every product.",
                },
                {
                    "title": "Order in bulk",
                    "text": "Paste SKUs or upload a spreadsheet, reuse shared lists and reorder past orders in one click.",
                },
                {
                    "title": "Quotes and approvals",
                    "text": "Ask for a quote on large orders and let your approver sign off before anything ships.",
                },
                {
                    "title": "Pay on account",
                    "text": "Order against your credit line on agreed terms, or pay by card.",
                },
            ]
        },
    },
    {"type": "heading", "value": "A distributor for workshops, plants and fleets"},
    {
        "type": "paragraph",
        "value": "<p>PartsHub stocks more than a hundred thousand bearings, fasteners, hydraulic and pneumatic parts, power-transmission components, automotive spare parts, electrical and safety supplies. Orders placed before 16:00 ship the same day from our central warehouse.</p>",
    },
    {
        "type": "call_to_action",
        "value": {
            "title": "Open a business account",
            "text": "Register, tell us about your company and an account manager will set up your prices and payment terms within one business day.",
            "button_label": "Apply now",
            "button_url": "/accounts/signup/",
        },
    },
]

CONTENT_PAGES = [
    (
        "about",
        "About PartsHub",
        "A family-run distributor of industrial supplies since 1987.",
        "<p>We serve repair workshops, textile and food plants, and fleet operators across Europe with parts from stock and technical advice from people who know the machines.</p>",
    ),
    (
        "ordering-on-account",
        "Ordering on account",
        "How credit lines, approvals and invoices work for business customers.",
        "<p>Approved companies can order against a credit line with 30-day payment terms. Orders above a buyer's limit go to the company's approver before they ship. Invoices are available to download from your account.</p>",
    ),
    (
        "delivery-and-returns",
        "Delivery and returns",
        "Same-day dispatch, tracked delivery and 30-day returns on stock items.",
        "<p>Orders placed before 16:00 on business days ship the same day. Stock items can be returned unused within 30 days; special-order items cannot be returned.</p>",
    ),
]


@transaction.atomic
def home_page_ensure() -> bool:
    """Make a HomePage the default site's root, with demo content; return True if created."""
    if HomePage.objects.exists():
        return False
    root = Page.get_first_root_node()
    home = HomePage(
        title="PartsHub B2B",
        slug="partshub-home",
        hero_title="Industrial parts at your negotiated prices",
        hero_text="Bearings, fasteners, hydraulics, automotive and workshop supplies for business customers, with live stock and same-day dispatch.",
        hero_button_label="Browse the catalogue",
        hero_button_url="/shop/catalogue/",
        body=HOME_BODY,
        seo_title="PartsHub B2B - industrial parts for business",
        search_description="Bulk ordering of industrial and automotive parts at negotiated prices.",
    )
    root.add_child(instance=home)
    home.save_revision().publish()
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
    for slug, title, intro, body in CONTENT_PAGES:
        page = ContentPage(
            title=title, slug=slug, intro=intro, body=[{"type": "paragraph", "value": body}]
        )
        home.add_child(instance=page)
        page.save_revision().publish()
    return True


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
