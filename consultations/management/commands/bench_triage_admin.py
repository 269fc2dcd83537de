"""Benchmark: the triage change list and a blind-index search with many requests.

    make bench-admin                      # SQLite, 100,000 requests
    DATABASE_URL=postgres://... make bench-admin

Works in a throw-away test database (created and destroyed here, as the test runner does), so
no real database is touched. Seeds --count requests (encrypted like real ones, each with its
own blind indexes), signs a coordinator in with a verified TOTP device, then times, over
--repeat runs each: the default change list (open requests, oldest first), its last page, a
filter on flags, and a search by exact e-mail and by phone. Prints the median and worst time and
the number of SQL queries of each.
"""

import datetime
import statistics
import time
import uuid

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import setup_test_environment, teardown_test_environment
from django.urls import reverse
from django.utils import timezone

from consultations.models import ConsultationRequest
from phi.crypto import email_blind_index, phone_blind_index

BATCH = 2000


def _reference(n):
    return f"TKW-{n // 10000:04d}-{n % 10000:04d}"


def _phone(n):
    return f"+1512{2_000_000 + n:07d}"  # exchanges 200-299: valid US numbers


class Command(BaseCommand):
    help = "Time the triage change list and a blind-index search over many requests."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=5)

    def handle(self, *args, count, repeat, **options):
        setup_test_environment()
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            self._run(count, repeat)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            teardown_test_environment()

    def _seed(self, count):
        started = time.perf_counter()
        now = timezone.now()
        statuses = ConsultationRequest.Status.values
        for start in range(0, count, BATCH):
            rows = []
            for n in range(start, min(start + BATCH, count)):
                email = f"person{n}@bench.example"
                phone = _phone(n)
                status = statuses[n % len(statuses)]
                closed = status == ConsultationRequest.Status.CLOSED
                rows.append(
                    ConsultationRequest(
                        reference=_reference(n),
                        idempotency_key=uuid.uuid4(),
                        created_at=now - datetime.timedelta(minutes=n),
                        status=status,
                        outcome="spam" if closed else "",
                        closed_at=now if closed else None,
                        contraindication_reported=n % 7 == 0,
                        inclusion_criteria_met=n % 3 == 0,
                        consent_notice_version="sha256:bench",
                        consented_at=now,
                        full_name=f"Bench Person {n}",
                        email=email,
                        phone=phone,
                        preferred_contact_method="phone",
                        email_blind_index=email_blind_index(email),
                        phone_blind_index=phone_blind_index(phone),
                    )
                )
            ConsultationRequest.objects.bulk_create(rows)
        return time.perf_counter() - started

    def _client(self):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        user = get_user_model().objects.create_user(username="bench", is_staff=True)
        user.groups.add(Group.objects.get(name="Intake coordinator"))
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        client = Client()
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    def _time(self, client, label, url, params, repeat):
        timings, queries = [], 0
        for _ in range(repeat):
            reset_queries()
            started = time.perf_counter()
            response = client.get(url, params, SERVER_NAME="testserver")
            timings.append((time.perf_counter() - started) * 1000)
            queries = len(connection.queries)
            if response.status_code != 200:
                raise RuntimeError(f"{label}: HTTP {response.status_code}")
        self.stdout.write(
            f"  {label:<38} median {statistics.median(timings):8.1f} ms   "
            f"worst {max(timings):8.1f} ms   {queries:3d} queries"
        )

    def _run(self, count, repeat):
        vendor = connection.vendor
        self.stdout.write(f"Seeding {count:,} consultation requests on {vendor}…")
        seconds = self._seed(count)
        self.stdout.write(f"  seeded in {seconds:.1f} s")
        client = self._client()
        url = reverse("admin:consultations_consultationrequest_changelist")
        middle = count // 2
        connection.force_debug_cursor = True  # count queries without DEBUG
        self.stdout.write(f"Timing ({repeat} runs each, after one warm-up):")
        client.get(url, SERVER_NAME="testserver")
        cases = [
            ("change list, default (open, oldest)", {}),
            ("change list, a page half-way", {"p": str(max(1, count * 4 // 5 // 50 // 2))}),
            (
                "change list, all statuses, flagged",
                {"status": "all", "contraindication_reported__exact": "1"},
            ),
            ("search by exact e-mail (blind index)", {"q": f"Person{middle}@Bench.example"}),
            ("search by phone (blind index)", {"q": _phone(middle)}),
            ("search by reference", {"q": _reference(middle).lower()}),
        ]
        for label, params in cases:
            self._time(client, label, url, params, repeat)
        connection.force_debug_cursor = False
