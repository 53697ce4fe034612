"""Server time of the agency overview and a client page, measured in-process.

Usage (against a database seeded by `bench/seed.py`; `bench/run.py` runs both in a fresh one):

    SMARTSMM_DATA_DIR=/tmp/x python bench/pages.py --requests 50 --output out.json

Requests go through Django's test `Client` as the benchmark agency's owner, with `DEBUG = False`.
Server time is `time.perf_counter()` around `client.get()`: the whole middleware stack, the view and
the template render, but no network and no HTTP server. After each request the worker closes
connections past their `CONN_MAX_AGE` as Django's handler does at the end of a real request (the
test client skips that), outside the timed window; with SQLite's default `CONN_MAX_AGE = 0` every
timed request therefore opens its connection, as it does in production.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import seed as bench_seed

TARGET_P95_MS = 200.0
WARMUP_REQUESTS = 3


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (p95 of 50 values is the 48th smallest)."""
    ordered = sorted(values)
    return ordered[max(math.ceil(q / 100 * len(ordered)) - 1, 0)]


def measure(client: Any, path: str, requests: int, warmup: int = WARMUP_REQUESTS) -> dict[str, Any]:
    from django.db import close_old_connections, connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        close_old_connections()
    times = []
    size = 0
    for _ in range(requests):
        t0 = time.perf_counter()
        response = client.get(path)
        elapsed = (time.perf_counter() - t0) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        size = len(response.content)
        times.append(elapsed)
        close_old_connections()
    # One more request, untimed, only to count its queries.
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    close_old_connections()
    p95 = percentile(times, 95)
    return {
        "path": path,
        "requests": requests,
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(p95, 1),
        "min_ms": round(min(times), 1),
        "max_ms": round(max(times), 1),
        "target_p95_ms": TARGET_P95_MS,
        "pass": p95 <= TARGET_P95_MS,
        "queries": len(queries.captured_queries),
        "bytes": size,
    }


def measure_pages(requests: int) -> dict[str, Any]:
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client as TestClient

    from smartsmm.clients.models import Client

    settings.DEBUG = False
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    owner = User.objects.get(username=bench_seed.BENCH_USERNAME)
    clients = list(Client.objects.filter(agency__slug=bench_seed.BENCH_AGENCY_SLUG).order_by("name"))
    middle = clients[len(clients) // 2]
    browser = TestClient()
    browser.force_login(owner)
    results = {}
    for name, path in (("overview", "/"), ("client", f"/clients/{middle.slug}/")):
        results[name] = measure(browser, path, requests)
        r = results[name]
        verdict = "PASS" if r["pass"] else "FAIL"
        print(
            f"  {name:<8} {path:<22} median {r['median_ms']:7.1f} ms   p95 {r['p95_ms']:7.1f} ms   "
            f"(target p95 ≤ {TARGET_P95_MS:.0f} ms: {verdict}; {r['queries']} queries, {r['bytes']:,} bytes)",
            flush=True,
        )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measure the overview and a client page in-process.")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--output", type=Path, help="write the figures as JSON here")
    args = parser.parse_args(argv)

    os.environ.setdefault("SMARTSMM_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    bench_seed.setup_django()
    from django.db import connection

    # Load the application as `smartsmm serve` and WSGI servers do: this imports every view and
    # applies the start-up tuning in smartsmm.config.wsgi.
    import smartsmm.config.wsgi  # noqa: F401

    result: dict[str, Any] = {"vendor": connection.vendor}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
        else:
            cursor.execute("SELECT sqlite_version()")
        result["server_version"] = cursor.fetchone()[0]
    print(f"measuring {args.requests} requests per page after {WARMUP_REQUESTS} warm-up requests", flush=True)
    result["load_average_before"] = [round(v, 2) for v in os.getloadavg()]
    result["pages"] = measure_pages(args.requests)
    result["load_average_after"] = [round(v, 2) for v in os.getloadavg()]
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return 0 if all(p["pass"] for p in result["pages"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
