from django.db import migrations

CODENAMES = ["add_banner", "change_banner", "delete_banner", "view_banner"]
GROUPS = ["Editors", "Moderators"]


def grant(apps, schema_editor):
    """The content team manages banners (Wagtail's Editors and Moderators groups)."""
    # Django creates permissions after all migrations; create the ones granted here now.
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = []
    for codename in CODENAMES:
        action, model = codename.split("_", 1)
        content_type, _ = ContentType.objects.get_or_create(app_label="cms_promotions", model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type,
            codename=codename,
            defaults={"name": f"Can {action} {model}"},
        )
        permissions.append(permission)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("cms_promotions", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0002_initial_data"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
