"""What the booking engine tells the layers above it, without importing them.

`booking_changed` is sent inside the transaction of every change to a booking, after the
booking is saved, with `booking`, `event` (one of `BookingEvent`) and `by` (the staff member,
or None for the patient's own link or the clinic's system). A receiver that raises rolls the
booking change back with it: the request's lifecycle and its booking move together.
"""

from django.dispatch import Signal

booking_changed = Signal()


class BookingEvent:
    REQUESTED = "requested"
    CONFIRMED = "confirmed"
    MOVED = "moved"
    CANCELLED = "cancelled"
