from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Who looked at or changed what, and when: the access log both apps write to."""

    name = "audit"
    verbose_name = "Audit trail"
