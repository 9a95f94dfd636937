"""What a company member's role allows, in words a buyer understands."""

from django.utils.translation import gettext as _

from shop.companies.models import CompanyMember


def ordering_refusal(*, member: CompanyMember | None) -> str:
    """Return why this member may not order (empty when they may)."""
    if member is None or member.can_order:
        return ""
    return _(
        "As a %(role)s at %(company)s you can see orders and documents but not order. "
        "Ask your company's admin for the buyer role."
    ) % {"role": member.get_role_display().lower(), "company": member.company}
