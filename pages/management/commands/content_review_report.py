from django.core.management.base import BaseCommand

from pages.services import content_review_report_send


class Command(BaseCommand):
    help = (
        "E-mail the Content editor group the pages whose medical review is overdue or due "
        "within 30 days. Run it daily or weekly from the scheduler."
    )

    def handle(self, *args, **options):
        report = content_review_report_send()
        if report.is_empty:
            self.stdout.write("No page needs a medical review: nothing sent.")
        elif not report.recipients:
            self.stderr.write(
                "Pages need review, but no active content editor has an e-mail address: "
                "nothing sent."
            )
        else:
            self.stdout.write(
                f"Sent the review list ({len(report.due)} due, {len(report.never_reviewed)} "
                f"never reviewed) to {len(report.recipients)} content editor(s)."
            )
