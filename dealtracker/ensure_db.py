"""Create the PostgreSQL database named by a URL when it does not exist yet.

`make test` calls it so that a fresh machine needs nothing made by hand:
    python -m dealtracker.ensure_db postgres://postgres@127.0.0.1:5432/dealtracker
A SQLite URL needs nothing and is left alone.
"""

import sys

import environ
import psycopg
from psycopg import sql


def ensure_database(url: str) -> bool:
    """Returns True when it created the database."""
    config = environ.Env.db_url_config(url)
    if "postgresql" not in config["ENGINE"]:
        return False
    params = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if exists:
            return False
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
        return True


if __name__ == "__main__":
    if ensure_database(sys.argv[1]):
        sys.stdout.write(f"Created the database for {sys.argv[1]}\n")
