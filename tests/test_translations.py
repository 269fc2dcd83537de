"""The translation catalogues are whole: every string the site marks is in each catalogue,
translated, not fuzzy, with the same placeholders, and the compiled .mo says what the .po says
(docs/i18n.md: `make messages`, translate, `make install`)."""

import gettext
import io
import re
import string

import pytest
from babel.messages.mofile import read_mo

from ops import messages

LANGUAGES = messages.languages()


def test_spanish_has_a_catalogue():
    assert "es" in LANGUAGES


def catalogue(language):
    return messages.read_catalog(messages.po_path(language), language)


def entries(language):
    """The catalogue's messages, its header left out."""
    return [message for message in catalogue(language) if message.id]


def frozen(value):
    """A message's id or string, hashable whether it is singular or plural (tuple or list)."""
    return value if isinstance(value, str) else tuple(value)


def key(message):
    return (message.context, frozen(message.id))


def label(message):
    msgid = message.id[0] if message.pluralizable else message.id
    return f"{message.context}|{msgid}" if message.context else msgid


@pytest.fixture(scope="module")
def marked():
    """Every string the code and templates mark, extracted now."""
    return messages.extract_catalog()


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_a_proper_header(language):
    found = catalogue(language)
    headers = dict(found.mime_headers)
    assert headers["Language"] == language
    assert headers["Plural-Forms"].startswith(f"nplurals={found.num_plurals};")
    assert found.charset.lower() == "utf-8"
    assert not found.fuzzy


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    untranslated = []
    fuzzy = []
    for message in entries(language):
        strings = message.string if message.pluralizable else (message.string,)
        if not all(strings):
            untranslated.append(label(message))
        if message.fuzzy:
            fuzzy.append(label(message))
    assert not untranslated, f"Untranslated in locale/{language} (translate them): {untranslated}"
    assert not fuzzy, f"Fuzzy in locale/{language} (check, then remove the flag): {fuzzy}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_string_is_in_the_catalogue(language, marked):
    known = {key(message) for message in entries(language)}
    missing = sorted(label(m) for m in marked if m.id and key(m) not in known)
    assert not missing, (
        f"Marked but not in locale/{language} (run `make messages`, then translate): {missing}"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_holds_nothing_the_site_no_longer_marks(language, marked):
    wanted = {key(message) for message in marked if message.id}
    stale = sorted(label(m) for m in entries(language) if key(m) not in wanted)
    assert not stale, f"In locale/{language} but no longer marked (run `make messages`): {stale}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_written_as_the_tooling_writes_it(language):
    """Sorted, no locations: so the catalogues of two branches merge as two sets of entries."""
    path = messages.po_path(language)
    assert path.read_bytes() == messages.po_bytes(catalogue(language)), (
        f"Rewrite locale/{language} with `python -m ops.messages update`"
    )


PERCENT = re.compile(r"%(?:\((\w+)\))?[#0 +-]*\d*(?:\.\d+)?([sdifr%])")


def placeholders(text):
    """The %(name)s / %s / {name} placeholders of a string, as a sorted list."""
    found = [f"%({name}){kind}" if name else f"%{kind}" for name, kind in PERCENT.findall(text)]
    found += [
        f"{{{field}}}"
        for _, field, _, _ in string.Formatter().parse(text.replace("%%", ""))
        if field is not None
    ]
    return sorted(found)


def test_placeholders_are_read_as_expected():
    assert placeholders("Hello %(name)s, %(count)d left, 100%%") == [
        "%%",
        "%(count)d",
        "%(name)s",
    ]
    assert placeholders("Page {number} of {total}") == ["{number}", "{total}"]


# A plural form may leave the count out ("un día" for "one day"), and nothing else.
COUNT = {"%d", "%s", "%(count)d", "%(count)s", "{count}"}


def plural_form_keeps_placeholders(msgids, translated):
    singular, plural = (set(placeholders(msgid)) for msgid in msgids)
    found = set(placeholders(translated))
    return found <= singular | plural and plural - COUNT <= found


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_of_their_source(language):
    wrong = []
    for message in entries(language):
        if message.pluralizable:
            if not all(
                plural_form_keeps_placeholders(message.id, form) for form in message.string if form
            ):
                wrong.append(label(message))
        elif message.string and placeholders(message.id) != placeholders(message.string):
            wrong.append(label(message))
    assert not wrong, f"Placeholders differ from the source in locale/{language}: {wrong}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_agrees_with_the_po(language):
    source = catalogue(language)
    expected = {key(m): frozen(m.string) for m in source if m.id and not m.fuzzy}

    compiled = read_mo(io.BytesIO(messages.mo_bytes(source)))
    assert {key(m): frozen(m.string) for m in compiled if m.id} == expected
    # And gettext, as Django does, reads it: each message in its translation.
    reader = gettext.GNUTranslations(io.BytesIO(messages.mo_bytes(source)))
    for message in source:
        if message.id and not message.pluralizable and not message.context:
            assert reader.gettext(message.id) == message.string

    installed = messages.po_path(language).with_suffix(".mo")
    assert installed.exists(), "No compiled catalogue: run `make install`"
    with open(installed, "rb") as file:
        on_disk = {key(m): frozen(m.string) for m in read_mo(file) if m.id}
    assert on_disk == expected, (
        f"locale/{language}'s .mo is older than its .po: run `make install` "
        "(or `python -m ops.messages compile`)"
    )
