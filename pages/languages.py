"""The languages pages are written in, and the one a request is served in.

English pages are the sources; a translation is a page of its own that names its English
source (Page.translation_of). English addresses carry no prefix; every other language's carry
its code (/es/…).
"""

from django.conf import settings
from django.utils import translation

# The language of source pages and of unprefixed addresses.
SOURCE_LANGUAGE = "en"


def language_codes():
    return [code for code, _name in settings.LANGUAGES]


def language_name(code):
    return dict(settings.LANGUAGES).get(code, code)


def active_language():
    """The language of the current request's address ("en" or "es"), as LocaleMiddleware set
    it; a regional variant ("en-us") counts as its language."""
    code = (translation.get_language() or settings.LANGUAGE_CODE).lower().split("-")[0]
    return code if code in language_codes() else SOURCE_LANGUAGE
