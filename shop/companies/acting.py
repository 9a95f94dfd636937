"""Staff acting as a buyer of one of their accounts ("act as buyer of company X").

The session remembers who the staff member really is; the middleware swaps
``request.user`` for the buyer on every request, audits every change made that way,
and ends it as soon as the staff member may no longer act for that company.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext as _

from shop.companies import services
from shop.companies.models import CompanyMember
from shop.companies.services import CompanyError, audit_record

SESSION_KEY = services.ACTING_SESSION_KEY

# One copy of the rules: the CRM starts acting through shop.companies.services (its front
# door); these names stay for the storefront's views and middleware.
acting_member = services.acting_member_check
acting_start = services.acting_start


def acting_stop(*, session, staff_user: AbstractBaseUser, buyer: AbstractBaseUser) -> None:
    """Stop acting; back to the staff member's own view."""
    state = session.pop(SESSION_KEY, None)
    if state:
        member = CompanyMember.objects.select_related("company").filter(pk=state["member"]).first()
        if member:
            audit_record(
                company=member.company,
                actor=staff_user,
                on_behalf_of=buyer,
                action="acting.stopped",
            )


def acting_resolve(*, session, real_user: AbstractBaseUser) -> tuple[CompanyMember | None, str]:
    """Return the membership being acted as (or None) and, if acting had to end, why."""
    state = session.get(SESSION_KEY)
    if not state:
        return None, ""
    if not real_user.is_authenticated or state.get("staff") != real_user.pk:
        session.pop(SESSION_KEY, None)
        return None, ""
    try:
        member = acting_member(staff_user=real_user, member_id=state["member"])
    except CompanyError as exc:
        session.pop(SESSION_KEY, None)
        return None, _("Stopped acting for a customer: %(reason)s") % {"reason": exc.message}
    if acting_expired(state=state):
        session.pop(SESSION_KEY, None)
        audit_record(
            company=member.company, actor=real_user, on_behalf_of=member.user,
            action="acting.expired",
            detail={"max_minutes": settings.ACTING_MAX_MINUTES},
        )  # fmt: skip
        return None, _(
            "You were acting as %(buyer)s for more than %(minutes)s minutes, so acting has "
            "ended. Start again from the CRM if you still need to."
        ) % {"buyer": member.user.email, "minutes": settings.ACTING_MAX_MINUTES}
    return member, ""


def acting_expired(*, state: dict) -> bool:
    """Tell whether an acting session is older than ACTING_MAX_MINUTES (or has no start)."""
    started = state.get("started")
    if not isinstance(started, int | float):
        return True  # started before acting had a time limit: end it rather than trust it
    limit = timedelta(minutes=settings.ACTING_MAX_MINUTES)
    return timezone.now().timestamp() - started > limit.total_seconds()


def staff_user_for(pk: int) -> AbstractBaseUser | None:
    return get_user_model().objects.filter(pk=pk).first()
