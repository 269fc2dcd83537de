"""Store block text with \n line endings only.

Blocks saved through the admin before the form normalised line endings hold the browser's
\r\n. Rewriting them once means the next save of the page compares like with like and does
not record those blocks as changed.
"""

from django.db import migrations
from django.db.models import Q


def normalise(text):
    return text.replace("\r\n", "\n").replace("\r", "\n")


def forwards(apps, schema_editor):
    Block = apps.get_model("pages", "Block")
    for block in Block.objects.filter(Q(text__contains="\r") | Q(items__contains="\r")).iterator():
        block.text, block.items = normalise(block.text), normalise(block.items)
        block.save(update_fields=["text", "items"])


class Migration(migrations.Migration):
    dependencies = [("pages", "0008_key_points_block")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
