"""Whose hours a person may keep (issue 21, point 4).

Clinicians keep only their own weekly availability and date exceptions; intake coordinators
(and superusers) keep everyone's; only active staff allowed to take consultations can be
given hours, and only their hours are offered to patients.
"""

import datetime

import pytest
from django.urls import reverse

from booking import selectors, services
from booking.models import Availability, AvailabilityException
from tests.booking.factories import (
    AvailabilityExceptionFactory,
    AvailabilityFactory,
    weekday_windows,
)

pytestmark = pytest.mark.django_db

EVERY_DAY = range(7)


def _window_form(staff, **extra):
    return {
        "staff": str(staff.pk),
        "weekday": "2",
        "start_time": "09:00",
        "end_time": "12:00",
        "consultation_type": "",
        **extra,
    }


def _exception_form(staff, **extra):
    return {
        "staff": str(staff.pk),
        "date": "2031-03-05",
        "kind": "closed",
        "start_time": "",
        "end_time": "",
        "consultation_type": "",
        "note": "",
        **extra,
    }


def _url(model, view, *args):
    return reverse(f"admin:booking_{model}_{view}", args=args)


@pytest.fixture
def as_clinician(client, otp_login, clinician):
    return otp_login(client, clinician)


@pytest.fixture
def as_coordinator(client, otp_login, coordinator):
    return otp_login(client, coordinator)


def test_a_clinician_cannot_give_a_content_editor_hours_by_a_forged_post(
    as_clinician, content_editor
):
    response = as_clinician.post(_url("availability", "add"), _window_form(content_editor))

    assert response.status_code == 200
    assert "You can keep only your own hours." in response.text
    assert not Availability.objects.exists()


def test_a_clinician_cannot_give_another_clinician_a_date_exception(as_clinician, make_staff):
    colleague = make_staff("colleague", "Clinician")

    response = as_clinician.post(_url("availabilityexception", "add"), _exception_form(colleague))

    assert response.status_code == 200
    assert "You can keep only your own hours." in response.text
    assert not AvailabilityException.objects.exists()


@pytest.mark.parametrize("model", ["availability", "availabilityexception"])
def test_a_clinician_can_neither_see_change_nor_delete_the_superusers_hours(
    as_clinician, admin_user, model
):
    if model == "availability":
        row = AvailabilityFactory(staff=admin_user)
        edit = _window_form(admin_user, start_time="06:00")
    else:
        row = AvailabilityExceptionFactory(staff=admin_user, date=datetime.date(2031, 3, 5))
        edit = _exception_form(admin_user, note="moved")

    listed = as_clinician.get(_url(model, "changelist")).context["cl"].result_list
    assert row not in listed
    for view in ("change", "delete", "history"):
        assert as_clinician.get(_url(model, view, row.pk)).status_code in (403, 404), view
    assert as_clinician.post(_url(model, "change", row.pk), edit).status_code in (403, 404)
    assert as_clinician.post(_url(model, "delete", row.pk), {"post": "yes"}).status_code in (
        403,
        404,
    )
    bulk = {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}
    as_clinician.post(_url(model, "changelist"), bulk)

    row.refresh_from_db()
    assert row.staff == admin_user
    assert getattr(row, "start_time", None) != datetime.time(6, 0)
    assert getattr(row, "note", "") == ""


def test_a_clinician_keeps_their_own_hours(as_clinician, clinician):
    add = as_clinician.get(_url("availability", "add"))
    staff_field = add.context["adminform"].form.fields["staff"]
    assert list(staff_field.queryset) == [clinician]
    assert add.context["adminform"].form["staff"].value() == clinician.pk

    response = as_clinician.post(_url("availability", "add"), _window_form(clinician))
    assert response.status_code == 302
    window = Availability.objects.get()
    assert window.staff == clinician

    response = as_clinician.post(
        _url("availability", "change", window.pk), _window_form(clinician, end_time="13:00")
    )
    assert response.status_code == 302
    window.refresh_from_db()
    assert window.end_time == datetime.time(13, 0)

    response = as_clinician.post(_url("availabilityexception", "add"), _exception_form(clinician))
    assert response.status_code == 302
    exception = AvailabilityException.objects.get()
    listed = as_clinician.get(_url("availabilityexception", "changelist")).context["cl"]
    assert list(listed.result_list) == [exception]

    for model, pk in (("availability", window.pk), ("availabilityexception", exception.pk)):
        response = as_clinician.post(_url(model, "delete", pk), {"post": "yes"})
        assert response.status_code == 302
    assert not Availability.objects.exists()
    assert not AvailabilityException.objects.exists()


def test_a_coordinator_keeps_everyones_hours(as_coordinator, clinician, admin_user):
    superusers_window = AvailabilityFactory(staff=admin_user)

    response = as_coordinator.post(_url("availability", "add"), _window_form(clinician))
    assert response.status_code == 302
    assert Availability.objects.filter(staff=clinician).exists()

    response = as_coordinator.post(
        _url("availability", "change", superusers_window.pk),
        _window_form(admin_user, end_time="11:00"),
    )
    assert response.status_code == 302
    superusers_window.refresh_from_db()
    assert superusers_window.end_time == datetime.time(11, 0)

    response = as_coordinator.post(_url("availabilityexception", "add"), _exception_form(clinician))
    assert response.status_code == 302

    response = as_coordinator.post(
        _url("availability", "delete", superusers_window.pk), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Availability.objects.filter(pk=superusers_window.pk).exists()


def test_only_active_staff_who_take_consultations_are_offered_as_staff(
    as_coordinator, clinician, admin_user, content_editor, coordinator, make_staff
):
    gone = make_staff("gone", "Clinician", is_active=False)

    for model in ("availability", "availabilityexception"):
        form = as_coordinator.get(_url(model, "add")).context["adminform"].form
        assert set(form.fields["staff"].queryset) == {clinician, admin_user}, model

    for forged in (content_editor, coordinator, gone):
        response = as_coordinator.post(_url("availability", "add"), _window_form(forged))
        assert response.status_code == 200
        assert "Choose a staff member who takes consultations" in response.text
    assert not Availability.objects.exists()


def test_windows_of_staff_who_may_not_take_consultations_yield_no_slots(
    phone, clinician, content_editor, make_staff
):
    gone = make_staff("gone", "Clinician", is_active=False)
    for staff in (clinician, content_editor, gone):
        weekday_windows(staff, days=EVERY_DAY)

    offered = {slot.staff_id for slot in selectors.available_slots(consultation_type=phone)}
    assert offered == {clinician.pk}

    clinician.groups.clear()  # no longer takes consultations
    assert selectors.available_slots(consultation_type=phone) == []


def test_a_time_of_staff_who_may_no_longer_take_consultations_cannot_be_booked(
    phone, patient_request, clinician
):
    weekday_windows(clinician, days=EVERY_DAY)
    slot = selectors.available_slots(consultation_type=phone)[0]
    clinician.is_active = False
    clinician.save(update_fields=["is_active"])

    with pytest.raises(services.SlotUnavailable) as refused:
        services.booking_request_create(
            consultation_request=patient_request,
            consultation_type=phone,
            staff_id=clinician.pk,
            start=slot.start,
        )
    assert refused.value.code == "unavailable"
