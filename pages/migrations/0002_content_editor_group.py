"""The “Content editor” role: pages and site settings, nothing else."""

from django.db import migrations

from pages.roles import CONTENT_EDITOR, grant_content_editor

MODELS = ("page", "block", "sitesettings")


def create_content_editor_group(apps, schema_editor):
    grant_content_editor(apps, "pages", MODELS)


def remove_content_editor_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=CONTENT_EDITOR).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_content_editor_group, remove_content_editor_group)]
