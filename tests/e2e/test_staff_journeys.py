"""Staff in the admin, driven through a real browser as they would use it."""

from django.conf import settings

FIBROMYALGIA = "/conditions/fibromyalgia/"
EDITOR_PASSWORD = "a-long-editor-passphrase"


def _content_editor(django_user_model):
    """A member of the “Content editor” role, made here because live-server tests start from
    an emptied database (the migration's group is gone; permissions are made again)."""
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name="Content editor")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="pages",
            content_type__model__in=["page", "block", "sitesettings"],
        )
    )
    user = django_user_model.objects.create_user(
        username="editor", password=EDITOR_PASSWORD, is_staff=True
    )
    user.groups.add(group)
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
    page.get_by_role("button", name="Save", exact=True).click()
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
