"""What the browser tests measure on a page: axe-core, headings, landmarks, tap targets, fit.

Each function returns a list of readable problems (empty when the page passes), so a test
can check every page and report all of them at once, naming the page, the rule and the
element.
"""

import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SPANISH_CONTENT = REPO / "pages" / "content" / "es" / "pages"
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "artifacts" / "screenshots"

# The public pages, by the name used in messages and screenshot files (the form empty; its
# other states are in test_consultation_journey.py).
PUBLIC_PAGES = {
    "home": "/",
    "conditions": "/conditions/",
    "fibromyalgia": "/conditions/fibromyalgia/",
    "about": "/about/",
    "privacy": "/privacy/",
    "form": "/consultation/",
    "search": "/search/?q=fibromyalgia",
    "not-found": "/no-such-page/",
    "es-form": "/es/consultation/",
    "es-search": "/es/search/?q=fibromialgia",
}


def _spanish_starting_pages():
    """The Spanish starting pages (pages/content/es/, loaded by the `site` fixture with the
    English ones), by the name `es-<file name without its number>`: none until they exist."""
    pages = {}
    for path in sorted(SPANISH_CONTENT.glob("*.toml")):
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
        parent = data.get("parent")
        address = f"{parent}{data['slug']}/" if parent else "/"
        pages[f"es-{path.stem.partition('-')[2] or path.stem}"] = f"/es{address}"
    return pages


PUBLIC_PAGES.update(_spanish_starting_pages())

# WCAG 2.0, 2.1 and 2.2, levels A and AA (axe-core's own tags).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
# A 1280 px wide window zoomed to 200 % lays pages out in 640 CSS px, drawn at 2 device px each.
ZOOM_200 = {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2}

TAP_TARGETS = "a[href], button, summary, input:not([type=hidden]), select, textarea"


def axe_violations(page):
    """axe-core's WCAG A/AA violations on the page, one line per rule and element."""
    if not AXE_JS.exists():
        raise AssertionError(f"{AXE_JS} is missing: run `make install` (npm ci)")
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_TAGS,
    )
    if not result["passes"]:
        raise AssertionError("axe-core checked no rule at all: is the page empty?")
    problems = []
    for violation in result["violations"]:
        for node in violation["nodes"]:
            targets = " ".join(str(target) for target in node["target"])
            problems.append(
                f"axe {violation['id']} ({violation['impact']}): {violation['help']} "
                f"at {targets}: {node['failureSummary']}"
            )
    return problems


def structure_problems(page, *, full_layout=True):
    """Language, one H1, headings that never skip a level, and the page's landmarks.

    `full_layout` is False for the error page, which is drawn without the database and so
    has no menu or footer; it still needs its main landmark.
    """
    facts = page.evaluate(
        """() => ({
            lang: document.documentElement.getAttribute('lang') || '',
            headings: [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
                .filter(h => h.getClientRects().length > 0)
                .map(h => ({level: Number(h.tagName[1]), text: h.textContent.trim()})),
            banner: document.querySelectorAll('body > header, [role=banner]').length,
            navigation: document.querySelectorAll('nav, [role=navigation]').length,
            main: document.querySelectorAll('main, [role=main]').length,
            contentinfo: document.querySelectorAll('body > footer, [role=contentinfo]').length,
        })"""
    )
    problems = []
    if not facts["lang"].strip():
        problems.append("the <html> element has no lang attribute")
    h1s = [h for h in facts["headings"] if h["level"] == 1]
    if len(h1s) != 1:
        problems.append(f"{len(h1s)} H1 headings, expected exactly one: {h1s}")
    if facts["headings"] and facts["headings"][0]["level"] != 1:
        problems.append(f"the first heading is not the H1: {facts['headings'][0]}")
    for before, after in zip(facts["headings"], facts["headings"][1:], strict=False):
        if after["level"] > before["level"] + 1:
            problems.append(
                f"heading level skipped: H{before['level']} “{before['text']}” is followed "
                f"by H{after['level']} “{after['text']}”"
            )
    expected = {"main": 1}
    if full_layout:
        expected.update(banner=1, navigation=1, contentinfo=1)
    for landmark, at_least in expected.items():
        if facts[landmark] < at_least:
            problems.append(f"no {landmark} landmark")
    if facts["main"] > 1:
        problems.append(f"{facts['main']} main landmarks, expected one")
    return problems


def sideways_scroll_problems(page):
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    if widths[0] > widths[1]:
        return [f"the page scrolls sideways: {widths[0]} px of content in {widths[1]} px"]
    return []


def small_tap_target_problems(page, *, selector=TAP_TARGETS, minimum=24):
    """Tap targets smaller than `minimum` CSS px in either direction (WCAG 2.2, 2.5.8).

    WCAG 2.5.8 exempts a target that sits inline in a sentence, because its size is set by
    the line height of the text around it. We apply that exemption the way the criterion
    words it: the element is laid out inline (display: inline) and the block it sits in has
    other, non-link text on the same lines. A link alone in a list item, a paragraph or a
    definition is not in a sentence, so it must be big enough. We do not use 2.5.8's spacing
    exemption: every other target must reach the minimum itself, which is stricter.
    """
    return page.evaluate(
        """([selector, minimum, TARGETS]) => {
            const isTarget = el => el.matches(TARGETS);
            const blockOf = el => {
                let node = el.parentElement;
                while (node && getComputedStyle(node).display.startsWith('inline')) {
                    node = node.parentElement;
                }
                return node;
            };
            const hasOwnSentenceText = (block, target) => {
                const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
                for (let text = walker.nextNode(); text; text = walker.nextNode()) {
                    if (!text.textContent.trim()) continue;
                    let inside = false;
                    for (let el = text.parentElement; el && el !== block; el = el.parentElement) {
                        if (el === target || isTarget(el)) { inside = true; break; }
                    }
                    if (!inside) return true;
                }
                return false;
            };
            const describe = el => {
                const name = (el.innerText || el.value || el.getAttribute('aria-label') || '')
                    .trim().replace(/\\s+/g, ' ').slice(0, 60);
                return `<${el.tagName.toLowerCase()}> “${name}”`;
            };
            const problems = [];
            for (const el of document.querySelectorAll(selector)) {
                const rect = el.getBoundingClientRect();
                const style = getComputedStyle(el);
                if (rect.width === 0 && rect.height === 0) continue;  // not rendered
                if (style.visibility === 'hidden') continue;
                // The skip link waits off-screen until it has focus; it is checked focused.
                if (el.classList.contains('skip-link') && document.activeElement !== el) continue;
                if (rect.width >= minimum && rect.height >= minimum) continue;
                if (style.display === 'inline' && hasOwnSentenceText(blockOf(el), el)) continue;
                problems.push(
                    `tap target ${describe(el)} is ${rect.width.toFixed(1)}×` +
                    `${rect.height.toFixed(1)} px, under ${minimum}×${minimum}`
                );
            }
            return problems;
        }""",
        [selector, minimum, TAP_TARGETS],
    )


def cut_off_problems(page):
    """Content pushed past the window's edges or clipped inside a box that hides overflow."""
    return page.evaluate(
        """() => {
            const viewport = document.documentElement.clientWidth;
            const problems = [];
            const describe = el => {
                const text = (el.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 50);
                const cls = el.className && typeof el.className === 'string'
                    ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
                return `<${el.tagName.toLowerCase()}${cls}> “${text}”`;
            };
            // Visually hidden (a clipped box of 1 px or less, and what it holds) is meant for
            // screen readers or robots only: the form's honeypot, "Call the clinic:".
            const hiddenFromSight = el => {
                for (let node = el; node && node !== document.body; node = node.parentElement) {
                    const box = node.getBoundingClientRect();
                    const clip = getComputedStyle(node).overflow;
                    if (box.width <= 1 && box.height <= 1 && /hidden|clip/.test(clip)) return true;
                }
                return false;
            };
            for (const el of document.body.querySelectorAll('*')) {
                const rect = el.getBoundingClientRect();
                const style = getComputedStyle(el);
                if (hiddenFromSight(el)) continue;
                if (rect.width === 0 || rect.height === 0) continue;
                if (style.visibility === 'hidden') continue;
                if (el.classList.contains('skip-link')) continue;
                if (rect.left < -0.5 || rect.right > viewport + 0.5) {
                    problems.push(
                        `${describe(el)} spans ${rect.left.toFixed(0)}–${rect.right.toFixed(0)} px ` +
                        `of a ${viewport} px window`
                    );
                }
                const clips = v => v === 'hidden' || v === 'clip';
                if ((clips(style.overflowX) && el.scrollWidth > el.clientWidth + 1) ||
                    (clips(style.overflowY) && el.scrollHeight > el.clientHeight + 1)) {
                    problems.push(`${describe(el)} hides part of its content`);
                }
            }
            return problems;
        }"""
    )


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # JPEG: a whole long page at phone width is several times quicker to encode than PNG.
    path = SCREENSHOTS / f"{name}.jpg"
    page.screenshot(path=str(path), full_page=True, type="jpeg", quality=85)
    return path


def fail_on(problems_by_page):
    """Fail the test with every problem, one per line and named by page, if there are any."""
    lines = [
        f"{name}: {problem}" for name, problems in problems_by_page.items() for problem in problems
    ]
    if lines:
        pytest.fail("\n".join(lines), pytrace=False)


def focused(page):
    """What has keyboard focus now: its text, place on the page and how its focus shows."""
    return page.evaluate(
        """async () => {
            const el = document.activeElement;
            if (!el || el === document.body) return null;
            // Bootstrap fades a field's focus ring in: judge it once drawn, not mid-transition.
            await Promise.all(el.getAnimations().map((animation) => animation.finished));
            const rect = el.getBoundingClientRect();
            const style = getComputedStyle(el);
            // What is drawn now, while it has focus: an outline of 2 px or more, or a ring.
            const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
            const ring = style.boxShadow && style.boxShadow !== 'none';
            const inView = rect.bottom > 0 && rect.top < innerHeight &&
                rect.right > 0 && rect.left < innerWidth;
            return {
                tag: el.tagName.toLowerCase(),
                text: (el.innerText || el.value || el.getAttribute('aria-label') || el.id || '')
                    .trim().replace(/\\s+/g, ' ').slice(0, 60),
                id: el.id,
                top: rect.top + scrollY,
                indicator: outline || ring,
                inView,
                order: [...document.querySelectorAll('*')].indexOf(el),
            };
        }"""
    )


def tab_through(page, *, limit=150):
    """Press Tab until focus leaves the page or comes back round; every stop, in order."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = focused(page)
        if stop is None or (stops and stop["order"] <= stops[0]["order"]):
            return stops
        stops.append(stop)
    raise AssertionError(f"focus never left the page after {limit} presses of Tab")


def focus_order_problems(stops):
    """Every stop shows its focus and is on screen; Tab follows reading order, top to bottom."""
    problems = []
    for stop in stops:
        if not stop["indicator"]:
            problems.append(f"no visible focus indicator on <{stop['tag']}> “{stop['text']}”")
        if not stop["inView"]:
            problems.append(f"<{stop['tag']}> “{stop['text']}” has focus but is off screen")
    for before, after in zip(stops, stops[1:], strict=False):
        if after["order"] == before["order"]:
            continue  # Tab between the parts of one control (a date box's month, day, year)
        if after["order"] < before["order"]:
            problems.append(f"Tab goes back from “{before['text']}” to “{after['text']}”")
        # Items on one row may differ by a few pixels; half a line is the tolerance.
        elif after["top"] < before["top"] - 12:
            problems.append(f"Tab goes up the page from “{before['text']}” to “{after['text']}”")
    return problems


FORM_CONTROLS = "input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea"

# Colours as the browser rendered them, WCAG's relative luminance and contrast ratio, and the
# background behind an element (its ancestors' backgrounds, translucent ones blended in).
_COLOUR_JS = """
const parse = text => {
    const match = /rgba?\\(([^)]+)\\)/.exec(text || '');
    if (!match) return null;
    const parts = match[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return {r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1};
};
const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1,
});
const luminance = c => {
    const channel = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
};
const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (hi + 0.05) / (lo + 0.05);
};
const behind = el => {
    const layers = [];
    for (let node = el.parentElement; node; node = node.parentElement) {
        const colour = parse(getComputedStyle(node).backgroundColor);
        if (colour && colour.a > 0) { layers.push(colour); if (colour.a === 1) break; }
    }
    return layers.reverse().reduce((below, layer) => over(layer, below), {r: 255, g: 255, b: 255, a: 1});
};
const describe = el => `<${el.tagName.toLowerCase()} name="${el.name || el.id || ''}">`;
"""


def form_control_contrast(page, *, selector=FORM_CONTROLS):
    """Every visible form control's border, and its focus indicator once focused, measured
    against the background around it (WCAG 1.4.11). Returns one dict per control.

    Reduced motion switches Bootstrap's transitions off, so a focus ring is read as drawn,
    not part-way through fading in."""
    page.emulate_media(reduced_motion="reduce")
    return page.evaluate(
        "([selector]) => {"
        + _COLOUR_JS
        + """
        const results = [];
        for (const el of document.querySelectorAll(selector)) {
            const rect = el.getBoundingClientRect();
            if (rect.width === 0 || rect.height === 0) continue;
            if (getComputedStyle(el).visibility === 'hidden') continue;
            if (el.closest('.hp-field')) continue;  // the honeypot, off-screen on purpose
            const around = behind(el);
            const style = getComputedStyle(el);
            const border = over(parse(style.borderTopColor), around);
            const borderWidth = parseFloat(style.borderTopWidth);
            el.focus({focusVisible: true});
            const focusedStyle = getComputedStyle(el);
            let ring = null;
            if (focusedStyle.outlineStyle !== 'none' && parseFloat(focusedStyle.outlineWidth) > 0) {
                ring = parse(focusedStyle.outlineColor);
            } else if (focusedStyle.boxShadow && focusedStyle.boxShadow !== 'none') {
                ring = parse(focusedStyle.boxShadow);
            }
            results.push({
                control: describe(el),
                border: borderWidth > 0 ? ratio(border, around) : 0,
                focus: ring ? ratio(over(ring, around), around) : 0,
            });
            el.blur();
        }
        return results;
    }""",
        [selector],
    )


def form_control_contrast_problems(page, *, minimum=3.0):
    """Form controls whose border or focus indicator is under `minimum`:1 against the page."""
    problems = []
    for measured in form_control_contrast(page):
        for part in ("border", "focus"):
            if measured[part] < minimum:
                problems.append(
                    f"{measured['control']}: {part} contrast {measured[part]:.2f}:1, "
                    f"under {minimum}:1 (WCAG 1.4.11)"
                )
    return problems
