"""Every public page, the form in its error state and a page with an image pass the Nu HTML
checker (the W3C's validator, run locally from npm's vnu-jar) with no error.

Needs Java. Locally a machine without it skips; in CI (.ci/run installs Java from Debian's
packages when it is missing) a missing checker is a failure.
"""

import datetime
import json
import os
import shutil
import subprocess

import pytest
from django.conf import settings

from tests.booking.factories import ConsultationTypeFactory, StaffFactory, weekday_windows
from tests.consultations.factories import ConsultationRequestFactory, form_data
from tests.pages.images import stored_image

VNU_JAR = settings.BASE_DIR / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

pytestmark = pytest.mark.django_db


def _checker():
    java = shutil.which("java")
    if java and VNU_JAR.exists():
        return [java, "-Xss2m", "-jar", str(VNU_JAR)]
    message = "the Nu HTML checker needs Java and node_modules/vnu-jar (make install)"
    if os.environ.get("CI"):
        pytest.fail(f"{message}: CI must run it")
    pytest.skip(message)


def nu_errors(documents, tmp_path):
    """{name: [error messages]} for each (name, html) the checker finds fault with."""
    command = _checker()
    paths = []
    for index, (name, html) in enumerate(documents):
        path = tmp_path / f"{index:02d}.html"
        path.write_text(html, encoding="utf-8")
        paths.append((path, name))
    result = subprocess.run(
        [*command, "--errors-only", "--format", "json", *(str(p) for p, _ in paths)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    names = {p.name: name for p, name in paths}
    errors = {}
    for message in json.loads(result.stderr or '{"messages": []}')["messages"]:
        url = message.get("url", "")
        name = names.get(url.rsplit("/", 1)[-1], url)
        errors.setdefault(name, []).append(
            f"line {message.get('lastLine')}: {message.get('message')}"
        )
    return errors


@pytest.fixture
def public_documents(clinic_content, client):
    from booking.services import booking_pick_path
    from pages.models import Page

    fibromyalgia = Page.objects.get(url_path="/conditions/fibromyalgia/")
    fibromyalgia.hero_image = stored_image(alt_text="A calm infusion room", size=(1600, 900))
    fibromyalgia.save()
    about = Page.objects.get(url_path="/about/")
    fibromyalgia.blocks.create(
        kind="paragraph",
        position=0,
        text=f"**Bold**, *italic*, [a page](page:{about.pk}), [a site](https://example.org/),\n"
        "[a phone](tel:+15125550123) and [an address](mailto:care@example.org).",
    )
    fibromyalgia.blocks.create(
        kind="references", position=1000, items="A source https://example.org/\nAnother"
    )
    fibromyalgia.blocks.create(
        kind="cta", position=1001, button_label="About", button_target="page", button_page=about
    )
    weekday_windows(StaffFactory(), start=datetime.time(8), end=datetime.time(18), days=range(7))
    ConsultationTypeFactory()
    ConsultationTypeFactory(name="Video consultation", slug="video", mode="video")
    pick = booking_pick_path(consultation_request=ConsultationRequestFactory())
    addresses = [page.url_path for page in Page.objects.published().order_by("url_path")] + [
        "/search/?q=ketamine",
        "/search/?q=zygomatic",
        "/no-such-page/",
        "/consultation/",
        pick,  # two consultation types: the chooser
        f"{pick}?type=phone",  # the times of one type
        f"{pick}cancel/",
    ]
    documents = [(url, client.get(url).content.decode()) for url in addresses]
    with_errors = client.post("/consultation/", form_data(full_name="", email="not-an-address"))
    assert with_errors.status_code == 200
    documents.append(("/consultation/ (with errors)", with_errors.content.decode()))
    return documents


def test_every_public_page_and_the_form_with_errors_pass_the_nu_html_checker(
    public_documents, tmp_path
):
    assert len(public_documents) >= 10
    shown = "".join(html for _name, html in public_documents)
    assert 'name="slot"' in shown and 'name="type"' in shown  # times and the type chooser
    assert "<picture" in shown  # a page with an image
    assert "<ol>" in shown and 'rel="noopener noreferrer"' in shown  # references, rich text
    assert nu_errors(public_documents, tmp_path) == {}


def test_the_checker_reports_an_error_it_is_shown(tmp_path):
    broken = "<!doctype html><html lang=en><title>x</title><p><time datetime='1 May'>x</time>"
    assert nu_errors([("broken", broken)], tmp_path)["broken"]
