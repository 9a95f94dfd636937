"""Orders, shipments and quotes as the reports read them, cheap to build by the dozen."""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone
from oscar.core.loading import get_model

from orders import states

Order = get_model("order", "Order")

_numbers = itertools.count(1)


def at(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    """An aware moment on a day (the site's time zone)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def order_make(
    *, company, placed: datetime.datetime, total: str | Decimal = "100.00", status=states.PLACED,
    user=None, number: str | None = None,
):  # fmt: skip
    """An order (no lines) placed at a moment with a net total."""
    total = Decimal(total)
    return Order.objects.create(
        number=number or f"R-{next(_numbers):06d}",
        company=company,
        user=user,
        currency="EUR",
        total_excl_tax=total,
        total_incl_tax=(total * Decimal("1.19")).quantize(Decimal("0.01")),
        status=status,
        date_placed=placed,
    )


def staff_make(*, email: str, group: str = "Account managers", first: str = "", last: str = ""):
    """An account manager (or, with group="Sales managers", a sales manager)."""
    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    user = UserFactory(email=email, is_staff=True, first_name=first, last_name=last)
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def company_make(*, name: str, manager, opened: datetime.date, status: str = "active"):
    """A company whose account was opened on a day (created_at is stamped on save)."""
    from shop.companies.models import Company
    from tests.factories import CompanyFactory

    company = CompanyFactory(legal_name=name, account_manager=manager, status=status)
    Company.objects.filter(pk=company.pk).update(created_at=at(opened, 9))
    company.refresh_from_db()
    return company


def stage_of(kind: str):
    """The won, lost or a first open stage (the pipeline's migration seeds them)."""
    from crm_embedded.pipeline.models import Stage

    stage = Stage.objects.filter(kind=kind).order_by("position", "pk").first()
    if stage is None:
        names = {"won": "Won", "lost": "Lost", "open": "Qualification"}
        stage = Stage.objects.create(name=names[kind], kind=kind, position=90)
    return stage


def deal_make(*, company, owner, amount: str, kind: str, closed: datetime.datetime | None):
    """An opportunity closed (won/lost) at a moment, or open (closed=None)."""
    from crm_embedded.pipeline.models import Opportunity

    return Opportunity.objects.create(
        company=company, owner=owner, name=f"Deal {amount}", amount=Decimal(amount),
        stage=stage_of(kind), closed_at=closed,
    )  # fmt: skip


def quote_make(
    *, company, manager, requested: datetime.datetime, sent: list[datetime.datetime],
    state: str, buyer,
):  # fmt: skip
    """A quote requested at a moment, with an offer version sent at each of ``sent``."""
    from crm_embedded.quotes.models import Quote, QuoteVersion

    quote = Quote.objects.create(
        number=f"Q-R{next(_numbers):05d}", company=company, requested_by=buyer,
        account_manager=manager, state=state,
    )  # fmt: skip
    Quote.objects.filter(pk=quote.pk).update(created_at=requested)
    for number, moment in enumerate(sent, start=1):
        QuoteVersion.objects.create(
            quote=quote, number=number, sent_at=moment, valid_until=moment.date(),
            currency="EUR", lines=[], total=Decimal("100.00"),
        )  # fmt: skip
    return quote
