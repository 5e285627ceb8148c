"""Where one endpoint's time goes: requests in process against the benchmark's database, with
the benchmark's production settings, and the CPU they cost this Python process.

    .venv/bin/python bench/inprocess.py /deals/                       # CPU ms a request
    .venv/bin/python bench/inprocess.py /api/v1/deals/ --profile      # and cProfile's top 40
    .venv/bin/python bench/inprocess.py /companies/co-1/ --sql        # and each query's plan time

It complements `make bench`, which measures through gunicorn and wrk: this counts only the
Python side (PostgreSQL's share is what `--sql` prints, from EXPLAIN ANALYZE), but it is steady
enough on a shared machine to compare two versions of a view within a few per cent. Build the
dataset first (`make bench` does, or `manage.py bench_data`). The page and API caches are off,
the whole-table figures cached, as in the benchmark's uncached phase.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from run import SERVER, base_env, default_database  # noqa: E402


def setup_django(deals: int, *, cached: bool = False) -> None:
    """Django in this process against the benchmark's database at `deals`, with its production
    settings: the page and API caches off (on, with Redis, when `cached`), the whole-table
    figures cached, as in the benchmark's phases."""
    database = os.environ.get("BENCH_DATABASE_URL", SERVER + default_database(deals))
    env = base_env(database)
    env.update(PAGE_CACHE_SECONDS="0", DATA_CACHE_SECONDS="3600", LOG_LEVEL="WARNING")
    if cached:
        env.update(
            PAGE_CACHE_SECONDS="300",
            REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
        )
    env.setdefault("DJANGO_SETTINGS_MODULE", "dealtracker.settings")
    os.environ.update(env)

    import django

    django.setup()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--deals", type=int, default=int(os.environ.get("BENCH_DEALS", 100_000)))
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    parser.add_argument("--sort", default="cumulative", help="cProfile sort key")
    parser.add_argument("--sql", action="store_true", help="EXPLAIN ANALYZE each query")
    parser.add_argument(
        "--cached",
        action="store_true",
        help="with the Redis page and API cache on, as in the cached phase",
    )
    args = parser.parse_args()

    setup_django(args.deals, cached=args.cached)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    for _ in range(5):  # warm: templates, plans, the whole-table figures
        response = client.get(args.url)
    print(f"{args.url}: {response.status_code}, {len(response.content):,} bytes")
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        for _ in range(args.requests):
            client.get(args.url)
        best = min(best, (time.process_time() - start) / args.requests)
    print(f"Python CPU a request: {best * 1000:.2f} ms (best of 3 x {args.requests})")

    if args.sql:
        with CaptureQueriesContext(connection) as queries:
            client.get(args.url)
        with connection.cursor() as cursor:
            for query in queries.captured_queries:
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query["sql"])
                plan = cursor.fetchone()[0][0]
                took = f"plan {plan['Planning Time']:6.2f} ms  run {plan['Execution Time']:6.2f} ms"
                print(f"  {took}  {query['sql'][:90]}")
    if args.profile:
        profiler = cProfile.Profile(time.process_time)  # CPU, not waiting on PostgreSQL
        profiler.enable()
        for _ in range(args.requests):
            client.get(args.url)
        profiler.disable()
        lines = int(os.environ.get("PROFILE_LINES", 40))
        pstats.Stats(profiler).sort_stats(args.sort).print_stats(lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
