"""The Jinja2 environment of the public site's templates (templates/jinja2/).

Django templates do some work for every value they print that Jinja2 leaves to the template:
they call methods, and show aware times in the site's time zone. Here `date` and `time` do
the latter, exactly as Django's filters of the same name, and `iso` gives the same time for a
<time datetime> attribute; methods are called with `()`.
"""

import functools

from crispy_forms.utils import render_crispy_form
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaultfilters
from django.templatetags.static import static as static_url
from django.urls import get_script_prefix, reverse
from django.utils import dateformat
from django.utils.timezone import template_localtime
from jinja2 import ChainableUndefined, Environment
from markupsafe import Markup

from pages import templating


# Addresses that cannot change while a process runs are worked out once (each one cost 10-20 us
# a page): the static files' manifest is read once per process, and a view's address depends
# only on the URLconf and the script prefix. Tests that change those settings forget them.
@functools.cache
def static(path):
    return static_url(path)


@functools.cache
def _address(script_prefix, viewname):
    return reverse(viewname)


def url(viewname, *args, **kwargs):
    if args or kwargs:
        return reverse(viewname, args=args or None, kwargs=kwargs or None)
    return _address(get_script_prefix(), viewname)


@receiver(setting_changed)
def _forget_addresses(*, setting, **kwargs):
    if setting in {"STATIC_URL", "STORAGES", "ROOT_URLCONF", "FORCE_SCRIPT_NAME"}:
        static.cache_clear()
        _address.cache_clear()


def date(value, format_string=None):
    if format_string is None:
        return defaultfilters.date(template_localtime(value))
    if value in (None, ""):
        return ""
    return dateformat.format(template_localtime(value), format_string)


def iso(value):
    """A date or time for machine-readable attributes (<time datetime>), as ISO 8601."""
    return template_localtime(value).isoformat() if value else ""


def time(value, format_string=None):
    return defaultfilters.time(template_localtime(value), format_string)


_BR = Markup("<br>")


def linebreaksbr(value):
    """Django's `linebreaksbr`, escaping as Jinja2 does, at a tenth of the cost per call."""
    lines = str(value).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return _BR.join(lines)  # Markup.join escapes each line


def environment(**options):
    options.pop("autoescape", None)
    options.pop("undefined", None)
    # Like Django templates, a missing value prints nothing rather than failing the page.
    env = Environment(autoescape=True, undefined=ChainableUndefined, **options)
    env.globals.update(
        static=static,
        url=url,
        crispy=render_crispy_form,
        picture_sources=templating.picture_sources,
        open_graph_image=templating.open_graph_image,
        structured_data=templating.structured_data,
    )
    env.filters.update(
        date=date,
        iso=iso,
        time=time,
        linebreaksbr=linebreaksbr,
        pluralize=defaultfilters.pluralize,
        sections=templating.sections,
        grouped_faqs=templating.grouped_faqs,
    )
    return env
