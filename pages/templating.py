"""The public site's templates (templates/jinja2/): their Jinja2 environment, and what they call.

Django templates do some work for every value they print that Jinja2 leaves to the template:
they call methods, and show aware times in the site's time zone. Here `date` and `time` do
the latter, exactly as Django's filters of the same name, and `iso` gives the same time for a
<time datetime> attribute; methods are called with `()`.
"""

import functools
from typing import NamedTuple

from django.core.files.storage import default_storage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaultfilters
from django.templatetags.static import static as static_url
from django.utils import dateformat
from django.utils.dates import MONTHS
from django.utils.html import format_html
from django.utils.timezone import template_localtime
from jinja2 import ChainableUndefined, Environment
from jinja2.compiler import CodeGenerator, optimizeconst
from markupsafe import Markup, escape

from pages.addresses import url
from pages.models import Block
from pages.structured_data import structured_data_script

# The engine of the public site's templates. Views name it when they render: Django's own
# engine is asked first otherwise, and missed, on every request (1-2 % of an uncached page).
PUBLIC_TEMPLATES = "jinja2"


# A static file's address is worked out once (each one cost 10-20 us a page): the manifest is
# read once per process. Tests that change the static files' settings forget them.
@functools.cache
def static(path):
    return static_url(path)


@receiver(setting_changed)
def _forget_static_addresses(*, setting, **kwargs):
    if setting in {"STATIC_URL", "STORAGES"}:
        static.cache_clear()


def date(value, format_string=None):
    if format_string is None:
        return defaultfilters.date(template_localtime(value))
    if value in (None, ""):
        return ""
    return dateformat.format(template_localtime(value), format_string)


def long_date(value):
    """A day as the pages write it in sentences, "2 March 2026": `date("j F Y")` at a tenth of
    the cost, which Django's general formatter spent parsing the format on every call."""
    if value in (None, ""):
        return ""
    day = template_localtime(value)
    return f"{day.day} {MONTHS[day.month]} {day.year}"


def iso(value):
    """A date or time for machine-readable attributes (<time datetime>), as ISO 8601."""
    return template_localtime(value).isoformat() if value else ""


def time(value, format_string=None):
    return defaultfilters.time(template_localtime(value), format_string)


_BR = Markup("<br>")


def linebreaksbr(value):
    """Django's `linebreaksbr`, escaping as Jinja2 does, at a tenth of the cost per call."""
    text = str(value)
    if "\n" not in text and "\r" not in text:
        return escape(text)  # most paragraphs are one line
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return _BR.join(lines)  # Markup.join escapes each line


def sections(blocks):
    """Blocks that start a section, for the “On this page” contents."""
    return [block for block in blocks if block.starts_section]


class BlockGroup(NamedTuple):
    """One block, or a run of FAQ blocks shown together (then `block` is None)."""

    block: object
    faqs: list


FAQ = Block.Kind.FAQ


def grouped_faqs(blocks):
    """Blocks in reading order, with each run of FAQ blocks gathered into one group."""
    groups = []
    faqs = None  # the run of FAQs being gathered, if the last block was one
    for block in blocks:
        if block.kind == FAQ:
            if faqs is None:
                faqs = []
                groups.append(BlockGroup(None, faqs))
            faqs.append(block)
        else:
            faqs = None
            groups.append(BlockGroup(block, []))
    return groups


def structured_data(request, site_settings, page, blocks, canonical_url):
    return structured_data_script(
        page=page,
        blocks=blocks,
        site_settings=site_settings,
        canonical_url=canonical_url,
        home_url=request.build_absolute_uri("/"),
    )


# Images span the reading column (46rem) on wide screens and the whole width on phones.
READING_COLUMN_SIZES = "(min-width: 46rem) 46rem, 100vw"


def picture_sources(image, sizes=READING_COLUMN_SIZES):
    """What a <picture> needs: WebP renditions first, JPEG/PNG for older browsers, and the
    size of the default one to avoid layout shifts. None when the image has no renditions."""
    renditions = sorted(image.renditions, key=lambda r: r["width"]) if image else []
    if not renditions:
        return None
    default = image.rendition_for(800)
    url = default_storage.url
    return {
        "alt": image.alt,
        "sizes": sizes,
        "src": url(default["fallback"]),
        "width": default["width"],
        "height": default["height"],
        "webp_srcset": ", ".join(f"{url(r['webp'])} {r['width']}w" for r in renditions),
        "fallback_srcset": ", ".join(f"{url(r['fallback'])} {r['width']}w" for r in renditions),
    }


def open_graph_image(request, image):
    """og:image meta tags from a JPEG/PNG rendition about 1200 pixels wide (what sharers use)."""
    rendition = image.rendition_for(1200) if image else None
    if rendition is None:
        return ""
    return format_html(
        '<meta property="og:image" content="{}">\n'
        '  <meta property="og:image:type" content="{}">\n'
        '  <meta property="og:image:width" content="{}">\n'
        '  <meta property="og:image:height" content="{}">\n'
        '  <meta property="og:image:alt" content="{}">',
        request.build_absolute_uri(default_storage.url(rendition["fallback"])),
        rendition["fallback_type"],
        rendition["width"],
        rendition["height"],
        image.alt,
    )


def _replaced_text(value):
    # The replacements of markupsafe's own pure-Python escape, in its order.
    return (
        value.replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


try:
    # markupsafe's C escaping of a plain string, the work `escape()` does before wrapping the
    # result: half the cost of the replacements above. Private to markupsafe, hence the
    # fallback; test_templates.py checks both give what `escape()` gives.
    from markupsafe._speedups import _escape_inner as _escaped_text
except ImportError:  # pragma: no cover - markupsafe without its compiled speedups
    _escaped_text = _replaced_text


def escape_output(value):
    """What `{{ value }}` prints: markupsafe's `escape()`, character for character, as a plain
    string. `escape()` wraps every result in a Markup object, which the template only joins
    into the page: at two hundred values a page, that wrapping cost a tenth of its render."""
    if value.__class__ is not str:
        if hasattr(value, "__html__"):
            return value.__html__()
        value = str(value)
    return _escaped_text(value)


class _PlainOutputCodeGenerator(CodeGenerator):
    """Compiles templates whose printed values are escaped by `escape_output`, and whose
    `a.b` tries Python's own `getattr()` before Jinja2's.

    A compiled template calls the name `escape` only for what it prints (filters, macros and
    `{% set %}` blocks make their Markup elsewhere), so binding that name at the end of the
    module, before any template code runs, changes nothing else.
    """

    def visit_Template(self, node, frame=None):
        super().visit_Template(node, frame)
        self.writeline("from pages.templating import escape_output as escape")

    @optimizeconst
    def visit_Getattr(self, node, frame):
        # Jinja2 compiles `a.b` to a call of environment.getattr(), which tries getattr(a, "b")
        # and only then a["b"] or an Undefined. A long page does that four hundred times, and
        # the Python-level call cost a twentieth of its render: here the built-in getattr()
        # with a default answers first, in C, and Jinja2's is called only when it finds nothing.
        if self.environment.is_async:
            return super().visit_Getattr(node, frame)
        found, owner = self.temporary_identifier(), self.temporary_identifier()
        self.write(f"({found} if ({found} := getattr(({owner} := ")
        self.visit(node.node, frame)
        self.write(f"), {node.attr!r}, missing)) is not missing")
        self.write(f" else environment.getattr({owner}, {node.attr!r}))")


class SiteEnvironment(Environment):
    code_generator_class = _PlainOutputCodeGenerator


def environment(**options):
    options.pop("autoescape", None)
    options.pop("undefined", None)
    # Like Django templates, a missing value prints nothing rather than failing the page.
    env = SiteEnvironment(autoescape=True, undefined=ChainableUndefined, **options)
    env.globals.update(
        static=static,
        url=url,
        picture_sources=picture_sources,
        open_graph_image=open_graph_image,
        structured_data=structured_data,
    )
    env.filters.update(
        date=date,
        long_date=long_date,
        iso=iso,
        time=time,
        linebreaksbr=linebreaksbr,
        pluralize=defaultfilters.pluralize,
        sections=sections,
        grouped_faqs=grouped_faqs,
    )
    return env
