"""The CRM pages' bench data: 200 accounts of the demo account manager, each with a history.

``crm_history_ensure()`` runs inside the bench probe (Django set up, bench database). It is
idempotent: the companies are ``bench-crm-001`` ... and only missing ones are created, each
with a buyer, orders over the last year, quotes with their events, purchase approvals,
payments, emails, logins, activities and tasks, so that the cockpit (``/crm/``) and the
single customer view read a realistic amount of history.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

MANAGER_EMAIL = "anna.berg@partshub.example"
ACCOUNTS = 200
PER_ACCOUNT = 12  # orders, emails, logins, activities ... per account
SLUG = "bench-crm-{:03d}"


def crm_history_ensure(*, accounts: int = ACCOUNTS, manager_email: str = MANAGER_EMAIL) -> dict:
    """Create the missing bench accounts with their history; return what the probe measures."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone
    from oscar.core.loading import get_model

    from crm_embedded.accounts.models import LoginEvent
    from crm_embedded.activities.models import Activity
    from crm_embedded.quotes.models import Quote, QuoteEvent
    from crm_embedded.tasks.models import Task
    from orders import states
    from shop.approvals.models import ApprovalRequest
    from shop.companies.models import Company, CompanyMember
    from shop.credit.models import LedgerEntry
    from shop.notifications.models import NotificationLog

    User = get_user_model()
    Order = get_model("order", "Order")
    Basket = get_model("basket", "Basket")
    manager = User.objects.filter(email__iexact=manager_email).first()
    if manager is None:
        raise SystemExit(f"the demo account manager {manager_email} does not exist (seed_demo)")
    now = timezone.now()
    existing = set(
        Company.objects.filter(slug__startswith="bench-crm-").values_list("slug", flat=True)
    )
    created = 0
    for n in range(1, accounts + 1):
        slug = SLUG.format(n)
        if slug in existing:
            continue
        with transaction.atomic():
            company = Company.objects.create(
                legal_name=f"Bench Account {n:03d} GmbH", slug=slug, status="active",
                account_manager=manager, credit_limit=Decimal("20000.00"), payment_terms="net30",
            )  # fmt: skip
            buyer = User.objects.create_user(
                username=f"bench-crm-buyer-{n:03d}", email=f"buyer{n:03d}@bench-crm.example",
                password=None, first_name="Bench", last_name=f"Buyer {n:03d}",
            )  # fmt: skip
            CompanyMember.objects.create(company=company, user=buyer, role="buyer")
            moments = [
                now - dt.timedelta(days=3 + 30 * i, hours=n % 24) for i in range(PER_ACCOUNT)
            ]
            Order.objects.bulk_create(
                Order(
                    number=f"BCRM-{n:03d}-{i:02d}",
                    company=company,
                    user=buyer,
                    currency="EUR",
                    total_excl_tax=Decimal(100 + n + i),
                    total_incl_tax=Decimal(119 + n + i),
                    status=states.PLACED,
                    date_placed=moment,
                )  # fmt: skip
                for i, moment in enumerate(moments)
            )
            quotes = Quote.objects.bulk_create(
                Quote(
                    number=f"BQ-{n:03d}-{i}",
                    company=company,
                    requested_by=buyer,
                    account_manager=manager,
                    state=state,
                )  # fmt: skip
                for i, state in enumerate(("requested", "offered", "accepted", "ordered"))
            )
            QuoteEvent.objects.bulk_create(
                QuoteEvent(quote=quote, by=manager, from_state="in_review", to_state=quote.state)
                for quote in quotes
            )
            ApprovalRequest.objects.bulk_create(
                ApprovalRequest(
                    company=company,
                    requester=buyer,
                    basket=Basket.objects.create(owner=buyer, status=Basket.FROZEN),
                    total=Decimal("480.00"),
                    currency="EUR",
                    created_at=moment,
                    expires_at=moment + dt.timedelta(days=7),
                )  # fmt: skip
                for moment in moments[:3]
            )
            LedgerEntry.objects.bulk_create(
                LedgerEntry(
                    company=company,
                    kind=kind,
                    amount=Decimal(amount),
                    currency="EUR",
                    reference=f"BL-{n:03d}-{i}",
                    created_at=moment,
                    due_date=moment.date() + dt.timedelta(days=30),
                )  # fmt: skip
                for i, moment in enumerate(moments)
                for kind, amount in (("order", "150.00"), ("payment", "-120.00"))
            )
            NotificationLog.objects.bulk_create(
                NotificationLog(
                    kind="order_confirmation",
                    key=f"bench-crm-{n:03d}-{i}",
                    recipients=[buyer.email],
                    subject=f"Order BCRM-{n:03d}-{i:02d}",
                    body_text="-",
                    status="sent",
                    sent_at=moment,
                )  # fmt: skip
                for i, moment in enumerate(moments)
            )
            LoginEvent.objects.bulk_create(
                LoginEvent(company=company, user=buyer, at=moment) for moment in moments
            )
            Activity.objects.bulk_create(
                Activity(
                    company=company,
                    author=manager,
                    kind="call",
                    subject=f"Call {i} with {buyer.last_name}",
                    occurred_at=moment,
                )  # fmt: skip
                for i, moment in enumerate(moments)
            )
            Task.objects.bulk_create(
                Task(
                    owner=manager,
                    company=company,
                    title=f"Follow up {slug} #{i}",
                    source="manual",
                    due_at=now + dt.timedelta(days=i - 1),
                )  # fmt: skip
                for i in range(3)
            )
        created += 1
    first = Company.objects.get(slug=SLUG.format(1))
    return {"manager": manager, "company_id": first.pk, "created": created}
