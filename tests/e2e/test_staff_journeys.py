"""Staff in the admin, driven through a real browser as they would use it."""

from django.conf import settings

from .roles import role_rebuild
from .test_consultation_journey import EMAIL, _assert_sent, _fill_with_the_mouse

FIBROMYALGIA = "/conditions/fibromyalgia/"
EDITOR_PASSWORD = "a-long-editor-passphrase"
COORDINATOR_PASSWORD = "a-long-coordinator-passphrase"


def _content_editor(django_user_model):
    """A member of the “Content editor” role. The emptied database has lost the group, so it
    is made again from the permission lists of the migrations that grant it (roles.py)."""
    group = role_rebuild("Content editor")
    user = django_user_model.objects.create_user(
        username="editor", password=EDITOR_PASSWORD, is_staff=True
    )
    user.groups.add(group)
    return user


def _intake_coordinator(django_user_model):
    """A member of the “Intake coordinator” role. The emptied database has lost the group, so
    it is made again from the permission lists of the migrations that grant it (roles.py):
    it cannot drift."""
    user = django_user_model.objects.create_user(
        username="coordinator", password=COORDINATOR_PASSWORD, is_staff=True
    )
    user.groups.add(role_rebuild("Intake coordinator"))
    return user


def _sign_in(page, site, username, password):
    """Password + the authenticator app's current code, as the admin requires."""
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.conftest import totp_code

    user = get_user_model().objects.get(username=username)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": "phone"}
    )
    page.goto(f"{site}/{settings.ADMIN_URL}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_label("Code from your authenticator app").fill(totp_code(device))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{site}/{settings.ADMIN_URL}")


def test_content_editor_edits_a_block_and_sees_the_change_on_the_public_page(
    site, page, django_user_model
):
    _content_editor(django_user_model)
    _sign_in(page, site, "editor", EDITOR_PASSWORD)

    page.locator("tr.model-page th a").click()
    page.get_by_role("link", name="Ketamine Therapy for Fibromyalgia").click()
    heading = page.locator("input[name$='-heading'][value='Understanding Fibromyalgia']")
    heading.fill("Understanding fibromyalgia, in plain words")
    # Save alone would keep the change as a draft of the published page.
    page.get_by_role("button", name="Save and publish").click()
    # The long page form takes seconds to save: wait for the confirmation rather than
    # reading the page the moment the click returns.
    page.locator(".messagelist .success").wait_for(state="visible", timeout=30_000)

    public = page.context.new_page()
    public.goto(f"{site}{FIBROMYALGIA}")
    assert public.get_by_role(
        "heading", name="Understanding fibromyalgia, in plain words"
    ).is_visible()
    assert public.get_by_role(
        "link", name="Understanding fibromyalgia, in plain words"
    ).is_visible()


def _patient_sends_a_request(browser, site):
    """A patient sends the public form from their own browser; returns the reference shown."""
    context = browser.new_context()
    context.set_default_timeout(10_000)
    patient = context.new_page()
    patient.goto(f"{site}/consultation/")
    _fill_with_the_mouse(patient, email=EMAIL)
    patient.get_by_role("button", name="Send my request").click()
    reference = _assert_sent(patient, site)
    context.close()
    return reference


def _move(page, to, *, outcome=None, note=""):
    """Choose the next status in the request's “Change status” form and send it."""
    form = page.locator("form", has=page.get_by_role("button", name="Change status"))
    form.get_by_label("Move to").select_option(label=to)
    if outcome:
        form.get_by_label("Closing outcome").select_option(label=outcome)
    if note:
        form.get_by_label("Note (optional)").fill(note)
    with page.expect_navigation():
        form.get_by_role("button", name="Change status").click()


def _status_shown(page):
    return page.locator(".triage-panel p").first.inner_text()


def _messages_shown(page):
    """The admin's messages on the page, each as (its kind, its text)."""
    return page.locator(".messagelist li").evaluate_all(
        "items => items.map(li => [li.className, li.innerText.trim()])"
    )


def test_intake_coordinator_finds_a_patients_request_by_reference_and_works_it_to_closed(
    form_site, browser, page, django_user_model
):
    from audit.models import AuditEntry

    reference = _patient_sends_a_request(browser, form_site)
    coordinator = _intake_coordinator(django_user_model)
    _sign_in(page, form_site, "coordinator", COORDINATOR_PASSWORD)

    page.get_by_role("link", name="Consultation requests").first.click()
    page.get_by_role("textbox", name="Search").fill(reference)
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    with page.expect_navigation():
        page.get_by_role("link", name=reference, exact=True).click()
    assert page.get_by_role("heading", name="Work this request").is_visible()
    assert _status_shown(page).startswith("Status: New.")

    # Each step: the status chosen, what else the form is given, the status the page then shows.
    steps = [
        ("In review", {}, "In review"),
        ("Contacted", {"note": "Left a voicemail; she called back the same day."}, "Contacted"),
        ("Consultation scheduled", {}, "Consultation scheduled"),
        ("Closed", {"outcome": "Suitable for evaluation"}, "Closed (Suitable for evaluation)"),
    ]
    for status, extra, shown in steps:
        _move(page, status, **extra)
        assert _messages_shown(page) == [["success", f"{reference} is now “{status}”."]]
        assert _status_shown(page).startswith(f"Status: {shown}.")
    # A closed request stays closed: the form to move it is gone.
    assert page.get_by_role("button", name="Change status").count() == 0
    assert page.get_by_text("Left a voicemail; she called back the same day.").is_visible()

    trail = list(
        AuditEntry.objects.filter(reference=reference)
        .order_by("pk")
        .values_list("actor", "action", "detail")
    )
    viewed = (coordinator.pk, AuditEntry.Action.VIEWED, "")
    noted = (coordinator.pk, AuditEntry.Action.NOTED, "Internal note")

    def moved(detail):
        return (coordinator.pk, AuditEntry.Action.TRANSITIONED, detail)

    # Every look at the request is logged: the first, and the page drawn again after each move.
    assert trail == [
        viewed,
        moved("New → In review"),
        viewed,
        moved("In review → Contacted"),
        noted,
        viewed,
        moved("Contacted → Consultation scheduled"),
        viewed,
        moved("Consultation scheduled → Closed (Suitable for evaluation)"),
        viewed,
    ]
