"""A week's hours on one screen: one form sets one staff member's ranges for all seven days."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.contrib.admin.models import ADDITION, DELETION, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from booking import services
from booking.models import Availability
from tests.admin_forms import form_data
from tests.booking.factories import AvailabilityFactory, StaffFactory

pytestmark = pytest.mark.django_db

WEEK = "admin:booking_availability_week"


def _page_form(response):
    """The week form's fields as the page shows them: what a browser would send back."""
    return form_data(response, "week-hours-form")


def _rows_for(data, weekday):
    """The form prefixes of the rows for one weekday, in page order."""
    return [
        name.removesuffix("-weekday")
        for name, value in data.items()
        if name.endswith("-weekday") and value == str(weekday)
    ]


def _fill(data, prefix, start, end):
    data[f"{prefix}-start_time"], data[f"{prefix}-end_time"] = start, end


@pytest.fixture
def as_clinician(client, otp_login, clinician):
    return otp_login(client, clinician)


def test_one_post_saves_seven_days_of_hours_with_two_ranges_on_monday(as_clinician, clinician):
    url = reverse(WEEK)
    data = _page_form(as_clinician.get(url))
    for weekday in range(7):
        _fill(data, _rows_for(data, weekday)[0], "09:00", "12:00")
    _fill(data, _rows_for(data, 0)[1], "13:00", "17:00")

    response = as_clinician.post(url, data)

    assert response.status_code == 302
    windows = Availability.objects.filter(staff=clinician)
    assert sorted(set(windows.values_list("weekday", flat=True))) == list(range(7))
    assert list(windows.filter(weekday=0).values_list("start_time", "end_time")) == [
        (datetime.time(9), datetime.time(12)),
        (datetime.time(13), datetime.time(17)),
    ]
    assert LogEntry.objects.filter(user=clinician, action_flag=ADDITION).count() == 8


def test_an_end_before_the_start_is_refused_in_words_beside_that_range(as_clinician):
    url = reverse(WEEK)
    data = _page_form(as_clinician.get(url))
    _fill(data, _rows_for(data, 2)[0], "12:00", "09:00")

    response = as_clinician.post(url, data)

    assert response.status_code == 200
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    errors = [li.get_text(strip=True) for li in soup.select(".field-end_time .errorlist li")]
    assert errors == ["The end time must be after the start time."]
    assert "availability_ends_after_start" not in response.content.decode()
    assert not Availability.objects.exists()


def test_overlapping_ranges_on_one_day_are_refused_in_words(as_clinician):
    url = reverse(WEEK)
    data = _page_form(as_clinician.get(url))
    first, second = _rows_for(data, 4)
    _fill(data, first, "09:00", "12:00")
    _fill(data, second, "11:00", "14:00")

    response = as_clinician.post(url, data)

    assert response.status_code == 200
    assert "These hours overlap Friday 09:00–12:00" in response.content.decode()
    assert not Availability.objects.exists()


def test_unchanged_ranges_stay_and_a_removed_one_is_deleted(as_clinician, clinician):
    kept = AvailabilityFactory(staff=clinician, weekday=1)
    gone = AvailabilityFactory(staff=clinician, weekday=3)
    url = reverse(WEEK)
    data = _page_form(as_clinician.get(url))
    gone_prefix = next(p for p in _rows_for(data, 3) if data.get(f"{p}-id") == str(gone.pk))
    data[f"{gone_prefix}-DELETE"] = "on"

    response = as_clinician.post(url, data)

    assert response.status_code == 302
    assert list(Availability.objects.values_list("pk", flat=True)) == [kept.pk]
    assert LogEntry.objects.filter(user=clinician, action_flag=DELETION).count() == 1


def test_a_coordinator_sets_a_clinicians_week_and_the_picker_offers_only_consultation_staff(
    client, otp_login, coordinator, content_editor
):
    clinician = StaffFactory(first_name="Ana", last_name="Ruiz")
    otp_login(client, coordinator)

    picker = BeautifulSoup(client.get(reverse(WEEK)).content.decode(), "html.parser")
    offered = {o.get_text(strip=True) for o in picker.select("select[name=staff] option")}
    assert "Ana Ruiz" in offered and content_editor.username not in offered

    url = f"{reverse(WEEK)}?staff={clinician.pk}"
    data = _page_form(client.get(url))
    _fill(data, _rows_for(data, 0)[0], "08:00", "10:00")
    assert client.post(url, data).status_code == 302
    assert Availability.objects.get().staff == clinician


def test_a_clinician_keeps_only_their_own_week(as_clinician, clinician):
    colleague = StaffFactory()
    url = f"{reverse(WEEK)}?staff={colleague.pk}"
    data = _page_form(as_clinician.get(url))
    _fill(data, _rows_for(data, 0)[0], "08:00", "10:00")

    as_clinician.post(url, data)

    assert not Availability.objects.filter(staff=colleague).exists()
    assert Availability.objects.get().staff == clinician  # the form was always their own


def test_the_service_refuses_another_persons_week_and_staff_who_take_no_consultations(
    clinician, content_editor, admin_user
):
    colleague = StaffFactory()
    window = Availability(weekday=0, start_time=datetime.time(9), end_time=datetime.time(10))

    with pytest.raises(PermissionDenied):
        services.availability_week_set(staff=colleague, windows=[window], by=clinician)
    with pytest.raises(ValidationError) as refused:
        services.availability_week_set(staff=content_editor, windows=[window], by=admin_user)

    assert "does not take consultations" in refused.value.messages[0]
    assert not Availability.objects.exists()


def test_a_content_editor_cannot_open_the_week_screen(client, otp_login, content_editor):
    otp_login(client, content_editor)

    assert client.get(reverse(WEEK)).status_code == 403
