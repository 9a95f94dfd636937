"""Run the webhook delivery sweep once (what celery beat runs periodically)."""

from django.core.management.base import BaseCommand

from shop.webhooks.services import BATCH_SIZE, webhook_deliveries_due


class Command(BaseCommand):
    help = "Attempt every outbound webhook delivery that is due, once (like deliver_due)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=BATCH_SIZE, help="At most this many.")

    def handle(self, *args, limit: int, **options):
        attempted = webhook_deliveries_due(limit=limit)
        self.stdout.write(f"{attempted} webhook deliveries attempted.")
