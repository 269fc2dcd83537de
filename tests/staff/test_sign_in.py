"""Staff sign-in: password + TOTP on the admin, enrolment, lockout, idle sessions."""

import datetime
import logging

import pytest
from axes.models import AccessAttempt
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.forms import SIGN_IN_FAILED
from tests.conftest import totp_code

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
INDEX = reverse("admin:index")
SETUP = reverse("admin:two_factor_setup")
PASSWORD = "a-long-staff-passphrase"


@pytest.fixture
def enrolled(coordinator):
    return TOTPDevice.objects.create(user=coordinator, name="phone", confirmed=True)


def sign_in(client, username, password=PASSWORD, code="no-code", address="127.0.0.1"):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "otp_token": code, "next": INDEX},
        REMOTE_ADDR=address,
    )


def lock_out(client, username, address="127.0.0.1"):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, username, password="wrong-passphrase!", address=address)


def errors(response):
    return " ".join(
        e.get_text(" ", strip=True)
        for e in BeautifulSoup(response.content, "html.parser").select(".errornote, .errorlist")
    )


def test_password_and_current_code_sign_a_coordinator_in(client, coordinator, enrolled):
    response = sign_in(client, "coordinator", code=totp_code(enrolled))
    assert response.status_code == 302
    assert response["Location"] == INDEX
    assert client.get(INDEX).status_code == 200


@pytest.mark.parametrize("code", ["", "000000", "abcdef"])
def test_a_password_alone_or_a_wrong_code_does_not_sign_in(client, coordinator, enrolled, code):
    if code == "000000" and totp_code(enrolled) == "000000":
        code = "111111"
    response = sign_in(client, "coordinator", code=code)
    assert response.status_code == 200
    assert client.get(INDEX).status_code == 302  # still sent to the sign-in page


def test_a_forced_session_without_a_verified_device_is_not_enough(client, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("admin:consultations_consultationrequest_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_wrong_username_and_wrong_password_read_the_same(client, coordinator, enrolled):
    unknown = errors(sign_in(client, "no-such-person", code="123456"))
    wrong = errors(sign_in(client, "coordinator", password="not-the-passphrase", code="123456"))
    assert unknown == wrong == SIGN_IN_FAILED


# A wrong code makes django-otp pause the device for a second; these go on at once.
@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_every_failed_sign_in_reads_the_same_whatever_was_wrong(
    client, coordinator, enrolled, make_staff
):
    make_staff("newcomer")  # right password, no authenticator app yet
    wrong_code = "111111" if totp_code(enrolled) == "000000" else "000000"
    attempts = {
        "unknown username": sign_in(client, "no-such-person", code=wrong_code),
        "wrong password": sign_in(client, "coordinator", password="not-it!!", code=wrong_code),
        "right password, wrong code": sign_in(client, "coordinator", code=wrong_code),
        "right password, no app yet": sign_in(client, "newcomer", code=wrong_code),
    }
    lock_out(client, "coordinator")
    attempts["locked out, right password and code"] = sign_in(
        client, "coordinator", code=totp_code(enrolled)
    )
    for what, response in attempts.items():
        assert (response.status_code, errors(response)) == (200, SIGN_IN_FAILED), what
    assert client.get(INDEX).status_code == 302


def test_a_locked_account_gives_no_hint_from_another_address(client, coordinator, enrolled):
    lock_out(client, "coordinator", address="198.51.100.7")
    right = sign_in(client, "coordinator", code=totp_code(enrolled), address="203.0.113.9")
    wrong = sign_in(client, "coordinator", password="wrong-passphrase!", address="203.0.113.9")
    assert (right.status_code, errors(right)) == (wrong.status_code, errors(wrong))
    assert errors(right) == SIGN_IN_FAILED
    assert client.get(INDEX).status_code == 302  # the right password did not sign in


def test_the_lockout_counts_failures_per_username_from_any_address(client, coordinator, enrolled):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "coordinator", password="wrong-passphrase!", address=f"192.0.2.{n + 1}")
    response = sign_in(client, "coordinator", code=totp_code(enrolled), address="192.0.2.99")
    assert response.status_code == 200 and errors(response) == SIGN_IN_FAILED
    assert client.get(INDEX).status_code == 302


# A wrong code makes django-otp pause the device for a second; this test goes on at once.
@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_a_new_staff_member_enrols_an_authenticator_app(client, coordinator):
    step_one = client.get(SETUP)
    assert step_one.status_code == 200

    step_two = client.post(SETUP, {"username": "coordinator", "password": PASSWORD})
    assert step_two.status_code == 200
    html = BeautifulSoup(step_two.content, "html.parser")
    qr = html.select_one("img.two-factor-qr")["src"]
    assert qr.startswith("data:image/svg+xml;base64,")  # drawn here, no other host
    secret = html.select_one(".two-factor-secret").get_text()
    device = TOTPDevice.objects.get(user=coordinator, confirmed=False)
    assert secret.replace(" ", "") in device.config_url
    assert client.get(INDEX).status_code == 302  # not signed in yet

    wrong = client.post(SETUP, {"otp_token": "12345"})
    assert "not right" in errors(wrong)
    done = client.post(SETUP, {"otp_token": totp_code(device)})

    assert done.status_code == 302
    assert done["Location"] == INDEX
    assert TOTPDevice.objects.get(user=coordinator).confirmed
    assert client.get(INDEX).status_code == 200


def test_an_account_with_an_app_cannot_enrol_another(client, coordinator, enrolled):
    response = client.post(SETUP, {"username": "coordinator", "password": PASSWORD})
    assert errors(response) == SIGN_IN_FAILED
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1


def test_enrolment_does_not_confirm_the_password_of_an_enrolled_account(
    client, coordinator, enrolled
):
    right = client.post(SETUP, {"username": "coordinator", "password": PASSWORD})
    wrong = client.post(SETUP, {"username": "coordinator", "password": "wrong-passphrase!"})
    assert (right.status_code, errors(right)) == (wrong.status_code, errors(wrong))
    assert errors(right) == errors(sign_in(client, "coordinator")) == SIGN_IN_FAILED
    # and the right password counts towards the lockout like a wrong one
    assert AccessAttempt.objects.get(username="coordinator").failures_since_start == 3


def test_enrolment_refuses_a_wrong_password_and_non_staff(client, django_user_model):
    django_user_model.objects.create_user(username="patient", password=PASSWORD)
    for username, password in (("patient", PASSWORD), ("coordinator", "wrong-passphrase!")):
        response = client.post(SETUP, {"username": username, "password": password})
        assert errors(response) == SIGN_IN_FAILED
    assert not TOTPDevice.objects.exists()


def test_five_failures_lock_sign_in_for_any_username_and_say_so_in_the_log(
    client, coordinator, enrolled, caplog
):
    caplog.set_level(logging.WARNING, logger="axes")
    lock_out(client, "coordinator")
    locked = sign_in(client, "coordinator", code=totp_code(enrolled))
    assert locked.status_code == 200
    assert errors(locked) == SIGN_IN_FAILED
    assert client.get(INDEX).status_code == 302
    lockout_lines = [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith("axes") and "Locking out" in r.getMessage()
    ]
    assert lockout_lines
    assert "coordinator" in lockout_lines[0]
    assert "127.0.0.1" not in lockout_lines[0]

    # An unknown username gets exactly the same treatment: the lockout tells nothing.
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "nobody-here", password="wrong-passphrase!")
    ghost = sign_in(client, "nobody-here", password="wrong-passphrase!")
    assert (ghost.status_code, errors(ghost)) == (locked.status_code, errors(locked))


def test_the_lockout_ends_after_the_cool_off(client, coordinator, enrolled):
    lock_out(client, "coordinator")
    assert sign_in(client, "coordinator", code=totp_code(enrolled)).status_code == 200
    assert client.get(INDEX).status_code == 302
    later = timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1)
    AccessAttempt.objects.update(attempt_time=later)
    response = sign_in(client, "coordinator", code=totp_code(enrolled, steps_ahead=1))
    assert response.status_code == 302


def test_wrong_codes_count_towards_the_lockout(client, coordinator, enrolled):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "coordinator", code="not-a-code")
    sign_in(client, "coordinator", code=totp_code(enrolled))
    assert client.get(INDEX).status_code == 302


@override_settings(AXES_FAILURE_LIMIT=2)
def test_the_lockout_threshold_is_configurable(client, coordinator, enrolled):
    sign_in(client, "coordinator", password="wrong-passphrase!")
    sign_in(client, "coordinator", password="wrong-passphrase!")
    sign_in(client, "coordinator", code=totp_code(enrolled))
    assert client.get(INDEX).status_code == 302


def test_an_idle_session_ends_after_fifteen_minutes(client, coordinator, otp_login):
    assert settings.SESSION_COOKIE_AGE == 15 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    otp_login(client, coordinator)
    assert client.get(INDEX).status_code == 200
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    # Each request pushes the end 15 minutes on.
    assert Session.objects.get(session_key=key).expire_date > timezone.now() + datetime.timedelta(
        minutes=14
    )
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert client.get(INDEX).status_code == 302


def test_passwords_need_twelve_characters():
    with pytest.raises(ValidationError):
        validate_password("Xq7#mP2!vL9")  # 11 characters
    validate_password("correct horse battery staple")


def test_the_admin_lives_at_the_configured_address():
    assert INDEX == f"/{settings.ADMIN_URL}"
