"""Control characters in typed text, and emails that fail after a record is saved.

A CR/LF in a last name once broke the invitation email (a mail header) with a 500 after
the invitation was saved; a CR/LF in a company's legal name was saved pending, then
answered 500. Single-line fields refuse control characters at validation, and company
emails go out through the notification task (retried) after the commit.
"""

import importlib
import inspect
import logging
import pkgutil
import re
import smtplib
from datetime import timedelta
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django import forms
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from shop.companies.models import Company, CompanyApplication, Invitation
from shop.validators import TextGuardMixin, validate_multi_line, validate_single_line
from tests.factories import UserFactory

APPLICATION = {
    "legal_name": "Gamma Textil AG", "trading_name": "", "country": "DE",
    "vat_number": "DE136695976", "phone": "", "billing_line1": "Ring 5", "billing_line2": "",
    "billing_postcode": "10115", "billing_city": "Berlin", "contact_name": "Gerd Gamma",
    "contact_phone": "+49 30 1", "message": "",
}  # fmt: skip
LOCMEM_SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"


@pytest.mark.parametrize(
    "value",
    [
        "Weber\r\nBcc: all@x.example",
        "Weber\n",
        "We\rber",
        "We\tber",
        "A\x00B",
        "A\u2028B",
        "A\x85B",
    ],
)
def test_a_single_line_value_refuses_control_characters(value):
    with pytest.raises(ValidationError) as error:
        validate_single_line(value)
    assert "one line" in str(error.value.messages[0])


def test_names_with_letters_from_anywhere_pass():
    for value in ("Müller-Lüdenscheidt", "Łukasz O'Brien", "株式会社", "Zoë 👩‍🔧"):
        validate_single_line(value)
        validate_multi_line(value)


def test_multi_line_text_keeps_line_breaks_and_tabs_but_not_other_control_characters():
    validate_multi_line("first line\r\nsecond\tline\n")
    with pytest.raises(ValidationError):
        validate_multi_line("bell \x07 here")


def _our_form_classes() -> list[type]:
    found = set()
    for package_name in ("shop", "orders", "crm_embedded", "cms", "config"):
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, f"{package_name}."):
            if any(part in info.name for part in (".migrations", ".management", ".settings")):
                continue
            module = importlib.import_module(info.name)
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == info.name:
                    found.add(cls)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def test_every_form_of_ours_with_a_text_field_guards_it():
    """A new form with a text field must inherit TextGuardMixin, or this test names it."""
    classes = _our_form_classes()
    assert len(classes) > 5, "form discovery found too few forms"
    unguarded = [
        f"{cls.__module__}.{cls.__qualname__}"
        for cls in classes
        if any(
            isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput)
            for field in cls.base_fields.values()
        )
        and not issubclass(cls, TextGuardMixin)
    ]
    assert unguarded == []


@pytest.mark.django_db
def test_an_application_with_a_line_break_in_its_legal_name_is_refused_and_not_saved(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("company:apply"), {**APPLICATION, "legal_name": "Gamma\r\nTextil AG"}
    )
    assert response.status_code == 200
    assert "must be on one line" in response.content.decode()
    assert not Company.objects.exists()
    assert not CompanyApplication.objects.exists()


@pytest.mark.django_db
def test_a_last_name_with_a_line_break_is_refused_on_the_profile(client):
    user = UserFactory(first_name="Jonas", last_name="Weber")
    client.force_login(user)
    response = client.post(
        reverse("customer:profile-update"),
        {"first_name": "Jonas", "last_name": "Weber\r\nBcc: everyone@x.example"},
    )
    assert response.status_code == 200
    assert "must be on one line" in response.content.decode()
    user.refresh_from_db()
    assert user.last_name == "Weber"


@pytest.mark.django_db
def test_a_new_member_joining_by_invitation_cannot_give_a_name_with_a_line_break(
    client, admin_member
):
    from shop.companies import services

    invitation = services.invitation_create(
        company=admin_member.company, invited_by=admin_member.user, email="new@x.example",
        role="buyer",
    )  # fmt: skip
    token = services.invitation_token(invitation=invitation)
    response = client.post(
        reverse("company:join", kwargs={"token": token}),
        {"first_name": "Nina", "last_name": "New\nBcc: x@y.example",
         "password1": "a-long-passphrase-26", "password2": "a-long-passphrase-26"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "must be on one line" in response.content.decode()
    assert not admin_member.company.members.filter(user__email="new@x.example").exists()


@pytest.mark.django_db
def test_an_inviter_whose_stored_name_has_a_line_break_still_sends_a_one_line_subject(
    client, admin_member, django_capture_on_commit_callbacks
):
    # A name stored before names were checked must not break the email either.
    admin_member.user.last_name = "Weber\r\nBcc: everyone@x.example"
    admin_member.user.save()
    client.force_login(admin_member.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("company:member-invite"), {"email": "colleague@x.example", "role": "buyer"}
        )
    assert response.status_code == 302
    assert Invitation.objects.filter(email="colleague@x.example").exists()
    assert len(mail.outbox) == 1
    assert "\n" not in mail.outbox[0].subject and "\r" not in mail.outbox[0].subject
    assert mail.outbox[0].to == ["colleague@x.example"]


@pytest.mark.django_db
def test_a_failing_mail_server_leaves_the_invitation_saved_and_the_page_successful(
    client, admin_member, django_capture_on_commit_callbacks, caplog
):
    client.force_login(admin_member.user)
    caplog.set_level(logging.WARNING, logger="shop.notifications.tasks")
    failure = smtplib.SMTPServerDisconnected("mail server went away")
    with (
        mock.patch(LOCMEM_SEND, side_effect=failure) as send,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            reverse("company:member-invite"), {"email": "colleague@x.example", "role": "buyer"}
        )
    assert response.status_code == 302
    assert Invitation.objects.filter(email="colleague@x.example").exists()
    page = client.get(response["Location"]).content.decode()
    assert "Invitation sent to colleague@x.example" in page
    assert send.call_count == 6  # the first try and five retries (eager Celery in tests)
    assert "invitation" in caplog.text and "failed" in caplog.text


@pytest.mark.django_db
def test_a_failing_mail_server_leaves_the_application_saved_and_the_page_successful(
    client, sales_manager, django_capture_on_commit_callbacks
):
    client.force_login(UserFactory())
    with (
        mock.patch(LOCMEM_SEND, side_effect=ConnectionRefusedError("no mail server")) as send,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(reverse("company:apply"), APPLICATION)
    assert response.status_code == 302
    assert CompanyApplication.objects.filter(company__legal_name="Gamma Textil AG").exists()
    assert send.call_count == 6


@pytest.mark.django_db
def test_a_company_email_is_sent_once_even_if_it_is_queued_twice(
    admin_member, django_capture_on_commit_callbacks
):
    from shop.companies import emails, services

    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            company=admin_member.company, invited_by=admin_member.user, email="twice@x.example",
            role="buyer",
        )  # fmt: skip
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert emails.company_email_send(kind="invitation", object_id=invitation.pk) == 0
    assert len(mail.outbox) == 1
    # A database rebuilt with ids starting again: another record's email still goes.
    Invitation.objects.filter(pk=invitation.pk).update(created_at=timezone.now() + timedelta(1))
    with django_capture_on_commit_callbacks(execute=True):
        assert emails.company_email_send(kind="invitation", object_id=invitation.pk) == 1
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_company_emails_are_plain_text_with_working_links(
    client, admin_member, sales_manager, django_capture_on_commit_callbacks
):
    # Plain-text emails are not HTML: "O'Brien & Co" stays as typed, never "O&#x27;Brien &amp;".
    admin_member.user.first_name, admin_member.user.last_name = "Anna", "O'Brien"
    admin_member.user.save()
    admin_member.company.legal_name = "Müller & Söhne GmbH"
    admin_member.company.save()
    client.force_login(admin_member.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("company:member-invite"), {"email": "colleague@x.example", "role": "buyer"}
        )
    (email,) = mail.outbox
    assert email.subject.startswith("Anna O'Brien invited you to order for Müller & Söhne GmbH")
    assert "Müller & Söhne GmbH" in email.body and "&amp;" not in email.body
    (link,) = re.findall(r"https?://\S+/join/\S+", email.body)
    client.logout()
    response = client.get(urlsplit(link).path)
    assert response.status_code == 200
    assert "Müller &amp; Söhne GmbH" in response.content.decode()  # HTML escapes, email not


@pytest.mark.django_db
def test_a_typed_delivery_address_with_a_line_break_in_a_name_is_refused(client, buyer_member):
    from oscar.core.loading import get_model

    from tests.factories import ProductFactory

    get_model("address", "Country").objects.get_or_create(
        iso_3166_1_a2="DE", defaults={"name": "Germany", "is_shipping_country": True}
    )
    client.force_login(buyer_member.user)
    client.post(reverse("basket:add", kwargs={"pk": ProductFactory().pk}), {"quantity": 2})
    response = client.post(reverse("checkout:shipping-address"), {
        "first_name": "Jonas", "last_name": "Weber\r\nX", "line1": "Ring 1", "line4": "Koeln",
        "postcode": "50667", "country": "DE", "phone_number": "",
    })  # fmt: skip
    assert response.status_code == 200
    assert "must be on one line" in response.content.decode()


@pytest.mark.django_db
def test_an_address_book_entry_with_a_line_break_in_a_name_is_refused(client):
    from oscar.core.loading import get_model

    get_model("address", "Country").objects.get_or_create(
        iso_3166_1_a2="DE", defaults={"name": "Germany", "is_shipping_country": True}
    )
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("customer:address-create"), {
        "first_name": "Jonas", "last_name": "Weber\nX", "line1": "Ring 1", "line4": "Koeln",
        "postcode": "50667", "country": "DE", "phone_number": "",
    })  # fmt: skip
    assert response.status_code == 200
    assert "must be on one line" in response.content.decode()
    assert not user.addresses.exists()


@pytest.mark.django_db
def test_a_product_option_typed_with_a_line_break_is_refused(client, buyer_member):
    from oscar.core.loading import get_model

    from tests.factories import ProductFactory

    Option = get_model("catalogue", "Option")
    engraving = Option.objects.create(name="Engraving", type=Option.TEXT, required=False)
    product = ProductFactory()
    product.product_options.add(engraving)
    client.force_login(buyer_member.user)
    response = client.post(
        reverse("basket:add", kwargs={"pk": product.pk}),
        {"quantity": 2, engraving.code: "PH-1\r\nX"},
        follow=True,
    )
    assert "must be on one line" in response.content.decode()
    assert not get_model("basket", "Line").objects.filter(product=product).exists()


@pytest.mark.django_db
def test_a_list_name_with_a_control_character_is_refused(client, buyer_member):
    from shop.bulk.models import RequisitionList
    from tests.factories import ProductFactory

    client.force_login(buyer_member.user)
    client.post(reverse("basket:add", kwargs={"pk": ProductFactory().pk}), {"quantity": 2})
    response = client.post(reverse("bulk:list-index"), {"name": "Monthly\x00restock"}, follow=True)
    assert "cannot contain control characters" in response.content.decode()
    assert not RequisitionList.objects.exists()
    # Line breaks and tabs in a name are folded into spaces, as before.
    client.post(reverse("bulk:list-index"), {"name": "Monthly\r\n\trestock"})
    assert list(RequisitionList.objects.values_list("name", flat=True)) == ["Monthly restock"]
