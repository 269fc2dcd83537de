"""Who may take consultations and who keeps everyone's schedule (issue 21, point 4).

- `take_consultations`: offered to patients and chosen as the staff of windows, date exceptions
  and bookings; such staff keep only their own hours. Given to the Clinician role.
- `manage_schedules`: keeps every staff member's availability and date exceptions. Given to
  the Intake coordinator role.

The staff fields name only active staff allowed to take consultations (`limit_choices_to`:
a form and model validation matter, the database tables do not change).
"""

import booking.models
import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

ROLE_SCHEDULE_PERMISSIONS = {
    "Clinician": ("take_consultations",),
    "Intake coordinator": ("manage_schedules",),
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("booking")
    app_config.models_module = True  # the historical app stub lacks it; create_permissions checks it
    create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_SCHEDULE_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(
                *Permission.objects.filter(content_type__app_label="booking", codename__in=codenames)
            )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLE_SCHEDULE_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="booking", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="availability",
            options={
                "ordering": ["staff", "weekday", "start_time"],
                "permissions": [
                    (
                        "take_consultations",
                        "Can take consultations (offered to patients, keeps own availability)",
                    ),
                    (
                        "manage_schedules",
                        "Can manage every staff member's availability and date exceptions",
                    ),
                ],
                "verbose_name": "weekly availability",
                "verbose_name_plural": "weekly availability",
            },
        ),
        migrations.AlterField(
            model_name="availability",
            name="staff",
            field=models.ForeignKey(
                help_text="Whose consultation time this is: a staff member who takes consultations.",
                limit_choices_to=booking.models.consultation_staff_choices,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="staff member",
            ),
        ),
        migrations.AlterField(
            model_name="availabilityexception",
            name="staff",
            field=models.ForeignKey(
                help_text="Whose consultation time this is: a staff member who takes consultations.",
                limit_choices_to=booking.models.consultation_staff_choices,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="staff member",
            ),
        ),
        migrations.AlterField(
            model_name="booking",
            name="staff",
            field=models.ForeignKey(
                help_text="Who holds the consultation: a staff member who takes consultations.",
                limit_choices_to=booking.models.consultation_staff_choices,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="consultation_bookings",
                to=settings.AUTH_USER_MODEL,
                verbose_name="staff member",
            ),
        ),
        migrations.RunPython(grant, revoke),
    ]
