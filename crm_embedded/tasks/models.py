from django.conf import settings
from django.db import models
from django.db.models import Q


class Task(models.Model):
    """A to-do in an account manager's CRM workspace; ``key`` makes automated tasks idempotent."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="crm_tasks"
    )
    company = models.ForeignKey(
        "companies.Company", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(max_length=200)
    url = models.CharField(max_length=300, blank=True)
    key = models.CharField(max_length=100, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "crm_embedded_task"  # moved from crm_embedded with its rows
        ordering = ["done_at", "due_at", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=~Q(key=""), name="crm_task_unique_key"
            )
        ]

    def __str__(self) -> str:
        return self.title
