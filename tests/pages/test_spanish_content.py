"""The Spanish starting content is a faithful translation of the English, block for block.

Read straight from the TOML files, so a translation that drifts from its source (a block
added, dropped or reordered, a list item lost, a field left in English or left empty) fails
here before anything is loaded.
"""

import re
import tomllib

import pytest

from pages.richtext import LINK_PATTERN
from pages.services import CONTENT_DIR

ENGLISH_PAGES = CONTENT_DIR / "pages"
SPANISH_DIR = CONTENT_DIR / "es"
SPANISH_PAGES = SPANISH_DIR / "pages"

SPANISH_FILES = [
    "10-home.toml",
    "20-conditions.toml",
    "30-fibromyalgia.toml",
    "40-about.toml",
    "50-privacy.toml",
]
SPANISH_SLUGS = {
    "/": "",
    "/conditions/": "condiciones",
    "/conditions/fibromyalgia/": "fibromialgia",
    "/about/": "sobre-nosotros",
    "/privacy/": "privacidad",
}
# Page fields an editor sees as words: each is translated when the English one is filled.
PAGE_TEXT_FIELDS = ("menu_title", "seo_title", "title", "meta_description", "summary")
# Page fields that are the same in both languages.
PAGE_SAME_FIELDS = ("menu_order", "show_in_menu")
BLOCK_TEXT_FIELDS = ("heading", "text", "button_label")
# Words that stay the same in Spanish: the clinic's name, and numbers.
UNTRANSLATED = re.compile(r"(Texas Ketamine & Wellness Center|[\d\s.,:–-])*")


def read(path):
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def address(data):
    """A page's stored address, as the loader builds it from `parent` and `slug`."""
    return f"{data['parent']}{data['slug']}/" if data.get("parent") else "/"


def english_by_address():
    return {address(data): data for data in map(read, sorted(ENGLISH_PAGES.glob("*.toml")))}


def pairs():
    english = english_by_address()
    for name in SPANISH_FILES:
        spanish = read(SPANISH_PAGES / name)
        yield name, spanish, english.get(spanish.get("translation_of"))


PAIRS = list(pairs())
PAIR_IDS = [name for name, _, _ in PAIRS]


def texts(data):
    """Every translatable string of a page, with where it is, for readable failures."""
    for field in PAGE_TEXT_FIELDS:
        yield field, data.get(field, "")
    for position, block in enumerate(data.get("blocks", [])):
        for field in BLOCK_TEXT_FIELDS:
            yield f"block {position} {field}", block.get(field, "")
        for number, item in enumerate(block.get("items", [])):
            yield f"block {position} item {number}", item


def paired_texts(spanish, english):
    return [
        (where, es, en) for (where, es), (_, en) in zip(texts(spanish), texts(english), strict=True)
    ]


def structure(block):
    """What a block must share with its translation: all but its words."""
    return {
        "kind": block["kind"],
        "level": block.get("level"),
        "items": len(block.get("items", [])),
        "button_target": block.get("button_target"),
        "filled": sorted(
            key for key, value in block.items() if value not in ("", [], None) and key != "kind"
        ),
    }


def test_spanish_folder_holds_exactly_the_expected_pages():
    assert sorted(path.name for path in SPANISH_PAGES.glob("*.toml")) == SPANISH_FILES


@pytest.mark.parametrize(("name", "spanish", "english"), PAIRS, ids=PAIR_IDS)
def test_each_spanish_page_translates_an_existing_english_page(name, spanish, english):
    assert english is not None, f"{name}: no English page at {spanish.get('translation_of')!r}"
    assert spanish["slug"] == SPANISH_SLUGS[spanish["translation_of"]]


def test_each_english_page_has_one_spanish_translation():
    sources = [spanish["translation_of"] for _, spanish, _ in PAIRS]
    assert sorted(sources) == sorted(english_by_address())


@pytest.mark.parametrize(("name", "spanish", "english"), PAIRS, ids=PAIR_IDS)
def test_spanish_parent_is_the_translation_of_the_english_parent(name, spanish, english):
    spanish_source = {address(es): es["translation_of"] for _, es, _ in PAIRS}
    if english.get("parent") is None:
        assert spanish.get("parent") is None
    else:
        assert spanish_source[spanish["parent"]] == english["parent"]


@pytest.mark.parametrize(("name", "spanish", "english"), PAIRS, ids=PAIR_IDS)
def test_spanish_page_has_the_english_fields_and_settings(name, spanish, english):
    assert set(spanish) == set(english) | {"translation_of"}
    for field in PAGE_SAME_FIELDS:
        assert spanish.get(field) == english.get(field), field


@pytest.mark.parametrize(("name", "spanish", "english"), PAIRS, ids=PAIR_IDS)
def test_blocks_match_the_english_block_for_block(name, spanish, english):
    assert [structure(b) for b in spanish["blocks"]] == [structure(b) for b in english["blocks"]]


@pytest.mark.parametrize(("name", "spanish", "english"), PAIRS, ids=PAIR_IDS)
def test_no_spanish_text_is_empty_where_the_english_is_filled(name, spanish, english):
    empty = [
        where for where, es, en in paired_texts(spanish, english) if en.strip() and not es.strip()
    ]
    assert empty == []


@pytest.mark.parametrize(("name", "spanish", "english"), PAIRS, ids=PAIR_IDS)
def test_no_text_is_left_in_english(name, spanish, english):
    same = [
        where
        for where, es, en in paired_texts(spanish, english)
        if es.strip() and es == en and not UNTRANSLATED.fullmatch(en)
    ]
    assert same == []


@pytest.mark.parametrize(("name", "spanish", "english"), PAIRS, ids=PAIR_IDS)
def test_numbers_and_rich_text_markup_are_kept(name, spanish, english):
    """Phone numbers (911, 988), list numbers and times say the same in both languages;
    links keep their targets (a page of the site may be a Spanish page) and emphasis stays."""
    for where, es, en in paired_texts(spanish, english):
        assert re.findall(r"\d+", es) == re.findall(r"\d+", en), where
        assert (es.count("**"), es.count("*")) == (en.count("**"), en.count("*")), where
        es_links = [target for _, target in re.findall(LINK_PATTERN, es)]
        en_links = [target for _, target in re.findall(LINK_PATTERN, en)]
        assert len(es_links) == len(en_links), where
        external = [(s, e) for s, e in zip(es_links, en_links, strict=True) if "://" in e]
        assert all(s == e for s, e in external), where


def test_fibromyalgia_translation_keeps_the_clinics_structure():
    spanish = read(SPANISH_PAGES / "30-fibromyalgia.toml")
    blocks = spanish["blocks"]
    headings = [b for b in blocks if b["kind"] == "heading"]
    # The 13th H2 is the closing call to action's heading ("Schedule a Consultation").
    h2s = [b["heading"] for b in headings if b["level"] == 2] + [blocks[-1]["heading"]]
    assert len(h2s) == 13
    h3s = [b["heading"] for b in headings if b["level"] == 3]
    assert len(h3s) == 5
    assert [h.split(" ", 1)[0] for h in h3s[:3]] == ["1.", "2.", "3."]
    assert sum(b["kind"] == "list" for b in blocks) == 14
    faqs = [b for b in blocks if b["kind"] == "faq"]
    assert len(faqs) == 4
    assert all(b["heading"].startswith("¿") and b["heading"].endswith("?") for b in faqs)
    assert all(b["text"] for b in faqs)
    closing = blocks[-1]
    assert closing["kind"] == "cta"
    assert closing["heading"] and closing["text"] and closing["button_label"]
    assert closing["button_target"] == "consultation"


def test_spanish_site_settings_hold_the_three_patient_texts_in_spanish():
    spanish = read(SPANISH_DIR / "site.toml")
    english = read(CONTENT_DIR / "site.toml")
    assert set(spanish) == {"hours", "emergency_notice", "medical_disclaimer"}
    for key, text in spanish.items():
        assert text.strip() and text != english[key], key
        assert re.findall(r"\d+", text) == re.findall(r"\d+", english[key]), key


@pytest.mark.parametrize(
    ("path", "cookie_word"),
    [
        (ENGLISH_PAGES / "50-privacy.toml", "Cookies"),
        (SPANISH_PAGES / "50-privacy.toml", "cookies"),
    ],
    ids=["en", "es"],
)
def test_privacy_notice_declares_every_cookie_a_visitor_gets(path, cookie_word):
    blocks = read(path)["blocks"]
    [start] = [
        position
        for position, block in enumerate(blocks)
        if block["kind"] == "heading" and cookie_word in block["heading"]
    ]
    section = []
    for block in blocks[start + 1 :]:
        if block["kind"] == "heading":
            break
        section.append(block["text"])
    language, form = section
    assert "“language”" in language
    assert "“en”" in language and "“es”" in language
    # Django's CSRF cookie, set by the consultation form for anonymous visitors.
    assert "“csrftoken”" in form
