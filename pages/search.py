"""Site search over the pages the public may see, with the passage that matched.

PostgreSQL ranks with its full-text search (title above summaries above body) and picks the
passage with ts_headline. Elsewhere (SQLite in development) a plain case-insensitive match
on every word stands in, with the passage cut out in Python.

Both find a word from its beginning ("fibro" → fibromyalgia: PostgreSQL by a prefix match on
the last word, as people type) and a British spelling of an American word ("sensitisation" →
sensitization): patients write both, the clinic's copy is American.
"""

import re
from dataclasses import dataclass

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connection
from django.db.models import Exists, Func, OuterRef, Prefetch, Q, Subquery, TextField, Value
from django.db.models.functions import Coalesce, Concat, Replace
from django.utils.html import escape
from django.utils.safestring import mark_safe

from . import richtext
from .languages import SOURCE_LANGUAGE, active_language
from .models import Block, Page

MAX_QUERY_LENGTH = 200
MAX_RESULTS = 50
MAX_TERMS = 8
PASSAGE_WORDS = 30
# Markers the database puts round matched words; they become <mark> only after escaping.
_START, _STOP = "\u27e6", "\u27e7"
_MARKED = re.compile(f"{_START}(.*?){_STOP}", re.S)
# PostgreSQL's text search configuration for each language's pages: its stemmer ("dolores"
# finds "dolor") and stop words.
_CONFIGS = {"en": "english", "es": "spanish"}


# British endings and their American forms, tried beside the word as typed.
_BRITISH_TO_AMERICAN = (
    (re.compile(r"isation(s?)$"), r"ization\1"),
    (re.compile(r"is(e|ed|es|ing)$"), r"iz\1"),
    (re.compile(r"our(s?)$"), r"or\1"),
    (re.compile(r"^anaes"), "anes"),
)


def spelling_variants(term, language=SOURCE_LANGUAGE):
    """The term as typed and, in English, its American spelling when it has a British one."""
    variants = [term]
    if language != SOURCE_LANGUAGE:
        return variants
    for pattern, american in _BRITISH_TO_AMERICAN:
        other = pattern.sub(american, term)
        if other != term and other not in variants:
            variants.append(other)
    return variants


def _terms(query):
    return list(dict.fromkeys(re.findall(r"[^\W_]+", query.lower())))[:MAX_TERMS]


@dataclass
class SearchResult:
    page: Page
    passage: str  # safe HTML: escaped text with <mark> round the matching words


def search_pages(query, *, language=None, limit=MAX_RESULTS):
    """Live pages in `language` (the request's when None) matching `query`, best first.
    Drafts, scheduled and expired pages never."""
    query = " ".join(query.split())[:MAX_QUERY_LENGTH]
    if not query:
        return []
    language = language or active_language()
    if connection.vendor == "postgresql":
        return _search_postgresql(query, language, limit)
    return _search_simple(query, language, limit)


class _RegexpReplaceAll(Func):
    """PostgreSQL's regexp_replace(text, pattern, replacement, 'g')."""

    function = "REGEXP_REPLACE"
    output_field = TextField()

    def __init__(self, expression, pattern, replacement):
        super().__init__(expression, Value(pattern), Value(replacement), Value("g"))


def _without_markup(field):
    """A text field as readers see it: a link's words without its target, no asterisks (the
    same pattern as richtext's, which PostgreSQL's regular expressions read alike)."""
    words = _RegexpReplaceAll(field, richtext.LINK_PATTERN, r"\1")
    return Replace(words, Value("*"), Value(""), output_field=TextField())


def _body_text():
    """All of a page's block text, in reading order, as one string, without markup."""
    text = Concat(
        "heading",
        Value("\n"),
        _without_markup("text"),
        Value("\n"),
        _without_markup("items"),
        output_field=TextField(),
    )
    blocks = (
        Block.objects.filter(page=OuterRef("pk"))
        .order_by()
        .values("page")
        .annotate(body=StringAgg(text, delimiter="\n", order_by=("position", "pk")))
        .values("body")[:1]
    )
    return Coalesce(Subquery(blocks), Value(""), output_field=TextField())


def _prefix_query(query, language):
    """Every word in one of its spellings, the last one as a word beginning (tsquery `:*`).

    Built from letters and digits only, so nothing typed can change the tsquery's syntax.
    """
    terms = _terms(query)
    if not terms:
        return None
    parts = []
    for position, term in enumerate(terms, start=1):
        prefix = ":*" if position == len(terms) else ""
        variants = spelling_variants(term, language)
        parts.append("(" + " | ".join(f"{v}{prefix}" for v in variants) + ")")
    return SearchQuery(
        " & ".join(parts), search_type="raw", config=_CONFIGS.get(language, "simple")
    )


def _search_postgresql(query, language, limit):
    config = _CONFIGS.get(language, "simple")
    search_query = SearchQuery(query, search_type="websearch", config=config)
    prefix_query = _prefix_query(query, language)
    if prefix_query is not None:
        search_query = search_query | prefix_query
    vector = (
        SearchVector("title", weight="A", config=config)
        + SearchVector("meta_description", "summary", weight="B", config=config)
        + SearchVector("body", weight="C", config=config)
    )
    pages = (
        Page.objects.published()
        .filter(language=language)
        .alias(body=_body_text())
        .annotate(search=vector)
        .filter(search=search_query)
        .annotate(
            rank=SearchRank(vector, search_query),
            headline=SearchHeadline(
                Concat("meta_description", Value("\n"), "body", output_field=TextField()),
                search_query,
                config=config,
                start_sel=_START,
                stop_sel=_STOP,
                max_words=PASSAGE_WORDS,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-rank", "menu_order", "title")[:limit]
    )
    return [SearchResult(page, _marked_passage(page.headline)) for page in pages]


def _marked_passage(headline):
    """Escape the database's passage, then turn its markers into <mark>."""
    html = _MARKED.sub(r"<mark>\1</mark>", escape(headline))
    return mark_safe(html.replace(_START, "").replace(_STOP, ""))  # noqa: S308 - escaped above


def _search_simple(query, language, limit):
    typed = _terms(query)
    if not typed:
        return []
    matches = Q()
    for term in typed:
        matches &= _any_spelling_matches(term, language)
    pages = (
        Page.objects.published()
        .filter(matches, language=language)
        .prefetch_related(Prefetch("blocks", queryset=Block.objects.in_reading_order()))
    )
    terms = [variant for term in typed for variant in spelling_variants(term, language)]
    scored = []
    for page in pages:
        body = "\n".join(
            part
            for block in page.blocks.all()
            for part in (block.heading, block.plain_text, richtext.plain_text(block.items))
        )
        readable = f"{page.title}\n{page.meta_description}\n{page.summary}\n{body}".lower()
        if not all(any(v in readable for v in spelling_variants(t, language)) for t in typed):
            continue  # matched only inside a link's address, which readers do not see
        score = sum(
            3 * page.title.lower().count(term)
            + 2 * (page.meta_description + page.summary).lower().count(term)
            + body.lower().count(term)
            for term in terms
        )
        passage = _passage(f"{page.meta_description}\n{body}", terms)
        scored.append((-score, page.menu_order, page.title, SearchResult(page, passage)))
    scored.sort(key=lambda item: item[:3])
    return [item[-1] for item in scored[:limit]]


def _any_spelling_matches(term, language):
    match = Q()
    for variant in spelling_variants(term, language):
        in_blocks = Block.objects.filter(
            Q(heading__icontains=variant)
            | Q(text__icontains=variant)
            | Q(items__icontains=variant),
            page=OuterRef("pk"),
        )
        match |= (
            Q(title__icontains=variant)
            | Q(meta_description__icontains=variant)
            | Q(summary__icontains=variant)
            | Exists(in_blocks)
        )
    return match


def _passage(text, terms):
    """About PASSAGE_WORDS words where the most of the searched words meet, in <mark>."""
    words = text.split()
    pattern = re.compile("|".join(re.escape(term) for term in terms), re.IGNORECASE)
    hits = [i for i, word in enumerate(words) if pattern.search(word)]

    def distinct_terms(start):
        window = " ".join(words[start : start + PASSAGE_WORDS]).lower()
        return sum(term in window for term in terms)

    starts = [max(0, i - PASSAGE_WORDS // 3) for i in hits] or [0]
    start = max(starts, key=lambda candidate: (distinct_terms(candidate), -candidate))
    chosen = words[start : start + PASSAGE_WORDS]
    excerpt = " ".join(chosen)
    html, position = [], 0
    for match in pattern.finditer(excerpt):
        html.append(escape(excerpt[position : match.start()]))
        html.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    html.append(escape(excerpt[position:]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + PASSAGE_WORDS < len(words) else ""
    return mark_safe(prefix + "".join(html) + suffix)  # noqa: S308 - every piece escaped
