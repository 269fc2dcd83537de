"""Booking permissions for the staff roles (least privilege; see consultations/README.md).

- Intake coordinator: sees and changes bookings (confirm, move, cancel, book for a patient),
  keeps staff availability, date exceptions, consultation types and the booking rules.
- Clinician: sees bookings and keeps availability and date exceptions (their own hours).
- Content editor: nothing of booking.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_BOOKING_PERMISSIONS = {
    "Intake coordinator": (
        "view_booking",
        "change_booking",
        "view_availability",
        "add_availability",
        "change_availability",
        "delete_availability",
        "view_availabilityexception",
        "add_availabilityexception",
        "change_availabilityexception",
        "delete_availabilityexception",
        "view_consultationtype",
        "add_consultationtype",
        "change_consultationtype",
        "view_bookingsettings",
        "change_bookingsettings",
    ),
    "Clinician": (
        "view_booking",
        "view_availability",
        "add_availability",
        "change_availability",
        "delete_availability",
        "view_availabilityexception",
        "add_availabilityexception",
        "change_availabilityexception",
        "delete_availabilityexception",
    ),
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("consultations")
    app_config.models_module = True  # the historical app stub lacks it; create_permissions checks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_BOOKING_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="consultations", codename__in=codenames
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_BOOKING_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="consultations", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [("consultations", "0004_staff_roles")]

    operations = [migrations.RunPython(grant, revoke)]
