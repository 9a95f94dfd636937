"""Price-list validity becomes dates, both inclusive (a date a person types is a date).

The old columns held moments; "valid until 31 Dec 2027" was stored as midnight at the
start of that day and stopped applying a day early. Each moment becomes its local date:
that midnight becomes 31 Dec 2027, now inclusive.
"""

from datetime import datetime, time, timedelta

from django.db import migrations, models
from django.utils import timezone


def moments_to_dates(apps, schema_editor):
    PriceList = apps.get_model("pricing", "PriceList")
    for price_list in PriceList.objects.exclude(valid_from=None, valid_until=None):
        price_list.valid_from_day = (
            timezone.localdate(price_list.valid_from) if price_list.valid_from else None
        )
        price_list.valid_until_day = (
            timezone.localdate(price_list.valid_until) if price_list.valid_until else None
        )
        price_list.save(update_fields=["valid_from_day", "valid_until_day"])


def dates_to_moments(apps, schema_editor):
    PriceList = apps.get_model("pricing", "PriceList")
    zone = timezone.get_current_timezone()
    for price_list in PriceList.objects.exclude(valid_from_day=None, valid_until_day=None):
        if price_list.valid_from_day:
            price_list.valid_from = datetime.combine(price_list.valid_from_day, time(), zone)
        if price_list.valid_until_day:  # the old end was exclusive: the next midnight
            price_list.valid_until = datetime.combine(
                price_list.valid_until_day + timedelta(days=1), time(), zone
            )
        price_list.save(update_fields=["valid_from", "valid_until"])


class Migration(migrations.Migration):
    dependencies = [
        ("pricing", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="pricelist", name="pricelist_ends_after_start"),
        migrations.AddField(
            model_name="pricelist", name="valid_from_day", field=models.DateField(null=True)
        ),
        migrations.AddField(
            model_name="pricelist", name="valid_until_day", field=models.DateField(null=True)
        ),
        migrations.RunPython(moments_to_dates, dates_to_moments),
        migrations.RemoveField(model_name="pricelist", name="valid_from"),
        migrations.RemoveField(model_name="pricelist", name="valid_until"),
        migrations.RenameField(
            model_name="pricelist", old_name="valid_from_day", new_name="valid_from"
        ),
        migrations.RenameField(
            model_name="pricelist", old_name="valid_until_day", new_name="valid_until"
        ),
        migrations.AlterField(
            model_name="pricelist",
            name="valid_from",
            field=models.DateField(blank=True, null=True, verbose_name="valid from"),
        ),
        migrations.AlterField(
            model_name="pricelist",
            name="valid_until",
            field=models.DateField(
                blank=True,
                help_text="The last day it applies.",
                null=True,
                verbose_name="valid until",
            ),
        ),
        migrations.AddConstraint(
            model_name="pricelist",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("valid_from__isnull", True),
                    ("valid_until__isnull", True),
                    ("valid_until__gte", models.F("valid_from")),
                    _connector="OR",
                ),
                name="pricelist_ends_on_or_after_start",
            ),
        ),
    ]
