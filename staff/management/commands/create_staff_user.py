"""Create a staff account with its authenticator (TOTP) device, e.g. the first one in dev.

    manage.py create_staff_user alice --role "Intake coordinator"
    manage.py create_staff_user admin --superuser

The password is asked for twice (or read from the STAFF_USER_PASSWORD environment variable
for scripts) and must pass the password validators (12+ characters). The command prints the
otpauth:// URI, the key for typing into an app by hand, and a QR code drawn in the terminal.
The device is ready at once; alternatively run with --no-device and let the person enrol at
<admin>/two-factor/setup/ on first sign-in.
"""

import getpass
import io
import os

import qrcode
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from staff.totp import DEVICE_NAME, secret_for_manual_entry

ROLES = ("Intake coordinator", "Clinician", "Content editor")


class Command(BaseCommand):
    help = "Create a staff account and its TOTP device, and print how to add it to an app."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--role", choices=ROLES, action="append", default=[])
        parser.add_argument("--superuser", action="store_true")
        parser.add_argument(
            "--no-device",
            action="store_true",
            help="Create no device: the person enrols at <admin>/two-factor/setup/.",
        )

    def _password(self, user):
        password = os.environ.get("STAFF_USER_PASSWORD")
        if password is None:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        return password

    def handle(self, *args, username, email, role, superuser, no_device, **options):
        User = get_user_model()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} exists already.")
        user = User(username=username, email=email, is_staff=True, is_superuser=superuser)
        user.set_password(self._password(user))
        with transaction.atomic():
            user.save()
            user.groups.set(Group.objects.filter(name__in=role))
            device = None
            if not no_device:
                device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
        what = "superuser" if superuser else ", ".join(role) or "no role yet"
        self.stdout.write(self.style.SUCCESS(f"Created staff account {username} ({what})."))
        if device is None:
            self.stdout.write("They add an authenticator app at <admin>/two-factor/setup/.")
            return
        qr = qrcode.QRCode(border=1)
        qr.add_data(device.config_url)
        drawing = io.StringIO()
        qr.print_ascii(out=drawing, invert=True)
        self.stdout.write("Add it to an authenticator app: scan this, or type the key below.")
        self.stdout.write(drawing.getvalue())
        self.stdout.write(f"Key (time-based, 6 digits): {secret_for_manual_entry(device)}")
        self.stdout.write(f"URI: {device.config_url}")
        self.stdout.write("Keep these to yourself: anyone holding them has the second factor.")
