"""What a fresh app process would otherwise do during its first requests, done before it serves.

gunicorn loads the app once in its master (preload_app) and forks every worker from it. Warmed
there, a worker recycled by max_requests starts with the URLconf imported and every public
template compiled, instead of doing that work inside a patient's first request.
"""

from crispy_forms.utils import render_crispy_form
from django.conf import settings
from django.core.cache import caches
from django.template import engines
from django.urls import get_resolver

from consultations.forms import ConsultationRequestForm


def warm_up():
    """Import the URLconf, compile the public templates and the consultation form's, and set up
    the cache backends. Opens no database or cache connection: one opened in the master would
    be shared by every worker forked from it."""
    get_resolver().reverse_dict  # noqa: B018 - reading it imports the URLconf and indexes it
    public_templates = engines["jinja2"].env
    for name in public_templates.list_templates():
        public_templates.get_template(name)
    # crispy lays the form's questions out with Django templates, compiled on first use: done
    # there, it slowed a new worker's first form, a p99 spike each time max_requests recycled one.
    render_crispy_form(ConsultationRequestForm())
    # A backend imports its client when first set up (django-redis's is a noticeable part of a
    # new worker's first page); both backends in use connect only when first asked for something.
    for alias in settings.CACHES:
        caches[alias]  # noqa: B018
