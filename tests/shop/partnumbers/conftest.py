import pytest

from shop.companies.models import CompanyMember
from tests.factories import CompanyFactory, CompanyMemberFactory, ProductFactory, UserFactory


@pytest.fixture
def products(db):
    """Three products with SKUs AUT-FL-0001.. and a contract-free list price."""
    return [ProductFactory(upc=f"AUT-FL-{i:04d}", title=f"Oil filter {i}") for i in range(1, 4)]


@pytest.fixture
def other_company(db):
    return CompanyFactory(legal_name="Beta Logistik GmbH")


@pytest.fixture
def other_admin(other_company):
    return CompanyMemberFactory(
        company=other_company,
        role=CompanyMember.Role.ADMIN,
        user=UserFactory(email="admin@beta.example"),
    )
