from django.core.management.base import BaseCommand

from pages.services import page_drafts_publish_due


class Command(BaseCommand):
    help = (
        "Publish the draft changes to published pages whose scheduled time has come. The mail "
        "worker does this before each pass; run this where no worker runs."
    )

    def handle(self, *args, **options):
        published = page_drafts_publish_due()
        self.stdout.write(f"Published the scheduled changes of {len(published)} page(s).")
