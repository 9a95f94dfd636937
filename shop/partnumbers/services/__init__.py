"""Writes to a company's part numbers, by job: the shared checks, one at a time, by file, export.

Import from here (``shop.partnumbers.services``): the CRM's front door to these writes.
The names of the old single module stay importable; to replace a check in a test, patch it
in its own module (``services.checks._rows_check``): the writers call it there.
"""

from shop.partnumbers.services.checks import (
    CHUNK,
    MAX_LENGTH,
    PartNumberError,
    RowResult,
    _products_by_sku,
    _row_read,
    _rows_check,
    _sku_problem,
    part_number_problem,
)
from shop.partnumbers.services.edits import (
    Saved,
    part_number_create,
    part_number_delete,
    part_number_delete_message,
    part_number_form_save,
    part_number_update,
)
from shop.partnumbers.services.export import (
    CSV_COLUMNS,
    part_numbers_export,
    part_numbers_export_filename,
)
from shop.partnumbers.services.imports import (
    IMPORT_MODES,
    MAX_IMPORT_BYTES,
    MAX_IMPORT_LINES,
    PART_NUMBER_HEADERS,
    SKU_HEADERS,
    ImportOutcome,
    ImportReport,
    import_result_message,
    part_numbers_import_apply,
    part_numbers_import_check,
    part_numbers_import_form_run,
)

__all__ = [
    "CHUNK",
    "CSV_COLUMNS",
    "IMPORT_MODES",
    "MAX_IMPORT_BYTES",
    "MAX_IMPORT_LINES",
    "MAX_LENGTH",
    "PART_NUMBER_HEADERS",
    "SKU_HEADERS",
    "ImportOutcome",
    "ImportReport",
    "PartNumberError",
    "RowResult",
    "Saved",
    "_products_by_sku",
    "_row_read",
    "_rows_check",
    "_sku_problem",
    "import_result_message",
    "part_number_create",
    "part_number_delete",
    "part_number_delete_message",
    "part_number_form_save",
    "part_number_problem",
    "part_number_update",
    "part_numbers_export",
    "part_numbers_export_filename",
    "part_numbers_import_apply",
    "part_numbers_import_check",
    "part_numbers_import_form_run",
]
