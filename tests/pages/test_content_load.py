"""The clinic's starting content is loaded once per item, whatever the editors do with it."""

from django.core.management import call_command
from reversion.models import Version

from pages.models import Block, LoadedContent, Page
from pages.services import clinic_content_load

ENGLISH_KEYS = ["about", "conditions", "fibromyalgia", "home", "privacy"]
# The Spanish translations, each under a key of its own.
CONTENT_KEYS = sorted([*ENGLISH_KEYS, *(f"es/{key}" for key in ENGLISH_KEYS)])
SETTINGS_KEYS = ["site settings", "es/site settings"]


def counts():
    return Page.objects.count(), Block.objects.count()


def rename_privacy_notice():
    privacy = Page.objects.get(url_path="/privacy/")
    privacy.title = privacy.menu_title = "Your privacy"
    privacy.slug = "your-privacy"
    privacy.save()
    return privacy


def test_a_fresh_database_gets_every_page_marked_with_its_key(db):
    report = clinic_content_load()

    assert sorted(report.created) == sorted([*SETTINGS_KEYS, *CONTENT_KEYS])
    assert sorted(Page.objects.values_list("content_key", flat=True)) == CONTENT_KEYS
    assert sorted(LoadedContent.objects.values_list("key", flat=True)) == sorted(
        ["es/site settings", *CONTENT_KEYS]
    )


def test_a_renamed_page_is_not_brought_back_at_its_old_address(clinic_content):
    privacy = rename_privacy_notice()
    before = counts()

    report = clinic_content_load()

    assert report.created == []
    assert counts() == before
    assert not Page.objects.filter(url_path="/privacy/").exists()
    assert Page.objects.get(content_key="privacy").pk == privacy.pk


def test_a_moved_page_is_not_brought_back(clinic_content):
    fibromyalgia = Page.objects.get(content_key="fibromyalgia")
    fibromyalgia.parent = Page.objects.get(content_key="about")
    fibromyalgia.save()
    before = counts()

    assert clinic_content_load().created == []
    assert counts() == before
    assert not Page.objects.filter(url_path="/conditions/fibromyalgia/").exists()


def test_a_deleted_page_is_not_brought_back(clinic_content):
    Page.objects.get(content_key="about").delete()
    before = counts()

    report = clinic_content_load()

    assert report.created == []
    assert report.deleted == ["about"]
    assert counts() == before


def test_an_unloaded_page_under_a_deleted_parent_is_skipped(clinic_content):
    LoadedContent.objects.filter(key="fibromyalgia").delete()
    Page.objects.get(content_key="fibromyalgia").delete()
    Page.objects.get(content_key="conditions").delete()

    report = clinic_content_load()

    assert report.created == []
    assert report.skipped == ["fibromyalgia"]


def forget_content_keys():
    """The database as it was before content keys: pages loaded, nothing recorded."""
    Page.objects.update(content_key=None)
    LoadedContent.objects.all().delete()


def test_an_upgraded_database_matches_its_pages_once_without_duplicating(clinic_content):
    forget_content_keys()
    privacy = rename_privacy_notice()  # renamed before the upgrade: found by its first address
    Page.objects.get(url_path="/about/").delete()
    before = counts()

    report = clinic_content_load()

    assert report.created == []
    assert report.deleted == ["about"]
    assert sorted(report.kept) == sorted(
        [*SETTINGS_KEYS, *(key for key in CONTENT_KEYS if key != "about")]
    )
    assert counts() == before
    assert Page.objects.get(content_key="privacy").pk == privacy.pk
    assert sorted(LoadedContent.objects.values_list("key", flat=True)) == sorted(
        ["es/site settings", *CONTENT_KEYS]
    )
    assert clinic_content_load().created == []
    assert counts() == before


def test_an_upgraded_database_without_load_revisions_is_matched_by_address(clinic_content):
    forget_content_keys()
    Version.objects.all().delete()
    before = counts()

    assert clinic_content_load().created == []
    assert counts() == before
    assert Page.objects.filter(content_key__isnull=True).count() == 0


def test_command_says_what_it_kept_and_what_stays_deleted(clinic_content, capsys):
    Page.objects.get(content_key="about").delete()
    call_command("load_clinic_content")
    out = capsys.readouterr().out
    assert "deleted  about (loaded before and deleted by the editors)" in out
    assert "kept     privacy" in out
    assert "created" not in out
