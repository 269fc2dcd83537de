"""Staff triage screens: change list, search, detail page, workflow forms, actions, export."""

import csv
import datetime
import io
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from consultations.models import ConsultationRequest
from consultations.services import consultation_note_add, consultation_request_assign
from phi.crypto import email_blind_index, phone_blind_index

from .factories import ConsultationRequestFactory

Status = ConsultationRequest.Status
CHANGELIST = reverse("admin:consultations_consultationrequest_changelist")

pytestmark = pytest.mark.django_db


def change_url(request):
    return reverse("admin:consultations_consultationrequest_change", args=[request.pk])


def step_url(request, step):
    return reverse(f"admin:consultations_consultationrequest_{step}", args=[request.pk])


def person(email="Pat.Doe@Example.org", phone="+15125550111", **extra):
    return ConsultationRequestFactory(
        email=email,
        phone=phone,
        email_blind_index=email_blind_index(email),
        phone_blind_index=phone_blind_index(phone),
        **extra,
    )


@pytest.fixture
def coordinator_client(client, coordinator, otp_login):
    return otp_login(client, coordinator)


def references_listed(response):
    html = BeautifulSoup(response.content, "html.parser")
    return [cell.get_text(strip=True) for cell in html.select("#result_list .field-reference")]


# --- Change list -------------------------------------------------------------------------------


def test_change_list_shows_open_requests_oldest_first_without_names(coordinator_client):
    now = timezone.now()
    newer = ConsultationRequestFactory(created_at=now - datetime.timedelta(hours=1))
    older = ConsultationRequestFactory(
        created_at=now - datetime.timedelta(days=9), full_name="Quillon Vexmoor"
    )
    closed = ConsultationRequestFactory(status=Status.CLOSED, outcome="spam", closed_at=now)

    response = coordinator_client.get(CHANGELIST)

    assert response.status_code == 200
    assert references_listed(response) == [older.reference, newer.reference]
    assert closed.reference not in response.text
    assert "Vexmoor" not in response.text
    html = BeautifulSoup(response.content, "html.parser")
    older_row = html.find("a", string=older.reference).find_parent("tr")
    assert "overdue" in older_row.get_text()
    newer_row = html.find("a", string=newer.reference).find_parent("tr")
    assert "overdue" not in newer_row.get_text()
    assert "Phone call" in newer_row.get_text()  # preferred contact method


def test_change_list_filters_by_status_flags_and_assignee(coordinator_client, coordinator):
    flagged = ConsultationRequestFactory(contraindication_reported=True)
    mine = ConsultationRequestFactory(assigned_to=coordinator)
    closed = ConsultationRequestFactory(
        status=Status.CLOSED, outcome="spam", closed_at=timezone.now()
    )

    def listed(**params):
        return references_listed(coordinator_client.get(CHANGELIST, params))

    assert listed(status="closed") == [closed.reference]
    assert listed(status="all") == [flagged.reference, mine.reference, closed.reference]
    assert listed(contraindication_reported__exact="1") == [flagged.reference]
    assert listed(assignee="me") == [mine.reference]
    assert listed(assignee="none") == [flagged.reference]


def _changelist_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(CHANGELIST).status_code == 200
    return len(queries)


def test_change_list_query_count_does_not_grow_with_the_page(coordinator_client, make_staff):
    ConsultationRequestFactory.create_batch(2, assigned_to=make_staff("a", "Intake coordinator"))
    few = _changelist_queries(coordinator_client)
    ConsultationRequestFactory.create_batch(40, assigned_to=make_staff("b", "Clinician"))
    many = _changelist_queries(coordinator_client)
    assert few == many
    assert many <= 12


# --- Search --------------------------------------------------------------------------------------


SEARCH = reverse("admin:consultations_consultationrequest_search")


def search_for(client, term):
    return client.post(SEARCH, {"term": term}, follow=True)


def addresses_in(response):
    """Every address the browser saw or could follow: redirects, links, forms, resources."""
    found = [url for url, _status in response.redirect_chain]
    page = BeautifulSoup(response.content, "html.parser")
    for tag in page.find_all(True):
        for attribute in ("href", "action", "src", "formaction"):
            if tag.get(attribute):
                found.append(tag[attribute])
    return found


def test_search_by_reference_and_by_exact_email_or_phone(coordinator_client):
    pat = person()
    other = person(email="someone@else.example", phone="+15125550999")

    assert references_listed(search_for(coordinator_client, pat.reference.lower())) == [
        pat.reference
    ]
    by_email = search_for(coordinator_client, "  pat.doe@EXAMPLE.org ")
    assert references_listed(by_email) == [pat.reference]
    by_phone = search_for(coordinator_client, "(512) 555-0111")
    assert references_listed(by_phone) == [pat.reference]
    assert other.reference not in by_phone.text

    actions = list(AuditEntry.objects.order_by("pk").values_list("action", "reference", "detail"))
    assert actions == [("searched_email", "", ""), ("searched_phone", "", "")]


@pytest.mark.parametrize(
    "term", ["pat.doe@example.org", "(512) 555-0111", "+15125550111", "5125550111"]
)
def test_a_search_by_email_or_phone_puts_it_in_no_url_nor_link(coordinator_client, term):
    pat = person()
    response = search_for(coordinator_client, term)
    assert references_listed(response) == [pat.reference]
    digits = "".join(c for c in term if c.isdigit())[-7:] or "no digits"
    for url in [*addresses_in(response), response.request["QUERY_STRING"]]:
        # The last, the page's own address: what the next page gets as its Referer.
        decoded = unquote(unquote(url)).lower()
        assert "pat.doe" not in decoded and "example.org" not in decoded, url
        assert digits not in "".join(c for c in decoded if c.isdigit()), url


def test_another_staff_members_search_id_shows_nothing(coordinator_client, make_staff, otp_login):
    pat = person()
    mine = search_for(coordinator_client, "pat.doe@example.org")
    address = mine.redirect_chain[-1][0]
    theirs = otp_login(Client(), make_staff("other", "Intake coordinator"))
    assert pat.reference not in references_listed(theirs.get(address))


def test_a_typed_address_with_an_email_is_not_searched(coordinator_client):
    person()
    response = coordinator_client.get(CHANGELIST, {"q": "pat.doe@example.org"})
    assert response.status_code == 302
    assert "pat.doe" not in response["Location"]
    assert not AuditEntry.objects.filter(action="searched_email").exists()


@pytest.mark.parametrize("term", ["TKW-0000-0000", "nobody@nowhere.example", "+15125550100"])
def test_search_with_no_match_says_so(coordinator_client, term):
    person()
    response = search_for(coordinator_client, term)
    assert response.status_code == 200
    assert references_listed(response) == []
    assert "0 consultation requests" in response.text


@pytest.mark.parametrize("term", ["Vexmoor", "12"])
def test_a_term_that_is_no_reference_email_or_phone_is_not_searched(coordinator_client, term):
    response = search_for(coordinator_client, term)
    assert "Nothing was searched" in response.text
    assert term not in response.redirect_chain[-1][0]


def test_search_needs_the_permission_to_see_requests(make_staff, otp_login):
    editor = otp_login(Client(), make_staff("writer", "Content editor"))
    assert editor.post(SEARCH, {"term": "pat.doe@example.org"}).status_code == 403


# --- Detail page -----------------------------------------------------------------------------


def test_every_view_of_the_detail_page_is_audited(coordinator_client, coordinator):
    request = person()
    for _ in range(3):
        assert coordinator_client.get(change_url(request)).status_code == 200
    entries = AuditEntry.objects.filter(action="viewed", reference=request.reference)
    assert entries.count() == 3
    assert {entry.actor for entry in entries} == {coordinator}


def test_detail_page_shows_answers_read_only_grouped_as_in_the_form(coordinator_client):
    request = person(full_name="Quillon Vexmoor", symptoms=["fibro_fog"])
    response = coordinator_client.get(change_url(request))
    html = BeautifulSoup(response.content, "html.parser")
    legends = [h.get_text(strip=True) for h in html.select("fieldset.module h2")]
    for legend in ("Triage", "About you", "Your fibromyalgia", "Treatments so far"):
        assert legend in legends
    assert "Quillon Vexmoor" in response.text
    assert "Trouble thinking or remembering" in response.text
    assert not html.select('#consultationrequest_form input[name="full_name"]')
    assert not html.select('input[name="_save"]')


def test_detail_page_lists_earlier_requests_from_the_same_person(coordinator_client):
    now = timezone.now()
    first = person(created_at=now - datetime.timedelta(days=30))
    person(email="different@example.org", phone="+15125550222")
    latest = person(email="PAT.doe@example.org", created_at=now)
    response = coordinator_client.get(change_url(latest))
    assert "1 earlier" in response.text
    assert first.reference in response.text


def test_a_coordinator_works_a_request_from_new_to_closed(coordinator_client, coordinator):
    request = person()
    for status in ("in_review", "contacted", "scheduled"):
        version = ConsultationRequest.objects.get(pk=request.pk).version
        response = coordinator_client.post(
            step_url(request, "transition"), {"to": status, "version": version}
        )
        assert response.status_code == 302
    coordinator_client.post(step_url(request, "assign"), {"assignee": coordinator.pk, "version": 3})
    coordinator_client.post(step_url(request, "note"), {"kind": "internal", "text": "Booked"})
    response = coordinator_client.post(
        step_url(request, "transition"),
        {"to": "closed", "outcome": "suitable", "version": 4},
        follow=True,
    )
    assert "is now “Closed”" in response.text
    request.refresh_from_db()
    assert (request.status, request.outcome, request.assigned_to) == (
        "closed",
        "suitable",
        coordinator,
    )
    assert list(
        AuditEntry.objects.filter(reference=request.reference)
        .exclude(action="viewed")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["transitioned"] * 3 + ["assigned", "noted", "transitioned"]


def test_a_refused_or_stale_change_is_a_message_not_an_error(coordinator_client):
    request = person()
    response = coordinator_client.post(
        step_url(request, "transition"), {"to": "scheduled", "version": 0}, follow=True
    )
    assert response.status_code == 200
    assert "cannot move to “Consultation scheduled”" in response.text

    response = coordinator_client.post(
        step_url(request, "transition"), {"to": "in_review", "version": 7}, follow=True
    )
    assert response.status_code == 200
    assert "changed by someone else" in response.text

    response = coordinator_client.post(
        step_url(request, "transition"), {"to": "nonsense", "version": "x"}, follow=True
    )
    assert response.status_code == 200
    assert ConsultationRequest.objects.get(pk=request.pk).status == "new"


def _form_posting_to(response, url):
    return BeautifulSoup(response.content, "html.parser").find("form", action=url)


def _textarea(form, name):
    """A text area's content as a browser shows it (the newline after the tag is dropped)."""
    return form.find("textarea", attrs={"name": name}).get_text().removeprefix("\n")


def test_a_status_change_refused_as_stale_keeps_the_note_typed(coordinator_client, make_staff):
    request = person()
    shown = request.version
    colleague = make_staff("colleague", role="Intake coordinator")
    consultation_request_assign(request=request, assignee=colleague, by=colleague)
    typed = "Left a voicemail; patient asked for a call after 5pm."

    response = coordinator_client.post(
        step_url(request, "transition"),
        {"to": "in_review", "version": shown, "note": typed},
    )

    assert response.status_code == 200  # the page again, not a redirect
    assert "changed by someone else" in response.text
    form = _form_posting_to(response, step_url(request, "transition"))
    assert _textarea(form, "note") == typed
    assert form.find("option", selected=True)["value"] == "in_review"
    current = ConsultationRequest.objects.get(pk=request.pk)
    assert current.status == Status.NEW
    assert form.find("input", attrs={"name": "version"})["value"] == str(current.version)

    # Sent again from the page as it now stands, the change and its note go through.
    again = coordinator_client.post(
        step_url(request, "transition"),
        {"to": "in_review", "version": current.version, "note": typed},
    )
    assert again.status_code == 302
    assert ConsultationRequest.objects.get(pk=request.pk).status == Status.IN_REVIEW
    assert request.notes.get().text == typed


def test_a_status_change_refused_by_validation_keeps_the_note_typed(coordinator_client):
    request = person()
    typed = "Closing: patient found care closer to home."
    response = coordinator_client.post(
        step_url(request, "transition"),
        {"to": "closed", "outcome": "", "version": request.version, "note": typed},
    )
    assert response.status_code == 200
    assert "choose a closing outcome" in response.text
    form = _form_posting_to(response, step_url(request, "transition"))
    assert _textarea(form, "note") == typed
    assert ConsultationRequest.objects.get(pk=request.pk).status == Status.NEW


def test_a_refused_note_keeps_the_text_typed(coordinator_client):
    from consultations.admin_forms import NOTE_LIMIT

    request = person()
    typed = "Spoke with the patient about the screening answers. " * 80
    assert len(typed) > NOTE_LIMIT

    response = coordinator_client.post(
        step_url(request, "note"), {"kind": "internal", "text": typed}
    )

    assert response.status_code == 200
    assert f"at most {NOTE_LIMIT} characters" in response.text
    form = _form_posting_to(response, step_url(request, "note"))
    assert "internal note" in form.get_text()
    assert _textarea(form, "text") == typed
    assert not request.notes.exists()


def test_notes_show_author_and_time_and_offer_no_edit(coordinator_client, coordinator):
    request = person()
    consultation_note_add(request=request, by=coordinator, text="Prefers afternoons")
    response = coordinator_client.get(change_url(request))
    html = BeautifulSoup(response.content, "html.parser")
    note = html.select_one(".triage-note")
    assert "Prefers afternoons" in note.get_text()
    assert "coordinator" in note.get_text()
    assert not note.find("form")


# --- Bulk actions ------------------------------------------------------------------------------


def _action(client, name, *requests):
    return client.post(
        f"{CHANGELIST}?status=all",
        {"action": name, "_selected_action": [r.pk for r in requests], "index": 0},
        follow=True,
    )


def test_bulk_actions_call_the_workflow(coordinator_client, coordinator):
    one, two, three = (person(phone=f"+1512555012{i}") for i in range(3))
    _action(coordinator_client, "assign_to_me", one, two)
    _action(coordinator_client, "mark_spam", one)
    _action(coordinator_client, "close_as_duplicate", two, three)
    states = dict(
        ConsultationRequest.objects.values_list("reference", "outcome").filter(
            pk__in=[one.pk, two.pk, three.pk]
        )
    )
    assert states == {
        one.reference: "spam",
        two.reference: "duplicate",
        three.reference: "duplicate",
    }
    assert ConsultationRequest.objects.get(pk=one.pk).assigned_to == coordinator
    assert AuditEntry.objects.filter(action="transitioned").count() == 3


def test_a_bulk_action_on_a_closed_request_warns_instead_of_failing(coordinator_client):
    closed = person(status=Status.CLOSED, outcome="spam", closed_at=timezone.now())
    response = _action(coordinator_client, "close_as_duplicate", closed)
    assert response.status_code == 200
    assert "cannot move" in response.text
    assert ConsultationRequest.objects.get(pk=closed.pk).outcome == "spam"


def _changelist_form(response):
    """What the change list's form posts: every input inside it, as the browser sends it."""
    form = BeautifulSoup(response.content, "html.parser").select_one("form#changelist-form")
    return {
        field["name"]: field.get("value", "")
        for field in form.select("input[type=hidden]")
        if field.get("name")
    }


def test_bulk_assign_skips_a_request_a_colleague_took_since_the_list_was_shown(
    coordinator_client, coordinator, make_staff
):
    mine, taken = person(phone="+15125550141"), person(phone="+15125550142")
    shown = _changelist_form(coordinator_client.get(f"{CHANGELIST}?status=all"))
    colleague = make_staff("colleague", role="Intake coordinator")
    consultation_request_assign(request=taken, assignee=colleague, by=colleague)

    response = coordinator_client.post(
        f"{CHANGELIST}?status=all",
        {
            **shown,
            "action": "assign_to_me",
            "_selected_action": [mine.pk, taken.pk],
            "index": 0,
        },
        follow=True,
    )

    assert ConsultationRequest.objects.get(pk=taken.pk).assigned_to == colleague
    assert ConsultationRequest.objects.get(pk=mine.pk).assigned_to == coordinator
    texts = [str(message) for message in response.context["messages"]]
    assert any(taken.reference in text and "since the list was shown" in text for text in texts)
    assert not any(mine.reference in text for text in texts)
    assert "1 request(s) assigned to you." in texts


def test_bulk_close_skips_a_request_changed_since_the_list_was_shown(coordinator_client):
    moved = person(phone="+15125550143")
    shown = _changelist_form(coordinator_client.get(f"{CHANGELIST}?status=all"))
    assert shown[f"version-{moved.pk}"] == str(moved.version)
    coordinator_client.post(
        step_url(moved, "transition"), {"to": "in_review", "version": moved.version}
    )

    response = coordinator_client.post(
        f"{CHANGELIST}?status=all",
        {**shown, "action": "mark_spam", "_selected_action": [moved.pk], "index": 0},
        follow=True,
    )

    assert ConsultationRequest.objects.get(pk=moved.pk).status == Status.IN_REVIEW
    assert f"Skipped {moved.reference}" in response.text


# --- Export --------------------------------------------------------------------------------------


def test_export_is_csv_of_the_selection_audited_and_formula_safe(coordinator_client):
    hostile = person(
        full_name='=HYPERLINK("http://evil.example","click")',
        preferred_name="@SUM(A1:A9)",
        email="-2+3@example.org",
    )
    plain = person(full_name="Ana Ruiz", email="ana@example.org", phone="+15125550133")
    response = _action(coordinator_client, "export_csv", hostile, plain)

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert hostile.reference not in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_ref = {row["Reference"]: row for row in rows}
    assert by_ref[hostile.reference]["Full name"] == '\'=HYPERLINK("http://evil.example","click")'
    assert by_ref[hostile.reference]["Preferred name"] == "'@SUM(A1:A9)"
    assert by_ref[hostile.reference]["E-mail"] == "'-2+3@example.org"
    assert by_ref[plain.reference]["Full name"] == "Ana Ruiz"
    assert by_ref[plain.reference]["Phone"] == "(512) 555-0133"
    for row in rows:
        for value in row.values():
            assert not value or value[0] not in "=+-@\t\r"
    assert set(
        AuditEntry.objects.filter(action="exported").values_list("reference", flat=True)
    ) == {hostile.reference, plain.reference}


def test_export_opens_in_a_spreadsheet_with_accents_and_dialable_phones(coordinator_client):
    local = person(full_name="José Ñúñez", phone="+15125550100")
    abroad = person(full_name="Zoë Brontë", phone="+442079460958", preferred_name="+44 Zoë")
    response = _action(coordinator_client, "export_csv", local, abroad)

    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark
    rows = {
        row["Reference"]: row
        for row in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    }
    assert rows[local.reference]["Full name"] == "José Ñúñez"
    assert rows[local.reference]["Phone"] == "(512) 555-0100"
    assert rows[abroad.reference]["Full name"] == "Zoë Brontë"
    assert rows[abroad.reference]["Phone"] == "011 44 20 7946 0958"
    # Every other cell keeps its guard.
    assert rows[abroad.reference]["Preferred name"] == "'+44 Zoë"


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=1", "a=1"),
        ("", ""),
        (None, ""),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(value, safe):
    from consultations.services import csv_cell

    assert csv_cell(value) == safe


# --- Admin front page ---------------------------------------------------------------------------


def test_admin_index_counts_requests_by_status_and_overdue(coordinator_client, client, otp_login):
    now = timezone.now()
    ConsultationRequestFactory.create_batch(2, created_at=now - datetime.timedelta(days=10))
    ConsultationRequestFactory(status=Status.IN_REVIEW)
    response = coordinator_client.get(reverse("admin:index"))
    panel = BeautifulSoup(response.content, "html.parser").select_one("#consultation-queue")
    rows = {row.th.get_text(strip=True): row.td.get_text(strip=True) for row in panel.select("tr")}
    assert rows["New"] == "2"
    assert rows["In review"] == "1"
    assert rows["Overdue (awaiting first contact, past the response target)"] == "2"
