"""Benchmark data: 100,000 consultation requests and a signed-in staff session.

Run by bench/run.py as `python -m bench.seed` in the benchmark's environment (never against
a database anyone uses: see bench/server.py). Prints the session cookie as JSON.
"""

import datetime
import json
import uuid
from importlib import import_module

import django

ROWS = 100_000
BATCH = 2_000


def seed_requests():
    from django.utils import timezone

    from consultations.models import ConsultationRequest

    open_statuses = [
        status
        for status in ConsultationRequest.Status.values
        if status != ConsultationRequest.Status.CLOSED
    ]
    missing = ROWS - ConsultationRequest.objects.count()
    now = timezone.now()
    made = 0
    while made < missing:
        batch = []
        for _ in range(min(BATCH, missing - made)):
            made += 1
            received = now - datetime.timedelta(minutes=7 * made)
            batch.append(
                ConsultationRequest(
                    created_at=received,
                    status=open_statuses[made % len(open_statuses)],
                    idempotency_key=uuid.uuid4(),
                    contraindication_reported=made % 5 == 0,
                    inclusion_criteria_met=made % 3 == 0,
                    consent_notice_version="sha256:bench",
                    consented_at=received,
                    full_name=f"Bench Patient {made}",
                    email=f"patient{made}@bench.invalid",
                    phone="+15125550100",
                )
            )
        ConsultationRequest.objects.bulk_create(batch)
    return missing if missing > 0 else 0


def staff_session():
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )

    user, _ = get_user_model().objects.get_or_create(
        username="bench-staff", defaults={"is_staff": True, "is_superuser": True}
    )
    user.set_unusable_password()
    user.save()
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    _verify_second_factor(store, user)
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def _verify_second_factor(store, user):
    """Where the admin asks for a TOTP code (django-otp), mark the session as verified."""
    from django.apps import apps

    if not apps.is_installed("django_otp.plugins.otp_totp"):
        return
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="bench", defaults={"confirmed": True}
    )
    store[DEVICE_ID_SESSION_KEY] = device.persistent_id


if __name__ == "__main__":
    django.setup()
    created = seed_requests()
    print(json.dumps({"created": created, "cookie": staff_session()}))
