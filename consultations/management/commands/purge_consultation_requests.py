from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from consultations.services import consultation_request_purge


class Command(BaseCommand):
    help = (
        "Anonymise closed consultation requests closed more than DAYS ago: every answer and "
        "the e-mail/phone fingerprints are removed, queued e-mails deleted; reference, dates, "
        "status, outcome and screening flags stay for statistics."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            metavar="DAYS",
            default=None,
            help="Closed more than DAYS ago (default: CONSULTATION_RETENTION_DAYS).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be removed; change nothing."
        )

    def handle(self, *args, older_than, dry_run, **options):
        days = settings.CONSULTATION_RETENTION_DAYS if older_than is None else older_than
        if days < 0:
            raise CommandError("--older-than must be 0 or more days.")
        report = consultation_request_purge(older_than_days=days, dry_run=dry_run)
        verb = "Would anonymise" if dry_run else "Anonymised"
        self.stdout.write(
            f"{verb} {len(report.references)} closed request(s) closed more than {days} days "
            f"ago; {'would delete' if dry_run else 'deleted'} {report.emails_deleted} queued "
            "e-mail(s)."
        )
        if report.bookings_cancelled:
            self.stdout.write(
                f"Cancelled the live booking of {report.bookings_cancelled} request(s); each "
                "patient's cancellation notice stays queued."
            )
        for reference in report.references:
            self.stdout.write(f"  {reference}")
