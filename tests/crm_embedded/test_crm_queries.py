"""CRM and company list pages cost the same number of queries at two data sizes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shop.companies import services
from shop.companies.models import Company, CompanyApplication
from tests.factories import CompanyFactory, CompanyMemberFactory, UserFactory

pytestmark = pytest.mark.django_db


def _count(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(manager, n: int) -> None:
    for _ in range(n):
        company = CompanyFactory(account_manager=manager)
        CompanyMemberFactory(company=company)
        pending = CompanyFactory(status=Company.Status.PENDING, account_manager=manager)
        CompanyApplication.objects.create(
            company=pending, applicant=UserFactory(), contact_name="C", contact_phone="1"
        )


@pytest.mark.parametrize("name", ["crm:home", "crm:company-list", "crm:application-list"])
def test_crm_list_pages_are_constant(client, sales_manager, name):
    client.force_login(sales_manager)
    _grow(sales_manager, 2)
    small = _count(client, reverse(name))
    _grow(sales_manager, 12)
    assert _count(client, reverse(name)) == small


def test_crm_company_page_and_company_home_are_constant(client, sales_manager, admin_member):
    company = admin_member.company
    client.force_login(sales_manager)
    crm_small = _count(client, reverse("crm:company-detail", kwargs={"pk": company.pk}))
    client.force_login(admin_member.user)
    home_small = _count(client, reverse("company:home"))
    for i in range(8):
        services.invitation_create(
            company=company, invited_by=admin_member.user, email=f"p{i}@alpha.example", role="buyer"
        )
        CompanyMemberFactory(company=company)
    assert _count(client, reverse("company:home")) == home_small
    client.force_login(sales_manager)
    assert _count(client, reverse("crm:company-detail", kwargs={"pk": company.pk})) == crm_small
