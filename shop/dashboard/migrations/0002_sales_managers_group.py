"""The sales managers' group exists from the first migrate; post_migrate grants its permissions.

Created here, not in post_migrate: post_migrate also runs after every test-database flush,
and a test that restores the database's serialized contents would then meet the group twice.
"""

from django.db import migrations

SALES_MANAGERS_GROUP = "Sales managers"


def group_create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).get_or_create(name=SALES_MANAGERS_GROUP)


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_unmatched_payment_resolution"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(group_create, migrations.RunPython.noop)]
