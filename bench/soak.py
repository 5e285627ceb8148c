"""The soak test: ten minutes of anonymous reads and concurrent editor writes against gunicorn.

    make soak                                   # SOAK_SECONDS=600 on the 100,000-deal dataset
    SOAK_SECONDS=120 .venv/bin/python bench/soak.py --writers 6

Readers: one wrk per address (lists, a deal, the API, the feed, the home page), two connections
each, with the page and API caches on (Redis at BENCH_REDIS_URL, flushed first), so every write
invalidates what they read. Writers: threads with an editor's token, each reading a deal from a
small shared set and PATCHing its summary with the version it read (and the ETag in If-Match),
so they collide often. A collision must be refused (409 or 412), never overwritten.

Afterwards every successful write is looked up in the deal's history: the value it wrote must be
there under the version the API answered with, no two successes may share a version, and each
deal must end with the value of its last successful write. The report: requests, 5xx (from the
app's request log), conflicts, lost updates, and worker memory at the start and the end. Exit
status 1 when there was a 5xx or a lost update.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # noqa: E402 - bench/run.py, beside this file

EDITOR = "soak-editor"
MAKE_EDITOR = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token
user, _ = get_user_model().objects.get_or_create(username="{name}", defaults={{"is_staff": True}})
user.set_unusable_password()
user.save()
user.groups.add(Group.objects.get(name="Editors"))
print(Token.objects.get_or_create(user=user)[0].key)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("SOAK_SECONDS", 600)))
    parser.add_argument("--deals", type=int, default=int(os.environ.get("BENCH_DEALS", 100_000)))
    parser.add_argument("--writers", type=int, default=4, help="editor threads")
    parser.add_argument(
        "--shared",
        type=int,
        default=12,
        help="how many deals the writers share (fewer: more conflicts)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=8767)
    args = parser.parse_args()

    database = os.environ.get(
        "BENCH_DATABASE_URL", bench.SERVER + bench.default_database(args.deals)
    )
    redis_url = os.environ.get("BENCH_REDIS_URL", bench.DEFAULT_REDIS)
    env = bench.base_env(database)
    env.update(REDIS_URL=redis_url, PAGE_CACHE_SECONDS="300", API_USER_RATE="100000000/s")
    bench.run([bench.PYTHON, "-m", "dealtracker.ensure_db", database], env)
    bench.run([bench.PYTHON, "manage.py", "bench_data", "--deals", str(args.deals)], env)
    bench.run([bench.PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    token = bench.run(
        [bench.PYTHON, "manage.py", "shell", "-c", MAKE_EDITOR.format(name=EDITOR)],
        env,
        capture=True,
    ).split()[-1]
    deals = shared_deals(database, args.shared)
    bench.flush_redis(redis_url)
    base = f"http://127.0.0.1:{args.port}"
    log_path = bench.RESULTS / "gunicorn.log"
    bench.RESULTS.mkdir(exist_ok=True)
    log_start = log_path.stat().st_size if log_path.exists() else 0

    started = dt.datetime.now(dt.UTC)
    with bench.Gunicorn(env, args.port, args.workers) as server:
        rss_start = server.worker_rss_mb()
        readers = start_readers(base, deals, args.seconds)
        memory = MemoryWatch(server)
        memory.start()
        writers = [
            Writer(n, base, token, deals, time.monotonic() + args.seconds)
            for n in range(args.writers)
        ]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join()
        reads = [finish_reader(*reader) for reader in readers]
        memory.stop()
        rss_end = server.worker_rss_mb()
    server_errors = count_5xx(log_path, log_start)

    outcomes = [o for w in writers for o in w.outcomes]
    successes = [o for o in outcomes if o["status"] == 200]
    lost = lost_updates(database, successes, deals)
    by_status: dict[str, int] = {}
    for outcome in outcomes:
        by_status[str(outcome["status"])] = by_status.get(str(outcome["status"]), 0) + 1
    report = {
        "started": started.isoformat(timespec="seconds"),
        "seconds": args.seconds,
        "deals": args.deals,
        "workers": args.workers,
        "writers": args.writers,
        "shared_deals": len(deals),
        "machine": bench.machine(),
        "load_after": bench.load_average(),
        "reads": reads,
        "read_requests": sum(r["requests"] for r in reads),
        "writes": {
            "attempts": len(outcomes),
            "by_status": by_status,
            "successes": len(successes),
            "conflicts": sum(by_status.get(code, 0) for code in ("409", "412")),
        },
        "server_errors_5xx": server_errors,
        "lost_updates": lost,
        "worker_rss_mb": {"start": rss_start, "end": rss_end, "samples": memory.samples},
    }
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = bench.RESULTS / f"soak-{args.deals}-{stamp}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(summary(report))
    print(f"\nSaved {path.relative_to(bench.ROOT)}")
    return 1 if server_errors or lost else 0


# --- readers ----------------------------------------------------------------------------------


def start_readers(base: str, deals: list[tuple[int, str]], seconds: int):
    slug = deals[0][1]
    addresses = [
        "/",
        "/deals/",
        f"/deals/{slug}/",
        "/api/v1/deals/",
        f"/api/v1/deals/{slug}/",
        "/feed/",
        "/ko/deals/?q=%EC%82%BC%EC%84%B1",
    ]
    readers = []
    for address in addresses:
        process = subprocess.Popen(
            [
                "wrk",
                "-t",
                "1",
                "-c",
                "2",
                "-d",
                f"{seconds}s",
                "--timeout",
                "10s",
                "--latency",
                base + address,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        readers.append((address, process))
    return readers


def finish_reader(address: str, process: subprocess.Popen) -> dict:
    out, _ = process.communicate()
    requests = re.search(r"(\d+) requests in", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return {
        "address": address,
        "requests": int(requests.group(1)) if requests else 0,
        "rps": float(rps.group(1)) if rps else 0.0,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "p99_ms": bench.latency(out, "99%"),
    }


def count_5xx(log_path: Path, offset: int) -> int:
    """5xx answers in the app's request log lines (dealtracker.request) since `offset`."""
    with open(log_path, "rb") as log:
        log.seek(offset)
        text = log.read().decode("utf-8", "replace")
    return len(re.findall(r"dealtracker\.request: [A-Z]+ \S+ 5\d\d ", text))


# --- writers ----------------------------------------------------------------------------------


class Writer(threading.Thread):
    """An editor in a loop: read a shared deal, change its summary with the version read."""

    def __init__(self, number: int, base: str, token: str, deals, deadline: float) -> None:
        super().__init__(daemon=True)
        self.number, self.base, self.deals, self.deadline = number, base, deals, deadline
        self.headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
        self.rng = random.Random(number)
        self.outcomes: list[dict] = []

    def run(self) -> None:
        n = 0
        while time.monotonic() < self.deadline:
            deal_id, slug = self.rng.choice(self.deals)
            address = f"{self.base}/api/v1/deals/{slug}/"
            status, headers, body = self.request("GET", address)
            if status != 200:
                self.outcomes.append({"deal": deal_id, "status": status, "read": True})
                continue
            version = json.loads(body)["version"]
            n += 1
            value = f"soak writer {self.number} edit {n} at {time.time():.6f}"
            # A pause between reading and writing, as an editor has: others write meanwhile.
            time.sleep(self.rng.uniform(0, 0.05))
            status, _headers, body = self.request(
                "PATCH",
                address,
                {"summary": value, "version": version},
                {"If-Match": headers.get("ETag", "*"), "Content-Type": "application/json"},
            )
            outcome = {"deal": deal_id, "status": status, "value": value, "read_version": version}
            if status == 200:
                outcome["version"] = json.loads(body)["version"]
            self.outcomes.append(outcome)

    def request(self, method: str, url: str, data=None, extra=None):
        body = json.dumps(data).encode() if data is not None else None
        request = urllib.request.Request(
            url, data=body, method=method, headers={**self.headers, **(extra or {})}
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()
        except (urllib.error.URLError, OSError):
            return 0, {}, b""


def shared_deals(database: str, count: int) -> list[tuple[int, str]]:
    import psycopg

    with psycopg.connect(database.replace("postgres://", "postgresql://", 1)) as connection:
        rows = connection.execute(
            "SELECT id, slug FROM deals_deal WHERE publication = 'published' ORDER BY id LIMIT %s",
            [count],
        ).fetchall()
    return [(row[0], row[1]) for row in rows]


def lost_updates(database: str, successes: list[dict], deals) -> list[dict]:
    """Every successful write must be in the history under its version, no version may have
    two successful writes, and each deal must end with its last successful write's value."""
    import psycopg

    ids = [deal_id for deal_id, _slug in deals]
    with psycopg.connect(database.replace("postgres://", "postgresql://", 1)) as connection:
        history = connection.execute(
            "SELECT id, version, summary FROM deals_historicaldeal WHERE id = ANY(%s)", [ids]
        ).fetchall()
        current = dict(
            connection.execute(
                "SELECT id, summary FROM deals_deal WHERE id = ANY(%s)", [ids]
            ).fetchall()
        )
    recorded = {(deal_id, version, summary) for deal_id, version, summary in history}
    problems = []
    seen: dict[tuple[int, int], str] = {}
    last: dict[int, dict] = {}
    for write in successes:
        key = (write["deal"], write["version"])
        if key in seen:
            problems.append(
                {"problem": "two successes with one version", **write, "other": seen[key]}
            )
        seen[key] = write["value"]
        if (write["deal"], write["version"], write["value"]) not in recorded:
            problems.append({"problem": "not in the history under its version", **write})
        if write["deal"] not in last or write["version"] > last[write["deal"]]["version"]:
            last[write["deal"]] = write
    for deal_id, write in last.items():
        if current.get(deal_id) != write["value"]:
            problems.append(
                {
                    "problem": "final value is not the last successful write",
                    **write,
                    "current": current.get(deal_id),
                }
            )
    return problems


# --- memory -----------------------------------------------------------------------------------


class MemoryWatch(threading.Thread):
    """The workers' RSS every 30 seconds."""

    def __init__(self, server) -> None:
        super().__init__(daemon=True)
        self.server = server
        self.samples: list[list[float]] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(30):
            self.samples.append(self.server.worker_rss_mb())

    def stop(self) -> None:
        self.done.set()
        self.join()


def summary(report: dict) -> str:
    writes = report["writes"]
    lines = [
        f"Soak: {report['seconds']} s, {report['deals']:,} deals, gunicorn "
        f"{report['workers']} workers, {report['writers']} writers on "
        f"{report['shared_deals']} shared deals; load after {report['load_after']}",
        "",
        "| reads of | requests | req/s | non-2xx | p99 ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for read in report["reads"]:
        lines.append(
            f"| {read['address']} | {read['requests']} | {read['rps']:.1f} | "
            f"{read['non_2xx']} | {read['p99_ms']} |"
        )
    lines += [
        "",
        f"Writes: {writes['attempts']} attempts, {writes['successes']} succeeded, "
        f"{writes['conflicts']} refused as conflicts (409/412); by status {writes['by_status']}",
        f"5xx answers (request log): {report['server_errors_5xx']}",
        f"Lost updates: {len(report['lost_updates'])}",
        f"Worker RSS MB: start {report['worker_rss_mb']['start']}, "
        f"end {report['worker_rss_mb']['end']}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
