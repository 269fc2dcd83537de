"""E-mail backends for tests: an SMTP server that is down."""

from django.core.mail.backends.base import BaseEmailBackend


class SMTPDownBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError(111, "Connection refused")
