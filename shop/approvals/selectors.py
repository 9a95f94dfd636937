"""Reads for purchase approvals: what waits, for whom, and how much it holds back."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Min, Q, QuerySet, Sum
from django.utils import timezone
from oscar.core.loading import get_model

from orders import states as order_states
from shop.approvals.models import ApprovalRequest
from shop.approvals.states import State
from shop.companies.models import Company, CompanyMember

Order = get_model("order", "Order")

# Orders that count against a buyer's spending period (not cancelled ones).
COUNTED_ORDER_STATUSES = tuple(
    status
    for status in order_states.STATUSES
    if status not in (order_states.CANCELLED, order_states.AWAITING_PAYMENT)
)
ZERO = Decimal("0.00")


def pending_total_for_company(company: Company) -> Decimal:
    """Return the sum of the company's pending approval requests' totals."""
    total = ApprovalRequest.objects.filter(company=company, status=State.PENDING).aggregate(
        total=Sum("total")
    )["total"]
    return total or ZERO


def period_start(*, member: CompanyMember, now: datetime | None = None) -> datetime:
    """Return the start of the member's current spending period (a calendar month if unset)."""
    local = timezone.localtime(now or timezone.now())
    day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if member.period == CompanyMember.Period.DAY:
        return day
    if member.period == CompanyMember.Period.WEEK:
        return day - timedelta(days=day.weekday())
    if member.period == CompanyMember.Period.QUARTER:
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return day.replace(day=1)


def member_period_spend(*, member: CompanyMember, now: datetime | None = None) -> Decimal:
    """Return what the member has ordered or has waiting for approval in the current period."""
    start = period_start(member=member, now=now)
    ordered = Order.objects.filter(
        user=member.user,
        company=member.company,
        date_placed__gte=start,
        status__in=COUNTED_ORDER_STATUSES,
    ).aggregate(total=Sum("total_incl_tax"))["total"]
    waiting = ApprovalRequest.objects.filter(
        requester=member.user,
        company=member.company,
        # Approved card orders the buyer has yet to pay count too: they are committed spend.
        status__in=(State.PENDING, State.AWAITING_PAYMENT),
        created_at__gte=start,
    ).aggregate(total=Sum("total"))["total"]
    return (ordered or ZERO) + (waiting or ZERO)


def approval_requests_for_member(*, member: CompanyMember) -> QuerySet[ApprovalRequest]:
    """Return the requests a member may see: their own, and the company's if they decide."""
    requests = ApprovalRequest.objects.filter(company=member.company).select_related(
        "requester", "decided_by", "order"
    )
    if member.role in (CompanyMember.Role.APPROVER, CompanyMember.Role.ADMIN):
        return requests
    return requests.filter(requester=member.user)


def approval_requests_of_requester(*, member: CompanyMember) -> QuerySet[ApprovalRequest]:
    """Return the member's own requests in their company (what they may pay for)."""
    return ApprovalRequest.objects.filter(
        company=member.company, requester=member.user
    ).select_related("company", "requester", "decided_by", "order", "basket")


def approval_inbox_for_member(*, member: CompanyMember) -> list[ApprovalRequest]:
    """Return the pending requests waiting for this member's decision (none for buyers)."""
    from shop.approvals.rules import deciders

    if member.role not in (CompanyMember.Role.APPROVER, CompanyMember.Role.ADMIN):
        return []
    company_deciders = list(
        CompanyMember.objects.filter(
            company=member.company,
            is_active=True,
            role__in=(CompanyMember.Role.APPROVER, CompanyMember.Role.ADMIN),
        )
    )
    pending = (
        ApprovalRequest.objects.filter(company=member.company, status=State.PENDING)
        .exclude(requester=member.user)
        .select_related("requester", "rule")
        .prefetch_related("rule__tier1", "rule__tier2")
    )
    return [
        r
        for r in pending
        if member.pk in {m.pk for m in deciders(r, company_deciders=company_deciders)}
    ]


def requests_due_to_expire(*, now: datetime | None = None) -> QuerySet[ApprovalRequest]:
    """Return pending and unpaid approved requests whose expiry has passed."""
    return ApprovalRequest.objects.filter(
        Q(status__in=(State.PENDING, State.AWAITING_PAYMENT))
        & Q(expires_at__lte=now or timezone.now())
    )


def approval_requests_pending_by_company(*, company_ids: list[int] | None) -> dict[int, dict]:
    """Pending purchase approvals per company: {"count", "total", "oldest"}; one query."""
    rows = ApprovalRequest.objects.filter(status=State.PENDING)
    if company_ids is not None:
        rows = rows.filter(company_id__in=company_ids)
    return {
        row["company_id"]: {
            "count": row["count"],
            "total": Decimal(str(row["total"] or ZERO)).quantize(ZERO),
            "oldest": row["oldest"],
        }
        for row in rows.values("company_id")
        .annotate(count=Count("pk"), total=Sum("total"), oldest=Min("created_at"))
        .order_by("company_id")
    }


def approval_requests_for_company(*, company_id: int, limit: int = 50) -> list[ApprovalRequest]:
    """A company's approval requests, newest first, with requester, decider and order."""
    return list(
        ApprovalRequest.objects.filter(company_id=company_id)
        .select_related("requester", "decided_by", "order")
        .order_by("-created_at", "-id")[:limit]
    )


@dataclass(frozen=True)
class PendingApprovalLine:
    product_id: int
    sku: str
    title: str
    quantity: int
    unit_price_excl_tax: Decimal


@dataclass(frozen=True)
class PendingApproval:
    """A purchase approval still pending, with who may decide it now (for follow-ups)."""

    approval_id: int
    company_id: int
    requester_id: int
    requester_email: str
    requester_name: str
    total: Decimal
    currency: str
    created_at: datetime
    deciders: tuple[tuple[int, str], ...]  # (user_id, email) of who may decide now
    lines: tuple[PendingApprovalLine, ...]


def approval_requests_pending_between(
    *, created_since: datetime, created_before: datetime
) -> list[PendingApproval]:
    """Pending requests created in [created_since, created_before), oldest first, with their
    current deciders and frozen basket lines; a fixed number of queries."""
    from shop.approvals.rules import deciders

    requests = list(
        ApprovalRequest.objects.filter(
            status=State.PENDING, created_at__gte=created_since, created_at__lt=created_before
        )
        .select_related("requester", "rule")
        .prefetch_related(
            "rule__tier1__user",
            "rule__tier2__user",
            "basket__lines__product",
            "basket__lines__stockrecord",
        )
        .order_by("created_at", "pk")
    )
    company_ids = {r.company_id for r in requests}
    by_company: dict[int, list[CompanyMember]] = {}
    for member in CompanyMember.objects.filter(
        company_id__in=company_ids,
        is_active=True,
        role__in=(CompanyMember.Role.APPROVER, CompanyMember.Role.ADMIN),
    ).select_related("user"):
        by_company.setdefault(member.company_id, []).append(member)
    result = []
    for request in requests:
        people = deciders(request, company_deciders=by_company.get(request.company_id, []))
        lines = tuple(
            PendingApprovalLine(
                product_id=line.product_id,
                sku=(line.stockrecord.partner_sku if line.stockrecord_id else "")
                or line.product.upc
                or "",
                title=line.product.get_title(),
                quantity=line.quantity,
                unit_price_excl_tax=line.price_excl_tax or ZERO,
            )
            for line in request.basket.lines.all()
            if line.product_id
        )
        requester = request.requester
        result.append(
            PendingApproval(
                approval_id=request.pk,
                company_id=request.company_id,
                requester_id=requester.pk,
                requester_email=requester.email,
                requester_name=requester.get_full_name() or requester.email,
                total=request.total,
                currency=request.currency,
                created_at=request.created_at,
                deciders=tuple(
                    (m.user_id, m.user.email) for m in people if m.user.is_active and m.user.email
                ),
                lines=lines,
            )
        )
    return result
