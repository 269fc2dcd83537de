"""The browser tests' staff hold what the migrations grant their role, no more and no less."""

import pytest
from django.contrib.auth.models import Group

from consultations.models import PatientMessageTemplate

from .roles import patient_message_templates_seed, role_permissions

# A plain database test: the migrated database still holds the groups and templates that the
# live-server tests have to make again.
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["Intake coordinator", "Clinician", "Content editor"])
def test_rebuilt_role_holds_exactly_the_migrated_groups_permissions(role):
    migrated = set(Group.objects.get(name=role).permissions.all())

    assert set(role_permissions(role)) == migrated


def test_reseeded_message_templates_are_the_migrated_ones():
    fields = ("name", "body", "staff_write_text", "is_active", "position")
    migrated = list(PatientMessageTemplate.objects.values_list(*fields))
    PatientMessageTemplate.objects.all().delete()  # as a live-server test finds the table

    patient_message_templates_seed()

    assert list(PatientMessageTemplate.objects.values_list(*fields)) == migrated
