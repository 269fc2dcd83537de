"""Rich text in blocks: a small markup typed in a plain text area, rendered safely.

Editors write:

    **bold**   *italic*   [words](https://example.org/)   [words](page:12)
    [call us](tel:+15125550123)   [e-mail us](mailto:care@example.org)

Why a markup and not HTML: the clinic's editors work in a plain text area with no editor
bundle, the starting content is plain text that stays valid as it is, and a link to a page of
the site is stored as the page's number (`page:12`), so it follows the page when its address
changes. Nothing an editor types is ever passed through as HTML: every character is escaped,
and the few tags this module writes itself are then cleaned again by nh3 with an allow-list.

A link that is not allowed (javascript:, data:, http:, anything but https, tel:, mailto: and
pages of the site) is refused when the block is saved (`link_problems`), and shown as its
words alone should one reach a page another way. A link to a page that is not live (a draft,
a deleted page) also shows as its words: the public never meets a dead link.
"""

import re
from typing import NamedTuple

import nh3
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy
from markupsafe import Markup, escape

# [words](target): the target may hold one pair of brackets, as Wikipedia addresses do.
LINK_PATTERN = r"\[([^\[\]\n]+)\]\(([^\s()]*(?:\([^\s()]*\))?[^\s()]*)\)"
_LINK = re.compile(LINK_PATTERN)
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_EM = re.compile(r"\*(?=[^\s*])([^*]+?)(?<=\S)\*")
_PAGE = re.compile(r"page:(\d+)")
_TEL = re.compile(r"tel:\+?[0-9][0-9().-]*")
_MAILTO = re.compile(r"mailto:[^@\s/]+@[^@\s/]+\.[^@\s/]+")
# A reference's source address: the last word of its line, when it looks like an address.
_TRAILING_ADDRESS = re.compile(r"^(?P<text>.*?)(?:^|\s+)(?P<url>[a-zA-Z][\w+.-]*:\S+)$")

# What screen readers announce after a link off the site, in the reader's language.
EXTERNAL_HINT = gettext_lazy("(external site)")
EXTERNAL_REL = "noopener noreferrer"

# What the rendered text may hold, checked once more after this module wrote it.
_CLEANER = nh3.Cleaner(
    tags={"a", "strong", "em", "br", "span"},
    attributes={"a": {"href", "rel"}},
    allowed_classes={"span": {"visually-hidden"}},
    url_schemes={"https", "tel", "mailto"},
    link_rel=None,
)

_https_address = URLValidator(schemes=["https"])


class Link(NamedTuple):
    words: list  # text and emphasis within the link
    target: str


class Emphasis(NamedTuple):
    tag: str  # "strong" or "em"
    words: list


def has_markup(text):
    return "*" in text or "[" in text


def _emphasis(text, pattern=_STRONG, tag="strong"):
    nodes, position = [], 0
    for match in pattern.finditer(text):
        nodes.extend(_inner(text[position : match.start()], pattern))
        nodes.append(Emphasis(tag, _inner(match[1], pattern)))
        position = match.end()
    nodes.extend(_inner(text[position:], pattern))
    return nodes


def _inner(text, pattern):
    """Bold may hold italics; italics hold plain words."""
    if not text:
        return []
    if pattern is _STRONG:
        return _emphasis(text, _EM, "em")
    return [text]


def parse_line(line):
    """One line as a list of plain strings, Emphasis and Link."""
    nodes, position = [], 0
    for match in _LINK.finditer(line):
        nodes.extend(_emphasis(line[position : match.start()]))
        nodes.append(Link(_emphasis(match[1]), match[2]))
        position = match.end()
    nodes.extend(_emphasis(line[position:]))
    return nodes


def link_kind(target):
    """The kind of an allowed target ("page", "external", "tel", "mailto"), else None."""
    if _PAGE.fullmatch(target):
        return "page"
    if target.lower().startswith("https://"):
        try:
            _https_address(target)
        except ValidationError:
            return None
        return "external"
    if _TEL.fullmatch(target):
        return "tel"
    if _MAILTO.fullmatch(target):
        return "mailto"
    return None


def linked_page_id(target):
    match = _PAGE.fullmatch(target)
    return int(match[1]) if match else None


def links(text):
    """Every (words, target) link written in the text."""
    return [(words, target) for words, target in _LINK.findall(text or "")]


def link_problems(text):
    """What is wrong with the links in `text`, worded for the editor, and the page numbers
    it links to (to be checked against the pages there are)."""
    problems, page_ids = [], set()
    for words, target in links(text):
        kind = link_kind(target)
        if kind == "page":
            page_ids.add(linked_page_id(target))
        elif kind is None:
            problems.append(_problem(words, target))
    return problems, page_ids


def _problem(words, target):
    shown = target if len(target) <= 60 else f"{target[:57]}…"
    if target.lower().startswith("http://"):
        return (
            f"The link “{words}” leads to an insecure http:// address. Use the site's "
            "https:// address instead."
        )
    return (
        f"The link “{words}” leads to “{shown}”, which is not allowed. A link may lead to a "
        "page of this site (its code from the list of pages, e.g. page:12), an https:// "
        "address, a phone number (tel:+15125550123) or an e-mail address (mailto:…)."
    )


def _plain(nodes):
    return "".join(node if isinstance(node, str) else _plain(node.words) for node in nodes)


def plain_text(text):
    """The words a reader sees, without markup: for search, reading ease, JSON-LD, diffs."""
    if not text or not has_markup(text):
        return text or ""
    return "\n".join(_plain(parse_line(line)) for line in text.split("\n"))


def _html(nodes, pages):
    parts = []
    for node in nodes:
        if isinstance(node, str):
            parts.append(str(escape(node)))
        elif isinstance(node, Emphasis):
            parts.append(f"<{node.tag}>{_html(node.words, pages)}</{node.tag}>")
        else:
            parts.append(_link_html(node, pages))
    return "".join(parts)


def _link_html(link, pages):
    words = _html(link.words, pages)
    kind = link_kind(link.target)
    if kind == "page":
        page = pages.get(linked_page_id(link.target))
        if page is None:  # not live: a draft, scheduled, expired or deleted page
            return words
        return f'<a href="{escape(page.url)}">{words}</a>'
    if kind == "external":
        return external_link_html(link.target, words)
    if kind in ("tel", "mailto"):
        return f'<a href="{escape(link.target)}">{words}</a>'
    return words


def external_link_html(url, words_html):
    """A link off the site, with the hint screen readers announce. `words_html` is escaped."""
    return (
        f'<a href="{escape(url)}" rel="{EXTERNAL_REL}">{words_html}'
        f'<span class="visually-hidden"> {EXTERNAL_HINT}</span></a>'
    )


def render(text, pages):
    """`text` as safe HTML, its lines joined by <br>.

    `pages`: the live pages by number (anything with `.get(pk)` giving an object with a
    `url`, its public address), read once for the whole request, so links cost no query of their own.
    """
    text = text or ""
    if not has_markup(text):
        # Most text has no markup, and is one line: escaped as Jinja2 would, lines joined by <br>.
        if "\n" not in text:
            return escape(text)
        return Markup("<br>").join(text.split("\n"))
    html = "<br>".join(_html(parse_line(line), pages) for line in text.split("\n"))
    return Markup(_CLEANER.clean(html))  # noqa: S704 - escaped above, cleaned by nh3


class Reference(NamedTuple):
    text: str
    url: str  # an https address, or "" for a source without one


def reference(line):
    """A references block's line: the source, and its https address when the line ends with
    one. An address of another kind stays part of the text."""
    match = _TRAILING_ADDRESS.match(line)
    if match and link_kind(match["url"]) == "external" and match["text"]:
        return Reference(match["text"], match["url"])
    return Reference(line, "")


def reference_problems(lines):
    """Worded problems with the addresses that end a references block's lines: only https
    addresses are linked, and a line ending in anything else that looks like one is refused
    rather than silently shown as text."""
    problems = []
    for number, line in enumerate(lines, start=1):
        match = _TRAILING_ADDRESS.match(line)
        if match is None or link_kind(match["url"]) == "external":
            continue
        if not match["text"]:
            problems.append(f"Source {number} has an address but no text: name the source first.")
        else:
            problems.append(
                f"Source {number} ends with “{match['url'][:60]}”: a source's address must be "
                "an https:// address."
            )
    return problems


def reference_html(ref, pages):
    """A source as HTML: linked as a whole to its address if it has one (so its own markup is
    read as plain words: a link cannot hold another), else rendered like any other text."""
    if not ref.url:
        return render(ref.text, pages)
    words = str(escape(plain_text(ref.text)))
    return Markup(_CLEANER.clean(external_link_html(ref.url, words)))  # noqa: S704 - cleaned
