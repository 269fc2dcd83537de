"""The translation catalogues: find the strings to translate, merge them in, compile them.

    python -m ops.messages extract   # the strings marked in code and templates -> locale/django.pot
    python -m ops.messages update    # merge them into each locale/<lang>/LC_MESSAGES/django.po
    python -m ops.messages compile   # each django.po -> django.mo, which Django reads

Babel, in pure Python, so no gettext system package is needed. Python is scanned for
`_`, `gettext`, `gettext_lazy`, `ngettext`, `ngettext_lazy`, `pgettext` and `pgettext_lazy`;
the public site's Jinja2 templates (templates/jinja2/, .html, .txt and .ics) for `_()`,
`gettext()`, `ngettext()`, `pgettext()` and `{% trans %}`. A comment beginning
"Translators:" just before a string reaches the translator.

The .po files are written sorted and without source locations, obsolete entries dropped, and
their header kept as it is: an update that finds nothing new changes no byte, and two
branches that each add strings merge as two sets of entries (docs/i18n.md). `make messages`
runs extract and update; `make install` compiles.
"""

import argparse
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

BASE_DIR = Path(__file__).resolve().parents[1]
LOCALE_DIR = BASE_DIR / "locale"
DOMAIN = "django"
TEMPLATE_FILE = LOCALE_DIR / f"{DOMAIN}.pot"

# The project's own packages: its settings package and every app beside it (tests, benchmarks
# and migrations show no one a translated word).
PYTHON_PACKAGES = ("clinic_site", *sorted(path.parent.name for path in BASE_DIR.glob("*/apps.py")))
JINJA2_TEMPLATES = BASE_DIR / "templates" / "jinja2"
JINJA2_SUFFIXES = (".html", ".txt", ".ics")

KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
COMMENT_TAGS = ("Translators:",)
# As pages/templating.py sets up the environment: `{% trans %}` blocks have their whitespace
# trimmed, so a msgid reads as one line however the template wraps it.
JINJA2_OPTIONS = {"extensions": "jinja2.ext.i18n", "trimmed": "true"}
PROJECT = "texas-ketamine-site"
VERSION = "0.1.0"


def _sources():
    """(extraction method, options, file) for every file that may mark strings, in a fixed order."""
    for package in PYTHON_PACKAGES:
        for path in sorted((BASE_DIR / package).rglob("*.py")):
            if "migrations" not in path.relative_to(BASE_DIR).parts:
                yield "python", {}, path
    for path in sorted(JINJA2_TEMPLATES.rglob("*")):
        if path.suffix in JINJA2_SUFFIXES and path.is_file():
            yield "jinja2.ext:babel_extract", JINJA2_OPTIONS, path


def extract_catalog():
    """Every string the code and the public templates mark for translation, as a Catalog."""
    catalog = Catalog(project=PROJECT, version=VERSION, domain=DOMAIN, charset="utf-8", fuzzy=False)
    for method, options, path in _sources():
        found = extract_from_file(
            method,
            path,
            keywords=KEYWORDS,
            comment_tags=COMMENT_TAGS,
            options=options,
            strip_comment_tags=True,
        )
        location = str(path.relative_to(BASE_DIR))
        for lineno, message, comments, context in found:
            catalog.add(
                message,
                None,
                [(location, lineno)],
                auto_comments=comments,
                context=context,
            )
    return catalog


def po_path(language):
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def languages():
    """The languages that have a catalogue (locale/<lang>/LC_MESSAGES/django.po)."""
    return sorted(path.parents[1].name for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def read_catalog(path, language=None):
    with open(path, "rb") as file:
        return read_po(file, locale=language, domain=DOMAIN)


def po_bytes(catalog):
    """A catalogue as the .po files keep it: sorted, no locations, no obsolete entries."""
    out = io.BytesIO()
    write_po(
        out,
        catalog,
        no_location=True,
        sort_output=True,
        ignore_obsolete=True,
        include_lineno=False,
    )
    return out.getvalue()


def mo_bytes(catalog):
    """A catalogue compiled as Django reads it; fuzzy entries are left out."""
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def updated_catalog(language, template):
    """The language's catalogue with `template`'s strings merged in: new ones untranslated,
    gone ones dropped, translations kept. Never a fuzzy guess: a translator translates."""
    path = po_path(language)
    if path.exists():
        catalog = read_catalog(path, language)
    else:
        catalog = Catalog(
            locale=language,
            project=PROJECT,
            version=VERSION,
            domain=DOMAIN,
            charset="utf-8",
            fuzzy=False,
        )
    catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
    return catalog


def extract():
    TEMPLATE_FILE.parent.mkdir(parents=True, exist_ok=True)
    TEMPLATE_FILE.write_bytes(po_bytes(extract_catalog()))
    print(f"Wrote {TEMPLATE_FILE.relative_to(BASE_DIR)}")


def update():
    template = extract_catalog()
    for language in languages():
        path = po_path(language)
        content = po_bytes(updated_catalog(language, template))
        if path.read_bytes() != content:
            path.write_bytes(content)
            print(f"Updated {path.relative_to(BASE_DIR)}")
        untranslated = [m.id for m in read_catalog(path, language) if m.id and not m.string]
        if untranslated:
            print(f"{path.relative_to(BASE_DIR)}: {len(untranslated)} to translate")


def compile_catalogues():
    failed = False
    for language in languages():
        path = po_path(language)
        catalog = read_catalog(path, language)
        for message, errors in catalog.check():
            failed = True
            for error in errors:
                print(f"{path.relative_to(BASE_DIR)}: {message.id!r}: {error}", file=sys.stderr)
        path.with_suffix(".mo").write_bytes(mo_bytes(catalog))
        print(f"Compiled {path.with_suffix('.mo').relative_to(BASE_DIR)}")
    return not failed


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m ops.messages", description=__doc__)
    parser.add_argument("command", choices=["extract", "update", "compile"])
    command = parser.parse_args(argv).command
    if command == "extract":
        extract()
    elif command == "update":
        update()
    elif not compile_catalogues():
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
