from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class StaffConfig(AppConfig):
    """Staff sign-in: two-factor (TOTP) on the admin, enrolment, lockout, first account."""

    default = True  # "staff" in INSTALLED_APPS means this one, not the admin's config below
    name = "staff"
    verbose_name = "Staff sign-in"


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin, served by our site that demands a verified second factor."""

    default = False
    default_site = "staff.sites.ClinicAdminSite"
