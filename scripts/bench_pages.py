#!/usr/bin/env python3
"""Benchmark every page and API endpoint with two years of a busy shop's data loaded: the
target is p95 <= 30 ms for every request on a 2-core x86-64 machine (a Raspberry Pi 4 is 3-5x
slower, so that keeps it under 100 ms there).

Two years of data (bench_data.py: ~22k calls, ~77k texts, ~5.6k contacts) are written into a
temporary data folder, a real box starts on it (demo modem, waitress on a free loopback port),
the benchmark logs in through /login with the CSRF token like a browser and times each page
(session cookie) and each /api/ endpoint (bearer token) over HTTP: one warm-up request, then
--requests timed ones; median and p95. A route that answers 404 is reported and skipped.

With --profile, every endpoint whose p95 misses the target is run again in-process through
Flask's test client, once with every Store method timed and once under cProfile, to show where
the time goes.

    .venv/bin/python scripts/bench_pages.py
    .venv/bin/python scripts/bench_pages.py --days 3 --requests 3      # quick
    .venv/bin/python scripts/bench_pages.py --profile --json pages.json

Loopback and a temporary folder only; the box is stopped and the folder removed at the end.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import json
import logging
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench_data import OWNER, load_busy_year  # noqa: E402
from bench_profile import profile_endpoint  # noqa: E402
from bench_support import percentile, print_table, wait_until  # noqa: E402

TARGET_MS = 30.0
PASSWORD = "bench-password-1"
# As the page's own links spell them (a blueprint's index ends in "/"; a 301/308 is followed).
PAGES = ("/", "/conversations/", "/conversations/more?before={cursor}",
         "/conversations/?q=plumb", "/conversations/{customer}", "/conversations/{owner}",
         "/calls/", "/results/?days=30", "/results/?days=90",
         "/results/?from={year_ago}&to={today}", "/messages/", "/schedule/", "/settings/",
         "/setup/", "/wifi", "/events", "/conversations/?q=555-01", "/live/unread?known=0",
         "/calls/?format=csv")
API = ("/api/status", "/api/calls", "/api/conversations", "/api/conversations?before={cursor}",
       "/api/conversations/{customer}", "/api/conversations/{owner}", "/api/settings",
       "/api/stats?days=30", "/api/stats?days=365", "/api/calls?format=csv",
       "/api/conversations?format=csv")
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None        # a redirect is an answer of its own (e.g. to /login)


class Client:
    """A browser-ish HTTP client: cookies, no automatic redirects, a timeout on everything."""

    def __init__(self, base: str, token: str | None = None):
        self.base, self.token = base.rstrip("/"), token
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())

    def request(self, path: str, data: dict | None = None, bearer: bool = False):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        if bearer:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read(), error.headers

    def log_in(self, password: str) -> None:
        status, page, _ = self.request("/login")
        match = CSRF.search(page.decode("utf-8", "replace"))
        if status != 200 or not match:
            raise RuntimeError(f"no login form (HTTP {status})")
        status, _, _ = self.request("/login", {"password": password,
                                            "csrf_token": match[1] or match[2]})
        if status not in (302, 303):
            raise RuntimeError(f"login failed (HTTP {status})")
        if self.request("/")[0] != 200:
            raise RuntimeError("logged in, but / does not answer 200")


def time_endpoint(client: Client, path: str, bearer: bool, requests: int) -> dict:
    asked = path
    start = time.perf_counter()
    status, body, headers = client.request(path, bearer=bearer)            # warm-up
    if status in (301, 308) and headers.get("Location", "").startswith(("/", client.base)):
        path = headers["Location"].removeprefix(client.base)
        start = time.perf_counter()
        status, body, headers = client.request(path, bearer=bearer)
    first = (time.perf_counter() - start) * 1000
    if status == 404:
        return {"path": asked, "status": 404}
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        status, body, _ = client.request(path, bearer=bearer)
        times.append((time.perf_counter() - start) * 1000)
    return {"path": path, "asked": asked, "status": status, "bytes": len(body),
            "first_ms": round(first, 1), "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(percentile(times, 0.95), 1), "max_ms": round(max(times), 1)}


def fill(path: str, numbers: dict) -> str:
    return path.format(**numbers)


def sample_numbers(store) -> dict:
    """A typical customer with a conversation, the owner (every forward is in that thread) and
    the cursor of the conversation list's second page."""
    page, _ = store.conversation_page(limit=200, skip=(OWNER,))
    talked = [store.contact(c["number"]) for c in page]
    talked = [c for c in talked if c.last_inbound_at]
    talked.sort(key=lambda c: len(c.months or []))
    customer = talked[len(talked) // 2].number if talked else OWNER
    cursor = store.conversation_page(limit=50, skip=(OWNER,))[1]
    today = time.strftime("%Y-%m-%d", time.gmtime())
    year_ago = time.strftime("%Y-%m-%d", time.gmtime(time.time() - 364 * 86400))
    return {"customer": urllib.parse.quote(customer), "owner": urllib.parse.quote(OWNER),
            "today": today, "year_ago": year_ago, "cursor": cursor}


def run(args) -> dict:
    from appliance.app.bootstrap import Options, bootstrap
    tmp = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    try:
        started = time.monotonic()
        counts = load_busy_year(tmp / "data", days=args.days, calls_per_day=args.calls_per_day,
                                contacts=args.contacts)
        load_seconds = time.monotonic() - started
        app = bootstrap(Options(tmp / "data", demo=True, gpio=False, listen="127.0.0.1:0"))
        app.box.set_password(PASSWORD)
        app.start()
        try:
            wait_until(lambda: app.modem.status.state == "ready", 30, "modem ready")
            numbers = sample_numbers(app.store)
            client = Client(app.web.address, token=app.box.api_token())
            client.log_in(PASSWORD)
            results = [time_endpoint(client, fill(p, numbers), False, args.requests)
                       for p in PAGES]
            results += [time_endpoint(client, fill(p, numbers), True, args.requests)
                        for p in API]
            profiles = {}
            if args.profile:
                for r in results:
                    if r.get("p95_ms", 0) >= args.target_ms:
                        profiles[r["path"]] = profile_endpoint(app.box, r["path"], args.top)
        finally:
            app.stop()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {"data": {**counts, "days": args.days, "load_seconds": round(load_seconds, 1)},
            "target_ms": args.target_ms, "endpoints": results, "profiles": profiles}


def report(figures: dict) -> None:
    data, target = figures["data"], figures["target_ms"]
    print(f"\nData: {data['days']} days, {data.get('calls', 0)} calls, "
          f"{data.get('messages', 0)} messages ({data.get('owner_messages', 0)} with the owner), "
          f"{data.get('contacts', 0)} contacts, {data.get('events', 0)} events "
          f"(written in {data['load_seconds']} s)")
    print(f"\nPages and API over HTTP (ms; target: every request < {target:g} ms)")
    rows = []
    for r in figures["endpoints"]:
        if r["status"] == 404:
            rows.append([r["path"], "404", "", "", "", "", "", "not built yet?"])
            continue
        met = "yes" if r["p95_ms"] < target else ("median only" if r["median_ms"] < target
                                                   else "NO")
        rows.append([r["path"][:60], str(r["status"]), f"{r['bytes']:,}", f"{r['first_ms']:.1f}",
                     f"{r['median_ms']:.1f}", f"{r['p95_ms']:.1f}", f"{r['max_ms']:.1f}", met])
    print("(first: the first request after start-up, e.g. Results counting and saving closed "
          "months it never counted before; not part of the target)")
    print_table(["endpoint", "HTTP", "bytes", "first", "median", "p95", "max", "met"], rows)
    for path, profile in figures["profiles"].items():
        print(f"\n{path}: in-process {profile['ms']:.1f} ms; Store methods (outermost calls, "
              "inclusive of lock waits; 'service' = the service thread meanwhile: the page's "
              "writes run there, and its ticks wait while the page holds the store lock)")
        print_table(["store method", "thread", "calls", "ms"],
                    [[s["method"], s["thread"], str(s["calls"]), f"{s['ms']:.1f}"]
                     for s in profile["store"]])
        print("top functions by own time (cProfile, request thread):")
        print_table(["function", "calls", "own ms", "cumulative ms"],
                    [[f["function"], str(f["calls"]), f"{f['own_ms']:.1f}",
                      f"{f['cumulative_ms']:.1f}"] for f in profile["functions"]])


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days", type=int, default=730, help="days of data (default 730)")
    parser.add_argument("--calls-per-day", type=int, default=30, help="default 30")
    parser.add_argument("--contacts", type=int, default=5000, help="default 5000")
    parser.add_argument("--requests", type=int, default=20,
                        help="timed requests per endpoint (default 20)")
    parser.add_argument("--target-ms", type=float, default=TARGET_MS)
    parser.add_argument("--profile", action="store_true",
                        help="profile the endpoints that miss the target")
    parser.add_argument("--top", type=int, default=10, help="functions listed per profile")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    return parser


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    if args.days < 1 or args.requests < 1 or args.calls_per_day < 9:
        _parser().error("--days and --requests must be >= 1, --calls-per-day >= 9")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    figures = run(args)
    figures["load_average"] = [round(x, 2) for x in os.getloadavg()]
    report(figures)
    print("\nload average (1, 5, 15 min) at the end: {}, {}, {} on {} CPUs (other work on the "
          "machine inflates the figures)".format(*figures["load_average"], os.cpu_count()))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
        print(f"\nfigures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
