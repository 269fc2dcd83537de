"""`make audit`: Lighthouse (npm, locked) on the home page, the fibromyalgia page and the form.

The site runs as in production (bench/server.py); Lighthouse drives Debian's Chromium
(CHROME_PATH; the package is installed when missing, as the benchmark installs wrk) with its
mobile profile and needs no network beyond loopback. Prints the four category scores per
page; full reports go to artifacts/audit/<page>.report.json and .html.
Exits non-zero when Lighthouse cannot run; the scores themselves are for people to read.
"""

import json
import os
import subprocess
import sys

from . import server

PORT = int(os.environ.get("AUDIT_PORT", "8303"))
DEBIAN_CHROMIUM = "/usr/bin/chromium"
CHROME = os.environ.get("CHROME_PATH", DEBIAN_CHROMIUM)
CHROME_FLAGS = " ".join(
    [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ]
)
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
PAGES = {
    "home": "/",
    "fibromyalgia": "/conditions/fibromyalgia/",
    "form": "/consultation/",
}
ATTEMPTS = 3
REPORTS = server.REPO / "artifacts" / "audit"
LIGHTHOUSE = server.REPO / "node_modules" / ".bin" / "lighthouse"


def lighthouse(url, name):
    REPORTS.mkdir(parents=True, exist_ok=True)
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        f"--chrome-flags={CHROME_FLAGS}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--form-factor=mobile",
        "--output=json",
        "--output=html",
        f"--output-path={REPORTS / name}",
    ]
    for attempt in range(1, ATTEMPTS + 1):
        # Chromium now and then fails to record a trace (Lighthouse's NO_NAVSTART, "please
        # run Lighthouse again"): that run measured nothing, so it is run again.
        run = subprocess.run(command, env=dict(os.environ, CHROME_PATH=CHROME))  # noqa: S603
        if run.returncode == 0:
            break
        server.log(f"Lighthouse failed on {url} (attempt {attempt} of {ATTEMPTS})")
    else:
        raise SystemExit(f"Lighthouse could not audit {url} in {ATTEMPTS} attempts")
    report = json.loads((REPORTS / f"{name}.report.json").read_text())
    scores = {key: report["categories"][key]["score"] for key in CATEGORIES}
    missed = [
        f"{audit['id']} ({audit['score']})"
        for audit in report["audits"].values()
        if audit.get("scoreDisplayMode") in ("binary", "numeric")
        and audit.get("score") is not None
        and audit["score"] < 1
        and any(
            ref["id"] == audit["id"]
            for key in CATEGORIES
            for ref in report["categories"][key]["auditRefs"]
            if ref.get("weight")
        )
    ]
    return scores, missed


def main():
    if not LIGHTHOUSE.exists():
        sys.exit(f"{LIGHTHOUSE} is missing: run `make install` (npm ci)")
    if CHROME == DEBIAN_CHROMIUM:
        server.ensure_debian_package("chromium", command=CHROME)
    env = server.environment()
    server.log(f"Preparing the audited site ({server.describe(env)})")
    server.prepare(env)
    results = {}
    with server.gunicorn(env, port=PORT, log_name="gunicorn-audit") as base:
        for name, path in PAGES.items():
            server.log(f"Lighthouse (mobile) on {path}")
            results[name] = (path, *lighthouse(base + path, name))

    print("\nmake audit: Lighthouse, mobile profile, Debian chromium\n")
    print("| page | performance | accessibility | best practices | SEO |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for path, scores, _ in results.values():
        cells = " | ".join(
            "–" if scores[key] is None else str(round(scores[key] * 100)) for key in CATEGORIES
        )
        print(f"| {path} | {cells} |")
    for path, _, missed in results.values():
        if missed:
            print(f"\n{path}: audits below full marks: {', '.join(missed)}")
    print(f"\nFull reports: {REPORTS}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
