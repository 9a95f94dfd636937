"""Company accounts: onboarding, invitations, roles, limits, addresses and the audit trail."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError
from django.utils import timezone

from shop.companies import services
from shop.companies.models import (
    AuditEntry,
    Company,
    CompanyAddress,
    CompanyApplication,
    CompanyMember,
    Invitation,
)
from shop.companies.services import ApplicationData, CompanyError
from tests.factories import CompanyFactory, CompanyMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def _application(**overrides) -> ApplicationData:
    data = {
        "legal_name": "Beta Maschinenbau GmbH", "trading_name": "Beta", "country": "DE",
        "vat_number": "DE136695976", "phone": "+49 221 1234", "contact_name": "Berta Beta",
        "contact_phone": "+49 170 1234", "message": "Spare parts for 12 looms",
        "billing_line1": "Hauptstrasse 1", "billing_line2": "", "billing_postcode": "50667",
        "billing_city": "Koeln",
    }  # fmt: skip
    data.update(overrides)
    return ApplicationData(**data)


def test_apply_creates_a_pending_company_with_the_applicant_as_admin(
    sales_manager, django_capture_on_commit_callbacks
):
    applicant = UserFactory(email="berta@beta.example")
    with django_capture_on_commit_callbacks(execute=True):
        application = services.company_apply(user=applicant, data=_application())
    company = application.company
    assert company.status == Company.Status.PENDING
    assert company.vat_number == "DE136695976"
    assert company.members.get().role == CompanyMember.Role.ADMIN
    assert company.addresses.get().is_default
    assert [m.to for m in mail.outbox] == [[sales_manager.email]]


def test_apply_refuses_a_bad_vat_number_with_the_field_named(db):
    with pytest.raises(CompanyError) as exc:
        services.company_apply(user=UserFactory(), data=_application(vat_number="DE136695977"))
    assert exc.value.field == "vat_number"
    assert "check digits" in exc.value.message
    assert not Company.objects.exists()


def test_apply_refuses_a_vat_number_that_already_has_an_account(company):
    company.vat_number = "DE136695976"
    company.save()
    with pytest.raises(CompanyError, match="already has an account"):
        services.company_apply(user=UserFactory(), data=_application())


def test_apply_twice_while_pending_is_refused(db):
    user = UserFactory()
    services.company_apply(user=user, data=_application())
    with pytest.raises(CompanyError):
        services.company_apply(
            user=user, data=_application(vat_number="FR40303265045", country="FR")
        )


def test_approve_activates_and_emails_the_applicant(
    sales_manager, django_capture_on_commit_callbacks
):
    applicant = UserFactory(email="berta@beta.example")
    application = services.company_apply(user=applicant, data=_application())
    with django_capture_on_commit_callbacks(execute=True):
        services.application_approve(
            application_id=application.pk, staff_user=sales_manager, note="Welcome"
        )
    application.refresh_from_db()
    assert application.status == CompanyApplication.Status.APPROVED
    assert application.company.status == Company.Status.ACTIVE
    assert application.company.account_manager == sales_manager
    assert mail.outbox[0].to == ["berta@beta.example"]
    assert "is active" in mail.outbox[0].subject
    assert "Welcome" in mail.outbox[0].body
    with pytest.raises(CompanyError, match="already approved"):
        services.application_approve(application_id=application.pk, staff_user=sales_manager)


def test_company_emails_link_to_the_site_base_url_in_the_applicants_language(
    settings, sales_manager, django_capture_on_commit_callbacks
):
    from shop.notifications.models import NotificationLog
    from shop.notifications.services import notification_preferences_save

    settings.SITE_BASE_URL = "https://portal.example"
    applicant = UserFactory(email="berta@beta.example")
    notification_preferences_save(user=applicant, topics={}, language="de")
    with django_capture_on_commit_callbacks(execute=True):
        application = services.company_apply(user=applicant, data=_application())
    (received,) = mail.outbox
    assert received.to == [sales_manager.email]
    assert f"https://portal.example/crm/applications/{application.pk}/" in received.body
    with django_capture_on_commit_callbacks(execute=True):
        services.application_approve(application_id=application.pk, staff_user=sales_manager)
    approved = mail.outbox[-1]
    assert approved.to == ["berta@beta.example"]
    assert "https://portal.example/shop/company/" in approved.body
    assert 'href="https://portal.example/shop/company/"' in approved.alternatives[0][0]
    entry = NotificationLog.objects.get(kind="company_application_approved")
    assert entry.language == "de" and entry.subject == approved.subject
    assert "Guten Tag Berta Beta," in approved.body


def test_decline_needs_a_reason_and_keeps_the_record(sales_manager):
    application = services.company_apply(user=UserFactory(), data=_application())
    with pytest.raises(CompanyError, match="reason"):
        services.application_decline(
            application_id=application.pk, staff_user=sales_manager, reason=" "
        )
    services.application_decline(
        application_id=application.pk, staff_user=sales_manager, reason="No trade registration"
    )
    application.refresh_from_db()
    assert application.status == CompanyApplication.Status.DECLINED
    assert application.decision_note == "No trade registration"
    assert application.company.status == Company.Status.CLOSED
    assert not application.company.members.filter(is_active=True).exists()
    # The applicant can apply again (for example with corrected data).
    services.company_apply(user=application.applicant, data=_application(legal_name="Beta Neu"))


def test_an_account_manager_cannot_decide_another_managers_application(account_manager):
    other_am = UserFactory(is_staff=True)
    other_am.groups.add(*account_manager.groups.all())
    application = services.company_apply(user=UserFactory(), data=_application())
    application.company.account_manager = other_am
    application.company.save()
    with pytest.raises(CompanyError, match="not yours"):
        services.application_approve(application_id=application.pk, staff_user=account_manager)


def test_invitation_accept_creates_membership_once(
    admin_member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            company=admin_member.company, invited_by=admin_member.user,
            email="New@Alpha.example", role="buyer",
        )  # fmt: skip
    assert invitation.email == "new@alpha.example"
    token = services.invitation_token(invitation=invitation)
    assert token in mail.outbox[0].body
    member = services.invitation_accept_as_new_user(
        token=token, first_name="Nina", last_name="Neu", password="Long-enough-pass-1"
    )
    assert member.company == admin_member.company and member.role == "buyer"
    assert member.user.emailaddress_set.get().verified
    with pytest.raises(CompanyError, match="already been used"):
        services.invitation_accept(token=token, user=member.user)


def test_duplicate_invitation_is_refused_until_revoked(admin_member):
    kwargs = {
        "company": admin_member.company,
        "invited_by": admin_member.user,
        "email": "x@alpha.example",
        "role": "buyer",
    }
    first = services.invitation_create(**kwargs)
    with pytest.raises(CompanyError, match="already invited"):
        services.invitation_create(**kwargs)
    services.invitation_revoke(invitation=first, by_user=admin_member.user)
    with pytest.raises(CompanyError, match="withdrawn"):
        services.invitation_from_token(token=services.invitation_token(invitation=first))
    services.invitation_create(**kwargs)


def test_inviting_a_member_or_someone_of_another_company_is_refused(admin_member, buyer_member):
    with pytest.raises(CompanyError, match="already a member"):
        services.invitation_create(company=admin_member.company, invited_by=admin_member.user,
                                   email=buyer_member.user.email, role="buyer")  # fmt: skip
    stranger = CompanyMemberFactory(company=CompanyFactory())
    with pytest.raises(CompanyError, match="another company"):
        services.invitation_create(company=admin_member.company, invited_by=admin_member.user,
                                   email=stranger.user.email, role="buyer")  # fmt: skip


def test_expired_and_tampered_tokens_say_why(admin_member):
    invitation = services.invitation_create(
        company=admin_member.company,
        invited_by=admin_member.user,
        email="late@alpha.example",
        role="buyer",
    )
    token = services.invitation_token(invitation=invitation)
    with pytest.raises(CompanyError, match="not valid"):
        services.invitation_from_token(token=token[:-3] + "abc")
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(CompanyError, match="expired on"):
        services.invitation_from_token(token=token)


def test_invitation_for_another_email_is_refused(admin_member):
    invitation = services.invitation_create(
        company=admin_member.company,
        invited_by=admin_member.user,
        email="a@alpha.example",
        role="buyer",
    )
    with pytest.raises(CompanyError, match="is for a@alpha.example"):
        services.invitation_accept(
            token=services.invitation_token(invitation=invitation), user=UserFactory()
        )


def test_only_admins_manage_members(buyer_member, admin_member):
    with pytest.raises(CompanyError, match="Only your company's admins"):
        services.invitation_create(company=buyer_member.company, invited_by=buyer_member.user,
                                   email="x@alpha.example", role="buyer")  # fmt: skip
    with pytest.raises(CompanyError, match="Only your company's admins"):
        services.member_role_change(member_id=admin_member.pk, company=admin_member.company,
                                    role="viewer", by_user=buyer_member.user)  # fmt: skip


def test_the_last_admin_cannot_be_demoted_or_removed(admin_member):
    company = admin_member.company
    with pytest.raises(CompanyError, match="at least one admin"):
        services.member_role_change(
            member_id=admin_member.pk, company=company, role="buyer", by_user=admin_member.user
        )
    with pytest.raises(CompanyError, match="only admin"):
        services.member_deactivate(
            member_id=admin_member.pk, company=company, by_user=admin_member.user
        )


def test_role_change_and_deactivation_are_audited(admin_member, buyer_member):
    company = admin_member.company
    services.member_role_change(
        member_id=buyer_member.pk, company=company, role="approver", by_user=admin_member.user
    )
    services.member_deactivate(
        member_id=buyer_member.pk, company=company, by_user=admin_member.user
    )
    buyer_member.refresh_from_db()
    assert (buyer_member.role, buyer_member.is_active) == ("approver", False)
    actions = list(AuditEntry.objects.filter(company=company).values_list("action", flat=True))
    assert actions == ["member.deactivated", "member.role_changed"]


def test_spending_limits_validation(admin_member, buyer_member):
    kwargs = {
        "member_id": buyer_member.pk,
        "company": admin_member.company,
        "by_user": admin_member.user,
    }
    with pytest.raises(CompanyError, match="Choose a period"):
        services.member_limits_update(
            **kwargs, order_limit=None, period="none", period_limit=Decimal("5")
        )
    with pytest.raises(CompanyError, match="amount allowed per period"):
        services.member_limits_update(**kwargs, order_limit=None, period="month", period_limit=None)
    services.member_limits_update(
        **kwargs, order_limit=Decimal("500"), period="quarter", period_limit=Decimal("4000")
    )
    buyer_member.refresh_from_db()
    assert (buyer_member.order_limit, buyer_member.period) == (Decimal("500"), "quarter")


def test_one_active_company_per_user_is_a_database_rule(buyer_member):
    with pytest.raises(IntegrityError):
        CompanyMember.objects.create(company=CompanyFactory(), user=buyer_member.user)


def test_default_address_moves_and_first_address_is_default(admin_member):
    company = admin_member.company
    first = services.address_save(company=company, by_user=admin_member.user, address=CompanyAddress(
        kind="shipping", label="A", line1="x 1", postcode="1", city="c", country="DE"))  # fmt: skip
    assert first.is_default
    second = services.address_save(company=company, by_user=admin_member.user, address=CompanyAddress(
        kind="shipping", label="B", line1="y 2", postcode="2", city="c", country="DE", is_default=True))  # fmt: skip
    first.refresh_from_db()
    assert second.is_default and not first.is_default
    services.address_delete(company=company, by_user=admin_member.user, address_id=second.pk)
    first.refresh_from_db()
    assert first.is_default


def test_staff_edits_are_scoped_validated_and_audited(account_manager, company):
    services.company_update_by_staff(
        company_id=company.pk, staff_user=account_manager,
        changes={"credit_limit": Decimal("1000.00"), "vat_number": "de136695976"},
    )  # fmt: skip
    company.refresh_from_db()
    assert company.vat_number == "DE136695976"
    entry = AuditEntry.objects.get(action="company.updated")
    assert entry.detail["credit_limit"] == {"old": "100000.00", "new": "1000.00"}
    other = CompanyFactory()
    with pytest.raises(CompanyError, match="not one of your accounts"):
        services.company_update_by_staff(
            company_id=other.pk, staff_user=account_manager, changes={}
        )
    with pytest.raises(CompanyError, match="check digits"):
        services.company_update_by_staff(company_id=company.pk, staff_user=account_manager,
                                         changes={"vat_number": "DE136695977"})  # fmt: skip


def test_only_sales_managers_reassign(account_manager, sales_manager, company):
    with pytest.raises(CompanyError, match="Only sales managers"):
        services.company_reassign(
            company_id=company.pk, account_manager=sales_manager, by_user=account_manager
        )
    services.company_reassign(
        company_id=company.pk, account_manager=sales_manager, by_user=sales_manager
    )
    company.refresh_from_db()
    assert company.account_manager == sales_manager
