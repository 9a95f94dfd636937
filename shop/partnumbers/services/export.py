"""The company's part numbers as a CSV download that imports again unchanged."""

from collections.abc import Iterator

from django.utils import timezone

from shop import csv_export
from shop.partnumbers import selectors

CSV_COLUMNS = ["part_number", "sku", "product"]


def part_numbers_export(*, company) -> Iterator[str]:
    """The company's part numbers as CSV text (part_number, sku, product), piece by piece.

    The file imports again unchanged; cells that a spreadsheet would run as a formula are
    written safely.
    """
    buffer = _Buffer()
    writer = csv_export.csv_writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield buffer.take()
    rows = selectors.part_numbers_for_company(company_id=company.pk).values_list(
        "part_number", "sku", "product__title"
    )
    for part_number, sku, title in rows.iterator(chunk_size=2000):
        writer.writerow([part_number, sku or "", title])
        yield buffer.take()


class _Buffer:
    """A file-like that hands over what was written since the last take()."""

    def __init__(self):
        self._parts: list[str] = []

    def write(self, text: str) -> int:
        self._parts.append(text)
        return len(text)

    def take(self) -> str:
        text, self._parts = "".join(self._parts), []
        return text


def part_numbers_export_filename(*, company, with_company: bool = False) -> str:
    """The download's file name: dated, with the company's short name for the account team."""
    stamp = timezone.localdate().isoformat()
    return (
        f"part-numbers-{company.slug}-{stamp}.csv" if with_company else f"part-numbers-{stamp}.csv"
    )
