"""`rotate_field_keys`: every encrypted value of every model moves to the first key."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from consultations.models import ConsultationRequest
from outbox.models import OutboundEmail
from tests.consultations.factories import (
    ConsultationRequestFactory,
    create_request,
)

pytestmark = pytest.mark.django_db
SMTP_DOWN = "tests.consultations.mail_backends.SMTPDownBackend"


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _raw_tokens():
    with connection.cursor() as cursor:
        cursor.execute("SELECT full_name, email FROM consultations_consultationrequest")
        rows = cursor.fetchall()
        cursor.execute("SELECT recipients FROM consultations_outboundemail")
        return rows + cursor.fetchall()


def test_key_rotation_keeps_every_row_readable(settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    requests = [create_request(full_name=f"Patient {n}") for n in range(5)]
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    out = run("rotate_field_keys", "--batch-size", "2")
    assert "ConsultationRequest: 5 row(s) re-encrypted" in out
    assert "OutboundEmail: 10 row(s) re-encrypted" in out
    new = Fernet(new_key.encode())
    for row in _raw_tokens():
        for token in row:
            new.decrypt(token.encode())  # raises if any value is still under the old key
    # The old key can go: every row reads back with the new key alone.
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    names = sorted(ConsultationRequest.objects.values_list("full_name", flat=True))
    assert names == [r.full_name for r in requests]
    assert all(e.recipients for e in OutboundEmail.objects.all())


def test_key_rotation_resumes_where_it_stopped(settings, monkeypatch):
    from phi import crypto

    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    new_key = Fernet.generate_key().decode()
    for n in range(4):
        ConsultationRequestFactory(full_name=f"Patient {n}")
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    real_rotate = crypto.rotate_token
    calls = {"n": 0}

    def interrupted(token):
        calls["n"] += 1
        if calls["n"] > 8:
            raise KeyboardInterrupt
        return real_rotate(token)

    monkeypatch.setattr(crypto, "rotate_token", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run("rotate_field_keys", "--batch-size", "1")
    monkeypatch.setattr(crypto, "rotate_token", real_rotate)
    out = run("rotate_field_keys", "--batch-size", "1")
    rotated = int(out.split("ConsultationRequest: ")[1].split(" row")[0])
    assert 0 < rotated < 4  # the rows finished before the interruption were skipped
    assert "ConsultationRequest: 0 row(s) re-encrypted" in run("rotate_field_keys")
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    names = sorted(ConsultationRequest.objects.values_list("full_name", flat=True))
    assert names == [f"Patient {n}" for n in range(4)]
