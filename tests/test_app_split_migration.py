"""Moving booking and the outbox out of the consultations app loses no row and no secret.

The database goes back to the layout before the move (consultations 0005, when requests,
bookings and queued e-mails were all the consultations app's), gets rows of every kind through
the models as they were then, and migrates forward. Every row must still be there, every
encrypted value readable, and the roles must still hold the permissions of the moved models.
"""

import datetime
import importlib
import uuid

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE_THE_MOVE = [("consultations", "0005_booking_roles"), ("audit", "0003_booking_actions")]
START = datetime.datetime(2031, 3, 3, 15, 0, tzinfo=datetime.UTC)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _rows_in_the_old_layout(apps, staff_id):
    ConsultationRequest = apps.get_model("consultations", "ConsultationRequest")
    ConsultationType = apps.get_model("consultations", "ConsultationType")
    Booking = apps.get_model("consultations", "Booking")
    BookingInvitation = apps.get_model("consultations", "BookingInvitation")
    Availability = apps.get_model("consultations", "Availability")
    OutboundEmail = apps.get_model("consultations", "OutboundEmail")
    AuditEntry = apps.get_model("audit", "AuditEntry")

    request = ConsultationRequest.objects.create(
        reference="TKW-MOVE-0001",
        idempotency_key=uuid.uuid4(),
        consent_notice_version="sha256:test",
        consented_at=timezone.now(),
        full_name="Zoë Quintanilla-O'Brien",
        email="zoe.q@example.org",
        phone="+15125550187",
        date_of_birth=datetime.date(1979, 4, 23),
        pain_level=7,
        symptoms=["fatigue", "fibro_fog"],
        current_medications="duloxetine 60 mg",
    )
    phone = ConsultationType.objects.create(name="Phone (30 minutes)", slug="phone", mode="phone")
    Availability.objects.create(
        staff_id=staff_id, weekday=0, start_time=datetime.time(9), end_time=datetime.time(12)
    )
    invitation = BookingInvitation.objects.create(consultation_request=request)
    booking = Booking.objects.create(
        consultation_request=request,
        staff_id=staff_id,
        consultation_type=phone,
        start=START,
        end=START + datetime.timedelta(minutes=30),
        status="confirmed",
        confirmed_at=timezone.now(),
    )
    OutboundEmail.objects.create(
        consultation_request=request,
        kind="patient_ack",
        recipients=["zoe.q@example.org"],
        subject="We received your consultation request (TKW-MOVE-0001)",
        body="Your reference is TKW-MOVE-0001.",
    )
    OutboundEmail.objects.create(
        kind="staff_alert",
        recipients=["intake@clinic.test"],
        subject="A mail about no request",
        body="-",
    )
    AuditEntry.objects.create(action="viewed", reference=request.reference, detail="detail page")
    return request.pk, invitation.key, booking.public_id


@pytest.mark.django_db(transaction=True)
def test_moving_booking_and_the_outbox_keeps_every_row_and_every_secret(django_user_model):
    staff = django_user_model.objects.create_user(username="ana", is_staff=True)
    try:
        old_apps = _migrate(BEFORE_THE_MOVE)
        request_pk, invitation_key, booking_id = _rows_in_the_old_layout(old_apps, staff.pk)
    finally:
        _migrate(_latest())
    ContentType.objects.clear_cache()

    from audit.models import AuditEntry
    from booking.models import Availability, Booking, BookingInvitation, ConsultationType
    from consultations.models import ConsultationRequest
    from outbox.models import OutboundEmail

    request = ConsultationRequest.objects.get(pk=request_pk)
    assert request.reference == "TKW-MOVE-0001"
    assert request.full_name == "Zoë Quintanilla-O'Brien"
    assert request.email == "zoe.q@example.org"
    assert request.phone == "+15125550187"
    assert request.date_of_birth == datetime.date(1979, 4, 23)
    assert request.pain_level == 7
    assert request.symptoms == ["fatigue", "fibro_fog"]
    assert request.current_medications == "duloxetine 60 mg"

    booking = Booking.objects.get(public_id=booking_id)
    assert booking.consultation_request_id == request_pk
    assert booking.start == START and booking.status == Booking.Status.CONFIRMED
    assert booking.staff_id == staff.pk
    assert booking.consultation_type == ConsultationType.objects.get(slug="phone")
    assert BookingInvitation.objects.get(key=invitation_key).consultation_request_id == request_pk
    assert Availability.objects.get().staff_id == staff.pk

    about_request = OutboundEmail.objects.get(kind="patient_ack")
    assert about_request.regarding == f"consultations.consultationrequest:{request_pk}"
    assert about_request.recipients == ["zoe.q@example.org"]
    assert about_request.body == "Your reference is TKW-MOVE-0001."
    with connection.cursor() as cursor:  # encrypted at rest since outbox 0002
        cursor.execute("SELECT body FROM consultations_outboundemail")
        assert not any("TKW-MOVE-0001" in body for (body,) in cursor.fetchall())
    assert OutboundEmail.objects.get(kind="staff_alert").regarding == ""

    assert AuditEntry.objects.filter(reference="TKW-MOVE-0001").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_roles_keep_the_permissions_of_the_moved_models():
    try:
        old_apps = _migrate(BEFORE_THE_MOVE)
        # A flushed test database has lost the roles: grant them as the old layout did.
        importlib.import_module("consultations.migrations.0004_staff_roles").create_roles(
            old_apps, None
        )
        importlib.import_module("consultations.migrations.0005_booking_roles").grant(old_apps, None)
    finally:
        _migrate(_latest())
    ContentType.objects.clear_cache()

    def held(role):
        permissions = Group.objects.get(name=role).permissions
        return set(permissions.values_list("content_type__app_label", "codename"))

    assert ("booking", "change_booking") in held("Intake coordinator")
    assert ("booking", "add_availability") in held("Clinician")
    assert not ContentType.objects.filter(
        app_label="consultations", model__in=["booking", "outboundemail"]
    ).exists()
    assert Permission.objects.filter(content_type__app_label="outbox").exists()
