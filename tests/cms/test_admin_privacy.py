"""The Wagtail admin loads nothing from third parties about its editors."""

from django.urls import reverse


def test_the_wagtail_admin_shows_no_gravatar(client, editor):
    client.force_login(editor)
    for url in (reverse("wagtailadmin_home"), reverse("wagtailadmin_account")):
        html = client.get(url).content.decode()
        assert "gravatar" not in html.lower(), url
