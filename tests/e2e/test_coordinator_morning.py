"""An intake coordinator's morning in the admin, in a real browser (issue 22): the dashboard,
the oldest overdue request, a message to the patient, a time booked for them, and that booking
on the week calendar, each step by clicking what the page shows."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from .roles import patient_message_templates_seed, role_rebuild
from .test_staff_journeys import (
    COORDINATOR_PASSWORD,
    _intake_coordinator,
    _messages_shown,
    _sign_in,
    _status_shown,
)


def _clinician_with_weekday_hours():
    """Ana Ruiz, in the Clinician role (which lets her take consultations), who holds them
    9:00–12:00 clinic time, Monday to Friday."""
    from tests.booking.factories import StaffFactory, weekday_windows

    ana = StaffFactory(
        username="ana", first_name="Ana", last_name="Ruiz", takes_consultations=False
    )
    ana.groups.add(role_rebuild("Clinician"))
    weekday_windows(ana)
    return ana


def _requests_waiting():
    """Two open requests past the response target (the older one never touched, the other in
    review) and one sent this morning: (oldest, older, fresh)."""
    from consultations.models import ConsultationRequest
    from tests.consultations.factories import ConsultationRequestFactory

    Status = ConsultationRequest.Status
    now = timezone.now()
    return (
        ConsultationRequestFactory(status=Status.NEW, created_at=now - datetime.timedelta(days=12)),
        ConsultationRequestFactory(
            status=Status.IN_REVIEW, created_at=now - datetime.timedelta(days=7)
        ),
        ConsultationRequestFactory(status=Status.NEW, created_at=now - datetime.timedelta(hours=1)),
    )


def _next_working_day(today):
    day = today + datetime.timedelta(days=1)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def test_coordinator_messages_the_oldest_overdue_patient_and_books_them_onto_the_week_calendar(
    site, page, django_user_model, settings
):
    from tests.booking.factories import ConsultationTypeFactory

    # Seven calendar days hold at least five working days: both older requests are late
    # against this target whatever day the test runs, this morning's is not.
    settings.CONSULTATION_RESPONSE_BUSINESS_DAYS = 2
    patient_message_templates_seed()
    _intake_coordinator(django_user_model)
    _clinician_with_weekday_hours()
    ConsultationTypeFactory()  # 30 minutes and a 10-minute buffer: 9:00, 9:40, 10:20, 11:00
    oldest, older, _fresh = _requests_waiting()
    day = _next_working_day(timezone.localdate())

    _sign_in(page, site, "coordinator", COORDINATOR_PASSWORD)

    # The dashboard counts the two late requests and lists them, oldest first.
    overdue = page.locator("#consultation-queue").get_by_role("row", name="Overdue")
    expect(overdue.get_by_role("cell")).to_have_text("2")
    overdue.get_by_role("link").click()
    listed = page.locator("#result_list th.field-reference a")
    expect(listed).to_have_text([oldest.reference, older.reference])
    listed.first.click()
    expect(page.get_by_role("heading", name=oldest.reference, exact=True)).to_be_visible()
    assert _status_shown(page).startswith("Status: New.")

    # The patient could not be reached by phone: the clinic's words for that, by e-mail.
    write = page.locator("form", has=page.get_by_role("button", name="Send message"))
    write.get_by_role("combobox", name="Message").select_option(label="We tried to call you")
    with page.expect_navigation():
        write.get_by_role("button", name="Send message").click()
    assert _messages_shown(page) == [
        [
            "success",
            "“We tried to call you” is queued for the patient; its delivery is shown below.",
        ]
    ]
    sent = page.locator("#patient-messages tbody tr")
    expect(sent).to_have_count(1)
    # Sent (a time), message, by, delivery: the mail waits in the outbox for the worker.
    expect(sent.get_by_role("cell")).to_have_text(
        [re.compile(r"\d{2}:\d{2}$"), "We tried to call you", "coordinator", "queued"]
    )

    # A time for them: the next working day at 11:00, confirmed at once.
    page.get_by_role("link", name="Book for this patient").click()
    expect(page.get_by_label("Request reference")).to_have_value(oldest.reference)
    page.get_by_label(f"{day:%a %d %b %Y}, 11:00–11:30 · Ana Ruiz", exact=True).check()
    expect(page.get_by_label("Confirm now (sends the patient the calendar file)")).to_be_checked()
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert _messages_shown(page) == [
        ["info", f"Booked: {oldest.reference} · {day:%Y-%m-%d} 11:00 (Confirmed)."]
    ]

    # The calendar, from the dashboard, opens on this week; the coordinator shows that day's.
    page.locator(".breadcrumbs").get_by_role("link", name="Home").click()
    page.locator("#todays-consultations-panel").get_by_role("link", name="Calendar").click()
    page.get_by_label("Date", exact=True).fill(day.isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Show").click()
    monday = day - datetime.timedelta(days=day.weekday())
    expect(page.locator("table.calendar caption")).to_contain_text(
        f"Calendar for the week of {monday:%A} {monday.day} {monday:%B %Y}, whole clinic"
    )
    expect(page.locator(".calendar-nav [aria-current=page]")).to_have_text("Week")

    # The booking sits in its day's column, in the 11:00 row, named by its reference only.
    booked = page.locator(
        "table.calendar td", has=page.get_by_role("link", name=oldest.reference, exact=True)
    )
    expect(booked).to_have_count(1)
    column = booked.evaluate("cell => cell.cellIndex")
    expect(page.locator("table.calendar thead th").nth(column)).to_contain_text(
        f"{day:%A} {day.day} {day:%b}"
    )
    expect(booked.locator("xpath=../th")).to_have_text("11:00")
    expect(booked).to_contain_text("11:00–11:30")
    expect(booked).to_contain_text("Confirmed")

    # Back to the request: booked, so scheduled, and not offered for booking again.
    booked.get_by_role("link", name=oldest.reference, exact=True).click()
    expect(page.get_by_role("heading", name=oldest.reference, exact=True)).to_be_visible()
    bookings = page.locator("#request-bookings tbody tr")
    expect(bookings).to_have_count(1)
    expect(bookings).to_contain_text(f"{day:%a} {day.day} {day:%b %Y}, 11:00–11:30")
    expect(bookings).to_contain_text("Confirmed")
    assert _status_shown(page).startswith("Status: Consultation scheduled.")
    expect(page.get_by_role("link", name="Book for this patient")).to_have_count(0)
