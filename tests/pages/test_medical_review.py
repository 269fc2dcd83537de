import datetime

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from pages.models import Page

from .conftest import FIBROMYALGIA_URL
from .factories import MedicalReviewerFactory, PageFactory

DAY = datetime.timedelta(days=1)


def review(page, *, reviewed, due=None):
    page.medical_reviewer = MedicalReviewerFactory(
        name="Dr. Ana Ruiz", credentials="MD, anesthesiologist"
    )
    page.last_reviewed_on = reviewed
    page.next_review_due = due
    page.save()
    return page


def test_next_review_defaults_to_the_configured_interval(fibromyalgia, settings):
    settings.MEDICAL_REVIEW_INTERVAL_DAYS = 180
    review(fibromyalgia, reviewed=datetime.date(2026, 3, 1))
    assert fibromyalgia.next_review_due == datetime.date(2026, 8, 28)


def test_page_shows_who_reviewed_it_and_when_the_next_review_is_due(
    fibromyalgia, client, django_assert_max_num_queries
):
    review(fibromyalgia, reviewed=datetime.date(2026, 3, 1), due=datetime.date(2027, 3, 1))
    with django_assert_max_num_queries(4):  # the reviewer is read with the page
        html = BeautifulSoup(client.get(FIBROMYALGIA_URL).content, "html.parser")
    line = html.select_one(".medical-review").get_text(" ", strip=True)
    assert line == (
        "Medically reviewed by Dr. Ana Ruiz, MD, anesthesiologist, March 1, 2026 . "
        "Next review due March 1, 2027 ."
    )


def test_page_without_a_recorded_review_says_nothing_about_review(fibromyalgia, client):
    html = BeautifulSoup(client.get(FIBROMYALGIA_URL).content, "html.parser")
    assert html.select_one(".medical-review") is None
    assert "Medically reviewed" not in html.get_text()


def test_reviewed_page_still_renders_in_four_queries(
    fibromyalgia, client, django_assert_max_num_queries
):
    review(fibromyalgia, reviewed=datetime.date(2026, 3, 1))
    with django_assert_max_num_queries(4):
        assert "Dr. Ana Ruiz" in client.get(FIBROMYALGIA_URL).text


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"last_reviewed_on": datetime.date(2026, 1, 1)}, "medical_reviewer", "reviewer_missing"),
        ({"reviewer": True}, "last_reviewed_on", "review_date_missing"),
        (
            {"reviewer": True, "last_reviewed_on": timezone.localdate() + DAY},
            "last_reviewed_on",
            "review_in_future",
        ),
        (
            {
                "reviewer": True,
                "last_reviewed_on": datetime.date(2026, 1, 1),
                "next_review_due": datetime.date(2025, 1, 1),
            },
            "next_review_due",
            "review_due_before_review",
        ),
    ],
)
def test_inconsistent_review_details_are_refused_beside_the_field(
    fibromyalgia, changes, field, code
):
    if changes.pop("reviewer", False):
        fibromyalgia.medical_reviewer = MedicalReviewerFactory()
    for name, value in changes.items():
        setattr(fibromyalgia, name, value)
    with pytest.raises(ValidationError) as error:
        fibromyalgia.full_clean()
    assert error.value.error_dict[field][0].code == code


@pytest.fixture
def due_pages(clinic_content):
    today = timezone.localdate()
    overdue = review(
        PageFactory(title="Overdue page"), reviewed=today - 400 * DAY, due=today - 5 * DAY
    )
    soon = review(
        PageFactory(title="Due soon page"), reviewed=today - 300 * DAY, due=today + 20 * DAY
    )
    later = review(PageFactory(title="Fine page"), reviewed=today - 10 * DAY, due=today + 90 * DAY)
    return overdue, soon, later


def test_review_due_lists_overdue_and_soon_due_pages_in_due_order(due_pages):
    overdue, soon, _ = due_pages
    assert list(Page.objects.review_due()) == [overdue, soon]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("overdue", {"Overdue page"}),
        ("soon", {"Due soon page"}),
        ("due", {"Overdue page", "Due soon page"}),
    ],
)
def test_admin_filter_by_medical_review(admin_client, due_pages, value, expected):
    response = admin_client.get(reverse("admin:pages_page_changelist"), {"review": value})
    titles = {  # indented a dash per level under their parent
        a.get_text().lstrip("— ")
        for a in BeautifulSoup(response.content, "html.parser").select("th.field-tree_title a")
    }
    assert titles == expected


def test_admin_index_lists_pages_due_for_review(admin_client, due_pages):
    response = admin_client.get(reverse("admin:index"))
    panel = BeautifulSoup(response.content, "html.parser").select_one("#content-review-panel")
    rows = [row.th.get_text(strip=True) for row in panel.select("tbody tr")]
    assert rows == ["Overdue page", "Due soon page"]
    assert "Overdue" in panel.select("tbody tr")[0].get_text()
    # The five starting pages and their five Spanish translations.
    assert "10 published pages with no medical review recorded" in panel.get_text()
    # the usual list of apps is still there
    assert response.context["app_list"]


def test_review_report_mails_the_content_editors_the_due_list(
    due_pages, content_editor, django_user_model
):
    content_editor.email = "editor@clinic.example"
    content_editor.save()
    other = django_user_model.objects.create_user(username="frontdesk", email="desk@clinic.example")
    assert not other.groups.filter(name="Content editor").exists()

    call_command("content_review_report")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["editor@clinic.example"]
    assert "Overdue page" in message.body and "Due soon page" in message.body
    assert "Fine page" not in message.body
    assert "OVERDUE" in message.body


def test_review_report_sends_nothing_when_no_page_needs_review(db, content_editor):
    content_editor.email = "editor@clinic.example"
    content_editor.save()
    call_command("content_review_report")
    assert mail.outbox == []


def test_content_editors_may_manage_medical_reviewers(db):
    group = Group.objects.get(name="Content editor")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"add_medicalreviewer", "change_medicalreviewer"} <= codenames
