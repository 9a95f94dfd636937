"""Give the sales managers' group what it needs in Oscar's dashboard, and nothing more.

Sales managers open the dashboard (shop.dashboard.apps lets them in) but Oscar checks model
permissions per view: without these, every order page and report answered 403. They get
orders, order notes and events, reports, card refunds and unmatched card payments; not the
catalogue, partners, users, offers, vouchers or pages, which stay with superusers.

On a new database the permissions do not exist yet (Django creates them after the last
migration), so this creates the missing ones with Django's own names, plus the custom
``payment.refund_card``.
"""

from django.db import migrations

SALES_MANAGERS = "Sales managers"

# (app_label, model): codenames
GRANTS = {
    ("order", "order"): ["view_order", "change_order"],
    ("order", "line"): ["view_line"],
    ("order", "ordernote"): ["view_ordernote", "add_ordernote", "change_ordernote"],
    ("order", "paymentevent"): ["view_paymentevent"],
    ("order", "shippingevent"): ["view_shippingevent"],
    ("payment", "source"): ["view_source", "refund_card"],
    ("payment", "unmatchedpayment"): ["view_unmatchedpayment", "change_unmatchedpayment"],
    ("analytics", "userrecord"): ["view_userrecord"],
}
CUSTOM_NAMES = {"refund_card": "Can refund card payments"}


def _permissions(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for (app_label, model_name), codenames in GRANTS.items():
        model = apps.get_model(app_label, model_name)
        content_type, _ = ContentType.objects.get_or_create(
            app_label=app_label, model=model_name
        )
        for codename in codenames:
            action = codename.split("_", 1)[0]
            name = CUSTOM_NAMES.get(codename) or f"Can {action} {model._meta.verbose_name_raw}"
            permission, _ = Permission.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": name[:255]}
            )
            yield permission


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=SALES_MANAGERS)
    group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=SALES_MANAGERS).first()
    if group is not None:
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_unmatched_payment_resolution"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("order", "0001_initial"),
        ("payment", "0006_card_intents_and_stripe_events"),
        ("analytics", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
