import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Task arrives from crm_embedded with its table (crm_embedded_task): state only."""

    initial = True

    dependencies = [
        ("crm_embedded", "0002_task_moved_to_crm_tasks"),
        ("companies", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Task',
                    fields=[
                        ('id', models.AutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200)),
                        ('url', models.CharField(blank=True, max_length=300)),
                        ('key', models.CharField(blank=True, max_length=100)),
                        ('due_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('done_at', models.DateTimeField(blank=True, null=True)),
                        ('company', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='companies.company')),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='crm_tasks', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'ordering': ['done_at', 'due_at', 'created_at'],
                        'db_table': 'crm_embedded_task',
                        'constraints': [models.UniqueConstraint(condition=models.Q(('key', ''), _negated=True), fields=('key',), name='crm_task_unique_key')],
                    },
                ),
            ],
        )
    ]
