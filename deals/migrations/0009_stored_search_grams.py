"""Keep each deal's and company's short-term pieces in a stored column (PostgreSQL only).

Migration 0005 indexed `deals_short_grams(<search text>)` as an expression, so the pieces were
never stored: every row a query checked outside the index had them computed again (0.08 ms a
row, migration 0008). For a term in a quarter of all deals (AI) the count of up to 1,000
matches then cost 35-100 ms at a million deals, whichever plan PostgreSQL chose: the index's
236,000 entries for the term read in full, or the function computed on each row of a scan.

A generated column holds the same array, written by PostgreSQL itself on every insert and
update of the names, whichever path wrote them (the app, imports, COPY in the benchmark), so
nothing in Python maintains it and Django does not know it as a field. With the array stored,
checking a row is an array comparison, and the planner can stop a scan at the 1,000th match of
a common term, or use the GIN index (rebuilt on the column) for a rare one. Measured on the
benchmark's million deals: AI's count 93-108 ms -> 6-8 ms, its page 3 -> 0.3-0.6 ms; 삼성's page
0.25 ms.
"""

from importlib import import_module

from django.db import migrations

first = import_module("deals.migrations.0005_search_and_list_indexes")

OPERATIONS = []
for function, (table, columns) in first.SEARCH_TEXT.items():
    call = f"deals_short_grams({function}({', '.join(columns)}))"
    OPERATIONS.append(
        first.PostgresOnly(
            [
                f"ALTER TABLE {table} ADD COLUMN search_grams text[] "
                f"GENERATED ALWAYS AS ({call}) STORED;",
                f"CREATE INDEX {table}_search_grams_stored ON {table} USING gin (search_grams);",
                f"DROP INDEX IF EXISTS {table}_search_grams;",
                # Statistics on ten times the usual number of pieces: with the default, a
                # piece rarer than the hundred-odd most common ones (삼성 is in 117 of a million
                # deals) was guessed at 2,225 rows, and PostgreSQL walked the date index through
                # 180,000 deals looking for a page of them (0.8 s) instead of reading the 117.
                f"ALTER TABLE {table} ALTER COLUMN search_grams SET STATISTICS 1000;",
                f"ANALYZE {table};",
            ],
            [
                f"CREATE INDEX IF NOT EXISTS {table}_search_grams ON {table} USING gin ({call});",
                f"ALTER TABLE {table} DROP COLUMN search_grams;",
            ],
        )
    )


class Migration(migrations.Migration):
    dependencies = [("deals", "0008_faster_short_grams")]

    operations = OPERATIONS
