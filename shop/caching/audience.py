"""Who a cached page was rendered for: visitors share one copy, a company has its own.

CONTRACT (issue 16 skeleton; the grid-cache helper refines it, keeps the name): the key
must separate everything that changes what a page shows about prices, stock or ordering
(company contract and group lists, tax treatment, the member's right to order).
"""


def price_audience(request) -> str:
    """A short key naming the price audience of this request's user."""
    member = getattr(request, "company_member", None)
    if member is None or not member.company.is_active:
        return "v"
    return f"c{member.company_id}:{'o' if member.can_order else 'r'}"
