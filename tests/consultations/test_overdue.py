"""The response target in business days: which open requests are overdue."""

import datetime
import zoneinfo

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from consultations.models import ConsultationRequest
from consultations.selectors import consultation_queue_counts, response_overdue_cutoff

from .factories import ConsultationRequestFactory

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def at(day, hour=10, minute=0):
    # November 2026: the 20th is a Friday, the 23rd a Monday.
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=CHICAGO)


@pytest.mark.parametrize(
    ("now", "received", "overdue"),
    [
        (at(24, 10, 1), at(20, 10), True),  # Friday 10:00 + 2 business days = Tuesday 10:00
        (at(24, 9, 59), at(20, 10), False),
        (at(22, 12), at(19, 11), False),  # Sunday: Thursday 11:00 is due Monday 11:00
        (at(22, 12), at(18, 23), True),  # Wednesday 23:00 was due Friday 23:00
        (at(25, 0, 1), at(21, 10), True),  # received Saturday: due Wednesday 00:00
        (at(24, 23), at(21, 10), False),
    ],
)
def test_overdue_counts_business_days_only(now, received, overdue):
    assert (received < response_overdue_cutoff(now=now, business_days=2)) is overdue


# --- Only requests awaiting first contact are overdue; the list and the dashboard agree ----------


@pytest.mark.django_db
def test_only_requests_awaiting_first_contact_are_overdue_in_the_list_and_the_dashboard(
    client, coordinator, otp_login
):
    Status = ConsultationRequest.Status
    six_days_ago = timezone.now() - datetime.timedelta(days=6)
    requests = {
        status: ConsultationRequestFactory(status=status, created_at=six_days_ago)
        for status in (Status.NEW, Status.IN_REVIEW, Status.CONTACTED, Status.SCHEDULED)
    }
    otp_login(client, coordinator)
    changelist = reverse("admin:consultations_consultationrequest_changelist")
    page = BeautifulSoup(client.get(changelist).content, "html.parser")
    marked = {
        status
        for status, request in requests.items()
        if "overdue" in page.find("a", string=request.reference).find_parent("tr").get_text()
    }
    assert marked == {Status.NEW, Status.IN_REVIEW}

    overdue_page = BeautifulSoup(client.get(changelist, {"overdue": "yes"}).content, "html.parser")
    listed = {a.get_text() for a in overdue_page.select("th.field-reference a")}
    assert listed == {requests[Status.NEW].reference, requests[Status.IN_REVIEW].reference}

    assert consultation_queue_counts().overdue == 2
    panel = BeautifulSoup(client.get(reverse("admin:index")).content, "html.parser")
    rows = {
        row.th.get_text(strip=True): row.td.get_text(strip=True)
        for row in panel.select("#consultation-queue tr")
    }
    assert rows["Overdue (awaiting first contact, past the response target)"] == "2"
