"""Writes to pages that follow a rule. Editors' own edits go through the admin."""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from .models import Block, Page, SiteSettings

CONTENT_DIR = Path(__file__).resolve().parent / "content"

_PAGE_FIELDS = (
    "title",
    "seo_title",
    "meta_description",
    "menu_title",
    "summary",
    "menu_order",
    "show_in_menu",
)
_BLOCK_FIELDS = ("heading", "text", "button_label", "button_target")


@dataclass
class ContentLoadReport:
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def read_page_file(path):
    with open(path, "rb") as handle:
        return tomllib.load(handle)


@transaction.atomic
def clinic_content_load(*, content_dir=CONTENT_DIR):
    """Create the clinic's starting pages and settings where they do not exist yet.

    Anything already in the database is left as the editors have it, so loading twice
    changes nothing and duplicates nothing.
    """
    report = ContentLoadReport()
    if SiteSettings.objects.exists():
        report.kept.append("site settings")
    else:
        with open(content_dir / "site.toml", "rb") as handle:
            SiteSettings.objects.create(**tomllib.load(handle))
        report.created.append("site settings")

    for path in sorted((content_dir / "pages").glob("*.toml")):
        data = read_page_file(path)
        parent = Page.objects.get(url_path=data["parent"]) if data.get("parent") else None
        url_path = f"{parent.url_path}{data['slug']}/" if parent else "/"
        if Page.objects.filter(url_path=url_path).exists():
            report.kept.append(url_path)
            continue
        page = Page.objects.create(
            parent=parent,
            slug=data["slug"],
            status=Page.Status.PUBLISHED,
            **{name: data[name] for name in _PAGE_FIELDS if name in data},
        )
        for position, block_data in enumerate(data.get("blocks", [])):
            _block_from_content(page, position, block_data).save()
        report.created.append(url_path)
    return report


def _block_from_content(page, position, data):
    block = Block(
        page=page,
        position=position,
        kind=data["kind"],
        heading_level=data.get("level"),
        items="\n".join(data.get("items", [])),
        **{name: data[name] for name in _BLOCK_FIELDS if name in data},
    )
    block.full_clean()
    return block
