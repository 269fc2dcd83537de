from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "Pages and site settings"

    def ready(self):
        from .cache import connect_invalidation
        from .redirects import connect_target_check

        connect_invalidation()
        connect_target_check()
