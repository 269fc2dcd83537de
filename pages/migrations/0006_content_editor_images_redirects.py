"""Content editors manage images and the redirects from old page addresses."""

from django.db import migrations

from pages.roles import grant_content_editor

MODELS = ("image",)
REDIRECTS_MODELS = ("redirect",)


def grant(apps, schema_editor):
    grant_content_editor(apps, "pages", MODELS)
    grant_content_editor(apps, "redirects", REDIRECTS_MODELS)


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0005_images"),
        ("redirects", "0002_alter_redirect_new_path_help_text"),
        ("sites", "0002_alter_domain_unique"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
