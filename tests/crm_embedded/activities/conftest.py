import pytest

from tests.crm_embedded.activities.factories import staff_user
from tests.factories import CompanyFactory


@pytest.fixture
def anna(db):
    return staff_user("Account managers", email="anna.berg@partshub.example",
                      first_name="Anna", last_name="Berg")  # fmt: skip


@pytest.fixture
def marco(db):
    return staff_user("Account managers", email="marco.rossi@partshub.example",
                      first_name="Marco", last_name="Rossi")  # fmt: skip


@pytest.fixture
def sofia(db):
    return staff_user("Sales managers", email="sofia.sales@partshub.example",
                      first_name="Sofia", last_name="Lindqvist")  # fmt: skip


@pytest.fixture
def rheinland(anna):
    return CompanyFactory(legal_name="Rheinland Auto Service GmbH", account_manager=anna)


@pytest.fixture
def nordic(marco):
    return CompanyFactory(legal_name="Nordic Textile Mills AB", account_manager=marco)
