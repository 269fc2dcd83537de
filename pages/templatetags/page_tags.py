from django import template

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
