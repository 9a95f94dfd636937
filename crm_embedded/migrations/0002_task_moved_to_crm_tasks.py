from django.db import migrations


class Migration(migrations.Migration):
    """Task moved to the tasks room (label crm_tasks); its table stays where it is."""

    dependencies = [("crm_embedded", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Task")], database_operations=[]
        )
    ]
