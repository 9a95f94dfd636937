"""The buyer's company's part numbers beside our SKUs, for pages that list products."""

from django import template

from shop.partnumbers import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def company_part_numbers(context, lines) -> dict[int, str]:
    """{product id: part number} for these basket or list lines (or products); one query."""
    request = context.get("request")
    member = getattr(request, "company_member", None) if request is not None else None
    if member is None:
        return {}
    product_ids = {item.product_id if hasattr(item, "product_id") else item.pk for item in lines}
    return selectors.part_numbers_for_products(
        company_id=member.company_id, product_ids=[pid for pid in product_ids if pid]
    )


@register.filter
def part_number_of(part_numbers: dict, product_id) -> str:
    """The part number of this product in a company_part_numbers mapping, or ''."""
    return (part_numbers or {}).get(product_id, "")
