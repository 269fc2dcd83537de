from django.apps import AppConfig


class OpsConfig(AppConfig):
    """What running the site in production needs and neither pages nor consultations own:
    the health probe for load balancers and the shape of log lines."""

    name = "ops"
    verbose_name = "Operations"
