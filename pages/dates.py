"""Dates as the site writes them in sentences, in the reader's language.

"December 1, 2026" in English, "1 de diciembre de 2026" in Spanish: the order comes from the
catalogue (the msgid "%(month)s %(day)s, %(year)s"), the month's name from Django's own.
Pages, e-mails and calendar files use this one helper, so a date reads alike everywhere.
"""

from django.utils import translation
from django.utils.dates import MONTHS
from django.utils.timezone import template_localtime


def long_date(value, language=None):
    """A day written out in `language` (default: the active one), "March 2, 2026". An aware
    time counts in the clinic's time zone; nothing gives ""."""
    if value in (None, ""):
        return ""
    day = template_localtime(value)
    if language is None:
        return _long_date(day)
    with translation.override(language):
        return _long_date(day)


def _long_date(day):
    # Translators: a date in a sentence, e.g. "March 2, 2026". Reorder the parts as your
    # language writes a date; the month's name comes already translated.
    return translation.gettext("%(month)s %(day)s, %(year)s") % {
        "month": MONTHS[day.month],
        "day": day.day,
        "year": day.year,
    }
