"""Reads over companies, always scoped to who is asking."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet

from shop.companies.models import (
    AuditEntry,
    Company,
    CompanyAddress,
    CompanyApplication,
    CompanyMember,
    CustomerGroup,
    Invitation,
)

SALES_MANAGERS_GROUP = "Sales managers"
ACCOUNT_MANAGERS_GROUP = "Account managers"


def membership_for_user(*, user: AbstractBaseUser | None) -> CompanyMember | None:
    """Return the user's active membership (with its company), or None."""
    if user is None or not user.is_authenticated:
        return None
    return (
        CompanyMember.objects.select_related("company", "company__account_manager")
        .filter(user=user, is_active=True)
        .first()
    )


def user_is_sales_manager(*, user: AbstractBaseUser) -> bool:
    return user.is_authenticated and (
        user.is_superuser or user.groups.filter(name=SALES_MANAGERS_GROUP).exists()
    )


def user_is_account_staff(*, user: AbstractBaseUser) -> bool:
    """True for the seller's account managers and sales managers (and superusers)."""
    return user.is_authenticated and (
        user.is_superuser
        or user.groups.filter(name__in=[SALES_MANAGERS_GROUP, ACCOUNT_MANAGERS_GROUP]).exists()
    )


def companies_for_staff(*, user: AbstractBaseUser) -> QuerySet[Company]:
    """Companies a staff user may see: a sales manager all, an account manager their own."""
    companies = Company.objects.select_related("account_manager", "customer_group").annotate(
        member_count=Count("members", filter=Q(members__is_active=True))
    )
    if user_is_sales_manager(user=user):
        return companies
    if user_is_account_staff(user=user):
        return companies.filter(account_manager=user)
    return companies.none()


def applications_for_staff(*, user: AbstractBaseUser) -> QuerySet[CompanyApplication]:
    """Applications a staff user may review: unassigned ones and those of their companies."""
    applications = CompanyApplication.objects.select_related("company", "applicant", "decided_by")
    if user_is_sales_manager(user=user):
        return applications
    if user_is_account_staff(user=user):
        return applications.filter(
            Q(company__account_manager=user) | Q(company__account_manager__isnull=True)
        )
    return applications.none()


def company_members(*, company: Company) -> QuerySet[CompanyMember]:
    return company.members.select_related("user").order_by("-is_active", "user__email")


def company_addresses(*, company: Company) -> QuerySet[CompanyAddress]:
    return company.addresses.all()


def company_open_invitations(*, company: Company) -> list[Invitation]:
    invitations = company.invitations.select_related("invited_by").filter(
        accepted_at__isnull=True, revoked_at__isnull=True
    )
    return [i for i in invitations if i.state == "open"]


def company_audit(*, company: Company, limit: int = 50) -> QuerySet[AuditEntry]:
    return company.audit_entries.select_related("actor", "on_behalf_of")[:limit]


def application_for_user(*, user: AbstractBaseUser) -> CompanyApplication | None:
    """Return the user's most recent application, if any."""
    return (
        CompanyApplication.objects.select_related("company").filter(applicant=user).first()
        if user.is_authenticated
        else None
    )


def audience_customer_groups() -> QuerySet[CustomerGroup]:
    """Return every customer group, by name (content targets them: banners, previews)."""
    return CustomerGroup.objects.order_by("name")


def audience_companies() -> QuerySet[Company]:
    """Return the active companies, by name (content targets them: banners, previews)."""
    return Company.objects.filter(status=Company.Status.ACTIVE).order_by("legal_name")


def company_status_choices() -> list[tuple[str, str]]:
    """Return the statuses a company can be in, as (value, label) pairs for a filter."""
    return list(Company.Status.choices)


def account_staff_users() -> QuerySet:
    """Return the active account and sales managers, by name (whom an account can go to)."""
    return (
        get_user_model()
        .objects.filter(
            groups__name__in=[ACCOUNT_MANAGERS_GROUP, SALES_MANAGERS_GROUP], is_active=True
        )
        .distinct()
        .order_by("first_name", "last_name", "email")
    )


def company_member_users(*, company_ids) -> QuerySet:
    """Return the active members' users of some companies (ids or a queryset of ids), by email."""
    return (
        get_user_model()
        .objects.filter(
            company_memberships__company_id__in=company_ids, company_memberships__is_active=True
        )
        .distinct()
        .order_by("email")
    )
