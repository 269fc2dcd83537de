"""The outbox's queued e-mails, moved from the consultations app.

State only, over the tables the models had in the consultations app (consultations/0007).
Their content types move with them, so the roles' permissions keep pointing at them.
"""

import django.utils.timezone
import phi.fields
from django.db import migrations, models

MOVED_MODELS = ("outboundemail",)


def content_types_move(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(
        app_label="consultations", model__in=MOVED_MODELS
    ).update(app_label="outbox")


def content_types_move_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(
        app_label="outbox", model__in=MOVED_MODELS
    ).update(app_label="consultations")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('consultations', '0007_move_booking_and_outbox'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='OutboundEmail',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('regarding', models.CharField(blank=True, db_index=True, help_text='What the e-mail is about, as the sending app names it (e.g. “consultations.consultationrequest:42”), so that app can find or withdraw its mails.', max_length=80)),
                        ('kind', models.CharField(help_text='Why it is sent, as the sending app names it (e.g. “patient_ack”).', max_length=30)),
                        ('recipients', phi.fields.EncryptedListField(blank=True, help_text='Who receives it.', null=True, verbose_name='recipients')),
                        ('subject', models.CharField(help_text='Contains no PHI.', max_length=200)),
                        ('body', models.TextField(help_text='Contains no PHI: a reference, a link, general information.')),
                        ('calendar_file', models.TextField(blank=True, help_text='An .ics file sent with the mail: time, clinic address or call details, nothing clinical.', verbose_name='calendar file')),
                        ('status', models.CharField(choices=[('pending', 'Waiting to be sent'), ('sent', 'Sent'), ('failed', 'Gave up after repeated failures')], db_index=True, default='pending', help_text='Whether it has been sent.', max_length=8)),
                        ('attempts', models.PositiveSmallIntegerField(default=0, help_text='How many sends were tried.')),
                        ('next_attempt_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, help_text='Not sent before this time.', verbose_name='next try')),
                        ('claimed_until', models.DateTimeField(blank=True, help_text='A worker is sending it until this time.', null=True)),
                        ('claim_token', models.UUIDField(blank=True, help_text='Which worker claimed it.', null=True)),
                        ('last_error', models.CharField(blank=True, help_text='The kind of error the last try met (no details, which could hold addresses).', max_length=200)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        'verbose_name': 'queued e-mail',
                        'db_table': 'consultations_outboundemail',
                        'ordering': ['next_attempt_at', 'pk'],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('status', 'sent'), _negated=True), ('sent_at__isnull', False), _connector='OR'), name='outbound_email_sent_has_time')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_move, content_types_move_back),
    ]
