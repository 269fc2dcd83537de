"""What the public page templates call beyond plain values (registered in clinic_site/jinja2.py)."""

from typing import NamedTuple

from django.core.files.storage import default_storage
from django.utils.html import format_html

from pages.structured_data import structured_data_script


def sections(blocks):
    """Blocks that start a section, for the “On this page” contents."""
    return [block for block in blocks if block.starts_section]


class BlockGroup(NamedTuple):
    """One block, or a run of FAQ blocks shown together (then `block` is None)."""

    block: object
    faqs: list


def grouped_faqs(blocks):
    """Blocks in reading order, with each run of FAQ blocks gathered into one group."""
    groups = []
    for block in blocks:
        if block.kind == block.Kind.FAQ:
            if groups and groups[-1].faqs:
                groups[-1].faqs.append(block)
            else:
                groups.append(BlockGroup(block=None, faqs=[block]))
        else:
            groups.append(BlockGroup(block=block, faqs=[]))
    return groups


def structured_data(request, site_settings, page, blocks, canonical_url):
    return structured_data_script(
        page=page,
        blocks=blocks,
        site_settings=site_settings,
        canonical_url=canonical_url,
        home_url=request.build_absolute_uri("/"),
    )


# Images span the reading column (46rem) on wide screens and the whole width on phones.
READING_COLUMN_SIZES = "(min-width: 46rem) 46rem, 100vw"


def picture_sources(image, sizes=READING_COLUMN_SIZES):
    """What a <picture> needs: WebP renditions first, JPEG/PNG for older browsers, and the
    size of the default one to avoid layout shifts. None when the image has no renditions."""
    renditions = sorted(image.renditions, key=lambda r: r["width"]) if image else []
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
        request.build_absolute_uri(default_storage.url(rendition["fallback"])),
        rendition["fallback_type"],
        rendition["width"],
        rendition["height"],
        image.alt,
    )
