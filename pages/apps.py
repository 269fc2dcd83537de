from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "Pages and site settings"

    def ready(self):
        from outbox.signals import worker_pass_starting

        from .cache import connect_invalidation
        from .receivers import publish_due_changes
        from .redirects import connect_target_check

        connect_invalidation()
        connect_target_check()
        worker_pass_starting.connect(publish_due_changes, dispatch_uid="pages.scheduled_changes")
