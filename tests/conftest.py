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
