"""Content-Security-Policy: every page carries one, and the pages satisfy it.

Scripts and <style> elements run only from our origin or with the request's nonce, and no
template has an inline event handler (onclick=, onchange=...): the policy would block it.
The browser journey (tests/browser/test_csp_journey.py) checks the same in Chromium.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import ProductFactory, category_create

ROOT = Path(settings.BASE_DIR)
TEMPLATE_ROOTS = ["shop", "orders", "crm_embedded", "cms", "config"]
# Not pages a browser loads: emails are text, the quote PDF is drawn by WeasyPrint.
NOT_BROWSER_PAGES = re.compile(r"/email/|/pdf/")
INLINE_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE)
SCRIPT_OR_STYLE_TAG = re.compile(r"<(script|style)\b[^>]*>", re.IGNORECASE)
NONCE_ATTRIBUTE = 'nonce="{{ request.csp_nonce }}"'


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


class _InlineCode(HTMLParser):
    """Collect inline scripts and styles (with their nonce) and event-handler attributes."""

    def __init__(self):
        super().__init__()
        self.inline: list[tuple[str, str | None]] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "style" or (tag == "script" and "src" not in attributes):
            self.inline.append((tag, attributes.get("nonce")))
        self.handlers += [f"<{tag} {name}=...>" for name, _ in attrs if name.startswith("on")]


def _check_page(response) -> None:
    assert response.status_code == 200, response.status_code
    header = response.get("Content-Security-Policy")
    assert header, f"{response.wsgi_request.path} has no Content-Security-Policy header"
    directives = _directives(header)
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["object-src"] == ["'none'"]
    nonces = [word for word in directives["script-src"] if word.startswith("'nonce-")]
    parser = _InlineCode()
    parser.feed(response.content.decode())
    assert parser.handlers == [], f"inline event handlers: {parser.handlers}"
    for tag, nonce in parser.inline:
        assert nonce and f"'nonce-{nonce}'" in nonces, f"an inline <{tag}> without the nonce"


@pytest.fixture
def catalogue(db):
    category = category_create("Bearings")
    product = ProductFactory(title="Ball bearing 6204-2RS")
    product.categories.add(category)
    return product, category


@pytest.mark.django_db
def test_storefront_pages_for_a_visitor_carry_a_policy_they_satisfy(client, catalogue):
    product, category = catalogue
    for url in (
        "/",
        reverse("catalogue:index"),
        category.get_absolute_url(),
        product.get_absolute_url(),
        reverse("search:search") + "?q=bearing",
        reverse("basket:summary"),
        reverse("account_login"),
        reverse("account_signup"),
    ):
        _check_page(client.get(url, follow=True))


@pytest.mark.django_db
def test_buyer_pages_carry_a_policy_they_satisfy(client, buyer_member, catalogue):
    product, _category = catalogue
    client.force_login(buyer_member.user)
    client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    for url in (
        reverse("basket:summary"),
        reverse("bulk:quick-order"),
        reverse("company:home"),
        reverse("customer:profile-update"),
    ):
        _check_page(client.get(url, follow=True))


@pytest.mark.django_db
def test_the_nonce_differs_per_request(client):
    url = reverse("catalogue:index")
    first = _directives(client.get(url).get("Content-Security-Policy"))["script-src"]
    second = _directives(client.get(url).get("Content-Security-Policy"))["script-src"]
    assert any(word.startswith("'nonce-") for word in first)
    assert first != second


@pytest.mark.django_db
def test_admin_sites_are_excluded_and_no_third_party_script_origin_is_allowed(client, superuser):
    # The Wagtail and Django admins ship inline scripts of their own (staff only).
    client.force_login(superuser)
    assert "Content-Security-Policy" not in client.get("/cms/")
    assert "Content-Security-Policy" not in client.get("/django-admin/")
    # No card payment form yet: Stripe's origin is only allowed when CSP_PAYMENT_ORIGINS says.
    assert "stripe" not in client.get("/").get("Content-Security-Policy")


def _templates() -> list[Path]:
    found = []
    for root in TEMPLATE_ROOTS:
        for path in (ROOT / root).rglob("templates/**/*.html"):
            if not NOT_BROWSER_PAGES.search(path.as_posix()):
                found.append(path)
    return sorted(found)


def test_no_template_has_inline_event_handlers_or_inline_code_without_the_nonce():
    templates = _templates()
    assert len(templates) > 20
    problems = []
    for path in templates:
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(ROOT)
        for match in INLINE_HANDLER.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            problems.append(f"{name}:{line}: inline event handler {match.group().strip()}")
        for match in SCRIPT_OR_STYLE_TAG.finditer(text):
            tag = match.group()
            if " src=" not in tag and NONCE_ATTRIBUTE not in tag:
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{name}:{line}: {tag} needs {NONCE_ATTRIBUTE} or a static file")
    assert problems == []
