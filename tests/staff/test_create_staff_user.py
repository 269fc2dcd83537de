import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import totp_code

pytestmark = pytest.mark.django_db


def test_creates_a_staff_account_whose_printed_key_signs_in(client, monkeypatch):
    monkeypatch.setenv("STAFF_USER_PASSWORD", "a-long-coordinator-passphrase")
    out = io.StringIO()
    call_command("create_staff_user", "maria", "--role", "Intake coordinator", stdout=out)

    device = TOTPDevice.objects.get(user__username="maria", confirmed=True)
    printed = out.getvalue()
    assert device.config_url in printed
    assert "Key (time-based, 6 digits)" in printed
    assert device.user.is_staff and not device.user.is_superuser
    assert list(device.user.groups.values_list("name", flat=True)) == ["Intake coordinator"]

    response = client.post(
        reverse("admin:login"),
        {
            "username": "maria",
            "password": "a-long-coordinator-passphrase",
            "otp_token": totp_code(device),
        },
    )
    assert response.status_code == 302
    assert (
        client.get(reverse("admin:consultations_consultationrequest_changelist")).status_code == 200
    )


def test_refuses_a_short_password(monkeypatch):
    monkeypatch.setenv("STAFF_USER_PASSWORD", "short-pass1")
    with pytest.raises(CommandError, match="at least 12 characters"):
        call_command("create_staff_user", "shorty", stdout=io.StringIO())
