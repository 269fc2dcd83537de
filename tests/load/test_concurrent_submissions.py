"""100 patients press Send at the same moment: gunicorn on PostgreSQL stores every request once.

Loopback only, bounded: 100 forms opened, then 100 POSTs released together from 100 threads
(each with a 120 s timeout), then each confirmation page. Runs in the suite's PostgreSQL pass.
Prints the figures (run with -s to see them).
"""

import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from consultations.models import ConsultationRequest
from outbox.models import OutboundEmail
from pages.services import clinic_content_load
from tests.ops.patient import open_form, send_form, set_cookies
from tests.ops.prod_env import app_environment
from tests.ops.servers import AppServer

PATIENTS = 100
WORKERS = 4


def test_100_concurrent_submissions_are_all_stored_and_confirmed(
    postgres_url, collected_static, tmp_path
):
    env = app_environment(
        database_url=postgres_url,
        static_root=collected_static,
        CONSULTATION_RATE_LIMIT_COUNT=10 * PATIENTS,  # every patient shares 127.0.0.1
        DATABASE_CONN_MAX_AGE=0,
    )
    clinic_content_load()
    with AppServer(env, tmp_path / "gunicorn.log", workers=WORKERS) as app:
        forms = [open_form(app) for _ in range(PATIENTS)]
        start = threading.Barrier(PATIENTS)

        def patient(opened):
            start.wait()
            began = time.perf_counter()
            sent = send_form(app, opened, timeout=120)
            took = time.perf_counter() - began
            if sent.status != 302:
                return sent.status, took, None
            cookie = {"Cookie": f"sessionid={set_cookies(sent)['sessionid']}"}
            done = app.request("GET", sent["Location"], headers=cookie, timeout=120)
            return done.status, took, done.text

        wall = time.perf_counter()
        with ThreadPoolExecutor(max_workers=PATIENTS) as pool:
            results = list(pool.map(patient, forms))
        wall = time.perf_counter() - wall

    statuses = [status for status, _took, _text in results]
    latencies = sorted(took for _status, took, _text in results)
    print(
        f"\n{PATIENTS} concurrent submissions, {WORKERS} gunicorn workers: wall {wall:.2f}s, "
        f"POST median {statistics.median(latencies):.2f}s, "
        f"p95 {latencies[int(0.95 * PATIENTS) - 1]:.2f}s, max {latencies[-1]:.2f}s"
    )
    assert statuses == [200] * PATIENTS
    assert all("TKW-" in text for _s, _t, text in results)
    assert ConsultationRequest.objects.count() == PATIENTS
    assert OutboundEmail.objects.count() == 2 * PATIENTS
    assert '"status": 500' not in (tmp_path / "gunicorn.log").read_text()
