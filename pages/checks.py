"""Editor checks: advice shown in the admin before publishing. They warn; they never block."""

import re
from dataclasses import dataclass

from textstat.textstat import textstatistics

from .models import Block

# English Flesch formula with syllables counted by Pyphen's US English hyphenation. textstat
# loads the whole CMU pronouncing dictionary (seconds of CPU, once per process) only when the
# language is spelt with the root "en"; the BCP 47 spelling "en-US" keeps it out of requests.
_TEXTSTAT = textstatistics()
_TEXTSTAT.set_lang("en-US")

META_DESCRIPTION_MAX = 160
# Key points are for readers who are tired or in pain: a US school grade of 7 at most.
KEY_POINTS_GRADE_MAX = 7
SENTENCE_MAX_WORDS = 30
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


@dataclass
class Finding:
    message: str
    level: str = "warning"  # "warning" or "info"


def _sentences(text):
    for paragraph in text.splitlines():
        for sentence in _SENTENCE_END.split(paragraph.strip()):
            if sentence:
                yield sentence


def reading_text(page, blocks):
    """The words a patient reads on the page, one paragraph per line."""
    parts = [page.title, page.meta_description]
    for block in blocks:
        parts.extend([block.heading, block.plain_text, *block.plain_item_list])
    return "\n".join(part.strip() for part in parts if part and part.strip())


def reading_ease(text):
    """Flesch reading ease: 60–70 is plain English; patient pages should aim above 50."""
    return round(_TEXTSTAT.flesch_reading_ease(text), 1) if text.strip() else None


def reading_grade(text):
    """Flesch–Kincaid grade level (a US school grade), with the same syllable counting as
    `reading_ease`."""
    return round(_TEXTSTAT.flesch_kincaid_grade(text), 1) if text.strip() else None


def key_points_text(block):
    """A key points box as it reads: one sentence a line."""
    return "\n".join(block.plain_item_list)


def page_findings(page, blocks, *, score=None):
    """Advice on the page; `score` is its reading ease (see `reading_ease`)."""
    findings = []
    if not page.meta_description.strip():
        findings.append(
            Finding(
                "The summary for search results is empty: search engines will pick their own text."
            )
        )
    elif len(page.meta_description) > META_DESCRIPTION_MAX:
        findings.append(
            Finding(
                f"The summary for search results has {len(page.meta_description)} characters; "
                f"search engines cut it after about {META_DESCRIPTION_MAX}."
            )
        )
    findings.extend(_heading_findings(blocks))
    findings.extend(_image_findings(page, blocks))
    findings.extend(_key_points_findings(blocks))
    for block in blocks:
        for sentence in _sentences(block.plain_text):
            words = len(sentence.split())
            if words > SENTENCE_MAX_WORDS:
                findings.append(
                    Finding(
                        f"A sentence in “{block}” has {words} words (aim for at most "
                        f"{SENTENCE_MAX_WORDS}): “{sentence[:80]}…”"
                    )
                )
    if score is not None:
        findings.append(
            Finding(
                f"Reading ease (Flesch): {score}. 60 or more reads as plain English; "
                "below 50 is hard going for many patients.",
                level="info" if score >= 50 else "warning",
            )
        )
    return findings


def _key_points_findings(blocks):
    for block in blocks:
        if block.kind != Block.Kind.KEY_POINTS or not block.item_list:
            continue
        grade = reading_grade(key_points_text(block))
        if grade is not None and grade > KEY_POINTS_GRADE_MAX:
            yield Finding(
                f"The key points read at US school grade {grade}: aim for "
                f"{KEY_POINTS_GRADE_MAX} or lower with short sentences and everyday words."
            )


def _heading_findings(blocks):
    level = 1
    for block in blocks:
        if block.kind != Block.Kind.HEADING or not block.heading_level:
            continue
        if block.heading_level > level + 1:
            yield Finding(
                f"The heading “{block.heading}” is an H{block.heading_level} but follows an "
                f"H{level}: headings should not skip a level."
            )
        level = block.heading_level


def _image_findings(page, blocks):
    images = [(f"the image in “{block}”", block.image) for block in blocks if block.image_id]
    if page.hero_image_id:
        images.insert(0, ("the page's main image", page.hero_image))
    for where, image in images:
        if not image.decorative and not image.alt_text.strip():
            yield Finding(f"{where.capitalize()} has no alt text for readers who cannot see it.")
