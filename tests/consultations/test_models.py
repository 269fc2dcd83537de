import re

import pytest
from django.db import connection

from consultations.models import REFERENCE_ALPHABET, ConsultationRequest, new_reference
from phi.crypto import DecryptionError

from .factories import PHI_PROBES, ConsultationRequestFactory, create_request

pytestmark = pytest.mark.django_db

FERNET_TOKEN = re.compile(r"gAAAAA[A-Za-z0-9_=-]+")


def _raw_rows(table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return [" ".join(str(value) for value in row) for row in cursor.fetchall()]


def test_raw_rows_hold_no_submitted_value_in_plaintext():
    create_request()
    rows = _raw_rows(ConsultationRequest._meta.db_table)
    rows += _raw_rows("consultations_outboundemail")
    assert len(rows) == 3
    # Fernet tokens are opaque base64: a short probe ("Zozo") can turn up in one by chance.
    dump = FERNET_TOKEN.sub("[token]", "\n".join(rows)).lower()
    assert "[token]" in dump
    for probe in PHI_PROBES:
        assert probe.lower() not in dump, probe
    # Nor the choice answers and scores, which would read as plain words and numbers.
    for answer in ("severe", "anticonvulsants", "fibro_fog", "controlled", "morning"):
        assert answer not in dump


def test_encrypted_values_read_back_as_typed():
    request = create_request()
    request = ConsultationRequest.objects.get(pk=request.pk)
    assert request.full_name == "Zoë Quintanilla-O'Brien"
    assert request.date_of_birth.isoformat() == "1979-04-23"
    assert request.pain_level == 7
    assert request.symptoms == ["widespread_pain", "fibro_fog"]
    assert request.get_daily_impact_display().startswith("Severely")


def test_a_changed_ciphertext_is_detected_not_silently_decrypted():
    request = ConsultationRequestFactory(full_name="Rosalind Ferreira")
    table = ConsultationRequest._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT full_name FROM {table} WHERE id = %s", [request.pk])  # noqa: S608
        token = cursor.fetchone()[0]
        # Flip one character in the middle of the token (still valid base64).
        middle = len(token) // 2
        flipped = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]
        cursor.execute(
            f"UPDATE {table} SET full_name = %s WHERE id = %s",  # noqa: S608
            [flipped, request.pk],
        )
    with pytest.raises(DecryptionError):
        ConsultationRequest.objects.get(pk=request.pk)


def test_encrypted_fields_refuse_lookups_that_could_not_work():
    from django.core.exceptions import FieldError

    with pytest.raises(FieldError):
        list(ConsultationRequest.objects.filter(email="someone@example.org"))
    assert ConsultationRequest.objects.filter(email__isnull=True).count() == 0


def test_reference_is_readable_and_not_the_row_id():
    for _ in range(50):
        reference = new_reference()
        assert re.fullmatch(
            rf"TKW-[{REFERENCE_ALPHABET}]{{4}}-[{REFERENCE_ALPHABET}]{{4}}", reference
        )
    request = ConsultationRequestFactory()
    assert str(request.pk) not in request.reference.split("-")


def test_reference_and_idempotency_key_are_unique_in_the_database():
    from django.db import IntegrityError, transaction

    first = ConsultationRequestFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationRequestFactory(reference=first.reference)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationRequestFactory(idempotency_key=first.idempotency_key)


def test_closed_at_is_set_exactly_when_closed_in_the_database():
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationRequestFactory(status=ConsultationRequest.Status.CLOSED)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationRequestFactory(closed_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationRequestFactory(outcome=ConsultationRequest.Outcome.SPAM)
    ConsultationRequestFactory(
        status=ConsultationRequest.Status.CLOSED,
        closed_at=timezone.now(),
        outcome=ConsultationRequest.Outcome.SPAM,
    )


def test_earlier_requests_from_the_same_person_are_found_through_the_blind_index():
    first = create_request()
    second = create_request(email="  ZOE.quintanilla@example.ORG ", phone="+15125550999")
    third = create_request(email="someone.else@example.org", phone="+15125550187")
    create_request(email="stranger@example.org", phone="+15125550100")
    same_person = ConsultationRequest.objects.from_same_person_as(first)
    assert set(same_person) == {second, third}
