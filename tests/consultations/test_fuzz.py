"""Whatever anyone types into the form, the answer is a page, never a server error."""

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consultations.forms import ConsultationRequestForm

from .factories import browser_client, form_data

FIELDS = [name for name in ConsultationRequestForm.base_fields if name != "submission_token"]
EXPECTED = {200, 302, 429}

any_value = st.one_of(
    st.text(max_size=300),
    st.lists(st.text(max_size=40), max_size=4),
)


@pytest.mark.django_db
@override_settings(CONSULTATION_RATE_LIMIT_COUNT=10**6)  # so examples reach the save
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.dictionaries(st.sampled_from(FIELDS), any_value))
def test_arbitrary_unicode_in_any_field_never_gives_a_server_error(overrides):
    # Start from a valid request so each example reaches deep validation and the save.
    client = browser_client(raise_request_exception=True)
    response = client.post("/consultation/", form_data(**overrides))
    assert response.status_code in EXPECTED


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.fixed_dictionaries({name: st.text(max_size=200) for name in FIELDS + ["submission_token"]})
)
def test_every_field_arbitrary_at_once_never_gives_a_server_error(data):
    response = browser_client(raise_request_exception=True).post("/consultation/", data)
    assert response.status_code in EXPECTED
