from django import template
from django.core.files.storage import default_storage
from django.utils.html import format_html

from pages.structured_data import structured_data_script

register = template.Library()


@register.filter
def sections(blocks):
    """Blocks that start a section, for the “On this page” contents."""
    return [block for block in blocks if block.starts_section]


@register.filter
def grouped_faqs(blocks):
    """Blocks in reading order, with each run of FAQ blocks gathered into one group."""
    groups = []
    for block in blocks:
        if block.kind == block.Kind.FAQ:
            if groups and groups[-1]["faqs"]:
                groups[-1]["faqs"].append(block)
            else:
                groups.append({"block": None, "faqs": [block]})
        else:
            groups.append({"block": block, "faqs": []})
    return groups


@register.simple_tag(takes_context=True)
def structured_data(context, page, blocks, canonical_url):
    return structured_data_script(
        page=page,
        blocks=blocks,
        site_settings=context["site_settings"],
        canonical_url=canonical_url,
        home_url=context["request"].build_absolute_uri("/"),
    )


# Images span the reading column (46rem) on wide screens and the whole width on phones.
READING_COLUMN_SIZES = "(min-width: 46rem) 46rem, 100vw"


@register.inclusion_tag("pages/includes/picture.html")
def picture(image, sizes=READING_COLUMN_SIZES, eager=False):
    """A <picture>: WebP renditions first, JPEG/PNG for older browsers, sized to avoid shifts."""
    renditions = sorted(image.renditions, key=lambda r: r["width"]) if image else []
    if not renditions:
        return {"src": ""}
    default = image.rendition_for(800)
    url = default_storage.url
    return {
        "image": image,
        "sizes": sizes,
        "eager": eager,
        "src": url(default["fallback"]),
        "width": default["width"],
        "height": default["height"],
        "webp_srcset": ", ".join(f"{url(r['webp'])} {r['width']}w" for r in renditions),
        "fallback_srcset": ", ".join(f"{url(r['fallback'])} {r['width']}w" for r in renditions),
    }


@register.simple_tag(takes_context=True)
def open_graph_image(context, image):
    """og:image meta tags from a JPEG/PNG rendition about 1200 pixels wide (what sharers use)."""
    rendition = image.rendition_for(1200) if image else None
    if rendition is None:
        return ""
    request = context["request"]
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
