"""Mail faults with real processes: SMTP unreachable, then a worker killed mid-send.

Requests are saved whatever the mail server does; the worker (`send_queued_email --loop`, as
in production) sends each queued mail once, even when a worker dies in the middle of sending.
Runs in the suite's PostgreSQL pass.
"""

import signal
import subprocess
import time
import uuid

import pytest

from consultations.models import ConsultationRequest
from consultations.services import consultation_request_create
from outbox.models import OutboundEmail
from tests.consultations.factories import cleaned_answers

from .prod_env import PYTHON, example_environment
from .servers import BASE_DIR, free_port, manage
from .smtp_sink import SMTPSink

REQUESTS = 3


@pytest.fixture
def worker_env(postgres_url, settings):
    return example_environment(
        DATABASE_URL=postgres_url,
        # The worker reads rows this test process wrote: the same keys on both sides.
        FIELD_ENCRYPTION_KEYS=",".join(settings.FIELD_ENCRYPTION_KEYS),
        BLIND_INDEX_KEY=settings.BLIND_INDEX_KEY,
        REDIS_URL="",
        OUTBOX_BACKOFF_SECONDS=1,
        OUTBOX_BACKOFF_MAX_SECONDS=1,
        OUTBOX_CLAIM_SECONDS=3,
        EMAIL_TIMEOUT=600,
    )


def start_worker(env, log_path):
    return subprocess.Popen(
        [PYTHON, "manage.py", "send_queued_email", "--loop", "--interval", "0.5"],
        cwd=BASE_DIR,
        env=env,
        stdout=log_path.open("ab"),
        stderr=subprocess.STDOUT,
    )


def wait_for(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_smtp_down_then_a_worker_killed_mid_send_still_sends_every_mail_once(worker_env, tmp_path):
    for n in range(REQUESTS):
        consultation_request_create(
            answers=cleaned_answers(email=f"patient{n}@example.org"),
            idempotency_key=uuid.uuid4(),
            consent_notice_version="sha256:test",
        )
    assert OutboundEmail.objects.count() == 2 * REQUESTS

    # The mail server is unreachable: nothing is lost, every mail waits for another try.
    unreachable = {**worker_env, "EMAIL_URL": f"smtp://127.0.0.1:{free_port()}"}
    manage("send_queued_email", env=unreachable)
    assert ConsultationRequest.objects.count() == REQUESTS
    pending = OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING)
    assert pending.count() == 2 * REQUESTS
    assert all(email.attempts == 1 for email in pending)

    with SMTPSink() as sink:
        env = {**worker_env, "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}"}
        # The server comes back but hangs on the first delivery; the worker is killed there.
        sink.handler.stall.set()
        worker = start_worker(env, tmp_path / "worker-1.log")
        try:
            assert sink.handler.stalled.wait(timeout=60), (tmp_path / "worker-1.log").read_text()
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
        assert sink.handler.accepted == []
        sink.handler.stall.clear()

        # A new worker takes the dead one's mail once its claim expires, and sends everything.
        worker = start_worker(env, tmp_path / "worker-2.log")
        try:
            everything_sent = wait_for(
                lambda: (
                    OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count()
                    == 2 * REQUESTS
                )
            )
            time.sleep(2)  # a few more loops: a duplicate would show up now
        finally:
            worker.terminate()
            worker.wait(timeout=30)
        assert everything_sent, (tmp_path / "worker-2.log").read_text()

    accepted = sink.handler.accepted
    assert len(accepted) == 2 * REQUESTS
    assert len(set(accepted)) == len(accepted), "a mail was delivered twice"
    assert {to for to, _subject in accepted} >= {f"patient{n}@example.org" for n in range(REQUESTS)}
