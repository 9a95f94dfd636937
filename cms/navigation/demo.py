"""Demo navigation and contact settings for the default site, set once."""

from django.db import transaction
from wagtail.models import Page, Site

from cms.navigation.models import ContactSettings, NavigationSettings

# Menu entries by page slug (left out while the page does not exist) or address.
HEADER = [
    ("News", "news", None),
    ("FAQ", "faq", None),
    ("Delivery and returns", "delivery-and-returns", None),
    ("About us", "about", None),
]
FOOTER = [
    (
        "Shop",
        [
            ("All products", None, "/shop/catalogue/"),
            ("Quick order", None, "/shop/quick-order/"),
            ("Open a business account", None, "/accounts/signup/"),
        ],
    ),
    (
        "Service",
        [
            ("Ordering on account", "ordering-on-account", None),
            ("Delivery and returns", "delivery-and-returns", None),
            ("FAQ", "faq", None),
            ("Contact", "contact", None),
        ],
    ),
    ("Company", [("About PartsHub", "about", None), ("News", "news", None)]),
]
SOCIAL = [
    ("linkedin", "https://www.linkedin.com/company/partshub-example"),
    ("xing", "https://www.xing.com/pages/partshub-example"),
    ("youtube", "https://www.youtube.com/@partshub-example"),
]


def _links(entries, pages_by_slug) -> list[dict]:
    links = []
    for label, slug, url in entries:
        if slug:
            page = pages_by_slug.get(slug)
            if page is None:
                continue
            links.append({"type": "link", "value": {"label": label, "page": page.pk, "url": ""}})
        else:
            links.append({"type": "link", "value": {"label": label, "page": None, "url": url}})
    return links


@transaction.atomic
def navigation_ensure() -> bool:
    """Fill the default site's menus and contact details if still empty; return True if set."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        return False
    navigation = NavigationSettings.for_site(site)
    contact = ContactSettings.for_site(site)
    changed = False
    if not navigation.header_links and not navigation.footer_columns:
        pages = Page.objects.descendant_of(site.root_page).live()
        pages_by_slug = {page.slug: page for page in pages}
        navigation.header_links = _links(HEADER, pages_by_slug)
        navigation.footer_columns = [
            {
                "type": "column",
                "value": {
                    "heading": heading,
                    "links": [link["value"] for link in _links(entries, pages_by_slug)],
                },
            }
            for heading, entries in FOOTER
        ]
        navigation.save()
        changed = True
    if not contact.company_name:
        contact.company_name = "PartsHub GmbH"
        contact.address = "Industriestrasse 12\n50667 Köln\nGermany"
        contact.phone = "+49 221 555 0100"
        contact.email = "service@partshub.example"
        contact.opening_hours = "Mon-Fri 7:30-18:00, orders before 16:00 ship the same day"
        contact.social_links = [
            {"type": "social", "value": {"network": network, "url": url}} for network, url in SOCIAL
        ]
        contact.save()
        changed = True
    return changed
