"""End to end over HTTP: request sent, time picked, staff confirm, .ics mailed, patient
cancels through the e-mailed link, and the time is free again."""

import datetime
import re

import icalendar
import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.urls import reverse

from booking.models import Booking
from consultations.models import ConsultationRequest
from outbox.services import outbound_email_send_due
from tests.booking.factories import StaffFactory, weekday_windows
from tests.consultations.factories import VALID_ANSWERS, form_data

pytestmark = pytest.mark.django_db


def links_in(text):
    return re.findall(r"https?://\S+", text)


def test_request_pick_confirm_ics_cancel_and_the_time_is_free_again(client, admin_client, phone):
    staff = StaffFactory()
    weekday_windows(staff, start=datetime.time(9, 0), end=datetime.time(17, 0), days=range(7))

    # 1. The patient sends a request and lands on the confirmation page.
    response = client.post(reverse("consultations:request_create"), form_data(), follow=True)
    assert response.status_code == 200
    consultation_request = ConsultationRequest.objects.get()
    page = BeautifulSoup(response.content, "html.parser")
    pick_url = page.find("a", string="Choose a consultation time")["href"]

    # The acknowledgement e-mail carries the same kind of link (a new signature, same key).
    outbound_email_send_due()
    (ack,) = [m for m in mail.outbox if m.to == [VALID_ANSWERS["email"]]]
    assert any("/consultation/booking/" in link for link in links_in(ack.body))

    # 2. They pick the first free time.
    page = BeautifulSoup(client.get(pick_url).content, "html.parser")
    first = page.select_one("input[type=radio][name=slot]")
    chosen_label = page.find("label", attrs={"for": first["id"]}).get_text(strip=True)
    response = client.post(pick_url, {"slot": first["value"]})
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.consultation_request == consultation_request
    assert booking.status == Booking.Status.REQUESTED

    # Someone else no longer sees that time.
    assert (
        first["value"] not in client.get(pick_url).content.decode().split("Choose a different")[1]
    )

    # 3. Staff confirm it in the admin.
    admin_client.post(
        reverse("admin:booking_booking_changelist"),
        {"action": "confirm_selected", "_selected_action": [booking.pk]},
    )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED

    # 4. The worker sends the confirmation with the calendar file.
    mail.outbox.clear()
    outbound_email_send_due()
    (confirmation,) = [m for m in mail.outbox if m.to == [VALID_ANSWERS["email"]]]
    name, content, mimetype = confirmation.attachments[0]
    assert (name, mimetype) == ("consultation.ics", "text/calendar")
    (event,) = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert event.decoded("dtstart") == booking.start
    for probe in ("Quintanilla", "Zozo", "Lubbock", "Duloxetine", "quokka"):
        assert probe not in confirmation.body and probe not in content
    assert chosen_label.split("–")[0].strip().lstrip("0") in confirmation.body

    # 5. The patient cancels through the link in that e-mail.
    cancel_url = next(link for link in links_in(confirmation.body) if link.endswith("/cancel/"))
    cancel_path = cancel_url.split("://", 1)[1].split("/", 1)[1]
    assert "Cancel my consultation" in client.get("/" + cancel_path).content.decode()
    response = client.post("/" + cancel_path, follow=True)
    assert "Your consultation has been cancelled." in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED

    # 6. The time is free again at once.
    assert first["value"] in client.get(pick_url).content.decode()
