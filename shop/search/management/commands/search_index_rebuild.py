"""Rebuild the product search index from the catalogue (after a bulk load or a restore)."""

import time

from django.core.management.base import BaseCommand

from shop.search.services import search_index_rebuild


class Command(BaseCommand):
    help = "Rebuild the product search index (bulk SQL on PostgreSQL)."

    def handle(self, *args, **options) -> None:
        started = time.monotonic()

        def progress(step: str) -> None:
            self.stdout.write(f"  {step} ({time.monotonic() - started:.1f} s)")

        rows = search_index_rebuild(progress=progress)
        self.stdout.write(f"{rows} products indexed in {time.monotonic() - started:.1f} s.")
