"""What staff learn of a patient's booking link: sent, opened, used, expired; and a new link."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from booking import selectors, services
from booking.models import BookingInvitation
from booking.selectors import LinkState
from consultations.models import ConsultationRequest

pytestmark = pytest.mark.django_db


def _pick_url(consultation_request):
    invitation = services.booking_invitation_get_or_create(
        consultation_request=consultation_request
    )
    return reverse("booking:pick", args=[services.booking_link_token(invitation=invitation)])


def _state(consultation_request, **kwargs):
    return selectors.booking_link_state(consultation_request=consultation_request, **kwargs)


def test_a_request_without_an_invitation_has_no_link_sent(patient_request):
    assert _state(patient_request).state == LinkState.NOT_SENT


def test_opening_the_link_once_marks_it_opened_and_keeps_the_first_time(
    client, phone, patient_request
):
    url = _pick_url(patient_request)
    assert _state(patient_request).state == LinkState.SENT

    assert client.get(url).status_code == 200
    first = BookingInvitation.objects.get().first_opened_at
    assert client.get(url).status_code == 200

    assert first is not None
    assert BookingInvitation.objects.get().first_opened_at == first
    assert _state(patient_request).state == LinkState.OPENED


def test_asking_to_be_called_through_the_link_marks_it_used(client, phone, patient_request):
    url = _pick_url(patient_request)

    response = client.post(url, {"action": "callback"})

    assert response.status_code == 302
    state = _state(patient_request)
    assert state.state == LinkState.USED
    assert state.callback_requested_at is not None


def test_a_link_past_its_age_is_expired_whatever_happened_before(patient_request, settings):
    settings.BOOKING_LINK_MAX_AGE_DAYS = 45
    services.booking_invitation_get_or_create(consultation_request=patient_request)
    BookingInvitation.objects.update(used_at=timezone.now())
    later = timezone.now() + datetime.timedelta(days=45, minutes=1)

    assert _state(patient_request).state == LinkState.USED
    assert _state(patient_request, now=later).state == LinkState.EXPIRED


def test_a_renewed_link_works_and_every_earlier_link_stops_working(client, phone, patient_request):
    old_url = _pick_url(patient_request)
    client.post(old_url, {"action": "callback"})

    new_url = services.booking_link_issue(consultation_request=patient_request, renew=True)

    assert client.get(old_url).status_code == 404
    assert client.get(new_url).status_code == 200
    state = _state(patient_request)
    assert state.state == LinkState.OPENED  # the new link, just opened; not yet used
    assert state.callback_requested_at is not None  # the patient's choice is kept


def test_issuing_a_link_restarts_its_age(patient_request):
    services.booking_invitation_get_or_create(consultation_request=patient_request)
    long_ago = timezone.now() - datetime.timedelta(days=60)
    BookingInvitation.objects.update(link_sent_at=long_ago)
    assert _state(patient_request).state == LinkState.EXPIRED

    services.booking_link_issue(consultation_request=patient_request)

    assert _state(patient_request).state == LinkState.SENT


def test_no_link_is_issued_for_a_closed_request(patient_request):
    ConsultationRequest.objects.filter(pk=patient_request.pk).update(
        status=ConsultationRequest.Status.CLOSED,
        outcome=ConsultationRequest.Outcome.SPAM,
        closed_at=timezone.now(),
    )
    patient_request.refresh_from_db()

    with pytest.raises(services.BookingError) as refused:
        services.booking_link_issue(consultation_request=patient_request, renew=True)

    assert refused.value.code == "request_closed"
