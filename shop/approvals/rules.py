"""Company approval rules: which rule applies, who decides at each tier, escalation."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.approvals.models import ApprovalRequest, ApprovalRule, ApprovalVote
from shop.approvals.states import State
from shop.companies.models import CompanyMember

DECIDER_ROLES = (CompanyMember.Role.APPROVER, CompanyMember.Role.ADMIN)


def _basket_categories(basket) -> set[int]:
    ids = set()
    for line in basket.lines.select_related("product").prefetch_related("product__categories"):
        ids.update(category.pk for category in line.product.categories.all())
    return ids


def _basket_products(basket) -> set[int]:
    """The basket's product ids and their parents' (a rule on a parent covers its variants)."""
    ids = set()
    for product_id, parent_id in basket.lines.values_list("product_id", "product__parent_id"):
        ids.add(product_id)
        if parent_id:
            ids.add(parent_id)
    return ids


def approval_rule_matching(*, member: CompanyMember, basket, total: Decimal) -> ApprovalRule | None:
    """Return the company's first active rule whose every set condition the order meets."""
    rules = ApprovalRule.objects.filter(company=member.company, is_active=True).select_related(
        "category"
    )
    categories = products = None
    for rule in rules:
        if rule.min_total is not None and total < rule.min_total:
            continue
        if rule.min_lines is not None and (basket is None or basket.num_lines < rule.min_lines):
            continue
        if rule.buyer_role and rule.buyer_role != member.role:
            continue
        if rule.category_id is not None:
            if basket is None:
                continue
            if categories is None:
                categories = _basket_categories(basket)
            wanted = {c.pk for c in rule.category.get_descendants_and_self()}
            if not wanted & categories:
                continue
        if rule.product_id is not None:
            if basket is None:
                continue
            if products is None:
                products = _basket_products(basket)
            if rule.product_id not in products:
                continue
        return rule
    return None


def _company_deciders(approval_request: ApprovalRequest) -> list[CompanyMember]:
    return list(
        CompanyMember.objects.filter(
            company_id=approval_request.company_id, is_active=True, role__in=DECIDER_ROLES
        ).select_related("user")
    )


def _tier_members(approval_request: ApprovalRequest) -> list[CompanyMember]:
    rule = approval_request.rule
    tier = rule.tier1 if approval_request.tier == 1 else rule.tier2
    return [m for m in tier.all() if m.is_active and m.user_id != approval_request.requester_id]


def deciders(
    approval_request: ApprovalRequest, *, company_deciders: list[CompanyMember] | None = None
) -> list[CompanyMember]:
    """Return who may decide now: the rule's current tier, else the approvers and admins.

    Never the requester: when nobody else is left, the company admins decide.
    ``company_deciders`` (the company's active approvers and admins) saves a query per request
    when a list is checked.
    """
    if company_deciders is None:
        company_deciders = _company_deciders(approval_request)
    others = [m for m in company_deciders if m.user_id != approval_request.requester_id]
    admins = [m for m in others if m.role == CompanyMember.Role.ADMIN]
    if approval_request.escalated_to_admin:
        return admins
    if approval_request.rule_id is not None:
        return _tier_members(approval_request) or admins
    approvers = [m for m in others if m.role == CompanyMember.Role.APPROVER]
    return others if approvers else admins


def tier_vote(*, approval_request: ApprovalRequest, member: CompanyMember) -> bool:
    """Record an approval at the current tier; return whether the request is fully approved.

    Moves the request to tier 2 when tier 1 is satisfied and the rule has a second tier.
    """
    rule = approval_request.rule
    if rule is None or approval_request.escalated_to_admin:
        return True
    ApprovalVote.objects.get_or_create(
        approval_request=approval_request, member=member, tier=approval_request.tier
    )
    mode = rule.tier1_mode if approval_request.tier == 1 else rule.tier2_mode
    needed = {m.pk for m in _tier_members(approval_request)}
    voted = set(
        approval_request.votes.filter(tier=approval_request.tier).values_list(
            "member_id", flat=True
        )
    )
    if mode == ApprovalRule.Mode.ALL and needed and not needed <= voted:
        return False
    if approval_request.tier == 1 and rule.tier2.exists():
        approval_request.tier = 2
        approval_request.tier_started_at = timezone.now()
        approval_request.save(update_fields=["tier", "tier_started_at"])
        return False
    return True


def approval_requests_escalate(*, now: datetime | None = None) -> list[int]:
    """Move requests idle past their rule's hours to the next tier or the admins (idempotent)."""
    now = now or timezone.now()
    moved = []
    candidates = ApprovalRequest.objects.filter(
        status=State.PENDING,
        escalated_to_admin=False,
        rule__escalate_after_hours__isnull=False,
        tier_started_at__isnull=False,
    ).select_related("rule")
    for candidate in candidates:
        due = candidate.tier_started_at + timedelta(hours=candidate.rule.escalate_after_hours)
        if due > now:
            continue
        with transaction.atomic():
            locked = ApprovalRequest.objects.select_for_update().get(pk=candidate.pk)
            if (
                locked.status != State.PENDING
                or locked.tier_started_at != candidate.tier_started_at
            ):
                continue  # decided or moved meanwhile
            if locked.tier == 1 and candidate.rule.tier2.exists():
                locked.tier = 2
            else:
                locked.escalated_to_admin = True
            locked.tier_started_at = now
            locked.save(update_fields=["tier", "escalated_to_admin", "tier_started_at"])
            moved.append(locked.pk)
    return moved


def rule_reason(rule: ApprovalRule) -> str:
    return _("Your company's approval rule “%(rule)s” applies to this order.") % {"rule": rule}
