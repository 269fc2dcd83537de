import signal
import time

from django.core.management.base import BaseCommand

from outbox.services import outbound_email_send_due
from outbox.signals import worker_pass_starting


class Command(BaseCommand):
    help = (
        "Send queued e-mails that are due (staff alerts, patient acknowledgements), retrying "
        "failures with exponential back-off. Safe to run in several processes at once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", action="store_true", help="Keep running, checking every --interval seconds."
        )
        parser.add_argument("--interval", type=float, default=10.0, help="Seconds between checks.")
        parser.add_argument("--limit", type=int, default=100, help="At most this many per check.")

    def handle(self, *args, loop, interval, limit, **options):
        self._stopping = False
        if loop:
            signal.signal(signal.SIGTERM, self._stop)
        while True:
            # Mail due on a schedule (consultation reminders) joins the queue first.
            worker_pass_starting.send(sender=self.__class__)
            report = outbound_email_send_due(limit=limit)
            if report.sent or report.retrying or report.gave_up or not loop:
                self.stdout.write(
                    f"sent {report.sent}, retrying later {report.retrying}, "
                    f"gave up {report.gave_up}, taken by another worker {report.skipped}"
                )
            if not loop or self._stopping:
                return
            try:
                time.sleep(interval)
            except KeyboardInterrupt:
                return
            if self._stopping:
                return

    def _stop(self, signum, frame):
        self._stopping = True
