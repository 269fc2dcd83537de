"""What the outbox tells the apps above it, without importing them."""

from django.dispatch import Signal

#: Sent by `send_queued_email` before each pass over the queue, so apps that queue mail on a
#: schedule (the booking engine's reminders) can add what is due first. No arguments.
worker_pass_starting = Signal()
