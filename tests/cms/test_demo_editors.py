"""The demo's content team, as seed_demo makes it: a moderator publishes, an editor drafts."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.models import ContentPage

pytestmark = pytest.mark.django_db

MODERATOR = "maria.moderator@partshub.example"
EDITOR = "eddie.editor@partshub.example"


@pytest.fixture
def seeded(db):
    call_command("seed_demo", products=20, stdout=StringIO())


def _login(client, email: str) -> None:
    client.force_login(get_user_model().objects.get(email=email))


def _publish(client, page: ContentPage, text: str):
    data = nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "intro": page.intro,
            "body": streamfield([("paragraph", rich_text(f"<p>{text}</p>"))]),
            "comments": inline_formset([]),
            "action-publish": "action-publish",
        }
    )
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)


def test_the_moderator_publishes_a_page_change(client, seeded):
    page = ContentPage.objects.get(slug="about")
    _login(client, MODERATOR)
    response = _publish(client, page, "Open on Saturdays from 8 to 12.")
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Open on Saturdays from 8 to 12." in client.get("/about/").content.decode()


def test_the_editor_only_saves_a_draft(client, seeded):
    page = ContentPage.objects.get(slug="about")
    _login(client, EDITOR)
    response = _publish(client, page, "Open on Sundays too.")
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.has_unpublished_changes  # saved as a draft, not published
    assert "Open on Sundays too." not in client.get("/about/").content.decode()


@pytest.mark.parametrize("email", [MODERATOR, EDITOR])
def test_the_content_team_stays_out_of_dashboard_crm_and_django_admin(client, seeded, email):
    _login(client, email)
    assert client.get("/cms/").status_code == 200
    for url in ("/shop/dashboard/", "/crm/", "/django-admin/"):
        assert client.get(url).status_code in {302, 403}, url


def test_editors_ensure_is_idempotent(seeded):
    from wagtail.models import GroupPagePermission

    from cms.demo import editors_ensure

    before = GroupPagePermission.objects.count()
    assert editors_ensure() == editors_ensure()
    assert GroupPagePermission.objects.count() == before


def test_the_content_team_starts_at_the_home_page_not_the_root(client, seeded):
    """Rights on the site's home page: the explorer opens there, and no page is added
    at the tree's root, where it would have no URL."""
    from wagtail.models import GroupPagePermission, Page, Site

    home = Site.objects.get(is_default_site=True).root_page
    granted = GroupPagePermission.objects.filter(group__name__in=["Editors", "Moderators"])
    assert set(granted.values_list("page", flat=True)) == {home.pk}
    _login(client, EDITOR)
    root = Page.get_first_root_node()

    def add_page_form(parent):
        return client.get(reverse("wagtailadmin_pages:add", args=["cms", "contentpage", parent.pk]))

    refused = add_page_form(root)
    assert refused.status_code in {302, 403} and "/add/" not in refused.get("Location", "")
    assert add_page_form(home).status_code == 200
