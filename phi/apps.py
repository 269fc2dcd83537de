from django.apps import AppConfig


class PhiConfig(AppConfig):
    """The PHI toolkit: encrypted fields, blind indexes, key rotation and the log filter.

    The bottom layer: it imports no other app of the project, so every app that stores or logs
    protected health information can use it.
    """

    name = "phi"
    verbose_name = "PHI protection"
