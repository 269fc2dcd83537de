from django.core.management.base import BaseCommand

from booking.services import booking_reminders_queue


class Command(BaseCommand):
    help = (
        "Queue the PHI-free reminder for confirmed consultations starting within "
        "BOOKING_REMINDER_HOURS (24 by default). Idempotent: run it every few minutes from cron "
        "or beside `send_queued_email --loop`; each booking gets one reminder."
    )

    def handle(self, *args, **options):
        queued = booking_reminders_queue()
        self.stdout.write(f"queued {queued} reminder{'s' if queued != 1 else ''}")
