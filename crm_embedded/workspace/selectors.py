"""The cockpit's reads: what needs the account team's attention, in a fixed number of queries.

Every source is one grouped query over the rep's companies (or all companies), whatever the
number of accounts; the other rooms are read through their selectors.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from crm_embedded.followups.recovery import recovery_month
from crm_embedded.pipeline.selectors import pipeline_summary
from crm_embedded.quotes.models import Quote
from crm_embedded.quotes.selectors import business_days_between
from crm_embedded.quotes.states import State
from crm_embedded.tasks.selectors import day_start, tasks_for_staff, tasks_open_for
from orders.selectors import (
    company_last_order_dates,
    orders_awaiting_approval_count,
    revenue_by_month,
)
from shop.approvals.selectors import approval_requests_pending_by_company
from shop.basket.selectors import baskets_open_by_company
from shop.companies.selectors import companies_for_staff
from shop.credit.selectors import credit_positions

IDLE_BASKET_MIN_TOTAL = Decimal("1000.00")  # net, in the basket's currency (EUR here)
IDLE_BASKET_HOURS = 24
OFFER_EXPIRY_DAYS = 7
CREDIT_USED_PERCENT = 90
NO_ORDER_DAYS = 60

# The order in which the kinds of attention item are listed (most urgent first).
KINDS = (
    "rfq_overdue",
    "approval_pending",
    "credit",
    "offer_expiring",
    "quote_accepted",
    "idle_basket",
    "no_order",
)


@dataclass(frozen=True)
class AttentionItem:
    """One account needing attention: what, where it is handled (``url``), since when."""

    kind: str
    company_id: int
    company_name: str
    text: str
    url: str
    at: datetime | date | None = None


def cockpit_companies(*, user, rep_id: int | None) -> QuerySet:
    """The companies the cockpit covers: the rep's accounts, or all the user may see."""
    companies = companies_for_staff(user=user)
    if rep_id is not None:
        companies = companies.filter(account_manager_id=rep_id)
    return companies


def _quote_items(company_ids: list[int], now: datetime) -> list[AttentionItem]:
    today = timezone.localdate(now)
    target = settings.QUOTE_RESPONSE_TARGET_BUSINESS_DAYS
    quotes = (
        Quote.objects.filter(
            company_id__in=company_ids,
            state__in=[State.REQUESTED, State.OFFERED, State.ACCEPTED],
        )
        .select_related("company")
        .order_by("created_at", "pk")
    )
    items = []
    for quote in quotes:
        url = reverse("crm:quote-detail", kwargs={"pk": quote.pk})
        name = quote.company.legal_name
        if quote.state == State.REQUESTED:
            if (
                quote.overdue_alerted_at
                or business_days_between(start=quote.created_at, end=now) >= target
            ):
                text = _("Request for quote %(number)s is waiting past the response target") % {
                    "number": quote.number
                }
                items.append(
                    AttentionItem(
                        "rfq_overdue", quote.company_id, name, text, url, quote.created_at
                    )
                )
        elif quote.state == State.OFFERED:
            if quote.valid_until and today <= quote.valid_until <= today + timedelta(
                days=OFFER_EXPIRY_DAYS
            ):
                text = _("Offer %(number)s expires on %(date)s") % {
                    "number": quote.number,
                    "date": quote.valid_until.isoformat(),
                }
                items.append(
                    AttentionItem(
                        "offer_expiring", quote.company_id, name, text, url, quote.valid_until
                    )
                )
        else:
            text = _("Quote %(number)s was accepted but is not ordered yet") % {
                "number": quote.number
            }
            items.append(
                AttentionItem("quote_accepted", quote.company_id, name, text, url, quote.updated_at)
            )
    return items


def cockpit_attention(*, companies: list, now: datetime | None = None) -> list[AttentionItem]:
    """Accounts needing attention, each item linking to where it is handled; 8 queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    names = {company.pk: company.legal_name for company in companies}
    company_ids = list(names)
    if not company_ids:
        return []
    items = _quote_items(company_ids, now)

    baskets = baskets_open_by_company(
        company_ids=company_ids,
        min_total=IDLE_BASKET_MIN_TOTAL,
        idle_before=now - timedelta(hours=IDLE_BASKET_HOURS),
    )
    for company_id, rows in baskets.items():
        for basket in rows:
            text = _(
                "%(buyer)s left a basket of %(total)s %(currency)s untouched since %(date)s"
            ) % {
                "buyer": basket.owner_name,
                "total": basket.total_excl_tax,
                "currency": basket.currency,
                "date": timezone.localtime(basket.last_activity).strftime("%d.%m.%Y %H:%M"),
            }
            url = reverse("crm:company-detail", kwargs={"pk": company_id}) + "#open-baskets"
            items.append(
                AttentionItem(
                    "idle_basket", company_id, names[company_id], text, url, basket.last_activity
                )
            )

    for company_id, pending in approval_requests_pending_by_company(
        company_ids=company_ids
    ).items():
        text = _("%(count)s order(s) for %(total)s waiting for the buyer's approval") % {
            "count": pending["count"],
            "total": pending["total"],
        }
        url = reverse("crm:company-detail", kwargs={"pk": company_id}) + "#approvals"
        items.append(
            AttentionItem(
                "approval_pending", company_id, names[company_id], text, url, pending["oldest"]
            )
        )

    for company_id, count in orders_awaiting_approval_count(company_ids=company_ids).items():
        if count:
            text = _("%(count)s order(s) in the status “Awaiting approval”") % {"count": count}
            url = reverse("crm:company-detail", kwargs={"pk": company_id}) + "#orders"
            items.append(
                AttentionItem("approval_pending", company_id, names[company_id], text, url, None)
            )

    for company_id, position in credit_positions(company_ids=company_ids, today=today).items():
        percent = position.used_percent
        parts = []
        if percent is not None and percent >= CREDIT_USED_PERCENT:
            parts.append(_("%(percent)s%% of the credit limit used") % {"percent": percent})
        if position.overdue > 0:
            parts.append(
                _("%(amount)s %(currency)s overdue")
                % {"amount": position.overdue, "currency": position.currency}
            )
        if parts:
            url = reverse("crm:company-credit", kwargs={"pk": company_id})
            items.append(
                AttentionItem("credit", company_id, names[company_id], "; ".join(parts), url, None)
            )

    cutoff = now - timedelta(days=NO_ORDER_DAYS)
    last_orders = company_last_order_dates(company_ids=company_ids)
    for company in companies:
        if not company.is_active:
            continue
        last = last_orders.get(company.pk)
        if last is not None and last < cutoff:
            text = _("No order since %(date)s") % {
                "date": timezone.localtime(last).strftime("%d.%m.%Y")
            }
        elif last is None and company.created_at < cutoff:
            text = _("No order in %(days)s days (never ordered)") % {"days": NO_ORDER_DAYS}
        else:
            continue
        url = reverse("crm:company-detail", kwargs={"pk": company.pk}) + "#orders"
        items.append(AttentionItem("no_order", company.pk, company.legal_name, text, url, last))

    rank = {kind: index for index, kind in enumerate(KINDS)}
    items.sort(key=lambda item: (rank[item.kind], item.company_name.lower(), item.text))
    return items


def tasks_upcoming(*, user, owner_ids: list[int] | None, limit: int = 10) -> list:
    """Open tasks due after today or undated (the cockpit lists them under today's), one query."""
    tomorrow = day_start(timezone.localdate() + timedelta(days=1))
    tasks = (
        tasks_for_staff(user=user)
        .filter(done_at__isnull=True)
        .filter(Q(due_at__isnull=True) | Q(due_at__gte=tomorrow))
    )
    if owner_ids is not None:
        tasks = tasks.filter(owner_id__in=owner_ids)
    return list(tasks.order_by(F("due_at").asc(nulls_last=True), "-priority", "pk")[:limit])


def month_start(day: date, months_back: int = 0) -> date:
    """The first day of the month ``months_back`` months before ``day``'s month."""
    month = day.year * 12 + day.month - 1 - months_back
    return date(month // 12, month % 12 + 1, 1)


def cockpit_revenue(*, company_ids: list[int] | None, today: date) -> dict:
    """Revenue this month (to date) beside last month, and the change in percent; one query."""
    rows = revenue_by_month(start=month_start(today, 1), end=today, company_ids=company_ids)
    by_month = {row["month"]: row for row in rows}
    empty = {"revenue": Decimal("0.00"), "orders": 0}
    this = by_month.get(month_start(today), empty)
    last = by_month.get(month_start(today, 1), empty)
    change = None
    if last["revenue"]:
        change = int((this["revenue"] - last["revenue"]) * 100 / last["revenue"])
    return {
        "this_month": this,
        "last_month": last,
        "this_start": month_start(today),
        "last_start": month_start(today, 1),
        "change_percent": change,
    }


def cockpit(
    *, user, rep_id: int | None, owner_ids: list[int] | None, now: datetime | None = None
) -> dict:
    """Everything the cockpit shows for one rep (or all): attention, tasks, pipeline, revenue."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    companies = list(cockpit_companies(user=user, rep_id=rep_id))
    company_ids = [company.pk for company in companies]
    everyone = rep_id is None
    return {
        "companies": companies,
        "attention": cockpit_attention(companies=companies, now=now),
        "tasks": tasks_open_for(owner_ids=owner_ids, today=today),
        "pipeline": pipeline_summary(owner_ids=owner_ids),
        "revenue": cockpit_revenue(company_ids=None if everyone else company_ids, today=today),
        "followup_recovery": recovery_month(
            today=today, company_ids=None if everyone else company_ids
        ),
    }
