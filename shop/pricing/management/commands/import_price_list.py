"""Import a price list CSV from the command line, with a progress bar (for very large files)."""

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from shop.pricing import services
from shop.pricing.models import PriceList


class Command(BaseCommand):
    help = (
        "Check and import a CSV of prices into a price list (see the CRM's import for the format)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="The price list's code")
        parser.add_argument("csv_file", type=Path)
        parser.add_argument(
            "--valid-only", action="store_true", help="Apply the valid lines even if some are wrong"
        )
        parser.add_argument("--check", action="store_true", help="Only check; write nothing")

    def handle(
        self, *args, code: str, csv_file: Path, valid_only: bool, check: bool, **options
    ) -> None:
        price_list = PriceList.objects.filter(code=code).first()
        if price_list is None:
            self.stderr.write(f"error: no price list with the code '{code}'")
            sys.exit(2)
        if not csv_file.is_file():
            self.stderr.write(f"error: {csv_file} is not a file")
            sys.exit(2)
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            filled = int(30 * done / total) if total else 30
            self.stdout.write(
                f"\r  checking [{'#' * filled}{'-' * (30 - filled)}] {done}/{total}",
                ending="\n" if done == total else "",
            )
            self.stdout.flush()

        # No line or size limit here (the web import has one): this is the way for big files.
        report = services.price_list_import_check(
            price_list=price_list, data=csv_file.read_bytes(), progress=progress, max_bytes=None
        )
        if report.file_error:
            self.stderr.write(f"error: {report.file_error}")
            sys.exit(2)
        for row in report.invalid_rows[:50]:
            self.stdout.write(f"  line {row.line}: {' '.join(row.errors)}")
        if len(report.invalid_rows) > 50:
            self.stdout.write(f"  ... and {len(report.invalid_rows) - 50} more lines with errors")
        self.stdout.write(
            f"{len(report.rows)} lines: {len(report.valid_rows)} valid, {len(report.invalid_rows)} with errors ({time.monotonic() - started:.1f} s)"
        )
        if check:
            return
        try:
            services.price_list_import_apply(
                price_list=price_list, report=report, by_user=None, valid_only=valid_only
            )
        except services.PricingError as exc:
            self.stderr.write(f"error: {exc.message}")
            sys.exit(1)
        if connection.vendor == "postgresql" and report.created > 10000:
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE pricing_pricelistentry")  # fresh statistics for the planner
        self.stdout.write(
            f"Applied: {report.created} new, {report.updated} changed in {time.monotonic() - started:.1f} s"
        )
