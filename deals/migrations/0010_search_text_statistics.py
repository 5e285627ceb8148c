"""Finer statistics on the searched text of deals and companies (PostgreSQL only).

A searched list is ordered (newest first, by default), so PostgreSQL weighs two plans: find
the matches through the trigram index and sort them, or walk the list's order index and test
each row until a page is full. Which one wins depends on how many rows it expects to match,
and for `LIKE '%term%'` it guesses that from the share of the column's histogram that
matches. At the default of 100 histogram entries one entry is 1% of the table: on the
benchmark's million deals, one entry holding "samsung" (117 deals match, 0.012%) made it
expect 2,000 matches, walk the order index and test 500,000 rows, 2.9 s for a page of the
filtered and searched list, where the trigram index then a sort takes 3.5 ms. Such an entry
comes and goes with each ANALYZE's random sample, so the same search was fast on one day and
slow on the next.

With 1,000 entries a term in fewer than about one row in a thousand rarely matches any, and
PostgreSQL's floor for the guess (0.01%) then sends rare terms to the index; common terms
(엔비디아 in a tenth of all deals) still walk the order index, which finds a page at once.
ANALYZE samples 300 rows per entry, so it reads up to 300,000 rows of these tables instead of
30,000: about 17 s for a million deals, run here once so the new statistics apply at once.
"""

from importlib import import_module

from django.db import migrations

first = import_module("deals.migrations.0005_search_and_list_indexes")

#: Histogram entries kept for each table's searched text (PostgreSQL's default is 100).
ENTRIES = 1000

OPERATIONS = [
    first.PostgresOnly(
        [
            f"ALTER INDEX {table}_search_trgm ALTER COLUMN 1 SET STATISTICS {ENTRIES};",
            f"ANALYZE {table};",
        ],
        [f"ALTER INDEX {table}_search_trgm ALTER COLUMN 1 SET STATISTICS -1;"],
    )
    for table, _columns in first.SEARCH_TEXT.values()
]


class Migration(migrations.Migration):
    dependencies = [("deals", "0009_stored_search_grams")]

    operations = OPERATIONS
