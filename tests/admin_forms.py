"""Read an admin change form the way a browser would, so tests post what an editor posts."""

from bs4 import BeautifulSoup
from django.urls import reverse


def form_data(response, form_id=None):
    html = BeautifulSoup(response.content, "html.parser")
    form = html.find("form", id=form_id) if form_id else html.find("form", method="post")
    data = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or field.get("type") in {"submit", "button", "file"}:
            continue
        if field.name == "textarea":
            data[name] = field.string or ""
        elif field.name == "select":
            selected = field.find("option", selected=True)
            data[name] = selected["value"] if selected else ""
        elif field.get("type") == "checkbox":
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        else:
            data[name] = field.get("value", "")
    return data


# A published page's Save keeps the changes as a draft; this button makes them live at once.
PUBLISH = {"_publish": "Save and publish"}


def change_url(page):
    return reverse("admin:pages_page_change", args=[page.pk])


def block_prefix(data, block):
    """The inline form prefix (e.g. `blocks-3`) of this block in the posted data."""
    for key, value in data.items():
        if key.endswith("-id") and value == str(block.pk):
            return key.removesuffix("-id")
    raise AssertionError(f"block {block.pk} is not in the form")
