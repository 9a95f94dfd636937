"""Demo data of this room for ``seed_demo`` (idempotent).

The demo account managers' accounts get a short history: calls, a meeting, an email and a
note, one with a comment thread in which Anna mentions Sofia (the sales manager). Rows are
made directly, not through ``activity_log``: seeding the demo sends no emails.
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from crm_embedded.activities.models import Activity, ActivityComment
from crm_embedded.contacts.models import Contact
from crm_embedded.quotes.models import Quote
from shop.companies.selectors import companies_for_staff

Kind = Activity.Kind

# (manager's email, company name starts with, [(kind, days ago, subject, body, links quote)])
HISTORY = [
    ("anna.berg@partshub.example", "Rheinland Auto", [
        (Kind.MEETING, 40, "Annual review at the Cologne workshop",
         "Walked the workshop with the service lead. They plan to add two lifts in spring and "
         "expect about 20 % more brake and filter orders.", False),
        (Kind.CALL, 12, "Called about the brake pad framework",
         "Wants a fixed price for front brake pads for 12 months. Volume around 400 sets a "
         "year. @sofia.sales can we go below the list price for a 12-month commitment?", True),
        (Kind.EMAIL, 6, "Sent the updated delivery terms",
         "Confirmed delivery within 48 h for stocked items; the Saturday cut-off stays.", False),
        (Kind.NOTE, 2, "Buyer prefers calls before 10:00",
         "Jonas is in the workshop from 10:00; call before then or write.", False),
    ]),
    ("anna.berg@partshub.example", "Iberia Fleet", [
        (Kind.CALL, 9, "Fleet inspection season",
         "Pablo expects the fleet inspection orders in March, mostly filters and wipers.", False),
    ]),
    ("marco.rossi@partshub.example", "Nordic Textile", [
        (Kind.MEETING, 20, "Intro meeting with the new purchasing lead",
         "New purchasing lead from next month; wants monthly consolidated invoices.", False),
    ]),
]  # fmt: skip

THREAD = [
    ("sofia.sales@partshub.example", None,
     "Yes for 12 months if they commit to 350 sets at least. Send me the quote for approval."),
    ("anna.berg@partshub.example", 0,
     "Thanks! I'll put 350 sets in the quote and flag it for approval this week."),
    ("anna.berg@partshub.example", None,
     "@\"Sofia Lindqvist\" the quote is out; they answer by Friday."),
]  # fmt: skip


def demo_ensure() -> int:
    """Create this room's demo rows that are missing; return how many were created."""
    users = {
        u.email: u for u in get_user_model().objects.filter(email__endswith="@partshub.example")
    }
    now = timezone.now().replace(second=0, microsecond=0)
    created = 0
    for manager_email, name, entries in HISTORY:
        manager = users.get(manager_email)
        company = (
            manager
            and companies_for_staff(user=manager).filter(legal_name__startswith=name).first()
        )
        if company is None:
            continue
        contact = Contact.objects.filter(company=company, is_active=True).first()
        quote = Quote.objects.filter(company=company).first()
        for kind, days, subject, body, with_quote in entries:
            activity, made = Activity.objects.get_or_create(
                company=company,
                subject=subject,
                defaults={
                    "kind": kind,
                    "author": manager,
                    "body": body,
                    "occurred_at": now - timedelta(days=days, hours=2),
                    "contact": contact,
                    "quote": quote if with_quote else None,
                },
            )
            created += made
            if made and with_quote:
                created += _thread_ensure(activity, users)
    return created


def _thread_ensure(activity: Activity, users: dict) -> int:
    comments: list[ActivityComment] = []
    for email, parent_index, body in THREAD:
        author = users.get(email)
        if author is None:
            return len(comments)
        parent = comments[parent_index] if parent_index is not None else None
        comments.append(
            ActivityComment.objects.create(
                activity=activity, parent=parent, author=author, body=body
            )
        )
    return len(comments)
