"""What the consultations app does when a lower layer tells it something."""

from .services import consultation_request_booking_changed


def booking_changed(sender, *, booking, event, by, **kwargs):
    """A booking was confirmed, moved or cancelled: its request's lifecycle follows."""
    consultation_request_booking_changed(booking=booking, event=event, by=by)
