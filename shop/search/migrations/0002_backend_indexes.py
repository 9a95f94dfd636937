"""Full-text and trigram structures, per database.

PostgreSQL: pg_trgm, a GIN index on the weighted search vector and GIN trigram indexes
on the normalized codes and the vocabulary. SQLite: FTS5 tables keyed by product id,
one for words (porter stemming) and one with the trigram tokenizer for codes.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

POSTGRES_FORWARD = (
    "CREATE INDEX search_entry_document_gin ON search_productsearchentry USING gin (document)",
    "CREATE INDEX search_entry_codes_trgm ON search_productsearchentry "
    "USING gin (codes gin_trgm_ops)",
    "CREATE INDEX search_term_trgm ON search_searchterm USING gin (term gin_trgm_ops)",
)
POSTGRES_BACKWARD = (
    "DROP INDEX IF EXISTS search_entry_document_gin",
    "DROP INDEX IF EXISTS search_entry_codes_trgm",
    "DROP INDEX IF EXISTS search_term_trgm",
)
SQLITE_FORWARD = (
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "title, codes, brand, body, tokenize = 'porter unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE search_fts_codes USING fts5(codes, tokenize = 'trigram')",
)
SQLITE_BACKWARD = ("DROP TABLE IF EXISTS search_fts", "DROP TABLE IF EXISTS search_fts_codes")


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        TrigramExtension(),  # does nothing on other databases
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
        ),
    ]
