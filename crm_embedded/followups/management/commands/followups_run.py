"""Run the follow-up job once, as Celery beat does every ten minutes (for cron or by hand)."""

import json

from django.core.management.base import BaseCommand

from crm_embedded.followups import services


class Command(BaseCommand):
    help = "Detect idle carts and the other leaks and act on them once (safe to run twice)."

    def handle(self, *args, **options) -> None:
        summary = services.followups_run()
        self.stdout.write(json.dumps(summary.as_dict(), indent=2, sort_keys=True))
