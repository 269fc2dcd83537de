"""What a fresh app process would otherwise do during its first requests, done before it serves.

gunicorn loads the app once in its master (preload_app) and forks every worker from it. Warmed
there, a worker recycled by max_requests starts with the URLconf imported and every public
template compiled, instead of spending about 150 ms on them inside a patient's first request.
"""

from django.template import engines
from django.urls import get_resolver


def warm_up():
    """Import the URLconf and compile the public templates. Opens no database or cache
    connection: one opened in the master would be shared by every worker forked from it."""
    get_resolver().reverse_dict  # noqa: B018 - reading it imports the URLconf and indexes it
    public_templates = engines["jinja2"].env
    for name in public_templates.list_templates():
        public_templates.get_template(name)
