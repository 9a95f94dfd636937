"""The basket table's rows, built in Python: at 300 lines template nodes per row cost most of the page."""

from django import template
from django.utils.safestring import mark_safe

from shop.basket.display import RowTexts, row_html

register = template.Library()


@register.simple_tag
def basket_rows(rows, part_numbers) -> str:
    """The ``<tr>`` of every row (``BasketView._row``), with the company's part numbers."""
    texts = RowTexts()
    part_numbers = part_numbers or {}
    html = "".join(
        row_html(row, part_numbers.get(row["line"].product_id, ""), texts) for row in rows
    )
    return mark_safe(html)  # noqa: S308 - row_html escapes every value it prints
