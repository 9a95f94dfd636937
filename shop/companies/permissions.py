"""What a company member's role allows, in words a buyer understands."""

from shop.companies.models import CompanyMember


def ordering_refusal(*, member: CompanyMember | None) -> str:
    """Return why this member may not order (empty when they may)."""
    if member is None or member.can_order:
        return ""
    return (
        f"As a {member.get_role_display().lower()} at {member.company} you can see orders and "
        "documents but not order. Ask your company's admin for the buyer role."
    )
