"""The credit-limit receiver moved to the tasks room (crm_embedded/tasks/receivers.py,
connected in TasksConfig.ready). This module only keeps the old import path alive until
crm_embedded/apps.py stops importing it; then it is deleted (requested of the coordinator)."""

from crm_embedded.tasks.receivers import credit_limit_task_create  # noqa: F401
