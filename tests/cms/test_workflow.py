"""The content team's workflow, as cms.demo.editors_ensure sets it up: drafts, preview,
moderation, scheduled publishing, revisions and rollback, images and documents."""

from datetime import timedelta
from io import BytesIO

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Page, Site, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from cms.demo import editors_ensure
from cms.editorial.tasks import publish_scheduled
from cms.models import ContentPage

pytestmark = pytest.mark.django_db
EDITOR = "eddie.editor@partshub.example"
MODERATOR = "maria.moderator@partshub.example"


@pytest.fixture
def team(db):
    home = Site.objects.get(is_default_site=True).root_page
    page = home.add_child(instance=ContentPage(title="Delivery", slug="delivery", intro="Fast."))
    page.save_revision().publish()
    editors_ensure()
    users = get_user_model().objects
    return {"home": home, "page": page, "eddie": users.get(email=EDITOR), "maria": users.get(email=MODERATOR)}  # fmt: skip


def _form(page, intro: str, action: str, **extra):
    return nested_form_data(
        {
            "title": page.title,
            "slug": page.slug,
            "intro": intro,
            "body": streamfield([("paragraph", rich_text("<p>Body</p>"))]),
            "comments": inline_formset([]),
            action: action,
            **extra,
        }
    )


def _edit(client, page, intro, action="action-publish", **extra):
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    return client.post(url, _form(page, intro, action, **extra))


def test_an_editor_drafts_previews_and_submits_a_moderator_approves(client, team):
    page = team["page"]
    client.force_login(team["eddie"])
    assert _edit(client, page, "Same day before 16:00.", "action-publish").status_code == 302
    page.refresh_from_db()
    assert (
        page.has_unpublished_changes and "Same day" not in client.get("/delivery/").content.decode()
    )

    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    assert client.post(preview_url, _form(page, "Preview text.", "x")).json()["is_valid"]
    assert "Preview text." in client.get(preview_url).content.decode()

    assert _edit(client, page, "Same day before 16:00.", "action-submit").status_code == 302
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == "Moderators approval"
    # The editor cannot approve their own submission.
    task_state = state.current_task_state
    approve = reverse(
        "wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk]
    )
    assert client.post(approve, {"comment": ""}).status_code in {302, 403}
    page.refresh_from_db()
    assert "Same day" not in client.get("/delivery/").content.decode()

    client.force_login(team["maria"])
    assert client.post(approve, {"comment": "Fine."}).status_code in {200, 302}
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_APPROVED
    assert "Same day before 16:00." in client.get("/delivery/").content.decode()


def test_a_scheduled_page_goes_live_when_celery_beat_runs_publish_scheduled(client, team):
    page = team["page"]
    client.force_login(team["maria"])
    go_live = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    response = _edit(client, page, "Holiday hours from Monday.", go_live_at=go_live)
    assert response.status_code == 302
    page.refresh_from_db()
    revision = page.get_latest_revision()
    assert revision.approved_go_live_at is not None
    publish_scheduled.delay()
    assert "Holiday hours" not in client.get("/delivery/").content.decode()  # not yet

    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=2)):
        publish_scheduled.delay()
    assert "Holiday hours from Monday." in client.get("/delivery/").content.decode()
    entry = settings.CELERY_BEAT_SCHEDULE["cms-publish-scheduled"]
    assert entry["task"] == publish_scheduled.name and entry["schedule"] <= 300


def test_revisions_are_kept_and_a_moderator_rolls_back(client, team):
    page = team["page"]
    client.force_login(team["maria"])
    _edit(client, page, "Version two.")
    _edit(client, page, "Version three, wrong.")
    assert "Version three" in client.get("/delivery/").content.decode()
    revisions = page.revisions.order_by("created_at")
    assert revisions.count() >= 3
    second = [r for r in revisions if r.content.get("intro") == "Version two."][0]
    listed = client.get(reverse("wagtailadmin_pages:history", args=[page.pk])).content.decode()
    assert "Version" in listed or "Published" in listed
    revert = client.get(reverse("wagtailadmin_pages:revisions_revert", args=[page.pk, second.pk]))
    assert revert.status_code == 200 and "Version two." in revert.content.decode()
    # Publishing the reverted form makes the old version live again.
    _edit(client, page, "Version two.")
    assert "Version two." in client.get("/delivery/").content.decode()


@pytest.mark.parametrize("email", [EDITOR, MODERATOR])
def test_the_content_team_reaches_the_wagtail_admin_only(client, team, email):
    client.force_login(get_user_model().objects.get(email=email))
    assert client.get("/cms/").status_code == 200
    for url in ("/shop/dashboard/", "/shop/dashboard/catalogue/", "/crm/", "/django-admin/"):
        response = client.get(url)
        assert response.status_code in {302, 403, 404}, url
        if response.status_code == 302:
            assert "login" in response["Location"], url  # sent to sign in as someone else
    assert client.get("/dashboard/").status_code == 404  # Oscar's dashboard lives under /shop/


def _png(color="red") -> SimpleUploadedFile:
    buffer = BytesIO()
    PILImage.new("RGB", (400, 300), color).save(buffer, "PNG")
    return SimpleUploadedFile("part.png", buffer.getvalue(), content_type="image/png")


def test_an_editor_uploads_an_image_sets_its_focal_point_and_gets_renditions(client, team):
    client.force_login(team["eddie"])
    root = Collection.get_first_root_node()
    response = client.post(reverse("wagtailimages:add"), {"title": "Bearing", "file": _png(), "collection": root.pk})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:1500]
    image = get_image_model().objects.get(title="Bearing")
    data = {"title": "Bearing", "collection": root.pk, "tags": "", "focal_point_x": 300,
            "focal_point_y": 60, "focal_point_width": 40, "focal_point_height": 40}  # fmt: skip
    response = client.post(reverse("wagtailimages:edit", args=[image.pk]), data)
    assert response.status_code == 302, response.content.decode()[:1500]
    image.refresh_from_db()
    assert (image.focal_point_x, image.focal_point_y) == (300, 60)
    rendition = image.get_rendition("fill-100x100-c100")
    assert rendition.width == 100 and abs(rendition.height - 100) <= 1
    # Cropped around the focal point (top right), not the centre.
    assert rendition.focal_point is None or rendition.focal_point.centroid.x > 50


def test_an_editor_uploads_a_document(client, team):
    client.force_login(team["eddie"])
    root = Collection.get_first_root_node()
    file = SimpleUploadedFile("spec-sheet.pdf", b"%PDF-1.4 spec", content_type="application/pdf")
    response = client.post(reverse("wagtaildocs:add"), {"title": "Spec sheet 6204", "file": file, "collection": root.pk})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:1500]
    document = get_document_model().objects.get(title="Spec sheet 6204")
    assert client.get(document.url).status_code == 200


def test_editors_rights_start_at_the_home_page(team):
    assert Page.objects.filter(pk=team["home"].pk).exists()
    assert team["eddie"].has_perm("cms_promotions.add_banner")
    assert team["maria"].has_perm("cms_navigation.change_navigationsettings")
    assert not team["eddie"].is_staff


def test_the_wagtail_admin_takes_the_write_lock_on_sqlite_even_for_a_get(rf):
    """Its edit view writes on GET (stale editing sessions): a DEFERRED read transaction
    would fail upgrading beside another writer ('database is locked', found walking the demo)."""
    from django.db import connection

    from config.sqlite import SQLiteReadRequestsDeferredMiddleware

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's transaction modes only")
    seen = []

    def view(request):
        seen.append(connection.transaction_mode)
        return "response"

    for path in ("/cms/pages/3/edit/", "/shop/catalogue/"):
        SQLiteReadRequestsDeferredMiddleware(view)(rf.get(path))
    assert seen == ["IMMEDIATE", None]
