"""The admin page the staff alert links to (the triage detail page, consultations/admin.py).

Opening it needs the "view consultation request" permission and a verified second factor;
nothing can be added, edited through the model form, or deleted there.
"""

import pytest
from django.contrib.auth.models import Permission

from .factories import create_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(django_user_model):
    user = django_user_model.objects.create_user(
        username="intake", password="a-long-intake-passphrase", is_staff=True
    )
    user.user_permissions.add(Permission.objects.get(codename="view_consultationrequest"))
    return user


def test_staff_alert_link_opens_the_request_read_only_for_a_permitted_user(
    client, otp_login, viewer
):
    request = create_request()
    otp_login(client, viewer)
    response = client.get(request.get_admin_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert request.reference in body
    assert 'name="_save"' not in body  # read-only
    # A viewer holds no workflow permission: no status, assignment or note forms.
    assert "Change status" not in body and "Add internal note" not in body


def test_the_staff_alert_link_needs_a_second_factor(client, viewer):
    request = create_request()
    client.force_login(viewer)  # password only: no verified device in the session
    response = client.get(request.get_admin_url())
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_staff_without_the_permission_cannot_open_requests(client, otp_login, content_editor):
    request = create_request()
    otp_login(client, content_editor)
    assert client.get(request.get_admin_url()).status_code == 403


def test_requests_cannot_be_added_changed_or_deleted_through_this_admin(
    client, otp_login, admin_user
):
    request = create_request()
    otp_login(client, admin_user)
    assert client.get("/admin/consultations/consultationrequest/add/").status_code == 403
    delete_url = request.get_admin_url().replace("/change/", "/delete/")
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    listing = client.get("/admin/consultations/consultationrequest/")
    assert listing.status_code == 200 and request.reference in listing.content.decode()
