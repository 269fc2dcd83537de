"""The consultation calendar: day and week grids in clinic time, per staff member or the whole
clinic, server-rendered and printable, each booking linking to its request; "My consultations"."""

import datetime
import re
from datetime import UTC
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from booking.models import Booking, ClinicClosure
from tests.booking.factories import BookingFactory, StaffFactory, weekday_windows
from tests.consultations.factories import ConsultationRequestFactory

pytestmark = pytest.mark.django_db

CALENDAR = "admin:booking_booking_calendar"
MINE = "admin:booking_booking_mine"
MONDAY = datetime.date(2031, 1, 6)  # standard time: Central is UTC-6 all week


def _utc(*args):
    return datetime.datetime(*args, tzinfo=UTC)


def _soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def _cell(soup, hour, day):
    row = next(
        tr for tr in soup.select("table.calendar tbody tr") if tr.th.get_text(strip=True) == hour
    )
    return row.select_one(f'td[data-day="{day:%Y-%m-%d}"]')


def _calendar_css(soup):
    """The calendar's stylesheet, linked from the page: (screen rules, print rules)."""
    sheet = next(
        link["href"] for link in soup.select("link[rel=stylesheet]") if "calendar" in link["href"]
    )
    css = (Path(settings.BASE_DIR) / "static" / sheet.removeprefix(settings.STATIC_URL)).read_text()
    split = css.index("@media print")
    return css[:split], css[split:]


@pytest.fixture
def ana():
    return StaffFactory(first_name="Ana", last_name="Ruiz")


@pytest.fixture
def ben():
    return StaffFactory(first_name="Ben", last_name="Okafor")


@pytest.fixture
def as_clinician(client, otp_login, clinician):
    return otp_login(client, clinician)


def test_week_calendar_puts_bookings_in_their_clinic_day_and_hour_near_midnight_utc(
    admin_client, ana
):
    # 00:30 UTC on Wednesday is 18:30 on Tuesday in Chicago; 05:45 UTC is 23:45 on Tuesday.
    evening = BookingFactory(staff=ana, start=_utc(2031, 1, 8, 0, 30))
    late = BookingFactory(staff=ana, start=_utc(2031, 1, 8, 5, 45))

    response = admin_client.get(reverse(CALENDAR), {"view": "week", "date": "2031-01-08"})

    assert response.status_code == 200
    soup = _soup(response)
    tuesday, wednesday = MONDAY + datetime.timedelta(1), MONDAY + datetime.timedelta(2)
    heads = [th.get_text(" ", strip=True) for th in soup.select("table.calendar thead th")]
    assert heads[1].startswith("Monday 6 Jan") and len(heads) == 8
    evening_cell = _cell(soup, "18:00", tuesday)
    assert evening.consultation_request.reference in evening_cell.get_text()
    assert "18:30–19:00" in evening_cell.get_text()
    assert late.consultation_request.reference in _cell(soup, "23:00", tuesday).get_text()
    wednesday_cells = soup.select(f'td[data-day="{wednesday:%Y-%m-%d}"]')
    assert wednesday_cells
    assert not any(
        booking.consultation_request.reference in cell.get_text()
        for cell in wednesday_cells
        for booking in (evening, late)
    )


def test_each_booking_links_to_its_request_and_to_the_booking(admin_client, ana):
    booking = BookingFactory(staff=ana, start=_utc(2031, 1, 7, 16, 0))

    soup = _soup(admin_client.get(reverse(CALENDAR), {"view": "day", "date": "2031-01-07"}))

    links = {a["href"] for a in _cell(soup, "10:00", MONDAY + datetime.timedelta(1)).select("a")}
    assert booking.consultation_request.get_admin_url() in links
    assert reverse("admin:booking_booking_change", args=[booking.pk]) in links


def test_the_calendar_shows_only_the_reference_of_the_patient(admin_client, ana):
    patient = ConsultationRequestFactory(full_name="Quillon Vexmoor", email="qv@example.org")
    BookingFactory(staff=ana, consultation_request=patient, start=_utc(2031, 1, 7, 16, 0))

    page = admin_client.get(reverse(CALENDAR), {"date": "2031-01-07"}).content.decode()

    assert patient.reference in page
    assert "Vexmoor" not in page and "qv@example.org" not in page


def test_one_staff_members_day_shows_their_bookings_and_hours_only(admin_client, ana, ben):
    weekday_windows(ana, start=datetime.time(9, 0), end=datetime.time(12, 0))
    weekday_windows(ben, start=datetime.time(13, 0), end=datetime.time(17, 0))
    hers = BookingFactory(staff=ana, start=_utc(2031, 1, 7, 15, 0))
    his = BookingFactory(staff=ben, start=_utc(2031, 1, 7, 20, 0))

    response = admin_client.get(
        reverse(CALENDAR), {"view": "day", "date": "2031-01-07", "staff": ana.pk}
    )

    soup = _soup(response)
    page = soup.select_one("table.calendar").get_text(" ", strip=True)
    assert hers.consultation_request.reference in page
    assert his.consultation_request.reference not in page
    assert "Hours: 09:00–12:00" in page
    tuesday = MONDAY + datetime.timedelta(1)
    assert "in-hours" in _cell(soup, "09:00", tuesday)["class"]
    assert "in-hours" not in _cell(soup, "13:00", tuesday).get("class", [])


def test_the_whole_clinic_shows_everyones_bookings_and_hours_by_name(admin_client, ana, ben):
    weekday_windows(ana, start=datetime.time(9, 0), end=datetime.time(12, 0))
    weekday_windows(ben, start=datetime.time(13, 0), end=datetime.time(17, 0))
    hers = BookingFactory(staff=ana, start=_utc(2031, 1, 7, 15, 0))
    his = BookingFactory(staff=ben, start=_utc(2031, 1, 7, 20, 0))

    page = _soup(admin_client.get(reverse(CALENDAR), {"view": "day", "date": "2031-01-07"}))
    text = page.select_one("table.calendar").get_text(" ", strip=True)

    assert (
        hers.consultation_request.reference in text and his.consultation_request.reference in text
    )
    assert "Ana Ruiz 09:00–12:00" in text and "Ben Okafor 13:00–17:00" in text


def test_a_clinic_closure_is_shown_on_its_day_with_no_hours(admin_client, ana):
    weekday_windows(ana)
    ClinicClosure.objects.create(
        label="New Year's Day",
        first_day=datetime.date(2031, 1, 8),
        last_day=datetime.date(2031, 1, 8),
    )

    soup = _soup(admin_client.get(reverse(CALENDAR), {"view": "week", "date": "2031-01-06"}))

    heads = [th.get_text(" ", strip=True) for th in soup.select("table.calendar thead th")]
    assert "Clinic closed: New Year's Day" in heads[3]  # Wednesday
    assert "Hours:" not in heads[3]
    assert "Hours:" in heads[2]


def test_previous_next_and_today_are_plain_links(admin_client, ana):
    soup = _soup(
        admin_client.get(reverse(CALENDAR), {"view": "week", "date": "2031-01-08", "staff": ana.pk})
    )

    links = {a.get_text(strip=True): a["href"] for a in soup.select(".calendar-nav a")}
    assert links["Previous week"] == f"?view=week&date=2030-12-30&staff={ana.pk}"
    assert links["Next week"] == f"?view=week&date=2031-01-13&staff={ana.pk}"
    today = timezone.now().astimezone(timezone.get_default_timezone()).date()
    assert links["Today"] == f"?view=week&date={today:%Y-%m-%d}&staff={ana.pk}"
    assert links["Day"] == f"?view=day&date=2031-01-06&staff={ana.pk}"


def test_the_calendar_prints_without_any_script(admin_client, ana):
    BookingFactory(staff=ana, start=_utc(2031, 1, 7, 16, 0))

    soup = _soup(admin_client.get(reverse(CALENDAR), {"date": "2031-01-07"}))

    content = soup.select_one("#content-main")
    assert content.select("table.calendar caption") and not content.select("script")
    assert not soup.select("[onclick], [onload]")
    print_rules = _calendar_css(soup)[1]
    for chrome in ("#header", ".breadcrumbs", "#nav-sidebar", "#footer", ".calendar-nav"):
        assert re.search(rf"{re.escape(chrome)}[^{{]*\{{[^}}]*display: none", print_rules), chrome


def test_a_bookings_links_are_underlined_not_told_from_its_text_by_colour_alone(admin_client, ana):
    BookingFactory(staff=ana, start=_utc(2031, 1, 7, 16, 0))

    soup = _soup(admin_client.get(reverse(CALENDAR), {"date": "2031-01-07"}))

    # The reference and "booking" links sit in the booking's line of text, where the admin's
    # link colour is under 3:1 against the text (WCAG 1.4.1, axe's link-in-text-block).
    assert soup.select(".calendar-booking a")
    screen_rules = _calendar_css(soup)[0]
    assert re.search(r"\.calendar-booking a\s*\{[^}]*text-decoration: underline", screen_rules)


def test_the_staff_picker_offers_only_staff_who_take_consultations(
    admin_client, ana, content_editor
):
    soup = _soup(admin_client.get(reverse(CALENDAR)))

    options = {o.get_text(strip=True) for o in soup.select("select[name=staff] option")}
    assert "Ana Ruiz" in options and "Whole clinic" in options
    assert content_editor.username not in options


def test_a_clinicians_consultations_lists_their_own_upcoming_bookings(as_clinician, clinician, ana):
    clinician.user_permissions.add(Permission.objects.get(codename="take_consultations"))
    soon = timezone.now() + datetime.timedelta(days=2)
    mine = BookingFactory(staff=clinician, start=soon)
    past = BookingFactory(staff=clinician, start=timezone.now() - datetime.timedelta(days=2))
    cancelled = BookingFactory(
        staff=clinician,
        start=soon + datetime.timedelta(hours=2),
        status=Booking.Status.CANCELLED,
        cancelled_at=timezone.now(),
    )
    colleagues = BookingFactory(staff=ana, start=soon)

    response = as_clinician.get(reverse(MINE))

    assert response.status_code == 200
    page = response.content.decode()
    assert mine.consultation_request.reference in page
    assert mine.consultation_request.get_admin_url() in page
    for other in (past, cancelled, colleagues):
        assert other.consultation_request.reference not in page
    assert f"{reverse(CALENDAR)}?view=week&amp;staff={clinician.pk}" in page


@pytest.mark.parametrize(
    ("role", "expected"),
    [("coordinator", 200), ("clinician", 200), ("content_editor", 403), ("no_group", 403)],
)
@pytest.mark.parametrize("url", [CALENDAR, MINE])
def test_who_may_see_the_calendar(client, otp_login, make_staff, role, expected, url):
    roles = {
        "coordinator": "Intake coordinator",
        "clinician": "Clinician",
        "content_editor": "Content editor",
        "no_group": None,
    }
    otp_login(client, make_staff(f"someone-{role}", roles[role]))

    assert client.get(reverse(url)).status_code == expected


def test_signed_out_visitors_are_sent_to_sign_in():
    response = Client().get(reverse(CALENDAR))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_the_admin_index_links_to_the_calendar_for_those_who_may_see_it(
    client, otp_login, clinician, content_editor
):
    otp_login(client, clinician)
    assert reverse(CALENDAR) in client.get(reverse("admin:index")).content.decode()
    otp_login(client, content_editor)
    assert reverse(CALENDAR) not in client.get(reverse("admin:index")).content.decode()
