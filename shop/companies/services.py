"""Writes over companies: onboarding, members and roles, invitations, addresses, audit."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from shop.companies import emails, selectors
from shop.companies.models import (
    AuditEntry,
    Company,
    CompanyAddress,
    CompanyApplication,
    CompanyMember,
    Invitation,
)
from shop.companies.vat import vat_number_check
from shop.errors import PortalError

INVITATION_SALT = "shop.companies.invitation"
INVITATION_DAYS = 7


class CompanyError(PortalError):
    """A request that cannot be done, with a message for the person who asked."""


def audit_record(
    *,
    company: Company,
    actor: AbstractBaseUser | None,
    action: str,
    detail: dict | None = None,
    on_behalf_of: AbstractBaseUser | None = None,
) -> AuditEntry:
    """Record who did what to a company's account."""
    return AuditEntry.objects.create(
        company=company,
        actor=actor if actor and actor.is_authenticated else None,
        on_behalf_of=on_behalf_of,
        action=action,
        detail=detail or {},
    )


def _send(*, kind: str, object_id: int) -> None:
    """Send a company email after the commit (a rollback sends nothing, a failure is retried).

    The record is read again and the email logged, then delivered by the notification task:
    nothing the mail server does can turn the request that saved the record into an error page.
    """
    transaction.on_commit(
        lambda: emails.company_email_send(kind=kind, object_id=object_id), robust=True
    )


def _unique_slug(name: str) -> str:
    base = slugify(name)[:60] or "company"
    slug, n = base, 2
    while Company.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@dataclass(frozen=True)
class ApplicationData:
    legal_name: str
    trading_name: str
    country: str
    vat_number: str
    phone: str
    contact_name: str
    contact_phone: str
    message: str
    billing_line1: str
    billing_line2: str
    billing_postcode: str
    billing_city: str


@transaction.atomic
def company_apply(*, user: AbstractBaseUser, data: ApplicationData) -> CompanyApplication:
    """Create a pending company, its first admin (the applicant) and the application."""
    if selectors.membership_for_user(user=user):
        raise CompanyError(_("You already belong to a company account."))
    previous = selectors.application_for_user(user=user)
    if previous and previous.status == CompanyApplication.Status.PENDING:
        raise CompanyError(_("Your application is already waiting for review; we will email you."))
    vat = vat_number_check(country=data.country, number=data.vat_number)
    if not vat.is_valid:
        raise CompanyError(vat.error, field="vat_number")
    if Company.objects.filter(vat_number=vat.number).exclude(status=Company.Status.CLOSED).exists():
        raise CompanyError(
            _(
                "A company with this VAT number already has an account: ask its admin to invite you."
            ),
            field="vat_number",
        )
    company = Company.objects.create(
        legal_name=data.legal_name.strip(),
        trading_name=data.trading_name.strip(),
        slug=_unique_slug(data.legal_name),
        country=data.country,
        vat_number=vat.number,
        phone=data.phone.strip(),
        status=Company.Status.PENDING,
    )
    CompanyAddress.objects.create(
        company=company,
        kind=CompanyAddress.Kind.BILLING,
        label="Head office",
        line1=data.billing_line1.strip(),
        line2=data.billing_line2.strip(),
        postcode=data.billing_postcode.strip(),
        city=data.billing_city.strip(),
        country=data.country,
        is_default=True,
    )
    CompanyMember.objects.create(company=company, user=user, role=CompanyMember.Role.ADMIN)
    application = CompanyApplication.objects.create(
        company=company,
        applicant=user,
        contact_name=data.contact_name.strip(),
        contact_phone=data.contact_phone.strip(),
        message=data.message.strip(),
    )
    audit_record(company=company, actor=user, action="application.submitted")
    _send(kind="application_received", object_id=application.pk)
    return application


def _application_for_decision(*, application_id: int, staff_user) -> CompanyApplication:
    application = (
        selectors.applications_for_staff(user=staff_user)
        .select_for_update(of=("self",))
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise CompanyError(_("This application does not exist or is not yours to review."))
    if application.status != CompanyApplication.Status.PENDING:
        raise CompanyError(
            _("This application was already %(status)s by %(staff)s on %(date)s.")
            % {
                "status": application.get_status_display().lower(),
                "staff": application.decided_by,
                "date": f"{application.decided_at:%d %b %Y}",
            }
        )
    return application


@transaction.atomic
def application_approve(
    *, application_id: int, staff_user: AbstractBaseUser, note: str = ""
) -> CompanyApplication:
    """Activate the applicant's company and tell the applicant."""
    application = _application_for_decision(application_id=application_id, staff_user=staff_user)
    now = timezone.now()
    application.status = CompanyApplication.Status.APPROVED
    application.decided_at, application.decided_by = now, staff_user
    application.decision_note = note.strip()
    application.save()
    company = application.company
    company.status = Company.Status.ACTIVE
    if company.account_manager_id is None:
        company.account_manager = staff_user
    company.save(update_fields=["status", "account_manager", "updated_at"])
    audit_record(
        company=company, actor=staff_user, action="application.approved", detail={"note": note}
    )
    _send(kind="application_approved", object_id=application.pk)
    return application


@transaction.atomic
def application_decline(
    *, application_id: int, staff_user: AbstractBaseUser, reason: str
) -> CompanyApplication:
    """Decline an application with a reason; the record and the reason are kept."""
    if not reason.strip():
        raise CompanyError(_("Give the applicant a reason for declining."), field="reason")
    application = _application_for_decision(application_id=application_id, staff_user=staff_user)
    application.status = CompanyApplication.Status.DECLINED
    application.decided_at, application.decided_by = timezone.now(), staff_user
    application.decision_note = reason.strip()
    application.save()
    company = application.company
    company.status = Company.Status.CLOSED
    company.save(update_fields=["status", "updated_at"])
    company.members.filter(is_active=True).update(is_active=False, deactivated_at=timezone.now())
    audit_record(
        company=company, actor=staff_user, action="application.declined", detail={"reason": reason}
    )
    _send(kind="application_declined", object_id=application.pk)
    return application


def _require_admin(*, company: Company, user: AbstractBaseUser) -> None:
    membership = selectors.membership_for_user(user=user)
    if not membership or membership.company_id != company.pk or not membership.can_manage:
        raise CompanyError(_("Only your company's admins can manage members and settings."))


def invitation_token(*, invitation: Invitation) -> str:
    return signing.dumps({"invitation": invitation.pk}, salt=INVITATION_SALT)


@transaction.atomic
def invitation_create(
    *, company: Company, invited_by: AbstractBaseUser, email: str, role: str
) -> Invitation:
    """Invite a colleague by email with a signed link that expires after a week."""
    _require_admin(company=company, user=invited_by)
    email = email.strip().lower()
    if role not in CompanyMember.Role.values:
        raise CompanyError(_("Choose one of the roles offered."), field="role")
    existing = CompanyMember.objects.filter(user__email__iexact=email, is_active=True).first()
    if existing and existing.company_id == company.pk:
        raise CompanyError(
            _("%(email)s is already a member of %(company)s.")
            % {"email": email, "company": company},
            field="email",
        )
    if existing:
        raise CompanyError(
            _("%(email)s already belongs to another company's account; they must leave it first.")
            % {"email": email},
            field="email",
        )
    for invitation in company.invitations.filter(
        email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ):
        if invitation.state == "open":
            raise CompanyError(
                _(
                    "%(email)s was already invited on %(sent)s; the invitation is valid until "
                    "%(until)s. Revoke it to send a new one."
                )
                % {
                    "email": email,
                    "sent": f"{invitation.created_at:%d %b %Y}",
                    "until": f"{invitation.expires_at:%d %b %Y}",
                },
                field="email",
            )
    invitation = Invitation.objects.create(
        company=company,
        email=email,
        role=role,
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    audit_record(
        company=company,
        actor=invited_by,
        action="member.invited",
        detail={"email": email, "role": role},
    )
    _send(kind="invitation", object_id=invitation.pk)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by_user: AbstractBaseUser) -> None:
    """Withdraw an open invitation; its link stops working."""
    _require_admin(company=invitation.company, user=by_user)
    if invitation.state != "open":
        raise CompanyError(_("This invitation is already %(state)s.") % {"state": invitation.state})
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit_record(
        company=invitation.company, actor=by_user, action="member.invitation_revoked",
        detail={"email": invitation.email},
    )  # fmt: skip


def invitation_from_token(*, token: str) -> Invitation:
    """Return the open invitation behind a link, or say clearly why the link does not work."""
    try:
        payload = signing.loads(token, salt=INVITATION_SALT)
    except signing.BadSignature as exc:
        raise CompanyError(
            _("This invitation link is not valid: check that it was copied completely.")
        ) from exc
    invitation = (
        Invitation.objects.select_related("company", "invited_by")
        .filter(pk=payload.get("invitation"))
        .first()
    )
    if invitation is None:
        raise CompanyError(
            _("This invitation no longer exists: ask your company admin for a new one.")
        )
    messages = {
        "accepted": _(
            "This invitation has already been used. Log in with the account that accepted it."
        ),
        "revoked": _("This invitation was withdrawn by your company admin."),
        "expired": _("This invitation expired on %(date)s: ask %(who)s to send a new one.")
        % {
            "date": f"{invitation.expires_at:%d %b %Y}",
            "who": invitation.invited_by or _("your company admin"),
        },
    }
    if invitation.state in messages:
        raise CompanyError(messages[invitation.state])
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user: AbstractBaseUser) -> CompanyMember:
    """Join the inviting company with the invited role; a link works once."""
    invitation = invitation_from_token(token=token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.state != "open":  # a second click that raced the first
        raise CompanyError(_("This invitation has already been used."))
    if user.email.lower() != invitation.email.lower():
        raise CompanyError(
            _(
                "This invitation is for %(email)s, but you are logged in as %(user)s. "
                "Log out and open the link again."
            )
            % {"email": invitation.email, "user": user.email}
        )
    current = selectors.membership_for_user(user=user)
    if current and current.company_id != invitation.company_id:
        raise CompanyError(
            _("You already belong to %(company)s; you cannot join a second company.")
            % {"company": current.company}
        )
    if current:
        raise CompanyError(
            _("You are already a member of %(company)s.") % {"company": current.company}
        )
    try:
        member = CompanyMember.objects.create(
            company=invitation.company, user=user, role=invitation.role
        )
    except IntegrityError as exc:
        raise CompanyError(_("You already belong to a company account.")) from exc
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        company=invitation.company, actor=user, action="member.joined",
        detail={"email": user.email, "role": invitation.role},
    )  # fmt: skip
    return member


@transaction.atomic
def invitation_accept_as_new_user(
    *, token: str, first_name: str, last_name: str, password: str
) -> CompanyMember:
    """Create the invited person's account (the emailed link proves the address) and join."""
    invitation = invitation_from_token(token=token)
    User = get_user_model()
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise CompanyError(
            _("An account for %(email)s already exists: log in to accept.")
            % {"email": invitation.email}
        )
    user = User(
        username=f"{slugify(invitation.email.split('@')[0])[:20]}-{invitation.pk}-{timezone.now():%H%M%S}",
        email=invitation.email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
    )
    user.set_password(password)
    user.save()
    EmailAddress.objects.create(user=user, email=invitation.email, verified=True, primary=True)
    return invitation_accept(token=token, user=user)


def _active_admins(company: Company):
    return company.members.filter(is_active=True, role=CompanyMember.Role.ADMIN)


@transaction.atomic
def member_role_change(*, member_id: int, company: Company, role: str, by_user) -> CompanyMember:
    """Change a colleague's role; a company always keeps at least one admin."""
    _require_admin(company=company, user=by_user)
    member = (
        company.members.select_for_update(of=("self",)).filter(pk=member_id, is_active=True).first()
    )
    if member is None:
        raise CompanyError(_("That person is not an active member of your company."))
    if role not in CompanyMember.Role.values:
        raise CompanyError(_("Choose one of the roles offered."), field="role")
    if (
        member.role == CompanyMember.Role.ADMIN
        and role != CompanyMember.Role.ADMIN
        and _active_admins(company).count() == 1
    ):
        raise CompanyError(_("A company needs at least one admin: make someone else admin first."))
    old = member.role
    member.role = role
    member.save(update_fields=["role"])
    audit_record(
        company=company, actor=by_user, action="member.role_changed",
        detail={"email": member.user.email, "old": old, "new": role},
    )  # fmt: skip
    return member


@transaction.atomic
def member_deactivate(*, member_id: int, company: Company, by_user) -> CompanyMember:
    """Remove a colleague's access; their orders and history stay with the company."""
    _require_admin(company=company, user=by_user)
    member = (
        company.members.select_for_update(of=("self",)).filter(pk=member_id, is_active=True).first()
    )
    if member is None:
        raise CompanyError(_("That person is not an active member of your company."))
    if member.role == CompanyMember.Role.ADMIN and _active_admins(company).count() == 1:
        raise CompanyError(_("You are the only admin: make someone else admin before leaving."))
    member.is_active, member.deactivated_at = False, timezone.now()
    member.save(update_fields=["is_active", "deactivated_at"])
    audit_record(
        company=company,
        actor=by_user,
        action="member.deactivated",
        detail={"email": member.user.email},
    )
    return member


@transaction.atomic
def member_limits_update(
    *,
    member_id: int,
    company: Company,
    by_user,
    order_limit: Decimal | None,
    period: str,
    period_limit: Decimal | None,
) -> CompanyMember:
    """Set a member's spending limits (per order, and per day/week/month/quarter)."""
    _require_admin(company=company, user=by_user)
    member = company.members.filter(pk=member_id, is_active=True).first()
    if member is None:
        raise CompanyError(_("That person is not an active member of your company."))
    if period == CompanyMember.Period.NONE and period_limit is not None:
        raise CompanyError(
            "Choose a period for the period limit, or leave the limit empty.", field="period"
        )
    if period != CompanyMember.Period.NONE and period_limit is None:
        raise CompanyError(_("Enter the amount allowed per period."), field="period_limit")
    for value in (order_limit, period_limit):
        if value is not None and value < 0:
            raise CompanyError(_("Limits cannot be negative."), field="order_limit")
    member.order_limit, member.period, member.period_limit = order_limit, period, period_limit
    member.save(update_fields=["order_limit", "period", "period_limit"])
    audit_record(
        company=company, actor=by_user, action="member.limits_changed",
        detail={"email": member.user.email, "order_limit": str(order_limit),
                "period": period, "period_limit": str(period_limit)},
    )  # fmt: skip
    return member


@transaction.atomic
def address_save(*, company: Company, by_user, address: CompanyAddress) -> CompanyAddress:
    """Save a company address; making it the default un-defaults the previous one."""
    _require_admin(company=company, user=by_user)
    address.company = company
    siblings = (
        company.addresses.select_for_update().filter(kind=address.kind).exclude(pk=address.pk)
    )
    if not siblings.filter(is_default=True).exists():
        address.is_default = True  # the first address of a kind is its default
    if address.is_default:
        siblings.filter(is_default=True).update(is_default=False)
    created = address.pk is None
    address.save()
    audit_record(
        company=company, actor=by_user, action="address.created" if created else "address.updated",
        detail={"address": str(address), "kind": address.kind},
    )  # fmt: skip
    return address


@transaction.atomic
def address_delete(*, company: Company, by_user, address_id: int) -> None:
    """Delete an address; another of its kind becomes the default."""
    _require_admin(company=company, user=by_user)
    address = company.addresses.select_for_update().filter(pk=address_id).first()
    if address is None:
        raise CompanyError(_("That address does not exist."))
    kind, was_default = address.kind, address.is_default
    address.delete()
    if was_default:
        successor = company.addresses.filter(kind=kind).first()
        if successor:
            successor.is_default = True
            successor.save(update_fields=["is_default"])
    audit_record(
        company=company, actor=by_user, action="address.deleted", detail={"address": str(address)}
    )


STAFF_EDITABLE = ("legal_name", "trading_name", "vat_number", "country", "phone", "website",
                  "status", "customer_group", "payment_terms", "credit_limit")  # fmt: skip


@transaction.atomic
def company_update_by_staff(*, company_id: int, staff_user, changes: dict) -> Company:
    """Apply an account manager's edits to a company they manage; every change is audited."""
    allowed = selectors.companies_for_staff(user=staff_user).filter(pk=company_id).exists()
    # Lock the row itself (the scoped queryset aggregates, which FOR UPDATE refuses).
    company = Company.objects.select_for_update().filter(pk=company_id).first() if allowed else None
    if company is None:
        raise CompanyError(_("This company does not exist or is not one of your accounts."))
    if "vat_number" in changes or "country" in changes:
        vat = vat_number_check(
            country=changes.get("country", company.country),
            number=changes.get("vat_number", company.vat_number),
        )
        if not vat.is_valid:
            raise CompanyError(vat.error, field="vat_number")
        changes["vat_number"] = vat.number
    diff = {}
    for field, value in changes.items():
        if field not in STAFF_EDITABLE:
            raise CompanyError(_("%(field)s cannot be changed here.") % {"field": field})
        old = getattr(company, field)
        if old != value:
            diff[field] = {
                "old": str(old) if old is not None else None,
                "new": str(value) if value is not None else None,
            }
            setattr(company, field, value)
    if diff:
        company.save()
        audit_record(company=company, actor=staff_user, action="company.updated", detail=diff)
    return company


@transaction.atomic
def company_reassign(*, company_id: int, account_manager, by_user) -> Company:
    """Give a company to another account manager (sales managers only)."""
    if not selectors.user_is_sales_manager(user=by_user):
        raise CompanyError(_("Only sales managers can reassign accounts."))
    if not selectors.user_is_account_staff(user=account_manager):
        raise CompanyError(_("Choose an account manager."), field="account_manager")
    company = Company.objects.select_for_update().filter(pk=company_id).first()
    if company is None:
        raise CompanyError(_("This company does not exist."))
    old = company.account_manager
    company.account_manager = account_manager
    company.save(update_fields=["account_manager", "updated_at"])
    audit_record(
        company=company, actor=by_user, action="company.reassigned",
        detail={"old": old.email if old else None, "new": account_manager.email},
    )  # fmt: skip
    return company


# The session key shop.companies.acting (and its middleware) reads to act for a buyer.
ACTING_SESSION_KEY = "acting_as"


def acting_member_check(*, staff_user: AbstractBaseUser, member_id: int) -> CompanyMember:
    """Return the membership a staff user may act as, or refuse clearly."""
    member = (
        CompanyMember.objects.select_related("company", "user")
        .filter(
            pk=member_id,
            is_active=True,
            company__in=selectors.companies_for_staff(user=staff_user),
        )
        .first()
    )
    if member is None:
        raise CompanyError(_("You can only act as active members of your own accounts."))
    if not member.can_order:
        raise CompanyError(
            _("%(email)s is a viewer and cannot order; choose a buyer.")
            % {"email": member.user.email}
        )
    return member


def acting_start(*, session, staff_user: AbstractBaseUser, member_id: int) -> CompanyMember:
    """Start acting as a buyer: remember both people in the session and audit it."""
    member = acting_member_check(staff_user=staff_user, member_id=member_id)
    session[ACTING_SESSION_KEY] = {
        "staff": staff_user.pk,
        "member": member.pk,
        "started": timezone.now().timestamp(),
    }
    audit_record(
        company=member.company, actor=staff_user, on_behalf_of=member.user,
        action="acting.started",
    )  # fmt: skip
    return member
