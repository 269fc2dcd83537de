from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "Pages and site settings"

    def ready(self):
        from .cache import connect_invalidation

        connect_invalidation()
