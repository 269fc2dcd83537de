from django.core.management.base import BaseCommand

from pages.services import clinic_content_load


class Command(BaseCommand):
    help = (
        "Load the clinic's starting pages and site settings from pages/content/. "
        "Creates only what is missing; never overwrites an editor's changes."
    )

    def handle(self, *args, **options):
        report = clinic_content_load()
        for name in report.created:
            self.stdout.write(self.style.SUCCESS(f"created  {name}"))
        for name in report.kept:
            self.stdout.write(f"kept     {name} (already present, left as edited)")
