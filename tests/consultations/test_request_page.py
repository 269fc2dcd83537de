"""A request's admin page as a coordinator works it: its bookings, the patient's booking link
("send a new link"), their "please call me" as a task in the queue, "Book for this patient"."""

import datetime
import re

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from booking import services as booking_services
from booking.models import Booking, BookingInvitation
from consultations.models import ConsultationRequest, PatientMessage
from outbox.models import OutboundEmail
from outbox.services import outbound_email_queue, regarding_key
from tests.booking.factories import BookingFactory, StaffFactory

from .factories import ConsultationRequestFactory

pytestmark = pytest.mark.django_db
Status = ConsultationRequest.Status
CHANGELIST = reverse("admin:consultations_consultationrequest_changelist")


def change_url(request):
    return reverse("admin:consultations_consultationrequest_change", args=[request.pk])


def step_url(request, step):
    return reverse(f"admin:consultations_consultationrequest_{step}", args=[request.pk])


def page(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def coordinator_client(client, coordinator, otp_login):
    return otp_login(client, coordinator)


def callback_asked(**request_fields):
    request = ConsultationRequestFactory(**request_fields)
    invitation = booking_services.booking_invitation_get_or_create(consultation_request=request)
    booking_services.booking_callback_request(invitation=invitation)
    return request


def pick_url_in(body):
    return re.search(r"https?://\S+/consultation/booking/\S+/", body).group(0)


# --- Bookings --------------------------------------------------------------------------------


def test_request_page_lists_its_bookings_in_clinic_time_each_linking_to_its_page(
    coordinator_client,
):
    request = ConsultationRequestFactory()
    start = datetime.datetime(2031, 3, 4, 15, 0, tzinfo=datetime.UTC)  # 09:00 in Texas (CST)
    cancelled = BookingFactory(
        consultation_request=request,
        start=start,
        status=Booking.Status.CANCELLED,
        cancelled_at=timezone.now(),
        cancelled_by=Booking.CancelledBy.PATIENT,
    )
    confirmed = BookingFactory(
        consultation_request=request,
        staff=StaffFactory(),
        start=start + datetime.timedelta(days=1),
        status=Booking.Status.CONFIRMED,
    )

    table = page(coordinator_client.get(change_url(request))).select_one("#request-bookings")

    rows = [row.get_text(" ", strip=True) for row in table.select("tbody tr")]
    assert "Tue 4 Mar 2031, 09:00–09:30" in rows[0]
    assert "Cancelled (by the patient)" in rows[0]
    assert "Wed 5 Mar 2031, 09:00–09:30" in rows[1] and "Confirmed" in rows[1]
    links = [a["href"] for a in table.select("a")]
    assert links == [
        reverse("admin:booking_booking_change", args=[cancelled.pk]),
        reverse("admin:booking_booking_change", args=[confirmed.pk]),
    ]


def test_book_for_this_patient_opens_the_staff_booking_form_with_the_request_filled_in(
    coordinator_client,
):
    request = ConsultationRequestFactory()

    link = page(coordinator_client.get(change_url(request))).find(
        "a", string="Book for this patient"
    )
    form = page(coordinator_client.get(link["href"]))

    assert link["href"].startswith(reverse("admin:booking_booking_book"))
    assert form.select_one("input[name=reference]")["value"] == request.reference


def test_book_for_this_patient_is_not_offered_once_a_time_is_booked(coordinator_client):
    request = ConsultationRequestFactory()
    BookingFactory(consultation_request=request, start=timezone.now() + datetime.timedelta(days=3))

    soup = page(coordinator_client.get(change_url(request)))

    assert soup.find("a", string="Book for this patient") is None


def test_the_button_that_only_leaves_the_request_page_says_back_to_list(coordinator_client):
    request = ConsultationRequestFactory()

    soup = page(coordinator_client.get(change_url(request)))

    leave = soup.select_one(".submit-row a.closelink")
    assert leave.get_text(strip=True) == "Back to list"
    assert leave["href"].startswith(CHANGELIST)
    assert "Close" not in [a.get_text(strip=True) for a in soup.select(".submit-row a")]


# --- "Please call me" as a task ----------------------------------------------------------------


def test_patients_call_me_request_is_shown_on_the_request_page(coordinator_client):
    request = callback_asked()

    soup = page(coordinator_client.get(change_url(request)))

    assert "Callback requested" in soup.select_one("#callback-requested").get_text()


def test_callback_filter_lists_open_unbooked_requests_whose_patient_asked_to_be_called(
    coordinator_client,
):
    waiting = callback_asked()
    booked = callback_asked()
    BookingFactory(consultation_request=booked, start=timezone.now() + datetime.timedelta(days=2))
    callback_asked(status=Status.CLOSED, outcome="spam", closed_at=timezone.now())
    ConsultationRequestFactory()  # never asked

    soup = page(coordinator_client.get(f"{CHANGELIST}?callback=yes&status=all"))

    listed = [cell.get_text(strip=True) for cell in soup.select("#result_list .field-reference")]
    assert listed == [waiting.reference]
    assert soup.find("a", string="Callback requested")


def test_dashboard_counts_callback_requests_still_to_arrange_and_links_to_the_filter(
    coordinator_client,
):
    callback_asked()
    callback_asked()
    booked = callback_asked()
    BookingFactory(consultation_request=booked, start=timezone.now() + datetime.timedelta(days=2))

    panel = page(coordinator_client.get(reverse("admin:index"))).select_one("#consultation-queue")

    assert panel.select_one("#queue-callback-count").get_text(strip=True) == "2"
    assert panel.find("a", href=f"{CHANGELIST}?callback=yes")


# --- The booking link --------------------------------------------------------------------------


def test_request_page_shows_whether_the_patient_opened_their_link(client, coordinator, otp_login):
    request = ConsultationRequestFactory()
    invitation = booking_services.booking_invitation_get_or_create(consultation_request=request)
    token = booking_services.booking_link_token(invitation=invitation)
    staff = otp_login(client, coordinator)
    state = page(staff.get(change_url(request))).select_one("#booking-link-state")
    assert "sent" in state.strong.get_text()

    client.logout()
    assert client.get(reverse("booking:pick", args=[token])).status_code == 200
    otp_login(client, coordinator)
    state = page(client.get(change_url(request))).select_one("#booking-link-state")

    assert state.strong.get_text() == "opened"
    assert "first opened" in state.get_text()


def test_send_a_new_link_emails_a_working_link_and_every_earlier_link_stops_working(
    client, coordinator, otp_login
):
    request = ConsultationRequestFactory()
    old_url = booking_services.booking_link_for_request(consultation_request=request)
    otp_login(client, coordinator)

    response = client.post(step_url(request, "link"))

    assert response.status_code == 302
    email = OutboundEmail.objects.get(kind="patient_message")
    assert email.recipients == [request.email]
    assert request.reference in email.subject
    new_url = pick_url_in(email.body)
    assert new_url != old_url
    assert client.get(old_url).status_code == 404
    assert client.get(new_url).status_code == 200
    assert PatientMessage.objects.get().what == "New booking link"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.MESSAGED)
    assert (entry.actor, entry.reference, entry.detail) == (
        coordinator,
        request.reference,
        "new booking link sent",
    )


def test_a_closed_request_offers_no_new_link_and_refuses_a_forged_one(
    coordinator_client,
):
    request = ConsultationRequestFactory(
        status=Status.CLOSED, outcome="spam", closed_at=timezone.now()
    )
    soup = page(coordinator_client.get(change_url(request)))
    assert soup.find("input", attrs={"value": "Send a new link"}) is None

    response = coordinator_client.post(step_url(request, "link"), follow=True)

    assert "is closed" in response.text
    assert not BookingInvitation.objects.exists()
    assert not OutboundEmail.objects.filter(kind="patient_message").exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.MESSAGED).exists()


def test_staff_who_may_not_message_patients_cannot_send_a_link_and_the_refusal_is_audited(
    client, clinician, otp_login
):
    request = ConsultationRequestFactory()
    otp_login(client, clinician)
    soup = page(client.get(change_url(request)))
    assert soup.find("input", attrs={"value": "Send a new link"}) is None

    response = client.post(step_url(request, "link"))

    assert response.status_code == 403
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.DENIED, actor=clinician, reference=request.reference
    ).exists()
    assert not BookingInvitation.objects.exists()


def test_request_page_shows_the_delivery_of_each_email_the_site_sent_the_patient(
    coordinator_client,
):
    request = ConsultationRequestFactory()
    about = regarding_key(request)
    for kind in ("patient_ack", "staff_alert", "booking_reminder"):
        outbound_email_queue(
            kind=kind, recipients=[request.email], subject="Subject", body="Body", regarding=about
        )
    outbound_email_queue(
        kind="patient_ack", recipients=["someone@example.com"], subject="S", body="B"
    )
    OutboundEmail.objects.filter(kind="booking_reminder").update(
        status=OutboundEmail.Status.FAILED, attempts=5
    )
    OutboundEmail.objects.filter(kind="patient_ack", regarding=about).update(
        status=OutboundEmail.Status.SENT, attempts=1, sent_at=timezone.now()
    )

    rows = page(coordinator_client.get(change_url(request))).select("#patient-emails tbody tr")

    cells = [[td.get_text(" ", strip=True) for td in row.find_all("td")[1:]] for row in rows]
    assert [what for what, _ in cells] == ["Patient acknowledgement", "Reminder the day before"]
    assert cells[0][1].startswith("sent (")
    assert cells[1][1] == "failed after 5 attempts"
    assert request.email not in str(rows)
