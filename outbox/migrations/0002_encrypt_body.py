"""Queued mails' bodies are encrypted: they can hold a working booking link.

Existing bodies are encrypted in place first, while the column is still plain text to Django,
then the field becomes an encrypted one.
"""

import phi.fields
from django.db import migrations


def bodies_encrypt(apps, schema_editor):
    OutboundEmail = apps.get_model("outbox", "OutboundEmail")
    encrypted = phi.fields.EncryptedTextField()
    db = schema_editor.connection.alias
    for pk, body in OutboundEmail.objects.using(db).values_list("pk", "body"):
        OutboundEmail.objects.using(db).filter(pk=pk).update(body=encrypted.get_prep_value(body))


def bodies_decrypt(apps, schema_editor):
    OutboundEmail = apps.get_model("outbox", "OutboundEmail")
    encrypted = phi.fields.EncryptedTextField()
    db = schema_editor.connection.alias
    for pk, token in OutboundEmail.objects.using(db).values_list("pk", "body"):
        body = encrypted.from_db_value(token, None, schema_editor.connection)
        OutboundEmail.objects.using(db).filter(pk=pk).update(body=body or "")


class Migration(migrations.Migration):
    dependencies = [("outbox", "0001_initial")]

    operations = [
        migrations.RunPython(bodies_encrypt, bodies_decrypt),
        migrations.AlterField(
            model_name="outboundemail",
            name="body",
            field=phi.fields.EncryptedTextField(
                blank=True,
                help_text="Contains no PHI: a reference, a link, general information. Encrypted at rest.",
                null=True,
                verbose_name="body",
            ),
        ),
    ]
