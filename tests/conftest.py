import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

from shop.companies.models import CompanyMember
from tests.factories import (
    PASSWORD,
    CompanyFactory,
    CompanyMemberFactory,
    UserFactory,
    category_create,
)


@pytest.fixture(autouse=True)
def _celery_in_process(request):
    """Tasks run in-process in tests, also when a broker is configured (make test-services).

    Tests check what tasks do; the transport is checked by the tests marked real_celery
    (a real worker through Redis). Without this, a task queued to Redis with no worker
    listening would silently never run.
    """
    if request.node.get_closest_marker("real_celery"):
        yield
        return
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _clear_cache():
    # allauth's rate limits live in the cache and would leak between tests.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def buyer(db):
    return UserFactory(email="buyer@client.example")


@pytest.fixture
def staff_user(db):
    return UserFactory(email="staff@partshub.example", is_staff=True)


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@partshub.example", is_staff=True, is_superuser=True)


@pytest.fixture
def editor(db):
    from django.contrib.auth.models import Group

    user = UserFactory(email="editor@partshub.example")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def category(db):
    return category_create("Bearings")


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


def _member(company, role: str):
    return CompanyMemberFactory(
        company=company, role=role, user=UserFactory(email=f"{role}@alpha.example")
    )


@pytest.fixture
def admin_member(company):
    return _member(company, CompanyMember.Role.ADMIN)


@pytest.fixture
def buyer_member(company):
    return _member(company, CompanyMember.Role.BUYER)


@pytest.fixture
def viewer_member(company):
    return _member(company, CompanyMember.Role.VIEWER)
