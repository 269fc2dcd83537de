"""`make bench` and `make audit` only: the production settings, plus a bare view to measure
the framework against. Never deployed; production's own URLs never have the bare view."""

from .prod import *  # noqa: F403

ROOT_URLCONF = "clinic_site.urls_bench"
