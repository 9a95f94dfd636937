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


@pytest.fixture(scope="session", autouse=True)
def _migrated_snapshot(request, django_db_blocker) -> str:
    """The migrated database as a string, taken once before any test can flush it.

    Transactional tests flush the database when they end (the migrations' data, such as
    Wagtail's root page and collection, goes with it). The browser journeys and the
    PostgreSQL concurrency tests put it back with ``migrated_data_restore``. pytest-django's
    own snapshot exists only when a collected test asks for serialized rollback, and
    restoring it after a flush that re-ran post_migrate meets the content types twice.
    """
    if not _needs_snapshot(request.session.items):
        return ""
    request.getfixturevalue("django_db_setup")
    from django.db import connection

    with django_db_blocker.unblock():
        contents = getattr(connection, "_test_serialized_contents", None)
        return contents or connection.creation.serialize_db_to_string()


def _needs_snapshot(items) -> bool:
    return any(
        item.get_closest_marker("browser") or item.get_closest_marker("services") for item in items
    )


def migrated_data_restore(connection, snapshot: str) -> None:
    """Empty the tables and load the migrated snapshot, sequences included (PostgreSQL)."""
    from django.apps import apps
    from django.core.management import call_command
    from django.core.management.color import no_style

    # post_migrate would recreate content types under new ids: keep it quiet.
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    connection.creation.deserialize_db_from_string(snapshot)
    statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models())
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


@pytest.fixture(autouse=True)
def _celery_in_process(request):
    """Tasks run in-process in tests, also when a broker is configured (make test-services).

    Tests check what tasks do; the transport is checked by the tests marked real_celery
    (a real worker through Redis). Without this, a task queued to Redis with no worker
    listening would silently never run.
    """
    from celery._state import _set_task_join_will_block

    if request.node.get_closest_marker("real_celery"):
        yield
        _set_task_join_will_block(False)
        return
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
    # An eager apply() marks the process "inside a task" (a global, not per thread) and puts
    # back the value it found: eager tasks in two threads at once (the race tests) can leave
    # it set, and every later result.get() then raises "Never call result.get() within a task!".
    _set_task_join_will_block(False)


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
