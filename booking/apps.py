from django.apps import AppConfig


class BookingConfig(AppConfig):
    """The booking engine: availability, slots, bookings, links, calendar files, reminders."""

    name = "booking"
    verbose_name = "Consultation booking"

    def ready(self):
        from outbox.signals import worker_pass_starting

        from .receivers import queue_due_reminders

        worker_pass_starting.connect(queue_due_reminders, dispatch_uid="booking.reminders")
