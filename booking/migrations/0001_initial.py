"""The booking engine's models, moved from the consultations app.

State only, over the tables the models had in the consultations app (consultations/0007).
Their content types move with them, so the roles' permissions keep pointing at them.
"""

import booking.models
import django.contrib.postgres.fields.ranges
import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models

MOVED_MODELS = ("availability", "availabilityexception", "booking", "bookinginvitation", "bookingsettings", "consultationtype",)


def content_types_move(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(
        app_label="consultations", model__in=MOVED_MODELS
    ).update(app_label="booking")


def content_types_move_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(
        app_label="booking", model__in=MOVED_MODELS
    ).update(app_label="consultations")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('consultations', '0007_move_booking_and_outbox'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='BookingSettings',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('minimum_notice_hours', models.PositiveSmallIntegerField(default=24, help_text='Patients cannot book a time sooner than this from now.', verbose_name='minimum notice (hours)')),
                        ('horizon_days', models.PositiveSmallIntegerField(default=30, help_text='Patients can book at most this many days ahead.', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(365)], verbose_name='booking horizon (days)')),
                        ('change_notice_hours', models.PositiveSmallIntegerField(default=24, help_text='Patients can cancel or move a booking through their link until this many hours before it; closer to the time they are asked to call the clinic.', verbose_name='change notice (hours)')),
                    ],
                    options={
                        'verbose_name': 'booking settings',
                        'db_table': 'consultations_bookingsettings',
                    },
                ),
                migrations.CreateModel(
                    name='BookingInvitation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.UUIDField(default=uuid.uuid4, editable=False, help_text="Random; signed into the patient's booking links. Not the request's reference.", unique=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ('callback_requested_at', models.DateTimeField(blank=True, help_text='When the patient asked us to call them to arrange a time instead of picking one.', null=True, verbose_name='asked to be called')),
                        ('consultation_request', models.OneToOneField(help_text='The request the patient is booking a consultation for.', on_delete=django.db.models.deletion.CASCADE, related_name='booking_invitation', to='consultations.consultationrequest', verbose_name='consultation request')),
                    ],
                    options={
                        'verbose_name': 'booking link',
                        'db_table': 'consultations_bookinginvitation',
                    },
                ),
                migrations.CreateModel(
                    name='ConsultationType',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(help_text='What patients see, e.g. “Phone consultation (30 minutes)”.', max_length=80)),
                        ('slug', models.SlugField(help_text="Short name used in the booking page's address, e.g. “phone”.", max_length=40, unique=True, verbose_name='web address part')),
                        ('mode', models.CharField(choices=[('phone', 'Phone call'), ('video', 'Video call'), ('in_person', 'In person at the clinic')], help_text="How the consultation happens; in-person bookings get the clinic's address.", max_length=10)),
                        ('duration_minutes', models.PositiveSmallIntegerField(default=30, help_text='How long one consultation lasts.', validators=[django.core.validators.MinValueValidator(5), django.core.validators.MaxValueValidator(480)], verbose_name='length (minutes)')),
                        ('buffer_minutes', models.PositiveSmallIntegerField(default=10, help_text='Free time kept after each consultation before the next one can start.', validators=[django.core.validators.MaxValueValidator(240)], verbose_name='buffer (minutes)')),
                        ('joining_details', models.TextField(blank=True, help_text='Sent to the patient with the calendar file, e.g. “We will call you on the number you gave us.” or how to join the video call. Never anything clinical.', max_length=500, verbose_name='how to join')),
                        ('is_active', models.BooleanField(default=True, help_text='Untick to stop offering this type; existing bookings stay.', verbose_name='bookable')),
                        ('position', models.PositiveSmallIntegerField(default=0, help_text='Types are listed to patients in this order (smallest first).')),
                    ],
                    options={
                        'verbose_name': 'consultation type',
                        'db_table': 'consultations_consultationtype',
                        'ordering': ['position', 'name'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('duration_minutes__gte', 5)), name='consultation_type_duration_min')],
                    },
                ),
                migrations.CreateModel(
                    name='Booking',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, help_text='Identifies the booking in calendar files; random, not the row id.', unique=True)),
                        ('start', models.DateTimeField(help_text='Stored in UTC; shown in clinic time.')),
                        ('end', models.DateTimeField(help_text="Start plus the consultation type's length.")),
                        ('status', models.CharField(choices=[('requested', 'Requested by the patient'), ('confirmed', 'Confirmed'), ('cancelled', 'Cancelled')], db_index=True, default='requested', help_text='Requested holds the time until staff confirm or cancel it.', max_length=10)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ('confirmed_at', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('cancelled_at', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('cancelled_by', models.CharField(blank=True, choices=[('patient', 'The patient'), ('staff', 'The clinic')], editable=False, help_text='Who cancelled it.', max_length=7)),
                        ('sequence', models.PositiveIntegerField(default=0, editable=False, help_text='Calendar revision: goes up each time the time changes, so calendars update.')),
                        ('reminder_queued_at', models.DateTimeField(blank=True, editable=False, help_text='When the 24-hour reminder was queued (it is queued once).', null=True)),
                        ('consultation_request', models.ForeignKey(help_text='Whose consultation this is.', on_delete=django.db.models.deletion.CASCADE, related_name='bookings', to='consultations.consultationrequest', verbose_name='consultation request')),
                        ('staff', models.ForeignKey(help_text='Who holds the consultation.', on_delete=django.db.models.deletion.PROTECT, related_name='consultation_bookings', to=settings.AUTH_USER_MODEL, verbose_name='staff member')),
                        ('consultation_type', models.ForeignKey(help_text='Phone, video or in person, and its length.', on_delete=django.db.models.deletion.PROTECT, related_name='bookings', to='booking.consultationtype', verbose_name='consultation type')),
                    ],
                    options={
                        'verbose_name': 'booking',
                        'db_table': 'consultations_booking',
                        'ordering': ['start', 'pk'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('end__gt', models.F('start'))), name='booking_ends_after_start'), models.CheckConstraint(condition=models.Q(models.Q(('cancelled_at__isnull', False), ('status', 'cancelled')), models.Q(models.Q(('status', 'cancelled'), _negated=True), ('cancelled_at__isnull', True)), _connector='OR'), name='booking_cancelled_at_iff_cancelled'), models.UniqueConstraint(condition=models.Q(('status__in', ['requested', 'confirmed'])), fields=('staff', 'start'), name='booking_one_active_per_staff_start', violation_error_message='This staff member already has a booking at that time.'), models.UniqueConstraint(condition=models.Q(('status__in', ['requested', 'confirmed'])), fields=('consultation_request',), name='booking_one_active_per_request', violation_error_message='This request already has an active booking.'), booking.models.PostgresOnlyExclusionConstraint(condition=models.Q(('status__in', ['requested', 'confirmed'])), expressions=[(booking.models.TsTzRange('start', 'end', django.contrib.postgres.fields.ranges.RangeBoundary()), '&&'), ('staff', '=')], name='booking_no_overlap_per_staff', violation_error_message='This staff member already has a booking at that time.')],
                    },
                ),
                migrations.CreateModel(
                    name='AvailabilityException',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('date', models.DateField(help_text='The day (clinic time).')),
                        ('kind', models.CharField(choices=[('closed', 'Not available'), ('extra', 'Extra hours')], help_text='“Not available” removes time from the weekly pattern; “Extra hours” adds time.', max_length=6)),
                        ('start_time', models.TimeField(blank=True, help_text='Leave both times empty to mark the whole day not available.', null=True, verbose_name='from')),
                        ('end_time', models.TimeField(blank=True, help_text='Clinic time (Central).', null=True, verbose_name='until')),
                        ('note', models.CharField(blank=True, help_text="For staff only, e.g. “Conference”. Never a patient's details.", max_length=120)),
                        ('staff', models.ForeignKey(help_text='Whose consultation time this is.', on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='staff member')),
                        ('consultation_type', models.ForeignKey(blank=True, help_text='Leave empty for every consultation type.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='booking.consultationtype', verbose_name='consultation type')),
                    ],
                    options={
                        'verbose_name': 'date exception',
                        'db_table': 'consultations_availabilityexception',
                        'ordering': ['date', 'start_time'],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('start_time__isnull', True), ('end_time__isnull', True), ('kind', 'closed')), models.Q(('start_time__isnull', False), ('end_time__isnull', False), ('end_time__gt', models.F('start_time'))), _connector='OR'), name='availability_exception_times')],
                    },
                ),
                migrations.CreateModel(
                    name='Availability',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('weekday', models.PositiveSmallIntegerField(choices=[(0, 'Monday'), (1, 'Tuesday'), (2, 'Wednesday'), (3, 'Thursday'), (4, 'Friday'), (5, 'Saturday'), (6, 'Sunday')], help_text='The day of the week this window repeats on.')),
                        ('start_time', models.TimeField(help_text='Clinic time (Central), e.g. 09:00. The first consultation starts here.', verbose_name='from')),
                        ('end_time', models.TimeField(help_text='Clinic time (Central). The last consultation ends by this time.', verbose_name='until')),
                        ('staff', models.ForeignKey(help_text='Whose consultation time this is.', on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='staff member')),
                        ('consultation_type', models.ForeignKey(blank=True, help_text='Leave empty for every consultation type.', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='booking.consultationtype', verbose_name='consultation type')),
                    ],
                    options={
                        'verbose_name': 'weekly availability',
                        'verbose_name_plural': 'weekly availability',
                        'db_table': 'consultations_availability',
                        'ordering': ['staff', 'weekday', 'start_time'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('end_time__gt', models.F('start_time'))), name='availability_ends_after_start')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_move, content_types_move_back),
    ]
