import pytest
from django.core.cache import cache

from tests.booking.factories import ConsultationTypeFactory
from tests.consultations.factories import ConsultationRequestFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits live in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def phone(db):
    """The clinic's phone consultation: 30 minutes plus a 10-minute buffer."""
    return ConsultationTypeFactory()


@pytest.fixture
def patient_request(db):
    return ConsultationRequestFactory(full_name="Zoë Quintanilla", email="zoe.q@example.org")
