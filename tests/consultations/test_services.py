import uuid

import pytest
from django.core import mail
from django.db import transaction

from consultations.models import ConsultationRequest, EmailKind
from consultations.services import consultation_request_create, screening_flags_derive
from outbox.models import OutboundEmail
from phi.crypto import email_blind_index, phone_blind_index

from .factories import cleaned_answers

pytestmark = pytest.mark.django_db


def create(key=None, **overrides):
    return consultation_request_create(
        answers=cleaned_answers(**overrides),
        idempotency_key=key or uuid.uuid4(),
        consent_notice_version="sha256:0123456789abcdef",
    )


def test_create_saves_the_request_with_flags_blind_indexes_and_consent():
    request, created = create()
    assert created
    assert request.status == ConsultationRequest.Status.NEW
    assert request.email_blind_index == email_blind_index("zoe.quintanilla@example.org")
    assert request.phone_blind_index == phone_blind_index("+15125550187")
    assert request.consent_notice_version == "sha256:0123456789abcdef"
    assert request.inclusion_criteria_met
    assert not request.contraindication_reported


def test_create_queues_a_staff_alert_and_a_patient_acknowledgement():
    request, _ = create()
    kinds = dict(OutboundEmail.objects.values_list("kind", "regarding"))
    assert kinds == {
        EmailKind.STAFF_ALERT: f"consultations.consultationrequest:{request.pk}",
        EmailKind.PATIENT_ACKNOWLEDGEMENT: f"consultations.consultationrequest:{request.pk}",
    }
    assert mail.outbox == []  # queued, not sent inside the request


def test_same_idempotency_key_returns_the_first_request():
    key = uuid.uuid4()
    first, created_first = create(key)
    second, created_second = create(key, full_name="Someone Else")
    assert created_first and not created_second
    assert first.pk == second.pk
    assert ConsultationRequest.objects.count() == 1
    assert OutboundEmail.objects.count() == 2


def test_a_reference_collision_draws_a_new_reference(monkeypatch):
    taken, _ = create()
    field = ConsultationRequest._meta.get_field("reference")
    fresh = iter([taken.reference, "TKW-AAAA-BBBB"])
    monkeypatch.setattr(field, "get_default", lambda: next(fresh))
    request, created = create()
    assert created and request.reference == "TKW-AAAA-BBBB"


def test_emails_are_queued_only_when_the_transaction_commits(
    django_capture_on_commit_callbacks, settings
):
    settings.OUTBOX_SEND_IN_PROCESS = True
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        create()
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 2


def test_a_rolled_back_request_leaves_no_queued_email():
    with pytest.raises(RuntimeError), transaction.atomic():
        create()
        raise RuntimeError("later step failed")
    assert ConsultationRequest.objects.count() == 0
    assert OutboundEmail.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "contraindication"),
    [
        ({}, False),
        ({"heart_condition": "yes"}, True),
        ({"heart_condition": "not_sure"}, False),
        ({"high_blood_pressure": "uncontrolled"}, True),
        ({"high_blood_pressure": "controlled"}, False),
        ({"substance_use_concern": "yes"}, True),
        ({"psychiatric_history": "yes"}, True),
    ],
)
def test_screening_answer_flags_contraindications(overrides, contraindication):
    flags = screening_flags_derive(answers=cleaned_answers(**overrides))
    assert flags.contraindication_reported is contraindication
    if contraindication:
        assert not flags.inclusion_criteria_met


@pytest.mark.parametrize(
    ("overrides", "met"),
    [
        ({}, True),
        ({"diagnosis": "not_sure"}, False),
        ({"daily_impact": "some"}, False),
        ({"pain_level": 3}, False),
        ({"treatments_tried": []}, False),
    ],
)
def test_inclusion_criteria_mirror_the_page(overrides, met):
    assert (
        screening_flags_derive(answers=cleaned_answers(**overrides)).inclusion_criteria_met is met
    )


def test_a_request_that_loses_the_insert_race_returns_the_winner(monkeypatch):
    from consultations import services

    key = uuid.uuid4()
    winner, _ = create(key)
    # As if both requests checked for the key before either had inserted it.
    monkeypatch.setattr(services, "_request_for_key", lambda key: None)
    loser, created = create(key, full_name="Racing Twin")
    assert not created
    assert loser.pk == winner.pk
    assert ConsultationRequest.objects.count() == 1
    assert OutboundEmail.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submissions_of_one_form_make_one_request(monkeypatch):
    import threading

    from django.db import connection

    from consultations import services

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL's row locks")
    key = uuid.uuid4()
    barrier = threading.Barrier(2)
    real_lookup = services._request_for_key

    def both_check_then_insert(key):
        found = real_lookup(key)
        barrier.wait(timeout=10)  # neither inserts before both have looked
        return found

    monkeypatch.setattr(services, "_request_for_key", both_check_then_insert)
    results = []

    def submit():
        try:
            results.append(create(key))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(results) == 2
    assert sorted(created for _request, created in results) == [False, True]
    assert len({request.pk for request, _created in results}) == 1
    assert ConsultationRequest.objects.count() == 1
