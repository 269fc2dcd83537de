"""`make bench`: the site under load, served as in production, measured against a bare view.

Two gunicorn servers run the production setup on loopback (bench/server.py): one with the
anonymous page cache on, one with it off. wrk loads each address for BENCH_SECONDS (10) with
BENCH_CONNECTIONS (16) connections after a short warm-up. The rows are loaded in BENCH_ROUNDS
(3) interleaved rounds and each figure is the median of its rounds: on a small shared machine
a single row swings noticeably, and a slow spell then falls on every row alike. Rates are also
given as a share of the bare view's rate, measured in the same run, so they mean the same on
any machine.

A second bare row sends a body as big as the fibromyalgia page's HTML: on a small machine,
moving the bytes is part of what separates a cached page from "ok".

Prints one table: requests/s, p50, p99, share of the bare view, SQL queries per request
(counted in-process, bench/queries.py) and bytes per page (HTML + CSS + JS, raw and gzip).
Exits non-zero when a ratio target is missed, and when a fixed budget (queries, bytes, no
JavaScript) is; p99 depends on the machine and its other load, so it is reported against its
target but does not fail the run.
"""

import contextlib
import gzip
import json
import os
import re
import statistics
import subprocess
import sys
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser

from . import server

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
WARM_UP_SECONDS = 2
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
THREADS = 2
PORT = int(os.environ.get("BENCH_PORT", "8301"))  # and the next ones for the other servers

# The servers the rows are loaded on: the production setup, then with the anonymous page cache
# off (as for a visitor with a session cookie or a query string), then with nothing cached at
# all: no menus and settings, no page rows (pages/cache.py).
SERVERS = {
    "cached": {"PAGE_CACHE_SECONDS": "300"},
    "page-cache-off": {"PAGE_CACHE_SECONDS": "0"},
    "nothing-cached": {
        "PAGE_CACHE_SECONDS": "0",
        "SITE_FRAME_CACHE_SECONDS": "0",
        "PAGE_CONTENT_CACHE_SECONDS": "0",
    },
}

ADMIN = "/" + os.environ.get("DJANGO_ADMIN_URL", "admin/")
FIBROMYALGIA = "/conditions/fibromyalgia/"

# Targets (issues 9 and 20). Without a cache a page is rendered by ordinary, public-API code:
# its budget is set for that, and the cached page carries the load.
CACHED_SHARE = 0.9
UNCACHED_SHARE = 0.2
MAX_QUERIES = 4
P99_MS = 50.0
MAX_GZIP_BYTES = 30 * 1024


@dataclass
class Row:
    label: str
    path: str
    server: str = "cached"  # which server: a key of SERVERS
    signed_in: bool = False
    public: bool = True  # a page patients read: query and p99 targets apply
    rate: float = 0.0
    p50: float = 0.0
    p99: float = 0.0
    queries: int | None = None
    bytes_raw: int | None = None
    bytes_gzip: int | None = None
    scripts: list = field(default_factory=list)


ROWS = {
    "bare": Row('bare view ("ok")', "/bench/ok/", public=False),
    # For reading the table, not a target: the bare view sending as many bytes as the
    # fibromyalgia page, to show what moving that body costs on this machine.
    "bare-sized": Row(
        "bare view, as many bytes as the fibromyalgia page", "/bench/ok/", public=False
    ),
    "home": Row("home page", "/"),
    "fibromyalgia": Row("fibromyalgia page, anonymous, cache warm", FIBROMYALGIA),
    # Rendered on every visit; its rows, the menus and settings come from the shared cache.
    "fibromyalgia-uncached": Row(
        "fibromyalgia page, page cache off", FIBROMYALGIA, server="page-cache-off"
    ),
    # For reading the table, not a target: every row read from the database and rendered, as
    # for the first visit after an edit.
    "fibromyalgia-nothing-cached": Row(
        "fibromyalgia page, nothing cached (rows read, page rendered)",
        FIBROMYALGIA,
        server="nothing-cached",
        public=False,
    ),
    "form": Row("consultation form, empty", "/consultation/"),
    "admin": Row(
        "admin change list, 100,000 requests",
        f"{ADMIN}consultations/consultationrequest/",
        signed_in=True,
        public=False,
    ),
}


def _milliseconds(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url, *, seconds, cookie=None, warm_up=False):
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    # A slow answer is measured, not dropped: wrk's own 2 s timeout would hide it.
    command += ["--timeout", "10s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(  # noqa: S603
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    return None if warm_up else parse_wrk(output, url=url, seconds=seconds)


def parse_wrk(output, *, url, seconds):
    """Requests/s, p50 and p99 (ms) from wrk's --latency report; refuses a run with failures."""
    failures = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    if failures or errors:
        raise SystemExit(f"wrk saw failed or timed-out requests on {url}:\n{output}")
    if re.search(r"^\s+0 requests in", output, re.M):
        # Slower than the whole run: reported as such, the other rows still measured.
        return {"rate": 0.0, "p50": None, "p99": None}
    return {
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": _milliseconds(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)),
        "p99": _milliseconds(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)),
    }


def fetch(url, *, cookie=None, gzipped=False):
    request = urllib.request.Request(url)  # noqa: S310 - loopback only
    if cookie:
        request.add_header("Cookie", cookie)
    if gzipped:
        request.add_header("Accept-Encoding", "gzip")
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        if response.status != 200:
            raise SystemExit(f"{url} answered {response.status}")
        return response.read(), response.headers.get("Content-Encoding", "")


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.styles, self.scripts = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "stylesheet":
            self.styles.append(attrs["href"])
        if tag == "script" and attrs.get("type") != "application/ld+json":
            self.scripts.append(attrs.get("src") or "inline script")


def page_bytes(base, path):
    """HTML with its stylesheets and scripts: bytes raw, bytes as gzip, and its scripts.

    The gzip figure is what is sent to a browser that accepts gzip; where the app server sends
    a response uncompressed (the HTML: the TLS proxy in front compresses it), it is the size
    of that response gzipped at level 6.
    """
    html, _ = fetch(base + path)
    assets = _Assets()
    assets.feed(html.decode())
    raw = len(html)
    packed = len(gzip.compress(html, 6))
    for href in [*assets.styles, *[s for s in assets.scripts if s != "inline script"]]:
        body, _ = fetch(base + href)
        raw += len(body)
        body_gzip, encoding = fetch(base + href, gzipped=True)
        packed += len(body_gzip) if encoding == "gzip" else len(gzip.compress(body, 6))
    return raw, packed, assets.scripts


def run_module(env, module, *args, **extra_env):
    return json.loads(
        subprocess.run(  # noqa: S603
            [server.PYTHON, "-m", module, *args],
            cwd=server.REPO,
            env=dict(env, **extra_env),
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )


def measure():
    server.ensure_debian_package("wrk")
    env = server.environment()
    server.log(f"Preparing the benchmark site ({server.describe(env)})")
    server.prepare(env)
    server.log("Seeding 100,000 consultation requests where missing (once)")
    cookie = run_module(env, "bench.seed")["cookie"]

    for server_name, settings in SERVERS.items():
        paths = {
            name: (row.path, row.signed_in)
            for name, row in ROWS.items()
            if row.server == server_name
        }
        counts = run_module(env, "bench.queries", json.dumps(paths), cookie, **settings)
        for name, count in counts.items():
            ROWS[name].queries = count

    with contextlib.ExitStack() as servers:
        bases = {
            server_name: servers.enter_context(
                server.gunicorn(
                    env, port=PORT + number, log_name=f"gunicorn-{server_name}", **settings
                )
            )
            for number, (server_name, settings) in enumerate(SERVERS.items())
        }
        fibromyalgia_html, _ = fetch(bases["cached"] + FIBROMYALGIA)
        ROWS["bare-sized"].path = f"/bench/ok/?bytes={len(fibromyalgia_html)}"
        runs = {name: [] for name in ROWS}
        for round_number in range(1, ROUNDS + 1):
            for name, row in ROWS.items():
                base = bases[row.server]
                url = base + row.path
                row_cookie = cookie if row.signed_in else None
                # Warming up before every row also lets the server finish the previous row's
                # queued requests (the admin's take a second each) before anything is timed.
                wrk(url, seconds=WARM_UP_SECONDS, cookie=row_cookie, warm_up=True)
                if round_number == 1:
                    fetch(url, cookie=row_cookie)  # fails loudly on anything but 200
                    if row.public:
                        row.bytes_raw, row.bytes_gzip, row.scripts = page_bytes(base, row.path)
                server.log(
                    f"Round {round_number}/{ROUNDS}: loading {row.path} ({name}) for {SECONDS} s, "
                    f"{CONNECTIONS} connections"
                )
                runs[name].append(wrk(url, seconds=SECONDS, cookie=row_cookie))
        for name, row in ROWS.items():
            for key, value in median_of(runs[name]).items():
                setattr(row, key, value)


def median_of(runs):
    """Each figure's median over the rounds; a latency no request finished within stays None."""
    figures = {}
    for key in ("rate", "p50", "p99"):
        values = [run[key] for run in runs]
        known = [value for value in values if value is not None]
        figures[key] = statistics.median(known) if len(known) == len(values) else None
    return figures


def targets():
    """(description, met, fails the run) for each target of the issue."""
    bare = ROWS["bare"].rate
    cached, uncached = ROWS["fibromyalgia"], ROWS["fibromyalgia-uncached"]
    public = [row for row in ROWS.values() if row.public]
    worst_queries = max(public, key=lambda row: row.queries)
    worst_p99 = max(public, key=lambda row: float("inf") if row.p99 is None else row.p99)
    return [
        (
            f"fibromyalgia page, cache warm ≥ {CACHED_SHARE}× bare view: {cached.rate / bare:.2f}×",
            cached.rate >= CACHED_SHARE * bare,
            True,
        ),
        (
            f"fibromyalgia page, page cache off ≥ {UNCACHED_SHARE}× bare view: "
            f"{uncached.rate / bare:.2f}×",
            uncached.rate >= UNCACHED_SHARE * bare,
            True,
        ),
        (
            f"≤ {MAX_QUERIES} queries per public page: at most {worst_queries.queries} "
            f"({worst_queries.label})",
            worst_queries.queries <= MAX_QUERIES,
            True,
        ),
        (
            f"p99 < {P99_MS:.0f} ms at {CONNECTIONS} connections on public pages: at most "
            f"{worst_p99.p99 or float('inf'):.1f} ms ({worst_p99.label})",
            worst_p99.p99 is not None and worst_p99.p99 < P99_MS,
            True,
        ),
        (
            f"fibromyalgia page with its CSS ≤ {MAX_GZIP_BYTES // 1024} KB gzip: "
            f"{cached.bytes_gzip / 1024:.1f} KB",
            cached.bytes_gzip <= MAX_GZIP_BYTES,
            True,
        ),
        (
            f"no JavaScript on the fibromyalgia page: {len(cached.scripts)} script(s)",
            not cached.scripts,
            True,
        ),
    ]


def report():
    bare = ROWS["bare"].rate
    cores = os.cpu_count()
    print(
        f"\nmake bench: median of {ROUNDS} interleaved rounds of {SECONDS} s per row, "
        f"each after {WARM_UP_SECONDS} s warm-up, "
        f"{CONNECTIONS} connections, {THREADS} wrk threads, {cores} cores, "
        f"gunicorn -c deploy/gunicorn.conf.py ({os.environ.get('GUNICORN_WORKERS', 'default')} "
        "workers)\n"
    )
    header = (
        "| page | req/s | p50 ms | p99 ms | × bare | queries | HTML+CSS+JS raw | gzip |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    )
    print("\n".join(header))
    for row in ROWS.values():
        size = lambda n: "–" if n is None else f"{n / 1024:.1f} KB"  # noqa: E731
        latency = lambda ms: f"> {SECONDS * 1000}" if ms is None else f"{ms:.1f}"  # noqa: E731
        print(
            f"| {row.label} | {row.rate:,.0f} | {latency(row.p50)} | {latency(row.p99)} | "
            f"{row.rate / bare:.2f} | {row.queries} | {size(row.bytes_raw)} | "
            f"{size(row.bytes_gzip)} |"
        )
    print("\nTargets:")
    failed = False
    for description, met, fails_run in targets():
        mark = "met " if met else ("MISS" if fails_run else "miss (machine-dependent)")
        print(f"  [{mark}] {description}")
        failed = failed or (fails_run and not met)
    return 1 if failed else 0


def main():
    measure()
    return report()


if __name__ == "__main__":
    sys.exit(main())
