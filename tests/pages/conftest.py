import pytest

from pages.models import Page

FIBROMYALGIA_URL = "/conditions/fibromyalgia/"


@pytest.fixture
def fibromyalgia(clinic_content):
    return Page.objects.get(url_path=FIBROMYALGIA_URL)


@pytest.fixture
def editor_client(client, content_editor, otp_login):
    return otp_login(client, content_editor)
