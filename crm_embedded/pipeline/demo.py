"""Demo data of this room for ``seed_demo`` (idempotent): a pipeline worth looking at.

Open deals across the stages for Anna's and Marco's accounts, and two won and one lost
deal closed last quarter (so the reports' "deals won and lost last quarter" has rows).
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from crm_embedded.pipeline import services
from crm_embedded.pipeline.models import Opportunity, Stage
from crm_embedded.quotes.selectors import quotes_for_staff
from crm_embedded.quotes.states import State
from shop.companies.selectors import companies_for_staff

# (manager, company slug, name, amount, stage, days to expected close, typed probability)
OPEN_DEALS = (
    ("anna.berg", "rheinland-auto", "Brake service kits: 2027 framework", "48000", "Negotiation", 20, None),
    ("anna.berg", "rheinland-auto", "Workshop Bonn: lifting equipment", "18500", "Proposal", 45, None),
    ("anna.berg", "iberia-fleet", "Filter contract for 120 vans", "32000", "Needs analysis", 75, None),
    ("anna.berg", "iberia-fleet", "Tyre pressure sensors pilot", "6200", "Qualification", 110, None),
    ("marco.rossi", "nordic-textile", "Spare bearings for the looms", "27000", "Proposal", 30, None),
    ("marco.rossi", "nordic-textile", "Conveyor belts replacement", "38000", "Negotiation", 10, 80),
    ("marco.rossi", "nordic-textile", "Compressor maintenance 2027", "14000", "Qualification", 140, None),
)  # fmt: skip
# (manager, company slug, name, amount, outcome, day of last quarter closed, lost reason)
CLOSED_DEALS = (
    ("anna.berg", "rheinland-auto", "Winter tyres 2026", "22400", Stage.Kind.WON, 20, ""),
    ("marco.rossi", "nordic-textile", "Safety gloves: annual supply", "11600", Stage.Kind.WON, 55, ""),
    ("anna.berg", "iberia-fleet", "Depot Getafe lighting", "9800", Stage.Kind.LOST, 70,
     "A competitor offered 12 % below our price"),
)  # fmt: skip
DOMAIN = "partshub.example"


def _last_quarter_start(today: date) -> date:
    first_month = (today.month - 1) // 3 * 3 + 1
    this_quarter = date(today.year, first_month, 1)
    previous = this_quarter - timedelta(days=1)
    return date(previous.year, (previous.month - 1) // 3 * 3 + 1, 1)


def _company(manager, slug: str):
    return companies_for_staff(user=manager).filter(slug=slug).first()


def demo_ensure() -> int:
    """Create this room's demo rows that are missing; return how many were created."""
    users = {
        user.email.split("@")[0]: user
        for user in get_user_model().objects.filter(
            email__in=[f"anna.berg@{DOMAIN}", f"marco.rossi@{DOMAIN}"]
        )
    }
    stages = {stage.name: stage for stage in Stage.objects.filter(is_active=True)}
    first_open = next((s for s in stages.values() if s.kind == Stage.Kind.OPEN), None)
    if len(users) < 2 or first_open is None:
        return 0
    today = timezone.localdate()
    created = 0
    for login, slug, name, amount, stage_name, days, probability in OPEN_DEALS:
        company = _company(users[login], slug)
        if company is None or Opportunity.objects.filter(company=company, name=name).exists():
            continue
        # The company's demo offer backs its deal in negotiation: accepting it wins the deal.
        quote = (
            quotes_for_staff(user=users[login])
            .filter(company=company, state=State.OFFERED, crm_opportunities__isnull=True)
            .first()
            if stage_name == "Negotiation"
            else None
        )
        services.opportunity_create(
            company=company, name=name, amount=Decimal(amount),
            stage=stages.get(stage_name, first_open), owner=users[login], by=users[login],
            probability=probability, expected_close=today + timedelta(days=days), quote=quote,
        )  # fmt: skip
        created += 1
    quarter = _last_quarter_start(today)
    for login, slug, name, amount, kind, day, reason in CLOSED_DEALS:
        company = _company(users[login], slug)
        outcome = Stage.objects.filter(kind=kind, is_active=True).first()
        if (
            company is None
            or outcome is None
            or Opportunity.objects.filter(company=company, name=name).exists()
        ):
            continue
        closed_on = quarter + timedelta(days=day)
        opportunity = services.opportunity_create(
            company=company, name=name, amount=Decimal(amount), stage=first_open,
            owner=users[login], by=users[login], expected_close=closed_on,
        )  # fmt: skip
        services.opportunity_move(
            opportunity=opportunity, stage=outcome, by=users[login], lost_reason=reason
        )
        closed_at = timezone.make_aware(datetime.combine(closed_on, datetime.min.time()))
        Opportunity.objects.filter(pk=opportunity.pk).update(
            closed_at=closed_at + timedelta(hours=15), created_at=closed_at - timedelta(days=40)
        )
        created += 1
    return created
