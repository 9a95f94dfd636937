"""Contacts: scoped list and search, entering and editing, duplicates, login link, consent stamp."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm_embedded.contacts import selectors, services
from crm_embedded.contacts.demo import demo_ensure
from crm_embedded.contacts.models import Contact
from tests.factories import CompanyFactory, CompanyMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

FORM = {
    "first_name": "Petra",
    "last_name": "Hoffmann",
    "role": "Head of purchasing",
    "email": "petra@alpha.example",
    "phone": "+49 221 1",
    "preferred_channel": "email",
    "preferred_language": "de",
}


def _contact(company, first="Jonas", last="Weber", **fields) -> Contact:
    return Contact.objects.create(company=company, first_name=first, last_name=last, **fields)


def test_a_manager_lists_and_searches_only_their_accounts_contacts(
    client, account_manager, company
):
    other = CompanyFactory(legal_name="Beta Fleet", account_manager=UserFactory())
    mine = _contact(company, email="jonas@alpha.example", role="Buyer")
    _contact(company, "Lena", "Schmidt")
    theirs = _contact(other, "Jonas", "Weiss")
    assert list(selectors.contacts_for_staff(user=account_manager).order_by("pk"))[0] == mine
    assert theirs not in selectors.contacts_for_staff(user=account_manager)
    client.force_login(account_manager)
    html = client.get(reverse("crm:contact-list"), {"q": "jonas"}).content.decode()
    assert "Jonas Weber" in html and "Lena Schmidt" not in html and "Jonas Weiss" not in html
    html = client.get(reverse("crm:contact-list"), {"q": "alpha werkstatt"}).content.decode()
    assert "Jonas Weber" in html and "Lena Schmidt" in html
    response = client.get(reverse("crm:contact-list"), {"company": other.pk})
    assert response.status_code == 400 and "Jonas Weiss" not in response.content.decode()
    assert client.get(reverse("crm:contact-edit", kwargs={"pk": theirs.pk})).status_code == 404


def test_a_sales_manager_sees_every_accounts_contacts(client, sales_manager, company):
    other = CompanyFactory(account_manager=UserFactory())
    _contact(other, "Jonas", "Weiss")
    assert selectors.contacts_for_staff(user=sales_manager).count() == 1
    assert selectors.contacts_for_company(company_id=company.pk).count() == 0


def test_a_buyer_never_reaches_the_contacts(client, buyer_member):
    client.force_login(buyer_member.user)
    assert client.get(reverse("crm:contact-list")).status_code == 403


def test_create_from_the_company_page_preselects_it_and_links_a_member(
    client, account_manager, company, buyer_member
):
    client.force_login(account_manager)
    url = reverse("crm:contact-create") + f"?company={company.pk}"
    page = client.get(url).content.decode()
    assert f'<option value="{company.pk}" selected>' in page
    assert buyer_member.user.email in page  # the company's logins are offered
    response = client.post(url, {**FORM, "company": company.pk, "user": buyer_member.user.pk,
                                  "is_active": "on"})  # fmt: skip
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert (contact.company, contact.user, contact.created_by) == (
        company, buyer_member.user, account_manager,
    )  # fmt: skip
    assert contact.full_name == "Petra Hoffmann" and contact.consent_changed_at is None


def test_a_login_from_another_company_cannot_be_linked(client, account_manager, company):
    outsider = CompanyMemberFactory(company=CompanyFactory(account_manager=account_manager))
    with pytest.raises(services.ContactError) as error:
        services.contact_create(
            company=company, by=account_manager, first_name="Ole", last_name="Lund",
            user=outsider.user,
        )  # fmt: skip
    assert error.value.field == "user" and "Only an active member" in error.value.message


def test_another_managers_company_cannot_be_chosen_or_preselected(client, account_manager, company):
    other = CompanyFactory(account_manager=UserFactory())
    client.force_login(account_manager)
    assert client.get(reverse("crm:contact-create") + f"?company={other.pk}").status_code == 404
    response = client.post(reverse("crm:contact-create"), {**FORM, "company": other.pk})
    assert response.status_code == 400 and not Contact.objects.exists()


def test_the_same_email_anywhere_is_refused_with_a_link_to_the_contact(
    client, account_manager, company
):
    existing = _contact(company, "Petra", "Hoffmann-Berg", email="Petra@Alpha.example")
    client.force_login(account_manager)
    response = client.post(
        reverse("crm:contact-create"),
        {**FORM, "first_name": "P.", "last_name": "Other", "company": company.pk},
    )
    html = response.content.decode()
    assert response.status_code == 400 and Contact.objects.count() == 1
    assert "already the email of a contact" in html
    assert reverse("crm:contact-edit", kwargs={"pk": existing.pk}) in html
    assert 'value="Head of purchasing"' in html  # nothing typed is lost


def test_an_email_known_at_another_account_is_refused_without_revealing_it(
    client, account_manager, company
):
    other = CompanyFactory(legal_name="Secret Customer AG", account_manager=UserFactory())
    hidden = _contact(other, "Petra", "Hoffmann", email="petra@alpha.example")
    client.force_login(account_manager)
    response = client.post(reverse("crm:contact-create"), {**FORM, "company": company.pk})
    html = response.content.decode()
    assert response.status_code == 400 and "another account" in html
    assert "Secret Customer" not in html
    assert reverse("crm:contact-edit", kwargs={"pk": hidden.pk}) not in html


@pytest.mark.parametrize(
    ("first", "last"),
    [("Petra", "Hofmann"), ("P.", "Hoffmann"), ("petra", "HOFFMANN"), ("Petra", "Hoffmánn")],
)
def test_a_similar_name_warns_and_saves_only_when_confirmed(
    client, account_manager, company, first, last
):
    existing = _contact(company, "Petra", "Hoffmann")
    client.force_login(account_manager)
    data = {**FORM, "first_name": first, "last_name": last, "email": "", "company": company.pk}
    response = client.post(reverse("crm:contact-create"), data)
    html = response.content.decode()
    assert response.status_code == 400 and Contact.objects.count() == 1
    assert "similar name" in html and "Save anyway" in html
    assert reverse("crm:contact-edit", kwargs={"pk": existing.pk}) in html
    assert 'type="checkbox" name="allow_similar"' in html
    response = client.post(reverse("crm:contact-create"), {**data, "allow_similar": "on"})
    assert response.status_code == 302 and Contact.objects.count() == 2


def test_different_names_or_another_company_do_not_warn(account_manager, company):
    _contact(company, "Petra", "Hoffmann")
    services.contact_create(company=company, by=account_manager, first_name="Klaus",
                            last_name="Fischer")  # fmt: skip
    other = CompanyFactory(account_manager=account_manager)
    services.contact_create(company=other, by=account_manager, first_name="Petra",
                            last_name="Hoffmann")  # fmt: skip
    assert Contact.objects.count() == 3


def test_editing_stamps_a_consent_change_and_keeps_the_company(client, account_manager, company):
    contact = _contact(company, "Petra", "Hoffmann", email="petra@alpha.example")
    client.force_login(account_manager)
    url = reverse("crm:contact-edit", kwargs={"pk": contact.pk})
    moment = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        response = client.post(url, {**FORM, "marketing_consent": "on", "is_active": "on",
                                     "company": CompanyFactory().pk})  # fmt: skip
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.marketing_consent and contact.consent_changed_at == moment
    assert contact.company == company and contact.role == "Head of purchasing"
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=UTC), tick=False):
        response = client.post(url, {**FORM, "marketing_consent": "on", "phone": "+49 1"})
        assert response.status_code == 302
        assert "Marketing consent last changed on 2 Mar 2026" in client.get(url).content.decode()
    contact.refresh_from_db()
    assert contact.consent_changed_at == moment  # unchanged consent keeps its stamp
    assert not contact.is_active and contact.phone == "+49 1"


def test_a_name_saved_anyway_is_not_questioned_again_on_edit(account_manager, company):
    _contact(company, "Petra", "Hoffmann")
    twin = services.contact_create(company=company, by=account_manager, first_name="Petra",
                                   last_name="Hofmann", allow_similar=True)  # fmt: skip
    services.contact_update(contact=twin, by=account_manager, role="Deputy")
    with pytest.raises(services.SimilarContactError):
        services.contact_update(contact=twin, by=account_manager, last_name="Hoffman")


def test_bad_input_is_explained_beside_the_field(client, account_manager, company):
    client.force_login(account_manager)
    response = client.post(
        reverse("crm:contact-create"),
        {**FORM, "company": company.pk, "email": "not-an-email", "last_name": "Bad\r\nName"},
    )
    html = response.content.decode()
    assert response.status_code == 400 and not Contact.objects.exists()
    assert "name@company.example" in html and "one line" in html


def _grow(company, n: int) -> None:
    for i in range(n):
        member = CompanyMemberFactory(company=company)
        _contact(company, f"First{i}", f"Last{i}", user=member.user, email=f"c{i}@x.example")


def test_the_contact_list_costs_the_same_queries_at_two_sizes(client, account_manager, company):
    client.force_login(account_manager)
    url = reverse("crm:contact-list")

    def count() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        return len(ctx.captured_queries)

    _grow(company, 2)
    small = count()
    _grow(company, 20)
    assert count() == small


def test_demo_links_members_and_adds_one_contact_without_login(company, admin_member, buyer_member):
    assert demo_ensure() == 3
    assert demo_ensure() == 0
    contacts = selectors.contacts_for_company(company_id=company.pk)
    assert {c.user for c in contacts} == {admin_member.user, buyer_member.user, None}
