from decimal import Decimal

from django.db import migrations

# The rules a new install starts with; sales managers change them in the CRM.
DEFAULTS = {
    "idle_basket": {"threshold_hours": 4, "threshold_days": 1, "task_min_value": Decimal("1000.00")},
    "offer_expiring": {"threshold_hours": 24, "threshold_days": 3, "task_min_value": Decimal("5000.00")},
    "quote_not_ordered": {"threshold_hours": 24, "threshold_days": 5, "task_min_value": Decimal("2000.00")},
    "approval_pending": {"threshold_hours": 24, "threshold_days": 1, "task_min_value": Decimal("2000.00")},
    "reorder_lapsed": {"threshold_hours": 24, "threshold_days": 30, "task_min_value": Decimal("0.00"),
                       "email_buyer": False},
}  # fmt: skip


def rules_create(apps, schema_editor):
    Rule = apps.get_model("crm_followups", "FollowUpRule")
    for kind, fields in DEFAULTS.items():
        Rule.objects.get_or_create(kind=kind, defaults=fields)


class Migration(migrations.Migration):
    dependencies = [("crm_followups", "0001_initial")]

    operations = [migrations.RunPython(rules_create, migrations.RunPython.noop)]
