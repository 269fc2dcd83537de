from django.apps import AppConfig


class OutboxConfig(AppConfig):
    """Queued e-mail, its worker, retries and delivery state. Imports only the PHI toolkit."""

    name = "outbox"
    verbose_name = "Outgoing e-mail"
