"""Booking and the outbox move to apps of their own; their tables stay where they are.

State only: the consultations app stops describing these models, and booking/0001 and
outbox/0001 describe them again over the same tables (`consultations_booking`, …), so no row is
copied and no constraint or trigger is rebuilt.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("consultations", "0006_outbound_email_regarding")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='availability',
                    name='consultation_type',
                ),
                migrations.RemoveField(
                    model_name='availability',
                    name='staff',
                ),
                migrations.RemoveField(
                    model_name='availabilityexception',
                    name='consultation_type',
                ),
                migrations.RemoveField(
                    model_name='availabilityexception',
                    name='staff',
                ),
                migrations.RemoveField(
                    model_name='booking',
                    name='consultation_request',
                ),
                migrations.RemoveField(
                    model_name='booking',
                    name='consultation_type',
                ),
                migrations.RemoveField(
                    model_name='booking',
                    name='staff',
                ),
                migrations.RemoveField(
                    model_name='bookinginvitation',
                    name='consultation_request',
                ),
                migrations.DeleteModel(
                    name='BookingSettings',
                ),
                migrations.DeleteModel(
                    name='Availability',
                ),
                migrations.DeleteModel(
                    name='AvailabilityException',
                ),
                migrations.DeleteModel(
                    name='ConsultationType',
                ),
                migrations.DeleteModel(
                    name='Booking',
                ),
                migrations.DeleteModel(
                    name='BookingInvitation',
                ),
                migrations.DeleteModel(
                    name='OutboundEmail',
                ),
            ],
            database_operations=[],
        ),
    ]
