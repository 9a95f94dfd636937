"""Company accounts through the UI: clear messages, roles enforced on the server."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from shop.companies import services
from shop.companies.models import AuditEntry, Company, CompanyApplication, Invitation
from tests.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db
Basket = get_model("basket", "Basket")
Country = get_model("address", "Country")
Order = get_model("order", "Order")

APPLICATION = {
    "legal_name": "Gamma Textil AG", "trading_name": "", "country": "DE",
    "vat_number": "DE136695977", "phone": "", "billing_line1": "Ring 5", "billing_line2": "",
    "billing_postcode": "10115", "billing_city": "Berlin", "contact_name": "Gerd Gamma",
    "contact_phone": "+49 30 1", "message": "",
}  # fmt: skip


def test_application_with_a_bad_vat_number_keeps_the_input_and_says_why(client):
    client.force_login(UserFactory())
    response = client.post(reverse("company:apply"), APPLICATION)
    assert response.status_code == 200
    html = response.content.decode()
    assert "check digits do not match" in html
    assert 'value="Gamma Textil AG"' in html  # nothing typed is lost
    assert not Company.objects.exists()


def test_application_then_pending_notice(client, sales_manager, django_capture_on_commit_callbacks):
    client.force_login(UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("company:apply"), {**APPLICATION, "vat_number": "DE 136 695 976"}
        )
    assert response.status_code == 302
    html = client.get(reverse("company:home")).content.decode()
    assert 'id="company-pending"' in html
    assert mail.outbox[0].to == [sales_manager.email]


def test_pending_company_member_is_not_treated_as_a_company_buyer_yet(
    client, company, admin_member
):
    company.status = Company.Status.PENDING
    company.save()
    client.force_login(admin_member.user)
    assert 'id="company-pending"' in client.get(reverse("company:home")).content.decode()


def test_a_viewer_cannot_add_to_basket_or_check_out(client, viewer_member):
    product = ProductFactory()
    client.force_login(viewer_member.user)
    response = client.post(
        reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1}, follow=True
    )
    assert "can see orders and documents but not order" in response.content.decode()
    assert not Basket.objects.filter(owner=viewer_member.user, lines__isnull=False).exists()
    response = client.get(reverse("checkout:index"), follow=True)
    assert "can see orders and documents but not order" in response.content.decode()


def test_a_buyer_cannot_manage_members(client, buyer_member, admin_member):
    client.force_login(buyer_member.user)
    html = client.get(reverse("company:home")).content.decode()
    assert 'id="invite-form"' not in html
    response = client.post(
        reverse("company:member-invite"), {"email": "x@y.example", "role": "buyer"}, follow=True
    )
    assert "Only your company&#x27;s admins" in response.content.decode()
    response = client.post(
        reverse("company:member-deactivate", kwargs={"pk": admin_member.pk}), follow=True
    )
    assert "Only your company&#x27;s admins" in response.content.decode()
    admin_member.refresh_from_db()
    assert admin_member.is_active
    assert not Invitation.objects.exists()


def test_invite_with_a_malformed_email_says_so(client, admin_member):
    client.force_login(admin_member.user)
    response = client.post(
        reverse("company:member-invite"), {"email": "not-an-email", "role": "buyer"}, follow=True
    )
    assert "Enter a valid email address" in response.content.decode()


def test_member_removed_while_logged_in_gets_a_clear_message(client, admin_member, buyer_member):
    client.force_login(buyer_member.user)
    client.get(reverse("company:home"))
    services.member_deactivate(
        member_id=buyer_member.pk, company=admin_member.company, by_user=admin_member.user
    )
    html = client.get(reverse("catalogue:index")).content.decode()
    assert f"Your access to {admin_member.company} was removed" in html
    html = client.get(reverse("company:home")).content.decode()
    assert "Apply for a business account" in html


def test_expired_and_reused_invitation_links_show_clear_pages(client, admin_member):
    invitation = services.invitation_create(
        company=admin_member.company,
        invited_by=admin_member.user,
        email="n@alpha.example",
        role="buyer",
    )
    token = services.invitation_token(invitation=invitation)
    url = reverse("company:join", kwargs={"token": token})
    response = client.post(
        url,
        {
            "first_name": "N",
            "last_name": "M",
            "password1": "Quite-long-pass-9",
            "password2": "Quite-long-pass-9",
        },
    )
    assert response.status_code == 302
    client.logout()
    response = client.get(url)
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    other = services.invitation_create(
        company=admin_member.company,
        invited_by=admin_member.user,
        email="m@alpha.example",
        role="buyer",
    )
    Invitation.objects.filter(pk=other.pk).update(expires_at=timezone.now() - timedelta(days=1))
    response = client.get(
        reverse("company:join", kwargs={"token": services.invitation_token(invitation=other)})
    )
    assert response.status_code == 410
    assert "expired on" in response.content.decode()
    assert client.get(reverse("company:join", kwargs={"token": "garbage"})).status_code == 410


def test_join_form_reports_weak_passwords(client, admin_member):
    invitation = services.invitation_create(
        company=admin_member.company,
        invited_by=admin_member.user,
        email="w@alpha.example",
        role="buyer",
    )
    url = reverse(
        "company:join", kwargs={"token": services.invitation_token(invitation=invitation)}
    )
    response = client.post(
        url, {"first_name": "W", "last_name": "K", "password1": "123", "password2": "123"}
    )
    assert response.status_code == 200
    assert "too short" in response.content.decode()


def test_crm_is_for_account_staff_only(client, buyer_member):
    assert client.get(reverse("crm:home"))["Location"].startswith("/accounts/login/")
    client.force_login(buyer_member.user)
    assert client.get(reverse("crm:home")).status_code == 403


def test_account_manager_sees_only_their_accounts_sales_manager_all(
    client, account_manager, sales_manager, company
):
    from tests.factories import CompanyFactory

    CompanyFactory(legal_name="Somebody Else's Kunde GmbH")
    client.force_login(account_manager)
    html = client.get(reverse("crm:company-list")).content.decode()
    assert "Alpha Werkstatt GmbH" in html and "Somebody Else" not in html
    client.force_login(sales_manager)
    html = client.get(reverse("crm:company-list")).content.decode()
    assert "Alpha Werkstatt GmbH" in html and "Somebody Else" in html


def test_approve_and_decline_through_the_crm(
    client, sales_manager, django_capture_on_commit_callbacks
):
    first = services.company_apply(user=UserFactory(email="one@x.example"), data=services.ApplicationData(
        **{**APPLICATION, "vat_number": "DE136695976"}))  # fmt: skip
    client.force_login(sales_manager)
    url = reverse("crm:application-detail", kwargs={"pk": first.pk})
    response = client.post(url, {"decision": "decline", "note": ""})
    assert "Give the applicant a reason" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"decision": "approve", "note": "Net 30 agreed"})
    first.refresh_from_db()
    assert first.status == CompanyApplication.Status.APPROVED
    assert mail.outbox[-1].to == ["one@x.example"]
    response = client.post(url, {"decision": "decline", "note": "late"}, follow=True)
    assert "already approved" in response.content.decode()


def _checkout(client, product) -> None:
    Country.objects.get_or_create(
        iso_3166_1_a2="DE", defaults={"name": "Germany", "is_shipping_country": True}
    )
    client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 2})
    client.post(reverse("checkout:shipping-address"), {
        "first_name": "Jonas", "last_name": "Weber", "line1": "Ring 1", "line4": "Koeln",
        "postcode": "50667", "country": "DE", "phone_number": "",
    })  # fmt: skip
    for step in ("checkout:shipping-method", "checkout:payment-method", "checkout:preview"):
        assert client.get(reverse(step), follow=True).status_code == 200
    response = client.post(reverse("checkout:preview"), {"action": "place_order"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("checkout:thank-you")


def test_account_manager_acting_as_a_buyer_places_an_order_for_them(
    client, account_manager, buyer_member
):
    product = ProductFactory(title="Roller chain 08B-1")
    client.force_login(account_manager)
    response = client.post(
        reverse(
            "crm:company-act-as",
            kwargs={"pk": buyer_member.company.pk, "member_pk": buyer_member.pk},
        )
    )
    assert response.status_code == 302
    html = client.get(reverse("catalogue:index")).content.decode()
    assert 'id="acting-banner"' in html and buyer_member.user.email in html
    assert client.get(reverse("crm:home")).status_code == 302  # the CRM waits until acting stops
    _checkout(client, product)
    order = Order.objects.get()
    assert (order.user, order.company, order.placed_by_staff) == (
        buyer_member.user,
        buyer_member.company,
        account_manager,
    )
    actions = set(
        AuditEntry.objects.filter(company=buyer_member.company, actor=account_manager).values_list(
            "action", flat=True
        )
    )
    assert {"acting.started", "acting.request"} <= actions
    assert AuditEntry.objects.filter(action="acting.request", on_behalf_of=buyer_member.user,
                                     detail__path=reverse("checkout:preview")).exists()  # fmt: skip
    client.post(reverse("company:acting-stop"))
    assert client.get(reverse("crm:home")).status_code == 200
    # The buyer sees who placed the order for them.
    client.force_login(buyer_member.user)
    html = client.get(
        reverse("customer:order", kwargs={"order_number": order.number})
    ).content.decode()
    assert re.search(r"on their behalf by .*your account manager", html)


def test_a_buyer_placing_their_own_order_records_the_company(client, buyer_member):
    client.force_login(buyer_member.user)
    _checkout(client, ProductFactory())
    order = Order.objects.get()
    assert order.company == buyer_member.company and order.placed_by_staff is None


def test_acting_for_a_company_that_is_not_yours_is_404(client, account_manager):
    from tests.factories import CompanyFactory, CompanyMemberFactory

    stranger = CompanyMemberFactory(company=CompanyFactory())
    client.force_login(account_manager)
    url = reverse(
        "crm:company-act-as", kwargs={"pk": stranger.company.pk, "member_pk": stranger.pk}
    )
    assert client.post(url).status_code == 404
