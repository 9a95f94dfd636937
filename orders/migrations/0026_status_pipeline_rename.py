"""Issue 12's status pipeline: the old initial "Pending" becomes "Placed", "Processing"
becomes "Confirmed", on orders and their lines alike."""

from django.db import migrations

RENAMES = {"Pending": "Placed", "Processing": "Confirmed"}


def forwards(apps, schema_editor):
    Order = apps.get_model("order", "Order")
    Line = apps.get_model("order", "Line")
    for old, new in RENAMES.items():
        Order.objects.filter(status=old).update(status=new)
        Line.objects.filter(status=old).update(status=new)


def backwards(apps, schema_editor):
    Order = apps.get_model("order", "Order")
    Line = apps.get_model("order", "Line")
    for old, new in RENAMES.items():
        Order.objects.filter(status=new).update(status=old)
        Line.objects.filter(status=new).update(status=old)


class Migration(migrations.Migration):
    dependencies = [("order", "0025_shipments_status_events")]

    operations = [migrations.RunPython(forwards, backwards)]
