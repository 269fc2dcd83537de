"""What the booking engine does when a lower layer tells it something."""

from .services import booking_reminders_queue


def queue_due_reminders(sender, **kwargs):
    """Before each pass of the mail worker: queue reminders now due (once per booking)."""
    booking_reminders_queue()
