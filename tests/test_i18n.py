"""One language per page: English by default, a complete German translation, nothing mixed."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import ProductFactory

PO_FILE = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")


def _po_entries() -> list[dict]:
    """The catalogue's entries (header skipped): context, msgid, plural, msgstr forms, flags."""
    entries = []
    for block in PO_FILE.read_text(encoding="utf-8").split("\n\n"):
        entry: dict = {"ctx": None, "id": None, "plural": None, "str": {}, "flags": []}
        field = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] += [flag.strip() for flag in line[2:].split(",")]
                continue
            if line.startswith("#") or not line.strip():
                continue
            match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?) (\".*\")$", line)
            if match:
                keyword, form, text = (
                    match.group(1),
                    match.group(2),
                    ast.literal_eval(match.group(3)),
                )
                field = {"msgctxt": "ctx", "msgid": "id", "msgid_plural": "plural"}.get(
                    keyword, ("str", int(form or 0))
                )
            else:
                text = ast.literal_eval(line)
            if isinstance(field, tuple):
                entry["str"][field[1]] = entry["str"].get(field[1], "") + text
            else:
                entry[field] = (entry[field] or "") + text
        if entry["id"]:  # the header has an empty msgid
            entries.append(entry)
    return entries


def test_german_catalogue_has_every_message_translated_and_none_fuzzy():
    entries = _po_entries()
    assert len(entries) > 300
    untranslated = [e["id"] for e in entries if not all(e["str"].values()) or not e["str"]]
    fuzzy = [e["id"] for e in entries if "fuzzy" in e["flags"]]
    plural_incomplete = [e["id"] for e in entries if e["plural"] and len(e["str"]) != 2]
    assert untranslated == [], f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"
    assert plural_incomplete == []


def test_compiled_catalogue_matches_the_po_file():
    """The committed .mo is what `make messages` compiles from the .po (no stale binary)."""
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in _po_entries():
        key = f"{entry['ctx']}\x04{entry['id']}" if entry["ctx"] else entry["id"]
        if entry["plural"]:
            got = [compiled.ngettext(key, entry["plural"], n) for n in (1, 2)]
            want = [entry["str"][0], entry["str"][1]]
        else:
            got, want = compiled.gettext(key), entry["str"][0]
        if got != want:
            stale.append(entry["id"])
    assert stale == [], f"{len(stale)} messages differ from the .mo, e.g. {stale[:5]}"


@pytest.fixture
def home_page(db):
    from cms.demo import home_page_ensure

    home_page_ensure()


@pytest.fixture
def product(category):
    return ProductFactory(title="Tapered roller bearing 30205", category=category)


def _page(client, url: str, language: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, url
    return response.content.decode()


# Our strings and Oscar's on each key page: (German, English) pairs that must agree.
GERMAN_PAGES = {
    "home": ("/", ["Produkte", "Schnellbestellung", "Warenkorb"], ["Quick order", "Products<"]),
    "catalogue": (
        "catalogue:index",
        ["In den Warenkorb", "Artikelnummer", "Schnellbestellung"],
        ["Add to basket", ">SKU <", "Quick order"],
    ),
    "basket": (
        "basket:summary",
        ["Per Artikelnummer hinzufügen", "Viele Positionen auf einmal", "Warenkorb"],
        ["Add by SKU", "Many lines at once", "Your basket is empty"],
    ),
    "quick order": (
        "bulk:quick-order",
        ["Eine Zeile pro Produkt: Artikelnummer und Menge", "Zeilen prüfen"],
        ["One line per product", "Check lines"],
    ),
    "quotes": (
        "quotes:list",
        ["Noch keine Angebote.", "Gültig bis"],
        ["No quotes yet.", "Valid until", "Ask for a quote"],
    ),
}


@pytest.mark.parametrize("page", sorted(GERMAN_PAGES))
def test_a_german_browser_gets_each_key_page_in_german_only(
    client, buyer_member, product, home_page, page
):
    url, german, english = GERMAN_PAGES[page]
    client.force_login(buyer_member.user)
    html = _page(client, url if url.startswith("/") else reverse(url), "de-DE,de;q=0.9")
    assert '<html lang="de"' in html
    assert [text for text in german if text not in html] == []
    assert [text for text in english if text in html] == []


def test_a_german_browser_gets_the_product_page_and_login_in_german(client, buyer_member, product):
    html = _page(client, reverse("account_login"), "de")
    assert "Anmelden" in html and "Sign In" not in html  # allauth's own strings
    client.force_login(buyer_member.user)
    html = _page(client, product.get_absolute_url(), "de")
    for text in ("In den Warenkorb", "Produktinformationen", "Zu einer Bestellliste hinzufügen:"):
        assert text in html
    for text in ("Add to basket", "Product Information", "Add to a requisition list"):
        assert text not in html


@pytest.mark.parametrize("language", ["sv-SE,sv;q=0.9", "es-ES,es;q=0.9", "fr"])
def test_other_browser_languages_get_english_everywhere_not_a_mix(
    client, buyer_member, product, language
):
    client.force_login(buyer_member.user)
    html = _page(client, product.get_absolute_url(), language)
    assert '<html lang="en-gb"' in html
    assert "Add to basket" in html  # Oscar's string, in English too
    assert "Add to a requisition list:" in html  # ours
    # Oscar's Swedish/Spanish/French/German catalogues are not used.
    for foreign in ("varukorg", "cesta", "panier", "Warenkorb"):
        assert foreign not in html


def test_a_us_english_browser_sees_basket_not_cart(client, buyer_member, product):
    client.force_login(buyer_member.user)
    html = _page(client, product.get_absolute_url(), "en-US,en;q=0.9")
    assert "Add to basket" in html and "View basket" in html
    visible_text = " ".join(re.findall(r">([^<]*)<", html))  # not class names like btn-cart
    assert not re.search(r"\bcart\b", visible_text, re.IGNORECASE)


def test_the_language_switch_keeps_the_page_and_changes_the_language(client, product):
    html = _page(client, product.get_absolute_url(), "en")
    assert 'id="language_switch"' in html and 'id="language_de"' in html
    response = client.post(
        reverse("set_language"), {"language": "de", "next": product.get_absolute_url()}
    )
    assert response.status_code == 302
    assert response["Location"] == product.get_absolute_url()
    html = client.get(response["Location"]).content.decode()  # no Accept-Language: the choice
    assert "In den Warenkorb" in html and "Add to basket" not in html
    client.post(reverse("set_language"), {"language": "en-gb", "next": "/shop/"})
    assert "Add to basket" in client.get(product.get_absolute_url()).content.decode()
