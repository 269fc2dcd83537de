"""Staff roles and seeded rows as the migrations make them, for the live-server tests.

A live-server test starts from an emptied database: the groups the role migrations made and
the message templates they seeded are gone (permissions are made again after the flush). These
rebuild them from the migrations' own lists, so a test's staff cannot drift from production's.
"""

import importlib

from django.contrib.auth.models import Group, Permission

from pages.roles import ACTIONS, CONTENT_EDITOR

# Every migration that grants a role permissions: the app the permissions belong to now, the
# migration, and the name of its list. Booking 0003 grants none.
ROLE_GRANTS = [
    ("consultations", "consultations.migrations.0004_staff_roles", "ROLES"),
    # Granted while the booking models were in the consultations app; booking 0001 took their
    # permissions along.
    ("booking", "consultations.migrations.0005_booking_roles", "ROLE_BOOKING_PERMISSIONS"),
    ("consultations", "consultations.migrations.0008_reopen_permission", "CODENAME"),
    ("consultations", "consultations.migrations.0009_patient_messages", "ROLE_PERMISSIONS"),
    ("booking", "booking.migrations.0002_schedule_rights", "ROLE_SCHEDULE_PERMISSIONS"),
    (
        "booking",
        "booking.migrations.0004_calendar_closures_and_worded_rules",
        "ROLE_CALENDAR_PERMISSIONS",
    ),
]


# The Content editor's migrations grant every action on whole models (pages.roles): the app
# the permissions belong to, the migration, and the name of its list of models.
CONTENT_EDITOR_GRANTS = [
    ("pages", "pages.migrations.0002_content_editor_group", "MODELS"),
    ("pages", "pages.migrations.0004_content_editor_reviews", "MODELS"),
    ("pages", "pages.migrations.0006_content_editor_images_redirects", "MODELS"),
    ("redirects", "pages.migrations.0006_content_editor_images_redirects", "REDIRECTS_MODELS"),
]


def _codenames(migration, name, role):
    granted = getattr(migration, name)
    if isinstance(granted, dict):  # role → codenames
        return granted.get(role, ())
    if role != migration.ROLE:  # a migration for one role: one codename or several
        return ()
    return (granted,) if isinstance(granted, str) else granted


def role_permissions(role):
    """Every permission the migrations grant the group named `role`."""
    granted = Permission.objects.none()
    for app_label, module, name in ROLE_GRANTS:
        granted |= Permission.objects.filter(
            content_type__app_label=app_label,
            codename__in=_codenames(importlib.import_module(module), name, role),
        )
    if role == CONTENT_EDITOR:
        for app_label, module, name in CONTENT_EDITOR_GRANTS:
            models = getattr(importlib.import_module(module), name)
            granted |= Permission.objects.filter(
                content_type__app_label=app_label,
                codename__in=[f"{action}_{model}" for model in models for action in ACTIONS],
            )
    return granted


def role_rebuild(role):
    """The group named `role`, holding exactly what its migrations grant it."""
    group, _ = Group.objects.get_or_create(name=role)
    group.permissions.set(role_permissions(role))
    return group


def patient_message_templates_seed():
    """The clinic's starting message templates, as consultations 0009 seeds them."""
    from consultations.models import PatientMessageTemplate

    seeded = importlib.import_module("consultations.migrations.0009_patient_messages")
    for template in seeded.TEMPLATES:
        PatientMessageTemplate.objects.get_or_create(name=template["name"], defaults=template)
