import pytest

from pages.services import clinic_content_load


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
        client.force_login(user)
        return client

    return login
