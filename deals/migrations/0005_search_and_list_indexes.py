"""Indexes that keep lists and search fast at a million deals, on PostgreSQL only.

- Trigram (pg_trgm) GIN indexes on one lower-cased text per record of the English and Korean
  names, for search terms of three characters or more: `deals_search_text(...) LIKE '%term%'`.
- A GIN index on the one- and two-character pieces of the same text (`deals_short_grams`), for
  the short terms trigrams cannot index: two-syllable Korean words such as 삼성, and SK or AI.
- B-tree indexes for each sort the deal list offers, in the exact order the list asks for
  (missing values last), so the first page and every cursor page are range scans.

The functions are IMMUTABLE so they can be indexed; deals/models/base.py calls them with the
same arguments, so PostgreSQL matches the query to the index. SQLite gets none of this and
searches and sorts as before, by scanning.
"""

from django.db import migrations


class PostgresOnly(migrations.RunSQL):
    """RunSQL that does nothing on other databases (SQLite keeps working without it)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


SEARCH_TEXT = {
    # function: (table, columns)
    "deals_deal_search_text": ("deals_deal", ["title", "title_ko", "product", "product_ko"]),
    "deals_company_search_text": ("deals_company", ["name", "name_ko", "aliases"]),
}

FUNCTIONS = [
    (
        f"""
        CREATE OR REPLACE FUNCTION {function}({", ".join(f"{c} text" for c in columns)})
        RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT lower({" || ' ' || ".join(f"coalesce({c}, '')" for c in columns)}) $$;
        """,
        f"DROP FUNCTION IF EXISTS {function}({', '.join('text' for _ in columns)});",
    )
    for function, (_table, columns) in SEARCH_TEXT.items()
] + [
    (
        # Hangul syllables alone, and every pair of letters or digits, of lower-cased text.
        r"""
        CREATE OR REPLACE FUNCTION deals_short_grams(t text)
        RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$
          SELECT coalesce(array_agg(DISTINCT g), '{}') FROM (
            SELECT substr(t, i, 1) AS g FROM generate_series(1, length(t)) AS i
             WHERE substr(t, i, 1) ~ '^[가-힣]$'
            UNION ALL
            SELECT substr(t, i, 2) FROM generate_series(1, length(t) - 1) AS i
             WHERE substr(t, i, 2) ~ '^[0-9a-z가-힣]{2}$'
          ) AS grams
        $$;
        """,
        "DROP FUNCTION IF EXISTS deals_short_grams(text);",
    ),
]

SEARCH_INDEXES = []
for function, (table, columns) in SEARCH_TEXT.items():
    call = f"{function}({', '.join(columns)})"
    SEARCH_INDEXES += [
        (
            f"CREATE INDEX IF NOT EXISTS {table}_search_trgm ON {table} "
            f"USING gin ({call} gin_trgm_ops);",
            f"DROP INDEX IF EXISTS {table}_search_trgm;",
        ),
        (
            f"CREATE INDEX IF NOT EXISTS {table}_search_grams ON {table} "
            f"USING gin (deals_short_grams({call}));",
            f"DROP INDEX IF EXISTS {table}_search_grams;",
        ),
    ]

#: The deal list's sorts (deals.filters.DealFilterSet), as SortFilter orders them.
LIST_INDEXES = {
    "deals_deal_list_newest": "publication, announced_on DESC NULLS LAST, id DESC",
    "deals_deal_list_oldest": "publication, announced_on, id",
    "deals_deal_list_quantity": "publication, quantity DESC NULLS LAST, id DESC",
    "deals_deal_list_usd": "publication, usd_amount DESC NULLS LAST, id DESC",
    "deals_deal_list_title": "publication, title, id",
    "deals_deal_list_updated": "publication, updated_at, id",
}


class Migration(migrations.Migration):
    dependencies = [("deals", "0004_desk_editors_group")]

    operations = [
        PostgresOnly(
            "CREATE EXTENSION IF NOT EXISTS pg_trgm;",
            # Other databases' objects may use it; dropping the indexes below is enough.
            migrations.RunSQL.noop,
        ),
        *(PostgresOnly(sql, reverse) for sql, reverse in FUNCTIONS),
        *(PostgresOnly(sql, reverse) for sql, reverse in SEARCH_INDEXES),
        *(
            PostgresOnly(
                f"CREATE INDEX IF NOT EXISTS {name} ON deals_deal ({columns});",
                f"DROP INDEX IF EXISTS {name};",
            )
            for name, columns in LIST_INDEXES.items()
        ),
    ]
