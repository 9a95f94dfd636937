"""Who a cached page was rendered for: visitors share one copy, a company has its own.

What changes the prices, stock and ordering controls a page shows, and how the key
separates it:

- the company (its contract, its customer group's list, its tax treatment: delivery
  country, VAT number, exemption; its customer part numbers): one audience per active
  company, and its version scopes ``prices:company:<id>`` / ``prices:group:<id>``
  are bumped when any of these change (``shop.caching.receivers``);
- whether the member may order (viewers get no add-to-basket buttons): ``o`` or ``r``;
- a signed-in user without an active company sees list prices like a visitor, but
  never the "log in for your price" text: ``u``, apart from visitors ``v``;
- the anonymous price mode (``SHOP_ANONYMOUS_PRICES``) and the stock display settings;
- the language, and the day (price lists, tax rates and exemptions have validity days).

Companies that only have their group's list are not shared per group: their tax
treatment and part numbers differ, and proving them equal costs more than it saves.
"""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language


def price_audience(request) -> str:
    """A short key naming the price audience of this request's user."""
    member = getattr(request, "company_member", None)
    may_order = "o" if member is None or member.can_order else "r"
    if member is not None and member.company.is_active:
        company = member.company
        return f"c{company.pk}:g{company.customer_group_id or 0}:{may_order}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"u:{may_order}"
    return f"v:{settings.SHOP_ANONYMOUS_PRICES}"


def price_scopes(request) -> list[str]:
    """The version scopes whose bumps make this audience's cached prices stale."""
    scopes = ["catalogue", "prices"]
    member = getattr(request, "company_member", None)
    if member is not None and member.company.is_active:
        company = member.company
        scopes.append(f"prices:company:{company.pk}")
        if company.customer_group_id:
            scopes.append(f"prices:group:{company.customer_group_id}")
    return scopes


def audience_key(request) -> str:
    """The audience with everything else a priced fragment depends on (language, day, settings)."""
    return ":".join(
        (
            price_audience(request),
            get_language() or "",
            timezone.localdate().isoformat(),
            settings.SHOP_STOCK_DISPLAY,
            str(settings.SHOP_STOCK_LOW_BELOW),
        )
    )
