"""Content editors manage the medical reviewers named on pages."""

from django.db import migrations

from pages.roles import grant_content_editor

MODELS = ("medicalreviewer",)


def grant(apps, schema_editor):
    grant_content_editor(apps, "pages", MODELS)


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0003_schedule_and_medical_review"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
