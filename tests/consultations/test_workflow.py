"""The staff workflow in consultations/services.py: transitions, concurrency, notes, screening."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from audit.models import AuditEntry
from consultations.models import ConsultationNote, ConsultationRequest, NotesAreAppendOnly
from consultations.services import (
    TRANSITIONS,
    ConcurrentChangeError,
    WorkflowError,
    consultation_note_add,
    consultation_request_assign,
    consultation_request_record_screening,
    consultation_request_transition,
)

from .factories import ConsultationRequestFactory

Status = ConsultationRequest.Status
Outcome = ConsultationRequest.Outcome

pytestmark = pytest.mark.django_db


def test_a_request_goes_from_new_to_closed_and_every_step_is_audited(coordinator):
    request = ConsultationRequestFactory()
    for status in (Status.IN_REVIEW, Status.CONTACTED, Status.SCHEDULED):
        consultation_request_transition(request=request, to=status, by=coordinator)
    consultation_request_transition(
        request=request, to=Status.CLOSED, outcome=Outcome.SUITABLE, by=coordinator
    )

    request.refresh_from_db()
    assert request.status == Status.CLOSED
    assert request.outcome == Outcome.SUITABLE
    assert request.closed_at is not None
    assert request.version == 4
    details = list(
        AuditEntry.objects.filter(reference=request.reference, actor=coordinator)
        .order_by("pk")
        .values_list("action", "detail")
    )
    assert details == [
        ("transitioned", "New → In review"),
        ("transitioned", "In review → Contacted"),
        ("transitioned", "Contacted → Consultation scheduled"),
        ("transitioned", "Consultation scheduled → Closed (Suitable for evaluation)"),
    ]


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (start, to)
        for start in Status.values
        for to in Status.values
        if to not in TRANSITIONS[start]
    ],
)
def test_a_transition_outside_the_table_is_refused_with_a_message(coordinator, start, to):
    closed = start == Status.CLOSED
    request = ConsultationRequestFactory(
        status=start,
        outcome=Outcome.SPAM if closed else "",
        closed_at=timezone.now() if closed else None,
    )
    with pytest.raises(WorkflowError) as error:
        consultation_request_transition(
            request=request,
            to=to,
            outcome=Outcome.SPAM if to == Status.CLOSED else "",
            by=coordinator,
        )
    assert error.value.code == "transition_not_allowed"
    assert "cannot move" in error.value.messages[0]
    request.refresh_from_db()
    assert request.status == start
    assert not AuditEntry.objects.filter(action="transitioned").exists()


def test_closing_needs_an_outcome_and_only_closing_takes_one(coordinator):
    request = ConsultationRequestFactory()
    with pytest.raises(WorkflowError, match="closing outcome"):
        consultation_request_transition(request=request, to=Status.CLOSED, by=coordinator)
    with pytest.raises(WorkflowError, match="Only a closed request"):
        consultation_request_transition(
            request=request, to=Status.IN_REVIEW, outcome=Outcome.SPAM, by=coordinator
        )
    assert ConsultationRequest.objects.get(pk=request.pk).status == Status.NEW


def test_the_second_of_two_concurrent_changes_is_told_and_overwrites_nothing(
    coordinator, make_staff
):
    other = make_staff("other-coordinator", "Intake coordinator")
    request = ConsultationRequestFactory()
    # Both load version 0.
    mine = ConsultationRequest.objects.get(pk=request.pk)
    theirs = ConsultationRequest.objects.get(pk=request.pk)

    consultation_request_assign(request=theirs, assignee=other, by=other, expected_version=0)
    with pytest.raises(ConcurrentChangeError, match="changed by someone else"):
        consultation_request_transition(
            request=mine, to=Status.IN_REVIEW, by=coordinator, expected_version=0
        )

    request.refresh_from_db()
    assert request.assigned_to == other
    assert request.status == Status.NEW
    assert request.version == 1


def test_a_stale_status_change_cannot_undo_a_newer_one(coordinator):
    request = ConsultationRequestFactory()
    stale = ConsultationRequest.objects.get(pk=request.pk)
    consultation_request_transition(
        request=request, to=Status.CLOSED, outcome=Outcome.SPAM, by=coordinator
    )
    with pytest.raises(WorkflowError):
        consultation_request_transition(request=stale, to=Status.IN_REVIEW, by=coordinator)
    assert ConsultationRequest.objects.get(pk=request.pk).status == Status.CLOSED


def test_only_people_who_can_see_requests_can_be_assigned_one(coordinator, content_editor):
    request = ConsultationRequestFactory()
    with pytest.raises(WorkflowError, match="cannot see consultation requests"):
        consultation_request_assign(request=request, assignee=content_editor, by=coordinator)
    consultation_request_assign(request=request, assignee=coordinator, by=coordinator)
    assert ConsultationRequest.objects.get(pk=request.pk).assigned_to == coordinator
    assert AuditEntry.objects.get(action="assigned").detail == "to coordinator"


def test_roles_hold_exactly_their_workflow_permissions(coordinator, clinician, content_editor):
    request = ConsultationRequestFactory()
    with pytest.raises(PermissionDenied):
        consultation_request_transition(request=request, to=Status.IN_REVIEW, by=clinician)
    with pytest.raises(PermissionDenied):
        consultation_request_record_screening(request=request, outcome="cleared", by=coordinator)
    with pytest.raises(PermissionDenied):
        consultation_note_add(
            request=request, by=coordinator, text="x", kind=ConsultationNote.Kind.CLINICAL
        )
    for user in (content_editor,):
        with pytest.raises(PermissionDenied):
            consultation_request_assign(request=request, assignee=None, by=user)


def test_notes_are_append_only_and_encrypted(coordinator, clinician):
    request = ConsultationRequestFactory()
    note = consultation_note_add(request=request, by=coordinator, text="Left a voicemail, ibis")
    consultation_note_add(
        request=request,
        by=clinician,
        text="BP history needs a look",
        kind=ConsultationNote.Kind.CLINICAL,
    )
    assert [n.author for n in request.notes.all()] == [coordinator, clinician]
    note.text = "changed"
    with pytest.raises(NotesAreAppendOnly):
        note.save()
    with pytest.raises(NotesAreAppendOnly):
        note.delete()
    with pytest.raises(NotesAreAppendOnly):
        ConsultationNote.objects.filter(pk=note.pk).update(text="changed")

    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM consultations_consultationnote")
        raw = " ".join(row[0] for row in cursor.fetchall())
    assert "ibis" not in raw
    assert AuditEntry.objects.filter(action="noted").count() == 2
    assert "ibis" not in " ".join(AuditEntry.objects.values_list("detail", flat=True))


def test_an_empty_note_is_refused(coordinator):
    with pytest.raises(WorkflowError, match="Write the note"):
        consultation_note_add(request=ConsultationRequestFactory(), by=coordinator, text="  ")


def test_a_clinician_records_the_screening_outcome(clinician):
    request = ConsultationRequestFactory()
    consultation_request_record_screening(request=request, outcome="cleared", by=clinician)
    request.refresh_from_db()
    assert request.screening_outcome == "cleared"
    assert request.screening_recorded_by == clinician
    assert request.screening_recorded_at is not None
    assert AuditEntry.objects.get(action="screened").reference == request.reference


def test_the_retention_purge_removes_staff_notes_with_the_answers(coordinator):
    from consultations.services import consultation_request_purge

    request = ConsultationRequestFactory()
    consultation_note_add(request=request, by=coordinator, text="Spoke to her daughter")
    consultation_request_transition(
        request=request, to=Status.CLOSED, outcome=Outcome.DECLINED, by=coordinator
    )
    consultation_request_purge(older_than_days=0, now=timezone.now() + datetime.timedelta(days=1))
    assert not ConsultationNote.objects.filter(consultation_request=request).exists()
    assert AuditEntry.objects.filter(reference=request.reference, action="noted").exists()
