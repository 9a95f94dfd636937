"""The single customer view: one page per company for the account team.

Everything on it is read through the rooms' and the storefront's selectors, each source
capped, so the page costs the same number of queries whatever the account's history.
"""

from dataclasses import dataclass
from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm_embedded.access import company_or_404, staff_required
from crm_embedded.accounts.forms import ReassignForm
from crm_embedded.accounts.models import LoginEvent
from crm_embedded.activities.forms import ActivityForm
from crm_embedded.activities.selectors import activities_for_company
from crm_embedded.contacts.selectors import contacts_for_company
from crm_embedded.pipeline.selectors import opportunities_for_company
from crm_embedded.quotes.models import Quote, QuoteEvent
from crm_embedded.quotes.states import STAFF_NAMES, State
from crm_embedded.tasks.selectors import tasks_for_company
from orders.selectors import (
    company_order_totals,
    recent_orders_for_company,
    shipments_in_transit_for_company,
)
from shop.approvals.selectors import approval_requests_for_company
from shop.basket.selectors import baskets_open_by_company
from shop.bulk.selectors import requisition_lists_for_company
from shop.companies import selectors
from shop.credit.selectors import credit_positions, ledger_payments_for_company
from shop.notifications.selectors import notifications_sent_to

TIMELINE_LIMIT = 50  # entries shown, and rows read from each source
# Quote moves worth a line on the timeline (the rest stays on the quote's own history).
QUOTE_MOMENTS = (State.REQUESTED, State.OFFERED, State.ACCEPTED, State.ORDERED, State.DECLINED)
KIND_LABELS = {
    "order": gettext_lazy("Order"),
    "quote": gettext_lazy("Quote"),
    "approval": gettext_lazy("Approval"),
    "payment": gettext_lazy("Payment"),
    "email": gettext_lazy("Email"),
    "login": gettext_lazy("Login"),
    "activity": gettext_lazy("Activity"),
}


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened with the customer; ``kind`` names the source."""

    kind: str
    at: datetime
    title: str
    detail: str = ""
    url: str = ""
    who: str = ""

    @property
    def label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))


def _person(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email


def customer_timeline(
    *, company, member_emails: list[str], limit: int = TIMELINE_LIMIT
) -> list[TimelineEntry]:
    """Automatic events and manual activities of a company, newest first; 7 queries."""
    entries: list[TimelineEntry] = []
    for order in recent_orders_for_company(company_id=company.pk, limit=limit):
        entries.append(
            TimelineEntry(
                "order",
                order.date_placed,
                _("Order %(number)s placed") % {"number": order.number},
                f"{order.total_excl_tax} {order.currency} · {order.status}",
                who=_person(order.placed_by_staff or order.user),
            )
        )
    quote_events = (
        QuoteEvent.objects.filter(quote__company_id=company.pk, to_state__in=QUOTE_MOMENTS)
        .select_related("quote", "by")
        .order_by("-at", "-id")[:limit]
    )
    for event in quote_events:
        entries.append(
            TimelineEntry(
                "quote",
                event.at,
                _("%(number)s: %(state)s")
                % {"number": event.quote.number, "state": STAFF_NAMES[State(event.to_state)]},
                event.text,
                reverse("crm:quote-detail", kwargs={"pk": event.quote_id}),
                _person(event.by),
            )
        )
    for request in approval_requests_for_company(company_id=company.pk, limit=limit):
        entries.append(
            TimelineEntry(
                "approval",
                request.created_at,
                _("Order of %(total)s %(currency)s sent for approval")
                % {"total": request.total, "currency": request.currency},
                request.reasons,
                who=_person(request.requester),
            )
        )
        if request.decided_at:
            entries.append(
                TimelineEntry(
                    "approval",
                    request.decided_at,
                    _("Approval request: %(status)s") % {"status": request.get_status_display()},
                    request.reason,
                    who=_person(request.decided_by),
                )
            )
    for payment in ledger_payments_for_company(company_id=company.pk, limit=limit):
        entries.append(
            TimelineEntry(
                "payment",
                payment.created_at,
                _("Payment of %(amount)s %(currency)s received")
                % {"amount": -payment.amount, "currency": payment.currency},
                payment.reference,
                reverse("crm:company-credit", kwargs={"pk": company.pk}),
                _person(payment.created_by),
            )
        )
    for email in notifications_sent_to(emails=member_emails, limit=limit):
        entries.append(
            TimelineEntry(
                "email",
                email.sent_at or email.created_at,
                _("Email sent: %(subject)s") % {"subject": email.subject},
                ", ".join(email.recipients),
            )
        )
    logins = (
        LoginEvent.objects.filter(company_id=company.pk)
        .select_related("user")
        .order_by("-at", "-id")[:limit]
    )
    for login in logins:
        entries.append(
            TimelineEntry("login", login.at, _("Signed in to the shop"), who=_person(login.user))
        )
    for activity in activities_for_company(company_id=company.pk, limit=limit):
        entries.append(
            TimelineEntry(
                "activity",
                activity.occurred_at,
                f"{activity.get_kind_display()}: {activity.subject}",
                activity.body,
                reverse("crm:activity-detail", kwargs={"pk": activity.pk}),
                _person(activity.author),
            )
        )
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]


@staff_required
def company_detail(request: HttpRequest, pk: int) -> HttpResponse:
    company = company_or_404(request, pk)
    is_sales_manager = selectors.user_is_sales_manager(user=request.user)
    members = list(selectors.company_members(company=company).select_related("user"))
    contacts = list(contacts_for_company(company_id=company.pk))
    emails = [m.user.email for m in members] + [c.email for c in contacts if c.email]
    return render(
        request,
        "crm/company_detail.html",
        {
            "company": company,
            "members": members,
            "contacts": contacts,
            "addresses": selectors.company_addresses(company=company),
            "applications": company.applications.select_related("applicant", "decided_by"),
            "orders": recent_orders_for_company(company_id=company.pk, limit=10),
            "order_totals": company_order_totals(company_ids=[company.pk])[company.pk],
            "credit": credit_positions(company_ids=[company.pk], today=timezone.localdate())[
                company.pk
            ],
            "quotes": Quote.objects.filter(company=company).select_related("requested_by")[:20],
            "baskets": baskets_open_by_company(company_ids=[company.pk]).get(company.pk, []),
            "requisition_lists": requisition_lists_for_company(company_id=company.pk, limit=20),
            "shipments": shipments_in_transit_for_company(company_id=company.pk)[:20],
            "opportunities": opportunities_for_company(company_id=company.pk)[:20],
            "tasks": tasks_for_company(company_id=company.pk, limit=20),
            "timeline": customer_timeline(company=company, member_emails=emails),
            "activity_form": ActivityForm(company=company),
            "audit": selectors.company_audit(company=company, limit=30),
            "is_sales_manager": is_sales_manager,
            "reassign_form": ReassignForm(initial={"account_manager": company.account_manager_id})
            if is_sales_manager
            else None,
        },
    )
