"""Staff roles for consultation requests, least privilege (see consultations/README.md).

- Intake coordinator: works the queue: view, assign, change status, internal notes, export.
- Clinician: views requests, adds clinical notes, records the screening outcome.
- Content editor (made by pages/0002): keeps pages and site settings, and is left holding no
  permission on consultation requests or the audit trail, whatever it held before.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Intake coordinator": (
        "view_consultationrequest",
        "assign_consultationrequest",
        "transition_consultationrequest",
        "add_internal_note",
        "export_consultationrequest",
    ),
    "Clinician": (
        "view_consultationrequest",
        "add_clinical_note",
        "record_screening_outcome",
    ),
}
CONTENT_EDITOR = "Content editor"


def _make_permissions(apps):
    # Permissions are normally made after all migrations; make them now so groups can hold them.
    app_config = apps.get_app_config("consultations")
    app_config.models_module = True  # the historical app stub lacks it; create_permissions checks it
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None


def create_roles(apps, schema_editor):
    _make_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            Permission.objects.filter(
                content_type__app_label="consultations", codename__in=codenames
            )
        )
    editor = Group.objects.filter(name=CONTENT_EDITOR).first()
    if editor is not None:
        editor.permissions.remove(
            *editor.permissions.filter(content_type__app_label__in=("consultations", "audit"))
        )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0003_staff_triage"),
        ("pages", "0002_content_editor_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
