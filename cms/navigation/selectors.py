"""What the header and footer show: the site's menus, contact details and the shop's categories."""

from dataclasses import dataclass, field

from wagtail.models import Site

from cms.navigation.models import ContactSettings, NavigationSettings, SocialLinkBlock


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str


@dataclass
class SiteChrome:
    header_links: list[MenuLink] = field(default_factory=list)
    categories: list = field(default_factory=list)
    footer_columns: list[tuple[str, list[MenuLink]]] = field(default_factory=list)
    contact: ContactSettings | None = None
    social_links: list[MenuLink] = field(default_factory=list)


def _link(value, request) -> MenuLink | None:
    page = value.get("page")
    if page is not None:
        if not page.live:
            return None  # an unpublished page drops out of the menu instead of a dead link
        url = page.get_url(request)
        return MenuLink(label=value.get("label") or page.title, url=url) if url else None
    if value.get("url"):
        return MenuLink(label=value.get("label") or value["url"], url=value["url"])
    return None


def site_chrome(*, request) -> SiteChrome:
    """Return the header and footer content for this request's site, in a fixed number of queries."""
    from shop import selectors as shop_selectors

    chrome = SiteChrome(categories=shop_selectors.category_top_level())
    if Site.find_for_request(request) is None:  # no site answers this host
        return chrome
    navigation = NavigationSettings.for_request(request)
    contact = ContactSettings.for_request(request)
    chrome.contact = contact
    names = dict(SocialLinkBlock.NETWORKS)
    chrome.social_links = [
        MenuLink(label=names.get(b.value["network"], b.value["network"]), url=b.value["url"])
        for b in contact.social_links
    ]
    for block in navigation.header_links:
        link = _link(block.value, request)
        if link:
            chrome.header_links.append(link)
    for block in navigation.footer_columns:
        links = [link for link in (_link(v, request) for v in block.value["links"]) if link]
        chrome.footer_columns.append((block.value["heading"], links))
    return chrome
