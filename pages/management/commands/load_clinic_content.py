from django.core.management.base import BaseCommand

from pages.services import clinic_content_load


class Command(BaseCommand):
    help = (
        "Load the clinic's starting pages and site settings from pages/content/. "
        "Loads each item once in the database's life: never overwrites an editor's changes "
        "and never brings back a page the editors renamed, moved or deleted."
    )

    def handle(self, *args, **options):
        report = clinic_content_load()
        for name in report.created:
            self.stdout.write(self.style.SUCCESS(f"created  {name}"))
        for name in report.kept:
            self.stdout.write(f"kept     {name} (loaded before, left as edited)")
        for name in report.deleted:
            self.stdout.write(f"deleted  {name} (loaded before and deleted by the editors)")
        for name in report.skipped:
            self.stdout.write(
                self.style.WARNING(f"skipped  {name} (its parent page is gone; not loaded)")
            )
