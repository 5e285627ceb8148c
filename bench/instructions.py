"""How many instructions one request executes in Python, counted by valgrind: a measure of the
code that does not move with the machine's speed.

    .venv/bin/python bench/instructions.py /companies/co-1/ /deals/      # needs valgrind
    .venv/bin/python bench/instructions.py --checkout /tmp/old /deals/   # another checkout

On a shared or throttled machine the CPU time of one request moves by a quarter from one run
to the next (docs/performance.md, stop 18), more than most changes are worth; an instruction
count repeats to a fraction of a per cent. For each address this runs the Django test client
against the benchmark's database (production settings, page caches off, as
`bench/inprocess.py` does) under `valgrind --tool=callgrind` twice, with 5 and with 25 requests
after the same warm-up, and prints the difference divided by 20: start-up and warm-up cancel
out. PostgreSQL's work is not counted (it runs in its own process); `--sql` of
`bench/inprocess.py` shows it. Each run takes a minute or two; the two runs of an address go in
parallel.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARM = 3
FEW, MANY = 5, 25


def requests_in_process(url: str, count: int) -> None:
    """The child: set up Django as bench/inprocess.py does, warm up, then `count` requests."""
    sys.path.insert(0, str(Path.cwd()))
    sys.path.insert(0, str(Path.cwd() / "bench"))
    from inprocess import setup_django

    setup_django(int(os.environ.get("BENCH_DEALS", 100_000)))
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    for _ in range(WARM + count):
        response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: {response.status_code}")


def counted(checkout: Path, url: str, count: int) -> int:
    """Instructions of a whole child run with `count` requests."""
    done = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            str(checkout / ".venv" / "bin" / "python"),
            str(Path(__file__).resolve()),
            "--child",
            url,
            str(count),
        ],
        cwd=checkout,
        env=dict(os.environ, PYTHONHASHSEED="0"),
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if done.returncode != 0 or not found:
        raise SystemExit(f"{url} in {checkout}: valgrind failed\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        requests_in_process(sys.argv[2], int(sys.argv[3]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument(
        "--checkout",
        type=Path,
        default=ROOT,
        help="the checkout to measure (with its .venv), this one by default",
    )
    args = parser.parse_args()
    with ThreadPoolExecutor(max_workers=2) as pool:
        for url in args.urls:
            few, many = pool.map(lambda n, url=url: counted(args.checkout, url, n), (FEW, MANY))
            per_request = (many - few) / (MANY - FEW)
            print(f"{per_request / 1e6:8.2f} M instructions a request  {url}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
