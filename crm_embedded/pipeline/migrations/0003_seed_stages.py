"""The default pipeline: four open stages, then won and lost (sales managers may rename them)."""

from django.db import migrations

STAGES = (
    # name, position, probability, kind
    ("Qualification", 10, 10, "open"),
    ("Needs analysis", 20, 20, "open"),
    ("Proposal", 30, 50, "open"),
    ("Negotiation", 40, 75, "open"),
    ("Won", 90, 100, "won"),
    ("Lost", 100, 0, "lost"),
)


def stages_seed(apps, schema_editor):
    Stage = apps.get_model("crm_pipeline", "Stage")
    # A database that already has a won or lost stage keeps its own configuration.
    for name, position, probability, kind in STAGES:
        if kind != "open" and Stage.objects.filter(kind=kind).exists():
            continue
        Stage.objects.get_or_create(
            name=name, defaults={"position": position, "probability": probability, "kind": kind}
        )


class Migration(migrations.Migration):
    dependencies = [("crm_pipeline", "0002_opportunity_probability_manual")]

    operations = [migrations.RunPython(stages_seed, migrations.RunPython.noop)]
