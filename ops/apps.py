from django.apps import AppConfig


class OpsConfig(AppConfig):
    """What running the site in production needs and neither pages nor consultations own:
    the health probe for load balancers, the shape of log lines, deployment checks."""

    name = "ops"
    verbose_name = "Operations"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deployment checks)
