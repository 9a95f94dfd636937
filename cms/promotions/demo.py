"""Demo banners: one for visitors, one per customer group the demo's companies belong to."""

from django.db import transaction

from cms.promotions.models import Banner
from shop.companies.selectors import audience_customer_groups

VISITOR_BANNER = {
    "title": "Business customers: sign in for your contract prices",
    "text": "Your company's negotiated prices, volume tiers and live stock on every product.",
    "cta_label": "Sign in",
    "link_url": "/accounts/login/",
}
# Customer group slug -> banner.
GROUP_BANNERS = {
    "automotive-workshops": {
        "title": "Workshop week: brake and filter kits from stock",
        "text": "Order before 16:00 and your kits ship today.",
        "cta_label": "Automotive parts",
        "link_url": "/shop/catalogue/",
    },
    "fleet-operators": {
        "title": "Fleet service season: tyres, filters and PPE in one order",
        "text": "Paste your SKUs into quick order and reorder for every depot.",
        "cta_label": "Quick order",
        "link_url": "/shop/quick-order/",
    },
}


@transaction.atomic
def banners_ensure() -> int:
    """Create the demo banners that are missing; return how many were created."""
    made = 0
    if not Banner.objects.filter(title=VISITOR_BANNER["title"]).exists():
        Banner.objects.create(audience=Banner.Audience.VISITORS, **VISITOR_BANNER)
        made += 1
    for group in audience_customer_groups().filter(slug__in=GROUP_BANNERS):
        spec = GROUP_BANNERS[group.slug]
        if not Banner.objects.filter(title=spec["title"]).exists():
            Banner.objects.create(audience=Banner.Audience.GROUP, customer_group=group, **spec)
            made += 1
    return made
