"""The benchmark: build (or reuse) the dataset, serve the app with gunicorn as in production,
drive each endpoint with wrk, and print and save the table.

    make bench                                  # BENCH_DEALS=100000, 10 s an endpoint
    BENCH_DEALS=1000000 make bench
    .venv/bin/python bench/run.py --seconds 5 --only "deal list"

Every request goes to 127.0.0.1 only, and each wrk run stops after --seconds. Two phases: the
page and API caches off, then on (Redis at REDIS_URL, default redis://127.0.0.1:6379/15, which
is flushed first). A third serves the same deals and companies with Datasette from an SQLite
export, as a publisher would (immutable database, facet suggestions off, 50 rows a page).

Results: a table on stdout and bench-results/bench-<deals>-<time>.json. Ratios are to the
floor (a constant answer through the whole middleware stack) of the uncached phase of the same
run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import targets

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RESULTS = ROOT / "bench-results"
SERVER = "postgres://postgres@127.0.0.1:5432/"
DEFAULT_REDIS = "redis://127.0.0.1:6379/15"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deals", type=int, default=int(os.environ.get("BENCH_DEALS", 100_000)))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", 10)))
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--only", action="append", default=[], help="rows whose name has this")
    parser.add_argument("--phases", default="uncached,cached,datasette")
    parser.add_argument("--label", default="", help="a note kept in the JSON")
    parser.add_argument(
        "--export",
        action="store_true",
        help="also stream the full export once and measure the worker's memory",
    )
    parser.add_argument(
        "--export-seconds",
        type=int,
        default=0,
        help="stop reading the export after this long (0: read it all)",
    )
    args = parser.parse_args()

    for tool in ("wrk",):
        if not shutil_which(tool):
            sys.exit(f"{tool} is missing: apt-get install {tool}")
    database = os.environ.get("BENCH_DATABASE_URL", SERVER + default_database(args.deals))
    redis_url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS)
    env = base_env(database)

    run([PYTHON, "-m", "dealtracker.ensure_db", database], env)
    tune_postgres(database)
    run([PYTHON, "manage.py", "bench_data", "--deals", str(args.deals)], env)
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    urls = json.loads(run([PYTHON, "manage.py", "bench_urls"], env, capture=True))
    wanted = [
        name
        for name in urls
        if name == "floor" or not args.only or any(part in name for part in args.only)
    ]
    phases = args.phases.split(",")
    results: dict = {
        "rows": [],
        "machine": machine(),
        "deals": args.deals,
        "seconds": args.seconds,
        "connections": args.connections,
        "workers": args.workers,
        "label": args.label,
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "postgresql": postgres_version(database),
    }
    base = f"http://127.0.0.1:{args.port}"

    for phase in ("uncached", "cached"):
        if phase not in phases:
            continue
        phase_env = dict(env)
        if phase == "cached":
            phase_env.update(REDIS_URL=redis_url, PAGE_CACHE_SECONDS="300")
            flush_redis(redis_url)
        else:
            # Pages and API answers are built for every request. Whole-table figures (the home
            # and company totals) stay in the worker's local-memory cache until an edit, as they
            # would in production: they are data, not pages (deals.cache.cached_for_generation).
            phase_env.update(PAGE_CACHE_SECONDS="0", DATA_CACHE_SECONDS="3600")
        with Gunicorn(phase_env, args.port, args.workers) as server:
            for name in wanted:
                add_row(results, name, base + urls[name], args, phase, server, database)
            if phase == "uncached" and "floor" in wanted:
                # The floor again, at the end of the phase: the ratios are read against the
                # mean of the two (targets.floor_of), as the machine's speed can drift within a
                # phase.
                add_row(
                    results,
                    targets.FLOOR_AGAIN,
                    base + urls["floor"],
                    args,
                    phase,
                    server,
                    database,
                )
            results[f"worker_rss_mb_{phase}"] = server.worker_rss_mb()
            if phase == "uncached":
                results["worker_rss_mb"] = server.worker_rss_mb()
                if args.export:
                    results["export"] = measure_export(server, base, args.export_seconds)
                    results["worker_rss_mb_after_export"] = server.worker_rss_mb()

    if "datasette" in phases:
        results["rows"].extend(datasette_rows(database, args))

    floor = targets.floor_of(targets.rows(results, "uncached"))
    for row in results["rows"]:
        row["ratio_to_floor"] = (
            round(row["rps"] / floor["rps"], 3) if floor and floor["rps"] else None
        )
        # The same ratio from CPU cost: what share of the floor's rate the endpoint would reach
        # on the same cores with nothing else running.
        row["cpu_ratio_to_floor"] = (
            round(floor["cpu_ms"] / row["cpu_ms"], 3)
            if floor and floor.get("cpu_ms") and row.get("cpu_ms")
            else None
        )
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"bench-{args.deals}-{stamp}.json"
    path.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print()
    print(table(results))
    print(
        "\nThe targets (bench/targets.py; add --scale with a run at the other scale for the "
        "1M >= 80% rule):\n"
    )
    print(targets.markdown(targets.check(results)))
    print(f"\nSaved {path.relative_to(ROOT)}")
    return 0


def add_row(results: dict, name: str, url: str, args, phase: str, server, database: str) -> None:
    """Measures one row against the phase's gunicorn (`measure`), keeps it and prints it."""
    row = measure(
        name,
        url,
        args,
        phase,
        cpu=lambda: server.workers() + postgres_backends(database),
        workers=server.workers,
    )
    results["rows"].append(row)
    print_row(row)


# --- plumbing -------------------------------------------------------------------------------


def default_database(deals: int) -> str:
    """dealtracker_bench at the default scale, dealtracker_bench_1m at a million, and so on:
    one database per scale, so each dataset is built once and kept."""
    if deals == 100_000:
        return "dealtracker_bench"
    if deals % 1_000_000 == 0:
        return f"dealtracker_bench_{deals // 1_000_000}m"
    return f"dealtracker_bench_{deals}"


#: PostgreSQL as docs/deploy.md advises running it on SSD storage, set on the bench database
#: only. The default random_page_cost (4) prices an index lookup for spinning disks, and with
#: it the planner read every company to join the 150 parties of a page of deals (4 ms, growing
#: with the table) instead of looking up each one (0.7 ms).
POSTGRES_SETTINGS = {"random_page_cost": "1.1"}


def tune_postgres(database: str) -> None:
    import psycopg
    from psycopg import sql

    url = database.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(url, autocommit=True) as connection:
        name = connection.info.dbname
        for setting, value in POSTGRES_SETTINGS.items():
            connection.execute(
                sql.SQL("ALTER DATABASE {} SET {} = {}").format(
                    sql.Identifier(name), sql.Identifier(setting), sql.Literal(value)
                )
            )


def postgres_version(database: str) -> str:
    import psycopg

    with psycopg.connect(database.replace("postgres://", "postgresql://", 1)) as connection:
        return connection.execute("SHOW server_version").fetchone()[0]


def load_average() -> float:
    """The 1-minute load average: other work on the machine shows in it (the brief's shared
    2-core box runs other test suites), so each row records it."""
    return float(Path("/proc/loadavg").read_text().split()[0])


def shutil_which(name: str) -> str | None:
    from shutil import which

    return which(name)


def base_env(database: str) -> dict[str, str]:
    """Production settings, with what plain HTTP on 127.0.0.1 and a load test need."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DEBUG")}
    env.update(
        DATABASE_URL=database,
        DEBUG="0",
        SECRET_KEY=os.environ.get("BENCH_SECRET_KEY", "bench-only-secret-key-" + "x" * 40),
        BENCH="1",
        STATIC_MANIFEST="1",
        # wrk speaks plain HTTP; everything else about production stays on.
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # A connection kept for the whole run. With the default of 60 s a worker's connection
        # was replaced every minute, mid-row: the old backend's CPU since the row began left
        # with it (/proc has nothing of a process that has exited), so that row read
        # PostgreSQL's share low (the API list 1.88 ms against 5.00 in the run before).
        CONN_MAX_AGE="86400",
        # The throttles would answer 429 to a load test from one address.
        API_ANON_RATE="100000000/s",
        API_ANON_EXPORT_RATE="100000000/s",
        LOG_LEVEL=os.environ.get("BENCH_LOG_LEVEL", "INFO"),
        PYTHONUNBUFFERED="1",
    )
    return env


def run(command: list[str], env: dict, *, capture: bool = False) -> str:
    result = subprocess.run(
        command,
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout if capture else ""


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


class Gunicorn:
    """gunicorn with the project's gunicorn.conf.py, on 127.0.0.1, for one phase."""

    def __init__(self, env: dict, port: int, workers: int) -> None:
        self.env = dict(
            env,
            WEB_CONCURRENCY=str(workers),
            GUNICORN_BIND=f"127.0.0.1:{port}",
            GUNICORN_MAX_REQUESTS="0",
        )
        self.port = port
        RESULTS.mkdir(exist_ok=True)
        self.log = open(RESULTS / "gunicorn.log", "a")  # noqa: SIM115 - closed in __exit__

    def __enter__(self):
        self.process = subprocess.Popen(
            [str(Path(PYTHON).with_name("gunicorn")), "-c", "gunicorn.conf.py", "dealtracker.wsgi"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=self.log,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2)
                return self
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.3)
        self.__exit__()
        raise SystemExit("gunicorn did not start; see bench-results/gunicorn.log")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()

    def workers(self) -> list[int]:
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.process.pid)], capture_output=True, text=True
        ).stdout
        return [int(pid) for pid in out.split()]

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for pid in self.workers():
            status = Path(f"/proc/{pid}/status").read_text()
            match = re.search(r"VmRSS:\s+(\d+) kB", status)
            if match:
                sizes.append(round(int(match.group(1)) / 1024, 1))
        return sizes


def fetch(url: str) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers={"Accept-Encoding": "identity"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


#: A row is measured again (up to RERUNS times) when its least busy gunicorn worker spent less
#: than this share of the busiest one's CPU: see `measure`.
UNEVEN = 0.5
RERUNS = 2


def measure(name: str, url: str, args, phase: str, cpu=None, workers=None) -> dict:
    """One row: the answer once (status, bytes, queries), then wrk for `args.seconds`.

    `cpu` lists the processes that serve the endpoint (gunicorn workers and their PostgreSQL
    backends); their CPU time over the wrk run, divided by the requests answered, is the cost of
    one request. On a machine others share, req/s swings with their load; CPU per request does
    not, so it is the better measure of what an endpoint costs (and of its ratio to the floor).

    `workers` lists the gunicorn workers. wrk opens its few keep-alive connections at the start
    and keeps them, and a gthread worker may accept all of them: then the other worker idles
    for the whole row, which answers half its usual rate at the same CPU a request (seen in
    /proc: 904 req/s with one worker at 0.0 s of CPU, 1,900-2,000 with both busy, same
    floor). A load balancer spreading many clients does not do that, so such a row is measured
    again, up to RERUNS times; `worker_cpu_s` and `reruns` in the JSON say what happened.
    """
    # Warm every worker (and, cached, the cache) before reading the steady state's query count:
    # sync workers take connections in no fixed order.
    # The steady state's count is the smallest: a worker's first request also reads the
    # whole-table figures it then keeps, and the last warm-up request may be that one.
    counts = []
    for _ in range(2 * args.workers + 2):
        status, headers, body = fetch(url)
        if "X-Query-Count" in headers:
            counts.append(int(headers["X-Query-Count"]))
    row = {
        "name": name,
        "phase": phase,
        "url": url.split(str(args.port), 1)[-1],
        "status": status,
        "bytes": len(body),
        "queries": min(counts) if counts else None,
        "cache": headers.get("X-Cache", ""),
        "rps": 0.0,
        "p50_ms": None,
        "p99_ms": None,
        "errors": 0,
    }
    if status != 200:
        return row
    row["reruns"] = 0
    while True:
        row["load_before"] = load_average()
        before = cpu_seconds(cpu()) if cpu else None
        row.update(wrk(url, args))
        if cpu and row["requests"]:
            spent = cpu_seconds(cpu())
            total = sum(spent.get(pid, 0) - before.get(pid, 0) for pid in spent)
            row["cpu_ms"] = round(total * 1000 / row["requests"], 2)
            if workers:
                row["worker_cpu_s"] = [
                    round(spent.get(pid, 0) - before.get(pid, 0), 2) for pid in workers()
                ]
                # Which side a request's cost is on: the app (gunicorn workers) or PostgreSQL.
                app = sum(spent.get(pid, 0) - before.get(pid, 0) for pid in workers())
                row["app_cpu_ms"] = round(app * 1000 / row["requests"], 2)
                row["db_cpu_ms"] = round((total - app) * 1000 / row["requests"], 2)
        row["load_after"] = load_average()
        split = row.get("worker_cpu_s") or []
        uneven = len(split) > 1 and min(split) < UNEVEN * max(split)
        if not uneven or row["reruns"] >= RERUNS:
            return row
        row["reruns"] += 1


def cpu_seconds(pids) -> dict[int, float]:
    """User plus system CPU seconds of each process, from /proc/<pid>/stat."""
    ticks = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return seconds


def postgres_backends(database: str) -> list[int]:
    """The PostgreSQL server processes of the clients connected to the bench database (the
    gunicorn workers keep theirs open: CONN_MAX_AGE)."""
    import psycopg

    with psycopg.connect(database.replace("postgres://", "postgresql://", 1)) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        ).fetchall()
    return [row[0] for row in rows]


def wrk(url: str, args) -> dict:
    out = subprocess.run(
        [
            "wrk",
            "-t",
            str(args.threads),
            "-c",
            str(args.connections),
            "-d",
            f"{args.seconds}s",
            "--latency",
            "--timeout",
            "10s",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=args.seconds + 60,
    ).stdout
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "p50_ms": latency(out, "50%"),
        "p99_ms": latency(out, "99%"),
        "errors": sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
        + sum(int(n) for n in re.findall(r"Socket errors: .*?timeout (\d+)", out)),
    }


def latency(out: str, percentile: str) -> float | None:
    match = re.search(rf"^\s+{re.escape(percentile)}\s+([\d.]+)(us|ms|s)\b", out, re.M)
    if not match:
        return None
    value, unit = float(match.group(1)), match.group(2)
    return round(value / 1000 if unit == "us" else value * 1000 if unit == "s" else value, 2)


def measure_export(server: Gunicorn, base: str, limit: int = 0) -> dict:
    """Stream the deals export once; report bytes, deals, seconds and the workers' memory
    growth. With `limit`, stop after that many seconds (the rate then tells the full time)."""
    before = server.worker_rss_mb()
    started = time.monotonic()
    size = lines = 0
    peak = list(before)
    complete = True
    request = urllib.request.Request(base + "/api/v1/export/?type=deals")
    with urllib.request.urlopen(request, timeout=7200) as response:
        while chunk := response.read(1 << 20):
            size += len(chunk)
            lines += chunk.count(b"\n")
            peak = [max(a, b) for a, b in zip(peak, server.worker_rss_mb(), strict=False)]
            if limit and time.monotonic() - started > limit:
                complete = False
                break
    seconds = time.monotonic() - started
    return {
        "complete": complete,
        "deals": lines,
        "deals_per_second": round(lines / seconds, 1),
        "bytes": size,
        "seconds": round(seconds, 1),
        "rss_before_mb": before,
        "rss_peak_mb": peak,
        "growth_mb": round(max(p - b for p, b in zip(peak, before, strict=False)), 1),
    }


def machine() -> dict:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = Path("/proc/meminfo").read_text().split("\n", 1)[0].split()[1]
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(int(memory) / 1024**2, 1),
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


# --- Datasette --------------------------------------------------------------------------------


def datasette_rows(database: str, args) -> list[dict]:
    path = export_sqlite(database, args.deals)
    port = args.port + 1
    command = [
        str(Path(PYTHON).with_name("datasette")),
        "serve",
        "--immutable",
        str(path),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--setting",
        "suggest_facets",
        "off",
        "--setting",
        "default_page_size",
        "50",
    ]
    log = open(RESULTS / "datasette.log", "a")  # noqa: SIM115
    process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=log)
    rows = []
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.3)
        name = path.stem
        for label, address in (
            ("Datasette JSON table (50, labels)", f"/{name}/deals.json?_size=50&_labels=on"),
            ("Datasette HTML table (50, labels)", f"/{name}/deals?_size=50"),
        ):
            row = measure(label, base + address, args, "datasette", cpu=lambda: [process.pid])
            row["url"] = address
            rows.append(row)
            print_row(row)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        log.close()
    return rows


def export_sqlite(database: str, deals: int) -> Path:
    """The published deals (with supplier and buyer) and companies, as a publisher would put
    them in SQLite for Datasette; made once per scale."""
    import psycopg

    path = RESULTS / f"bench_{deals}.db"
    if path.exists():
        return path
    RESULTS.mkdir(exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    target = sqlite3.connect(partial)
    target.executescript("""
        CREATE TABLE companies (id INTEGER PRIMARY KEY, slug TEXT, name TEXT, name_ko TEXT,
                                country TEXT);
        CREATE TABLE deals (id INTEGER PRIMARY KEY, slug TEXT, title TEXT, title_ko TEXT,
                            status TEXT, announced_on TEXT, quantity REAL, quantity_unit TEXT,
                            usd_amount REAL,
                            supplier_id INTEGER REFERENCES companies(id),
                            buyer_id INTEGER REFERENCES companies(id));
    """)
    with psycopg.connect(database.replace("postgres://", "postgresql://", 1)) as source:
        rows = source.execute(
            "SELECT id, slug, name, name_ko, country FROM deals_company "
            "WHERE publication = 'published'"
        )
        target.executemany("INSERT INTO companies VALUES (?, ?, ?, ?, ?)", rows)
        rows = source.execute("""
            SELECT d.id, d.slug, d.title, d.title_ko, d.status, d.announced_on::text,
                   d.quantity::float, d.quantity_unit, d.usd_amount::float,
                   (SELECT min(company_id) FROM deals_dealparty
                     WHERE deal_id = d.id AND role = 'supplier'),
                   (SELECT min(company_id) FROM deals_dealparty
                     WHERE deal_id = d.id AND role = 'buyer')
            FROM deals_deal d WHERE d.publication = 'published' ORDER BY d.id
        """)
        target.executemany("INSERT INTO deals VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    target.executescript("""
        CREATE INDEX deals_supplier ON deals (supplier_id);
        CREATE INDEX deals_buyer ON deals (buyer_id);
        CREATE INDEX deals_announced ON deals (announced_on);
    """)
    target.commit()
    target.close()
    partial.rename(path)
    return path


# --- output ---------------------------------------------------------------------------------


def print_row(row: dict) -> None:
    queries = row["queries"] if row["queries"] is not None else "-"
    print(
        f"  {row['phase']:9} {row['name'][:34]:34} {row['status']} "
        f"{row['rps']:9.1f} req/s  p50 {row['p50_ms'] or 0:7.1f} ms  "
        f"p99 {row['p99_ms'] or 0:7.1f} ms  cpu {row.get('cpu_ms') or 0:6.2f} ms "
        f"(app {row.get('app_cpu_ms') or 0:.2f}, db {row.get('db_cpu_ms') or 0:.2f})  "
        f"{queries:>3} q  "
        f"{row['bytes']:8} B {row['cache']:4} load {row.get('load_after', '-')}"
        f"{uneven_note(row)}",
        flush=True,
    )


def uneven_note(row: dict) -> str:
    """What `measure` did about wrk's connections landing on one worker, if anything."""
    if not row.get("reruns"):
        return ""
    return f"  (measured {row['reruns'] + 1} times: workers' CPU {row.get('worker_cpu_s')})"


def table(results: dict) -> str:
    head = (
        "| phase | endpoint | req/s | p50 ms | p99 ms | CPU ms/req | queries | bytes "
        "| x floor (req/s) | x floor (CPU) | load |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    lines = [head]
    for row in results["rows"]:
        ratio = row.get("ratio_to_floor")
        status = "" if row["status"] == 200 else f" ({row['status']})"
        lines.append(
            f"| {row['phase']} | {row['name']}{status} | {row['rps']:.0f} | "
            f"{row['p50_ms'] if row['p50_ms'] is not None else '-'} | "
            f"{row['p99_ms'] if row['p99_ms'] is not None else '-'} | "
            f"{row.get('cpu_ms', '-')} | "
            f"{row['queries'] if row['queries'] is not None else '-'} | {row['bytes']} | "
            f"{ratio if ratio is not None else '-'} | {row.get('cpu_ratio_to_floor') or '-'} | "
            f"{row.get('load_after', '-')} |"
        )
    info = results["machine"]
    lines.append(
        f"\n{results['deals']:,} deals; {info['cpus']} CPUs ({info['cpu']}), "
        f"{info['memory_gb']} GB; wrk {results['connections']} connections, "
        f"{results['seconds']} s a row; gunicorn {results['workers']} workers; "
        f"PostgreSQL {results.get('postgresql')}; "
        f"worker RSS {results.get('worker_rss_mb')} MB"
    )
    again = [
        f"{row['phase']} {row['name']}{uneven_note(row)}"
        for row in results["rows"]
        if row.get("reruns")
    ]
    if again:
        lines.append(
            "Measured again because one worker got (nearly) all of wrk's connections: "
            + "; ".join(again)
        )
    if "export" in results:
        export = results["export"]
        lines.append(
            f"Export{'' if export.get('complete', True) else ' (stopped early)'}: "
            f"{export.get('deals', '?'):,} deals, "
            f"{export['bytes']:,} bytes in {export['seconds']} s; worker RSS "
            f"{export['rss_before_mb']} -> peak {export['rss_peak_mb']} MB "
            f"(growth {export['growth_mb']} MB)"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
