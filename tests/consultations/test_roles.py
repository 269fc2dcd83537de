"""Least privilege: each role × each admin URL and action → the expected status code.

Every refusal on a consultation URL is also written to the audit trail.
"""

import importlib

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from audit.models import AuditEntry
from consultations.models import PatientMessageTemplate

from .factories import ConsultationRequestFactory

pytestmark = pytest.mark.django_db

ROLES = ("superuser", "coordinator", "clinician", "content_editor", "no_group")


def _post(path, data):
    return ("post", path, data)


def _get(path):
    return ("get", path, None)


def _action(name):
    return _post("changelist", {"action": name, "_selected_action": ["{pk}"], "index": "0"})


# (what, request) → expected status per role, in ROLES order.
MATRIX = [
    ("change list", _get("changelist"), (200, 200, 200, 403, 403)),
    ("detail page", _get("change"), (200, 200, 200, 403, 403)),
    ("edit through the model form", _post("change", {"status": "closed"}), (403,) * 5),
    ("add", _get("add"), (403,) * 5),
    ("delete", _post("delete", {"post": "yes"}), (403,) * 5),
    (
        "status change",
        _post("transition", {"to": "in_review", "version": "0"}),
        (302, 302, 403, 403, 403),
    ),
    (
        # Allowed, then refused by the workflow (a new request is not closed): the page again,
        # with the reason still typed in.
        "reopen",
        _post("reopen", {"reason": "Patient called back", "version": "0"}),
        (200, 200, 403, 403, 403),
    ),
    ("assignment", _post("assign", {"assignee": "", "version": "0"}), (302, 302, 403, 403, 403)),
    ("internal note", _post("note", {"kind": "internal", "text": "n"}), (302, 302, 403, 403, 403)),
    ("clinical note", _post("note", {"kind": "clinical", "text": "n"}), (302, 403, 302, 403, 403)),
    (
        "screening outcome",
        _post("screening", {"outcome": "cleared", "version": "0"}),
        (302, 403, 302, 403, 403),
    ),
    ("action: assign to me", _action("assign_to_me"), (302, 302, 403, 403, 403)),
    ("action: mark spam", _action("mark_spam"), (302, 302, 403, 403, 403)),
    ("action: close as duplicate", _action("close_as_duplicate"), (302, 302, 403, 403, 403)),
    ("action: export CSV", _action("export_csv"), (200, 200, 403, 403, 403)),
    # consultations 0009: writing to the patient and sending a new booking link.
    (
        "message the patient",
        _post("message", {"template": "{template}", "text": ""}),
        (302, 302, 403, 403, 403),
    ),
    ("send a new booking link", _post("link", {}), (302, 302, 403, 403, 403)),
]


def _template_pk():
    """A seeded message template with fixed words (consultations 0009)."""
    return str(PatientMessageTemplate.objects.get(name="We tried to call you").pk)


def _url(name, pk):
    if name == "changelist":
        return reverse("admin:consultations_consultationrequest_changelist")
    if name == "add":
        return reverse("admin:consultations_consultationrequest_add")
    return reverse(f"admin:consultations_consultationrequest_{name}", args=[pk])


@pytest.fixture
def users(admin_user, coordinator, clinician, content_editor, make_staff):
    return {
        "superuser": admin_user,
        "coordinator": coordinator,
        "clinician": clinician,
        "content_editor": content_editor,
        "no_group": make_staff("nobody-in-particular"),
    }


@pytest.mark.parametrize(("what", "call", "expected"), MATRIX, ids=[row[0] for row in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(client, otp_login, users, role, what, call, expected):
    request = ConsultationRequestFactory()
    method, name, data = call
    if data:
        data = {
            k: [v.format(pk=request.pk) for v in vs]
            if isinstance(vs, list)
            else vs.format(template=_template_pk())
            for k, vs in data.items()
        }
    otp_login(client, users[role])

    response = getattr(client, method)(_url(name, request.pk), data or {})

    want = expected[ROLES.index(role)]
    assert response.status_code == want, f"{role} {what}"
    denied = AuditEntry.objects.filter(action="denied", actor=users[role])
    if want == 403 and name == "changelist" and method == "get":
        assert denied.filter(reference="").exists(), f"{role} {what}: no entry"
    elif want == 403 and name != "add":
        assert denied.filter(reference=request.reference).exists(), f"{role} {what}: no entry"
    if want != 403:
        assert not denied.exists()


def test_a_content_editor_cannot_open_a_request_by_any_url(client, otp_login, content_editor):
    request = ConsultationRequestFactory(full_name="Quillon Vexmoor")
    otp_login(client, content_editor)
    admin_root = reverse("admin:index")
    urls = [
        admin_root,
        reverse("admin:consultations_consultationrequest_changelist"),
        reverse("admin:consultations_consultationrequest_change", args=[request.pk]),
        reverse("admin:consultations_consultationrequest_history", args=[request.pk]),
        f"{reverse('admin:consultations_consultationrequest_changelist')}?q={request.reference}",
        reverse("admin:app_list", args=["consultations"]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 403, 404), url
        assert request.reference not in response.text, url
        assert "Vexmoor" not in response.text, url
    assert "Consultation requests" not in client.get(admin_root).text


def test_staff_with_no_group_see_nothing_of_the_requests(client, otp_login, make_staff):
    ConsultationRequestFactory()
    otp_login(client, make_staff("new-hire"))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "Consultation requests" not in response.text
    assert "consultation-queue" not in response.text


def test_roles_hold_least_privilege():
    def codenames(group):
        permissions = Group.objects.get(name=group).permissions
        return {
            f"{app}.{name}"
            for app, name in permissions.values_list("content_type__app_label", "codename")
        }

    # Granted by consultations 0005 while the booking models were the consultations app's; their
    # permissions moved with them to the booking app (booking 0001).
    booking = importlib.import_module(
        "consultations.migrations.0005_booking_roles"
    ).ROLE_BOOKING_PERMISSIONS
    calendar = importlib.import_module(
        "booking.migrations.0004_calendar_closures_and_worded_rules"
    ).ROLE_CALENDAR_PERMISSIONS
    assert codenames("Intake coordinator") == {
        "consultations.view_consultationrequest",
        "consultations.assign_consultationrequest",
        "consultations.transition_consultationrequest",
        "consultations.reopen_consultationrequest",  # consultations 0008
        "consultations.add_internal_note",
        "consultations.export_consultationrequest",
        "consultations.message_patient",  # consultations 0009, with the templates' keeping:
        "consultations.view_patientmessagetemplate",
        "consultations.add_patientmessagetemplate",
        "consultations.change_patientmessagetemplate",
        *(f"booking.{name}" for name in booking["Intake coordinator"]),
        "booking.manage_schedules",  # booking 0002: keeps everyone's hours
        *(f"booking.{name}" for name in calendar["Intake coordinator"]),  # booking 0003
    }
    assert codenames("Clinician") == {
        "consultations.view_consultationrequest",
        "consultations.add_clinical_note",
        "consultations.record_screening_outcome",
        *(f"booking.{name}" for name in booking["Clinician"]),
        "booking.take_consultations",  # booking 0002: offered to patients, keeps own hours
        *(f"booking.{name}" for name in calendar["Clinician"]),  # booking 0003
    }
    assert "booking.delete_booking" not in codenames("Intake coordinator")  # cancel, never delete
    # Both roles see the calendar; only coordinators keep the clinic's closures.
    assert "booking.view_calendar" in codenames("Intake coordinator") & codenames("Clinician")
    assert "booking.change_clinicclosure" in codenames("Intake coordinator")
    assert "booking.change_clinicclosure" not in codenames("Clinician")
    editor = Group.objects.get(name="Content editor").permissions
    assert not editor.filter(content_type__app_label__in=["consultations", "audit"]).exists()
    assert Permission.objects.filter(codename="export_consultationrequest").count() == 1
