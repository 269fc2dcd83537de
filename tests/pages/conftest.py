import pytest
from django.core.cache import cache, caches

from pages.models import Page

FIBROMYALGIA_URL = "/conditions/fibromyalgia/"


@pytest.fixture
def fibromyalgia(clinic_content):
    return Page.objects.get(url_path=FIBROMYALGIA_URL)


@pytest.fixture
def editor_client(client, content_editor, otp_login):
    return otp_login(client, content_editor)


@pytest.fixture
def page_cache(settings):
    """The anonymous page cache switched on (tests run with it off), empty before and after."""
    settings.PAGE_CACHE_SECONDS = 300
    cache.clear()
    caches["page_copies"].clear()
    yield
    cache.clear()
    caches["page_copies"].clear()


@pytest.fixture
def shared_cache_down(monkeypatch):
    """Every call to the shared cache fails, as when Redis is unreachable. Name it after the
    fixtures that load content: loading it saves pages, which tells the cache."""

    def refuse(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to redis")

    for method in ("get", "get_many", "add", "set"):
        monkeypatch.setattr(cache, method, refuse)
