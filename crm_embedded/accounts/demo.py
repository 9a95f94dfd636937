"""Demo data of this room for ``seed_demo`` (idempotent): buyer logins on the timeline."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from crm_embedded.accounts.models import LoginEvent
from shop.companies.selectors import membership_for_user

# Demo buyers and how many days ago they signed in (the customer view's timeline shows them).
DEMO_LOGINS = {
    "jonas.weber@rheinland-auto.example": (1, 3, 8, 15, 29),
    "pablo.ruiz@iberiafleet.example": (2, 12, 40),
}


def demo_ensure() -> int:
    """Create the demo buyers' past logins that are missing; return how many were created."""
    created = 0
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    for email, days_ago in DEMO_LOGINS.items():
        user = get_user_model().objects.filter(email__iexact=email).first()
        membership = membership_for_user(user=user)
        if membership is None or LoginEvent.objects.filter(user=user).exists():
            continue  # seeded before (or the buyer has signed in for real since)
        LoginEvent.objects.bulk_create(
            LoginEvent(
                company_id=membership.company_id,
                user=user,
                at=(now - timedelta(days=days)).replace(hour=8 + days % 9),
            )
            for days in days_ago
        )
        created += len(days_ago)
    return created
