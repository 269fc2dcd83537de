"""The public site's templates (templates/jinja2/): their Jinja2 environment, and what they call.

Django templates do some work for every value they print that Jinja2 leaves to the template:
they call methods, and show aware times in the site's time zone. Here `date` and `time` do
the latter, exactly as Django's filters of the same name, and `iso` gives the same time for a
<time datetime> attribute; methods are called with `()`.
"""

import datetime
import functools
from typing import NamedTuple
from urllib.parse import urlencode

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaultfilters
from django.templatetags.static import static as static_url
from django.urls import translate_url
from django.utils import dateformat, translation
from django.utils.html import format_html
from django.utils.timezone import template_localtime
from jinja2 import ChainableUndefined, Environment
from markupsafe import Markup, escape

from pages import richtext
from pages.addresses import absolute_url, language_home, url
from pages.dates import long_date
from pages.languages import SOURCE_LANGUAGE
from pages.models import Block
from pages.selectors import SiteTree
from pages.structured_data import structured_data_script

# The engine of the public site's templates. Views name it when they render: Django's own
# engine is asked first otherwise, and misses, on every request.
PUBLIC_TEMPLATES = "jinja2"


# A static file's address is worked out once per process, not on every page: the manifest is
# read once. Tests that change the static files' settings forget them.
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


def iso(value):
    """A date or time for machine-readable attributes (<time datetime>), as ISO 8601 to the
    second: the HTML standard's valid date strings allow no more than three decimals, and a
    reader needs none."""
    if not value:
        return ""
    value = template_localtime(value)
    if isinstance(value, datetime.datetime):
        value = value.replace(microsecond=0)
    return value.isoformat()


def time(value, format_string=None):
    return defaultfilters.time(template_localtime(value), format_string)


_BR = Markup("<br>")


def linebreaksbr(value):
    """Django's `linebreaksbr`, escaping as Jinja2 does (markupsafe's public escape)."""
    text = str(value)
    if "\n" not in text and "\r" not in text:
        return escape(text)  # most paragraphs are one line
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return _BR.join(lines)  # Markup.join escapes each line


def sections(blocks):
    """Blocks that start a section, for the “On this page” contents."""
    return [block for block in blocks if block.starts_section]


def lead_and_rest(blocks):
    """The key points that open the page (shown under the heading, before “On this page”),
    and the blocks after them."""
    lead = 0
    while lead < len(blocks) and blocks[lead].is_key_points:
        lead += 1
    return blocks[:lead], blocks[lead:]


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
    ancestors = SiteTree.for_request(request).ancestors(page)
    trail = [(row.label, absolute_url(row.url)) for row in ancestors]
    trail.append((page.menu_title or page.title, canonical_url))
    rendition = page.hero_image.rendition_for(1200) if page.hero_image else None
    return structured_data_script(
        page=page,
        blocks=blocks,
        site_settings=site_settings,
        canonical_url=canonical_url,
        home_url=absolute_url("/"),
        trail=trail,
        image_url=absolute_url(default_storage.url(rendition["fallback"])) if rendition else "",
    )


# Images span the reading column (46rem) on wide screens and the whole width on phones.
READING_COLUMN_SIZES = "(min-width: 46rem) 46rem, 100vw"


def picture_sources(image, sizes=READING_COLUMN_SIZES):
    """What a <picture> needs: WebP renditions first, JPEG/PNG for older browsers, and the
    size of the default one to avoid layout shifts. None when the image has no renditions."""
    # One rendition per width: images cut before that rule held may list a width twice.
    by_width = {r["width"]: r for r in image.renditions} if image else {}
    renditions = [by_width[width] for width in sorted(by_width)]
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
        absolute_url(default_storage.url(rendition["fallback"])),
        rendition["fallback_type"],
        rendition["width"],
        rendition["height"],
        image.alt,
    )


class Alternate(NamedTuple):
    """A `<link rel="alternate">`: the page in one language, or the default (`x-default`)."""

    hreflang: str
    href: str  # absolute, as search engines require


def page_alternates(request, page):
    """The page in each language in which it exists and is live, itself included, plus
    `x-default` (the English page): for `<link rel="alternate" hreflang>`. Empty for a page
    without a live translation. Read from the request's site tree: no query of its own."""
    versions = SiteTree.for_request(request).alternates(page)
    if not versions:
        return []
    found = [Alternate(code, absolute_url(path)) for code, path in versions]
    default = dict(versions).get(SOURCE_LANGUAGE)
    if default:
        found.append(Alternate("x-default", absolute_url(default)))
    return found


class LanguageLink(NamedTuple):
    """The header's link to the site in another language."""

    code: str
    name: str  # the language's name in itself ("Español"), as a reader of it looks for
    href: str


def language_links(request, alternates=None):
    """A link for each language but the active one, through the view that remembers the pick
    (pages.views.language_choose). It leads to `alternates[code]` when the view knows the
    page's own translation; else to the same address in that language for the site's fixed
    views (search, the form), whose addresses differ only by the prefix; else to that
    language's home, as an editor's page may have no translation."""
    current = translation.get_language()
    match = getattr(request, "resolver_match", None)
    fixed_view = match is not None and not getattr(match.func, "serves_published_pages", False)
    links = []
    for code, name in settings.LANGUAGES:
        if code == current:
            continue
        target = (alternates or {}).get(code)
        if not target and fixed_view:
            target = translate_url(request.path, code)
        if not target or target == request.path:
            target = language_home(code)
        query = urlencode({"next": target}, safe="/")
        links.append(LanguageLink(code, name, f"{url('language_choose', code)}?{query}"))
    return links


def home_url():
    """The home page's address in the active language."""
    return language_home(translation.get_language())


# Open Graph names a page's language with a region: the clinic's readers are in Texas.
OPEN_GRAPH_LOCALES = {"en": "en_US", "es": "es_US"}


def open_graph_locale():
    return OPEN_GRAPH_LOCALES.get(translation.get_language(), "en_US")


def environment(**options):
    options.pop("autoescape", None)
    options.pop("undefined", None)
    extensions = [*options.pop("extensions", ()), "jinja2.ext.i18n"]
    # Like Django templates, a missing value prints nothing rather than failing the page.
    env = Environment(
        autoescape=True, undefined=ChainableUndefined, extensions=extensions, **options
    )
    # `{{ _("Text") }}`, `{{ _("Hello %(name)s", name=x) }}` and `{% trans %}` translate
    # through Django's catalogues in the active language (docs/i18n.md). Newstyle: values are
    # escaped as they are put in, and a literal percent sign is written "%%".
    # `{% trans %}` blocks lose the whitespace that wraps them (ops/messages.py extracts alike).
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_callables(
        translation.gettext,
        translation.ngettext,
        newstyle=True,
        pgettext=translation.pgettext,
        npgettext=translation.npgettext,
    )
    env.globals.update(
        static=static,
        url=url,
        picture_sources=picture_sources,
        open_graph_image=open_graph_image,
        structured_data=structured_data,
        current_language=translation.get_language,
        language_links=language_links,
        home_url=home_url,
        open_graph_locale=open_graph_locale,
        page_alternates=page_alternates,
    )
    env.filters.update(
        date=date,
        long_date=long_date,
        iso=iso,
        time=time,
        linebreaksbr=linebreaksbr,
        rich=richtext.render,
        reference=richtext.reference_html,
        pluralize=defaultfilters.pluralize,
        sections=sections,
        lead_and_rest=lead_and_rest,
        grouped_faqs=grouped_faqs,
    )
    return env
