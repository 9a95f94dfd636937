"""Builders for the cockpit's and the single customer view's tests: cheap rows by the dozen."""

import datetime
import itertools
from decimal import Decimal

from django.contrib.auth.models import Group
from django.utils import timezone
from oscar.core.loading import get_model

from crm_embedded.accounts.models import LoginEvent
from crm_embedded.activities.models import Activity
from crm_embedded.quotes.models import Quote, QuoteEvent
from crm_embedded.quotes.states import State
from crm_embedded.tasks.models import Task
from orders import states
from shop.approvals.models import ApprovalRequest
from shop.credit.models import LedgerEntry
from shop.notifications.models import NotificationLog
from tests.factories import CompanyMemberFactory, ProductFactory, UserFactory

Order = get_model("order", "Order")
Basket = get_model("basket", "Basket")
Line = get_model("basket", "Line")

_numbers = itertools.count(1)


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def rep(**kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get_or_create(name="Account managers")[0])
    return user


def order_make(*, company, placed, total="100.00", status=states.PLACED, user=None):
    total = Decimal(total)
    return Order.objects.create(
        number=f"W-{next(_numbers):06d}",
        company=company,
        user=user,
        currency="EUR",
        total_excl_tax=total,
        total_incl_tax=(total * Decimal("1.19")).quantize(Decimal("0.01")),
        status=status,
        date_placed=placed,
    )


def quote_make(*, company, state=State.REQUESTED, created_at=None, **fields) -> Quote:
    n = next(_numbers)
    quote = Quote.objects.create(
        number=f"QW-{n}",
        company=company,
        requested_by=UserFactory(),
        account_manager=company.account_manager,
        state=state,
        **fields,
    )
    if created_at is not None:
        Quote.objects.filter(pk=quote.pk).update(created_at=created_at)
        quote.refresh_from_db()
    return quote


def basket_make(*, member, total: str, touched_at, lines: int = 1):
    """An open basket of a company member worth ``total`` net, last changed at ``touched_at``."""
    basket = Basket.objects.create(owner=member.user)
    price = Decimal(total) / lines
    product = ProductFactory()
    for i in range(lines):
        line = Line.objects.create(
            basket=basket,
            product=product,
            stockrecord=product.stockrecords.first(),
            line_reference=f"ref-{next(_numbers)}-{i}",
            quantity=1,
            price_excl_tax=price,
            price_incl_tax=price,
            price_currency="EUR",
        )
        Line.objects.filter(pk=line.pk).update(date_updated=touched_at)
    return basket


def approval_make(*, company, requester, total="500.00", created_at=None):
    now = created_at or timezone.now()
    return ApprovalRequest.objects.create(
        company=company,
        requester=requester,
        basket=Basket.objects.create(owner=requester, status=Basket.FROZEN),
        total=Decimal(total),
        currency="EUR",
        created_at=now,
        expires_at=now + datetime.timedelta(days=7),
    )


def ledger_make(*, company, amount, kind=LedgerEntry.Kind.ORDER, due_date=None, created_at=None):
    return LedgerEntry.objects.create(
        company=company,
        kind=kind,
        amount=Decimal(amount),
        currency=company.currency,
        reference=f"L-{next(_numbers)}",
        due_date=due_date,
        created_at=created_at or timezone.now(),
    )


def history_make(*, company, author, size: int, start=None):
    """``size`` of each kind of timeline event for a company, one buyer among its members."""
    start = start or timezone.now() - datetime.timedelta(days=size + 2)
    member = CompanyMemberFactory(company=company)
    for i in range(size):
        moment = start + datetime.timedelta(days=i)
        order_make(company=company, placed=moment, user=member.user)
        quote = quote_make(company=company, state=State.OFFERED)
        QuoteEvent.objects.create(
            quote=quote, by=author, from_state="in_review", to_state="offered"
        )
        approval_make(company=company, requester=member.user, created_at=moment)
        ledger_make(
            company=company, amount="-10.00", kind=LedgerEntry.Kind.PAYMENT, created_at=moment
        )
        NotificationLog.objects.create(
            kind="order_confirmation",
            key=f"k-{next(_numbers)}",
            recipients=[member.user.email],
            subject=f"Your order {i}",
            body_text="...",
            status=NotificationLog.Status.SENT,
            sent_at=moment,
        )
        LoginEvent.objects.create(company=company, user=member.user, at=moment)
        Activity.objects.create(
            company=company, author=author, subject=f"Call {i}", occurred_at=moment
        )
        Task.objects.create(owner=author, company=company, title=f"Follow up {i}", due_at=moment)
    return member
