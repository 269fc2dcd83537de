import pytest
from django.utils import translation

from pages.services import clinic_content_load


@pytest.fixture(autouse=True)
def english_between_tests():
    """Each test starts in English, as a request to an unprefixed address does. A request to a
    Spanish address leaves Spanish active in the thread (the language middleware activates,
    and the next request activates again); reverse() after it gives /es/ addresses."""
    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture
def client():
    """Django's test client, as a browser that opened the consultation form before: it holds
    the signed cookie that the form's submission tokens (factories.token) are bound to."""
    from tests.consultations.factories import browser_client

    return browser_client()


@pytest.fixture
def clinic_content(db):
    """The clinic's starting pages and settings, as `make run` loads them."""
    return clinic_content_load()


@pytest.fixture
def content_editor(django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        username="editor", password="a-long-editor-passphrase", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Content editor"))
    return user


# --- Staff roles (issue 5) --------------------------------------------------------------------


@pytest.fixture
def make_staff(django_user_model):
    """A staff account in the given role group (None: staff with no group at all)."""
    from django.contrib.auth.models import Group

    def make(username, role=None, **extra):
        user = django_user_model.objects.create_user(
            username=username, password="a-long-staff-passphrase", is_staff=True, **extra
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def coordinator(make_staff):
    return make_staff("coordinator", "Intake coordinator")


@pytest.fixture
def clinician(make_staff):
    return make_staff("clinician", "Clinician")


@pytest.fixture
def otp_login():
    """Sign a test client in as `user` with a verified second factor, as the admin requires."""

    def login(client, user):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test phone", confirmed=True)
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return login


def totp_code(device, *, steps_ahead=0):
    """The code an authenticator app shows for `device` now (or `steps_ahead` 30 s steps on).

    A device accepts each code once; a test signing in twice within 30 s uses steps_ahead=1
    (the device tolerates one step of clock drift).
    """
    return totp_code_for_key(device.bin_key, steps_ahead=steps_ahead)


def totp_code_for_key(key, *, steps_ahead=0):
    """The 6-digit code for a raw key (bytes), or for the base32 key an app is given (str)."""
    import base64
    import time

    from django_otp.oath import TOTP

    if isinstance(key, str):
        key = key.replace(" ", "").upper()
        key = base64.b32decode(key + "=" * (-len(key) % 8))
    maker = TOTP(key, step=30, t0=0, digits=6)
    maker.time = time.time() + steps_ahead * 30
    return f"{maker.token():06d}"


@pytest.fixture
def admin_client(db, admin_user, otp_login):
    """pytest-django's admin_client (its own client), with the second factor the admin requires."""
    from django.test import Client

    return otp_login(Client(), admin_user)


def _is_transactional(request):
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or marker.args[:1] == (True,)):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def audit_trail_emptied_before_flush(request):
    """After a test whose data is committed, Django's flush empties every table: DELETE on
    SQLite, TRUNCATE on PostgreSQL, which the audit table refuses while it holds entries
    (audit/db_guard.py). So its entries go first, in one transaction that drops the guard,
    deletes them and puts the guard back; the flush then finds the table empty."""
    if not _is_transactional(request):
        yield
        return
    # Set up inside this fixture, so its flush runs after this fixture's teardown.
    request.getfixturevalue("transactional_db")
    yield
    from django.db import connection

    from audit.db_guard import append_only_guard_create, append_only_guard_drop

    with connection.schema_editor() as editor:
        append_only_guard_drop(editor)
        editor.execute("DELETE FROM audit_auditentry")
        append_only_guard_create(editor)
