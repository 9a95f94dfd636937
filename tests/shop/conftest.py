import pytest
from django.contrib.auth.models import Group

from shop.companies.models import CompanyMember
from tests.factories import CompanyFactory, CompanyMemberFactory, UserFactory


@pytest.fixture
def account_manager(db):
    user = UserFactory(email="am@partshub.example", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name="Account managers")[0])
    return user


@pytest.fixture
def sales_manager(db):
    user = UserFactory(email="sm@partshub.example", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name="Sales managers")[0])
    return user


@pytest.fixture
def company(account_manager):
    return CompanyFactory(legal_name="Alpha Werkstatt GmbH", account_manager=account_manager)


@pytest.fixture
def admin_member(company):
    return CompanyMemberFactory(
        company=company,
        role=CompanyMember.Role.ADMIN,
        user=UserFactory(email="admin@alpha.example"),
    )


@pytest.fixture
def buyer_member(company):
    return CompanyMemberFactory(
        company=company,
        role=CompanyMember.Role.BUYER,
        user=UserFactory(email="buyer@alpha.example"),
    )


@pytest.fixture
def viewer_member(company):
    return CompanyMemberFactory(
        company=company,
        role=CompanyMember.Role.VIEWER,
        user=UserFactory(email="viewer@alpha.example"),
    )
