"""Indexes for the idle-basket scan (shop.basket.selectors.baskets_idle_iter).

- ``basket_open_owned_idx``: a partial index over the open baskets of logged-in users, in id
  order: the scan's keyset pagination walks it and never reads the anonymous, submitted,
  merged or frozen baskets (the bulk of the table).
- ``basket_line_basket_updated_idx``: (basket_id, date_updated), so that "has a line changed
  in the window / since" is an index-only probe per basket instead of a heap read per line.

Raw SQL rather than ``Meta.indexes``: on PostgreSQL the indexes are built CONCURRENTLY (the
basket tables are written by every add-to-basket and checkout; a plain CREATE INDEX would lock
those writes for the whole build on a large table), which needs a non-atomic migration.
They are not part of the model state, so ``makemigrations`` has nothing to say about them.
"""

from django.db import migrations

INDEXES = (
    (
        "basket_open_owned_idx",
        "basket_basket (id, owner_id) WHERE status = 'Open' AND owner_id IS NOT NULL",
    ),
    ("basket_line_basket_updated_idx", "basket_line (basket_id, date_updated)"),
)


def create_indexes(apps, schema_editor):
    concurrently = " CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""
    for name, definition in INDEXES:
        schema_editor.execute(f"CREATE INDEX{concurrently} IF NOT EXISTS {name} ON {definition}")


def drop_indexes(apps, schema_editor):
    concurrently = " CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""
    for name, _definition in INDEXES:
        schema_editor.execute(f"DROP INDEX{concurrently} IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("basket", "0015_line_quote_delivery_address")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
