import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


# --- Booking (test_booking_*.py) ---------------------------------------------------------------


@pytest.fixture
def phone(db):
    """The clinic's phone consultation: 30 minutes plus a 10-minute buffer."""
    from .booking_factories import ConsultationTypeFactory

    return ConsultationTypeFactory()


@pytest.fixture
def patient_request(db):
    from .factories import ConsultationRequestFactory

    return ConsultationRequestFactory(full_name="Zoë Quintanilla", email="zoe.q@example.org")
