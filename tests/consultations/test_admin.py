"""The minimal admin page the staff alert links to: permission-restricted, read-only, no answers."""

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


def test_staff_alert_link_opens_the_request_for_a_permitted_user_without_answers(client, viewer):
    request = create_request()
    client.force_login(viewer)
    response = client.get(request.get_admin_url())
    assert response.status_code == 200
    body = response.content.decode()
    assert request.reference in body
    assert "Quintanilla" not in body and "Duloxetine" not in body
    assert "Save" not in body  # read-only


def test_staff_without_the_permission_cannot_open_requests(client, content_editor):
    request = create_request()
    client.force_login(content_editor)
    assert client.get(request.get_admin_url()).status_code == 403


def test_requests_cannot_be_added_changed_or_deleted_through_this_admin(client, admin_user):
    request = create_request()
    client.force_login(admin_user)
    assert client.get("/admin/consultations/consultationrequest/add/").status_code == 403
    delete_url = request.get_admin_url().replace("/change/", "/delete/")
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    listing = client.get("/admin/consultations/consultationrequest/")
    assert listing.status_code == 200 and request.reference in listing.content.decode()
