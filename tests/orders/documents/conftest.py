import pytest
from oscar.test.factories import create_order

from shop.companies.models import CompanyMember
from tests.factories import CompanyFactory, CompanyMemberFactory, UserFactory


def company_order(*, company=None, email=None, status=None):
    """An order of a company's buyer (Oscar's test order: one line)."""
    company = company or CompanyFactory()
    member = company.members.filter(role=CompanyMember.Role.BUYER).first()
    if member is None:
        member = CompanyMemberFactory(
            company=company, user=UserFactory(email=email or f"buyer@{company.slug}.example")
        )
    order = create_order(user=member.user)
    order.company = company
    if status:
        order.status = status
    order.save()
    return order


@pytest.fixture
def order(db):
    return company_order(company=CompanyFactory(legal_name="Rhein Werkstatt GmbH"))


@pytest.fixture
def stranger(db):
    """A buyer of another company."""
    return CompanyMemberFactory(user=UserFactory(email="buyer@other.example")).user
