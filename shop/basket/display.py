"""Fast, exact helpers for the basket table: a row costs microseconds, not milliseconds.

A 300-line basket page rendered each row's three inputs through Django's widget templates
and five amounts through babel: most of the page's time. These give the same HTML and the
same text from plain Python, and fall back to Django and babel wherever they could differ.
"""

import html
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import format_currency
from django.conf import settings
from django.forms.widgets import Input
from django.urls import NoReverseMatch, reverse
from django.utils.encoding import smart_str
from django.utils.formats import date_format, localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext as _
from oscar.apps.basket.abstract_models import AbstractLine
from oscar.apps.catalogue.abstract_models import AbstractProduct
from oscar.templatetags.currency_filters import currency as currency_filter

CENT = Decimal("0.01")


def esc(value) -> str:
    """What ``{{ value }}`` prints: safe strings as they are, everything else escaped."""
    if type(value) is int:  # digits and a sign: nothing to escape
        return str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))  # django.utils.html.escape, without the SafeString


def _number(value) -> str:
    """``{{ value }}`` for a number: localized as the template engine does."""
    return esc(localize(value))


_PROBES = ("0", "5", "12.3", "999.99", "1234.5", "45678.9", "1234567.89", "100000000")


@lru_cache(maxsize=64)
def _currency_parts(currency: str, locale: str, fmt) -> tuple[str, str, str, str] | None:
    """(prefix, group separator, decimal separator, suffix) of this currency in this locale.

    Read from babel's own output and checked against it on sample amounts; None when the
    locale's pattern is not "prefix, thousands in threes, two decimals, suffix" (then every
    amount goes through babel).
    """
    kwargs = {"currency": currency, "locale": locale}
    if isinstance(fmt, tuple):
        kwargs.update(dict(fmt))
    else:
        kwargs["format"] = fmt
    try:
        sample = format_currency(Decimal("1234567.89"), **kwargs)
    except Exception:  # an unknown locale or currency: babel decides, as in the filter
        return None
    head, sep, rest = sample.partition("1")
    if not sep or len(rest) < 11:
        return None
    group, decimal = rest[0], rest[8]
    if rest[1:4] != "234" or rest[4] != group or rest[5:8] != "567" or rest[8] != decimal:
        return None
    if rest[9:11] != "89" or group == decimal or group.isdigit() or decimal.isdigit():
        return None
    parts = (head, group, decimal, rest[11:])
    for probe in _PROBES:
        if _fast(Decimal(probe), parts) != format_currency(Decimal(probe), **kwargs):
            return None
    return parts


def _fast(value: Decimal, parts: tuple[str, str, str, str]) -> str:
    prefix, group, decimal, suffix = parts
    number = f"{value:,.2f}".replace(",", "\0").replace(".", decimal).replace("\0", group)
    return f"{prefix}{number}{suffix}"


def currency_text(value, currency: str | None = None) -> str:
    """Exactly Oscar's ``currency`` template filter, without babel for whole cents >= 0."""
    currency = currency or settings.OSCAR_DEFAULT_CURRENCY
    if isinstance(value, Decimal) and value.is_finite() and value >= 0:
        try:
            exact = value.quantize(CENT) == value
        except InvalidOperation:
            exact = False
        if exact:
            fmt = getattr(settings, "OSCAR_CURRENCY_FORMAT", None)
            if isinstance(fmt, dict):
                fmt = tuple(sorted(fmt.get(currency, {}).items()))
            try:
                locale = to_locale(get_language() or settings.LANGUAGE_CODE)
                parts = _currency_parts(currency, locale, fmt)
            except TypeError:  # unhashable options: babel, as in the filter
                parts = None
            if parts is not None:
                return _fast(value, parts)
    return currency_filter(value, currency)


def input_html(bound_field, attrs: dict | None = None) -> SafeString:
    """``bound_field.as_widget(attrs=attrs)`` for a plain ``<input>`` widget, in Python.

    The same steps as Django's ``BoundField.as_widget`` and the same markup as its
    ``input.html``/``attrs.html`` templates; other widgets render through Django.
    """
    widget = bound_field.field.widget
    if not isinstance(widget, Input) or widget.template_name not in (
        "django/forms/widgets/number.html",
        "django/forms/widgets/hidden.html",
        "django/forms/widgets/checkbox.html",
        "django/forms/widgets/input.html",
    ):
        return bound_field.as_widget(attrs=attrs)
    if bound_field.field.localize:
        widget.is_localized = True
    attrs = bound_field.build_widget_attrs(attrs or {}, widget)
    if bound_field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound_field.auto_id)
    context = widget.get_context(bound_field.html_name, bound_field.value(), attrs)["widget"]
    return input_tag(context["type"], context["name"], context["value"], context["attrs"])


def input_tag(input_type: str, name: str, value, attrs: dict) -> SafeString:
    """The markup of Django's ``input.html``/``attrs.html`` for these values, escaped alike."""
    out = [f'<input type="{esc(input_type)}" name="{esc(name)}"']
    if value is not None:
        out.append(f' value="{esc(value)}"')
    for key, item in attrs.items():
        if item is False:
            continue
        out.append(f" {esc(key)}")
        if item is not True:
            out.append(f'="{esc(item)}"')
    out.append(">")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


ROW_INPUT_CLASS = "form-control form-control-sm"  # the quantity input of a table row


class UnboundLineInputs:
    """The inputs of a basket line's unbound form, without building the form.

    A GET of the basket page shows every line's form as it starts; building Oscar's model
    formset for that (a model form, a model choice field and deep copies per line) was a
    third of a 300-line page. These are the same tags: the id, the quantity with the
    constraints ``shop.basket.forms.BasketLineForm`` gives it, and the removal box
    (tests/shop/basket/test_basket_table.py renders both ways and compares). A bound
    formset (a refused update) still renders through its forms, with their errors.
    """

    def __init__(self, formset, *, strategy, quantity_label: str, remove_label: str):
        from shop.basket.forms import unbound_quantity_attrs

        self.formset = formset
        self.strategy = strategy
        self.quantity_label = quantity_label
        self.remove_label = remove_label
        self.quantity_attrs = unbound_quantity_attrs
        self.basket_max = None

    def _auto_id(self, name: str) -> str:
        auto_id = self.formset.auto_id
        if auto_id and "%s" in str(auto_id):
            return auto_id % name
        return name if auto_id else ""

    def __call__(self, index: int, line) -> dict:
        prefix = self.formset.add_prefix(index)
        id_name, quantity_name, delete_name = (
            f"{prefix}-{f}" for f in ("id", "quantity", "DELETE")
        )
        inputs = {"quantity_name": quantity_name, "errors": []}
        id_id = self._auto_id(id_name)
        inputs["id_input"] = input_tag("hidden", id_name, line.pk, {"id": id_id} if id_id else {})
        if line.quoted_unit_price is None:
            if self.basket_max is None:
                self.basket_max = (line.basket.max_allowed_quantity()[0],)
            attrs = self.quantity_attrs(line, self.strategy, self.basket_max[0])
            css = attrs.get("class")
            attrs["class"] = f"{css} {ROW_INPUT_CLASS}" if css else ROW_INPUT_CLASS
            attrs["aria-label"] = mark_safe(  # noqa: S308 - the title is escaped, as blocktranslate
                self.quantity_label % {"title": conditional_escape(line.product.get_title())}
            )
            quantity_id = self._auto_id(quantity_name)
            if quantity_id:
                attrs["id"] = quantity_id
            inputs["quantity_input"] = input_tag("number", quantity_name, line.quantity, attrs)
            delete = {"aria-label": self.remove_label}
            delete_id = self._auto_id(delete_name)
            if delete_id:
                delete["id"] = delete_id
            inputs["delete_input"] = input_tag("checkbox", delete_name, None, delete)
        return inputs


_PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")  # reverse() prints it as it is
_SLUG, _PK = "basketrowslug", 987654321


class ProductUrls:
    """``product.get_absolute_url()`` for a page of products: one reverse(), then joins.

    Only for Oscar's own method and plain ASCII slugs; anything else asks the product.
    """

    def __init__(self):
        self._parts = None

    def _pattern(self) -> tuple[str, str, str] | bool:
        if self._parts is None:
            url = reverse("catalogue:detail", kwargs={"product_slug": _SLUG, "pk": _PK})
            head, slug, rest = url.partition(_SLUG)
            middle, pk, tail = rest.partition(str(_PK))
            ok = slug and pk and _SLUG not in tail and str(_PK) not in head + middle + tail
            self._parts = (head, middle, tail) if ok else False
        return self._parts

    def __call__(self, product) -> str:
        if (
            type(product).get_absolute_url is AbstractProduct.get_absolute_url
            and isinstance(product.pk, int)
            and product.slug
            and _PLAIN_SLUG.match(product.slug)
        ):
            parts = self._pattern()
            if parts:
                head, middle, tail = parts
                return f"{head}{product.slug}{middle}{product.pk}{tail}"
        return product.get_absolute_url()


def line_description(line) -> str:
    """``line.description``; a line without options (prefetched) skips its empty query set."""
    cached = getattr(line, "_prefetched_objects_cache", {}).get("attributes")
    if type(line).description is AbstractLine.description and cached is not None and not cached:
        return smart_str(line.product)
    return line.description


class RowTexts:
    """The words every row uses, translated once per page."""

    def __init__(self):
        self.yours = _("yours: %(part_number)s")
        self.quote = _("Quote %(number)s")
        self.locked_quote = esc(_("price and quantity locked"))
        self.until = _("until %(date)s")
        self.locked = esc(_("locked"))
        self.tax = _("+ %(amount)s tax")
        self.product_url = ProductUrls()


def row_html(row: dict, part_number: str, texts: RowTexts) -> str:
    """One ``<tr>`` of the basket table from a row of ``BasketView._row``.

    The markup the template's row had, with the same escaping: ``{{ }}`` values escaped,
    ``blocktranslate`` texts as translated with their values escaped.
    """
    line = row["line"]
    record = line.stockrecord
    sku = "" if record is None else esc(record.partner_sku)
    quoted = line.quoted_unit_price is not None
    out = [
        f'<tr data-sku="{sku}" class="{"table-warning" if row["errors"] else ""}">',
        f'<td class="text-nowrap">{row["id_input"]}{sku}',
    ]
    if part_number:
        yours = texts.yours % {"part_number": esc(part_number)}
        out.append(f'<div class="small text-muted customer-part-number">{yours}</div>')
    out.append(f'</td>\n<td><a href="{esc(texts.product_url(line.product))}">')
    out.append(f"{esc(line_description(line))}</a>")
    if quoted:
        number = texts.quote % {"number": esc(line.quote_reference)}
        try:
            url = reverse("quotes:detail", args=[line.quote_reference])
        except NoReverseMatch:
            url = ""
        if url:
            number = f'<a href="{esc(url)}" class="text-white">{number}</a>'
        out.append(f'<span class="badge badge-info">{number}: {texts.locked_quote}')
        if line.quote_valid_until:
            until = texts.until % {"date": esc(date_format(line.quote_valid_until, "j M Y"))}
            out.append(f" {until}")
        out.append("</span>")
    out.append('</td>\n<td class="small">')
    stock = row["stock"]
    if stock:
        out.append(
            f'<span class="{esc(stock.code)}">{esc(stock.label)}</span><br>'
            f'<span class="text-muted">{esc(row["lead_time"])}</span>'
        )
    elif line.purchase_info.availability:
        out.append(esc(line.purchase_info.availability.short_message))
    out.append('</td>\n<td class="text-right text-nowrap">')
    if row["unit_price_text"] is None:
        out.append("&mdash;")
    else:
        if row["list_price_text"]:
            out.append(f'<s class="text-muted small">{esc(row["list_price_text"])}</s><br>')
        out.append(esc(row["unit_price_text"]))
        if row["next_tier_text"]:
            quantity, price = row["next_tier_text"]
            out.append(
                f'<div class="small text-muted next-tier">{_number(quantity)}+: {esc(price)}</div>'
            )
    out.append("</td>\n<td>")
    if quoted:
        quantity = _number(line.quantity)
        out.append(
            f'<input type="hidden" name="{esc(row["quantity_name"])}" '
            f'value="{quantity}">{quantity} <span class="small text-muted">{texts.locked}</span>'
        )
    else:
        out.append(row["quantity_input"])
    for error in row["errors"]:
        out.append(f'<div class="text-danger small error-block">{esc(error)}</div>')
    out.append('</td>\n<td class="text-right text-nowrap">')
    if row["line_total_text"] is None:
        out.append("&mdash;")
    else:
        out.append(esc(row["line_total_text"]))
        if row["line_tax_text"] is not None:
            tax = texts.tax % {"amount": esc(row["line_tax_text"])}
            out.append(f'<div class="small text-muted line-tax">{tax}</div>')
    out.append('</td>\n<td class="text-center">')
    if not quoted:
        out.append(row["delete_input"])
    out.append("</td>\n</tr>\n")
    return "".join(out)
