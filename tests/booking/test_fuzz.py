"""Whatever anyone sends to the booking pages, the answer is a page, never a server error."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booking import services
from tests.booking.factories import StaffFactory, weekday_windows

pytestmark = pytest.mark.django_db
EXPECTED = {200, 302, 400, 404, 409, 410}
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
any_text = st.text(max_size=120)


@pytest.fixture
def link(phone, patient_request):
    staff = StaffFactory()
    weekday_windows(staff, start=datetime.time(8, 0), end=datetime.time(18, 0), days=range(7))
    invitation = services.booking_invitation_get_or_create(consultation_request=patient_request)
    return services.booking_link_token(invitation=invitation)


@FUZZ
@given(
    view=st.sampled_from(["booking:pick", "booking:cancel"]),
    form=st.dictionaries(
        st.sampled_from(["slot", "action", "type", "csrfmiddlewaretoken"]), any_text, max_size=4
    ),
    query=st.dictionaries(st.sampled_from(["type", "week", "day"]), any_text, max_size=2),
)
def test_arbitrary_choices_on_a_valid_link_never_give_a_server_error(link, view, form, query):
    client = Client(raise_request_exception=True)
    url = reverse(view, args=[link])
    assert client.get(url, query).status_code in EXPECTED
    assert client.post(url, form).status_code in EXPECTED


@FUZZ
@given(
    # No lone surrogates: no HTTP client can send one (reverse() itself cannot quote it).
    token=st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"),
        min_size=1,
        max_size=200,
    )
)
def test_arbitrary_links_never_give_a_server_error(db, token):
    client = Client(raise_request_exception=True)
    url = reverse("booking:pick", args=[token])
    assert client.get(url).status_code in EXPECTED
    assert client.post(url, {"slot": token[:40]}).status_code in EXPECTED
