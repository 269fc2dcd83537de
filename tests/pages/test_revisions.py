import reversion
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse
from reversion.models import Version

from pages import revisions
from pages.models import Block, Page
from tests.admin_forms import PUBLISH, block_prefix, change_url, form_data

from .conftest import FIBROMYALGIA_URL
from .factories import MedicalReviewerFactory, PageFactory

HEADING = "Understanding Fibromyalgia"


def edit(client, page, *, blocks=None, delete=(), **fields):
    data = form_data(client.get(change_url(page)), "page_form")
    data.update(fields)
    for block, changes in (blocks or {}).items():
        for name, value in changes.items():
            data[f"{block_prefix(data, block)}-{name}"] = value
    for block in delete:
        data[f"{block_prefix(data, block)}-DELETE"] = "on"
    response = client.post(change_url(page), {**data, **PUBLISH})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def versions(page):
    return list(revisions.page_versions(page.pk))


def restore(client, page, version):
    url = reverse("admin:pages_page_revision", args=[page.pk, version.pk])
    response = client.get(url)
    assert response.status_code == 200
    return client.post(url, form_data(response, "page_form"))


def test_loaded_content_starts_each_page_history_with_one_revision(fibromyalgia):
    (first,) = versions(fibromyalgia)
    assert first.revision.get_comment() == "Loaded the clinic's starting content."
    assert len(revisions.revision_blocks(first)) == fibromyalgia.blocks.count()


def test_each_admin_save_is_a_revision_with_author_and_time(
    editor_client, fibromyalgia, content_editor
):
    block = fibromyalgia.blocks.get(heading=HEADING)
    edit(editor_client, fibromyalgia, blocks={block: {"heading": "Fibromyalgia, explained"}})
    latest = versions(fibromyalgia)[0]
    assert latest.revision.user == content_editor
    assert latest.revision.date_created is not None
    saved = {b.heading for b in revisions.revision_blocks(latest)}
    assert "Fibromyalgia, explained" in saved and HEADING not in saved


def test_history_lists_revisions_with_a_compare_form(editor_client, fibromyalgia):
    edit(editor_client, fibromyalgia, title="Fibromyalgia care")
    response = editor_client.get(reverse("admin:pages_page_history", args=[fibromyalgia.pk]))
    html = BeautifulSoup(response.content, "html.parser")
    assert len(html.select("#change-history tbody tr")) == 2
    assert html.select_one("input[name=new][checked]")["value"] == str(versions(fibromyalgia)[0].pk)
    assert html.select_one("input[name=old][checked]")["value"] == str(versions(fibromyalgia)[1].pk)


def test_diff_between_two_revisions_is_readable(editor_client, fibromyalgia):
    block = fibromyalgia.blocks.get(heading=HEADING)
    edit(
        editor_client,
        fibromyalgia,
        title="Fibromyalgia care",
        blocks={block: {"heading": "Fibromyalgia, explained"}},
    )
    new, old = versions(fibromyalgia)
    response = editor_client.get(
        reverse("admin:pages_page_compare", args=[fibromyalgia.pk]),
        {"old": old.pk, "new": new.pk},
    )
    html = BeautifulSoup(response.content, "html.parser")
    fields = {row.th.get_text(strip=True): row.td for row in html.select("#diff-fields tr")}
    assert fields["Page heading"].find("del").get_text() == "Ketamine Therapy for Fibromyalgia"
    assert fields["Page heading"].find("ins").get_text() == "Fibromyalgia care"
    assert [d.get_text() for d in html.select("#diff-body del")] == [f"[H2] {HEADING}"]
    assert [i.get_text() for i in html.select("#diff-body ins")] == ["[H2] Fibromyalgia, explained"]
    assert html.select("#diff-body .diff-folded"), "unchanged stretches are folded"


def test_compare_without_two_revisions_goes_back_to_the_history(editor_client, fibromyalgia):
    response = editor_client.get(
        reverse("admin:pages_page_compare", args=[fibromyalgia.pk]), {"old": "x"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/{fibromyalgia.pk}/history/")


def test_restoring_a_revision_brings_back_the_text_as_a_new_revision(
    editor_client, client, fibromyalgia
):
    block = fibromyalgia.blocks.get(heading=HEADING)
    edit(editor_client, fibromyalgia, blocks={block: {"heading": "A worse heading"}})
    assert "A worse heading" in client.get(FIBROMYALGIA_URL).text
    original = versions(fibromyalgia)[-1]

    response = restore(editor_client, fibromyalgia, original)

    assert response.status_code == 302
    assert HEADING in client.get(FIBROMYALGIA_URL).text
    assert "A worse heading" not in client.get(FIBROMYALGIA_URL).text
    history = versions(fibromyalgia)
    assert len(history) == 3
    assert history[0].revision.get_comment().startswith("Reverted to previous version")


def test_restoring_a_revision_of_a_deleted_block_brings_it_back_and_says_so(
    editor_client, client, fibromyalgia
):
    block = fibromyalgia.blocks.get(heading=HEADING)
    edit(editor_client, fibromyalgia, delete=[block])
    assert not Block.objects.filter(pk=block.pk).exists()
    original = versions(fibromyalgia)[-1]
    url = reverse("admin:pages_page_revision", args=[fibromyalgia.pk, original.pk])

    form_page = BeautifulSoup(editor_client.get(url).content, "html.parser")
    assert HEADING in form_page.select_one("#restore-brought-back").get_text()
    assert not Block.objects.filter(pk=block.pk).exists(), "viewing a revision changes nothing"

    response = restore(editor_client, fibromyalgia, original)

    assert response.status_code == 302
    assert Block.objects.get(pk=block.pk).heading == HEADING
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("brought back 1 block(s) deleted since" in note for note in notes)
    assert HEADING in client.get(FIBROMYALGIA_URL).text


def test_restoring_removes_blocks_added_since_and_says_so(editor_client, fibromyalgia):
    original = versions(fibromyalgia)[-1]
    added = Block.objects.create(page=fibromyalgia, kind="paragraph", text="Added later.")
    url = reverse("admin:pages_page_revision", args=[fibromyalgia.pk, original.pk])
    form_page = BeautifulSoup(editor_client.get(url).content, "html.parser")
    assert "Added later." in form_page.select_one("#restore-removed").get_text()
    restore(editor_client, fibromyalgia, original)
    assert not Block.objects.filter(pk=added.pk).exists()


def test_revision_pointing_at_a_deleted_reviewer_is_refused_with_the_reason(
    editor_client, fibromyalgia
):
    gone = MedicalReviewerFactory(name="Dr. Gone")
    edit(editor_client, fibromyalgia, medical_reviewer=str(gone.pk), last_reviewed_on="2026-01-05")
    with_gone = versions(fibromyalgia)[0]
    edit(editor_client, fibromyalgia, medical_reviewer=str(MedicalReviewerFactory().pk))
    gone.delete()

    url = reverse("admin:pages_page_revision", args=[fibromyalgia.pk, with_gone.pk])
    response = editor_client.get(url)

    assert response.status_code == 302
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("cannot be restored" in n and "medically reviewed by" in n for n in notes)
    assert Version.objects.get_for_object(fibromyalgia).count() == 3


# --- Revisions are found through their page, and only by those who may change it -----------


def history_url(page_pk, version_pk):
    return f"/{settings.ADMIN_URL}pages/page/{page_pk}/history/{version_pk}/"


def block_version_sharing_a_page_number():
    """A block's version whose object id is also a page's primary key, and that page."""
    version = Version.objects.get_for_model(Block).first()
    page = Page.objects.filter(pk=version.object_id).first()
    if page is None:  # ids are not reused on PostgreSQL: make the page with that number
        page = PageFactory(pk=int(version.object_id), slug="same-number")
        with reversion.create_revision():
            page.save()
    return page, version


def test_a_blocks_version_under_a_pages_history_is_not_found(admin_client, fibromyalgia):
    page, block_version = block_version_sharing_a_page_number()
    assert admin_client.get(history_url(page.pk, block_version.pk)).status_code == 404
    assert admin_client.post(history_url(page.pk, block_version.pk), {}).status_code == 404


def test_another_pages_version_under_this_pages_history_is_not_found(editor_client, fibromyalgia):
    other = Page.objects.exclude(pk=fibromyalgia.pk).first()
    other_version = versions(other)[0]
    url = history_url(fibromyalgia.pk, other_version.pk)
    assert editor_client.get(url).status_code == 404


def test_staff_without_permission_to_change_pages_cannot_open_a_revision(
    client, otp_login, make_staff, fibromyalgia, monkeypatch
):
    planned = []
    monkeypatch.setattr(revisions, "restore_plan", lambda version: planned.append(version))
    otp_login(client, make_staff("desk"))
    original = versions(fibromyalgia)[0]
    title = fibromyalgia.title

    assert client.get(history_url(fibromyalgia.pk, original.pk)).status_code == 403
    assert client.post(history_url(fibromyalgia.pk, original.pk), {}).status_code == 403
    page, block_version = block_version_sharing_a_page_number()
    assert client.get(history_url(page.pk, block_version.pk)).status_code == 403

    assert planned == [], "nothing is read from a revision before the permission check"
    assert Page.objects.get(pk=fibromyalgia.pk).title == title


def test_recovering_a_blocks_version_as_a_page_is_not_found(admin_client, fibromyalgia):
    _, block_version = block_version_sharing_a_page_number()
    url = f"/{settings.ADMIN_URL}pages/page/recover/{block_version.pk}/"
    assert admin_client.get(url).status_code == 404
