"""The outbox forgets which request a mail is about, except by name.

The outbox becomes an app of its own that knows nothing of consultation requests: the foreign
key gives way to `regarding` ("consultations.consultationrequest:<pk>"), filled from it here,
so the retention purge still finds a request's mails. `kind` loses its choices (each sending
app names its own kinds) and may be longer.
"""

from django.db import migrations, models

REGARDING_PREFIX = "consultations.consultationrequest:"


def regarding_fill(apps, schema_editor):
    OutboundEmail = apps.get_model("consultations", "OutboundEmail")
    db = schema_editor.connection.alias
    for pk, request_id in (
        OutboundEmail.objects.using(db)
        .filter(consultation_request__isnull=False)
        .values_list("pk", "consultation_request_id")
    ):
        OutboundEmail.objects.using(db).filter(pk=pk).update(
            regarding=f"{REGARDING_PREFIX}{request_id}"
        )


def regarding_unfill(apps, schema_editor):
    OutboundEmail = apps.get_model("consultations", "OutboundEmail")
    db = schema_editor.connection.alias
    for pk, regarding in (
        OutboundEmail.objects.using(db)
        .filter(regarding__startswith=REGARDING_PREFIX)
        .values_list("pk", "regarding")
    ):
        OutboundEmail.objects.using(db).filter(pk=pk).update(
            consultation_request_id=int(regarding.removeprefix(REGARDING_PREFIX))
        )


class Migration(migrations.Migration):
    dependencies = [("consultations", "0005_booking_roles")]

    operations = [
        migrations.AddField(
            model_name="outboundemail",
            name="regarding",
            field=models.CharField(
                blank=True,
                db_index=True,
                default="",
                help_text="What the e-mail is about, as the sending app names it (e.g. “consultations.consultationrequest:42”), so that app can find or withdraw its mails.",
                max_length=80,
            ),
            preserve_default=False,
        ),
        migrations.RunPython(regarding_fill, regarding_unfill),
        migrations.RemoveField(model_name="outboundemail", name="consultation_request"),
        migrations.AlterField(
            model_name="outboundemail",
            name="kind",
            field=models.CharField(
                help_text="Why it is sent, as the sending app names it (e.g. “patient_ack”).",
                max_length=30,
            ),
        ),
    ]
