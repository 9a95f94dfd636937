import pytest
from django.core.cache import cache

from tests.factories import PASSWORD, UserFactory, category_create


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
