from django.core.management.base import BaseCommand

from phi.services import encrypted_fields_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value with the first key in FIELD_ENCRYPTION_KEYS. "
        "Resumable: values already under the first key are skipped, so after an interruption "
        "run it again. Remove an old key only after a run that reports 0 values left."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=200, help="Rows per transaction.")

    def handle(self, *args, batch_size, **options):
        for report in encrypted_fields_rotate(batch_size=batch_size):
            self.stdout.write(
                f"{report.model_label}: {report.rows_rotated} row(s) re-encrypted, "
                f"{report.rows_current} already under the first key"
            )
        self.stdout.write("Every encrypted value is now under the first key.")
