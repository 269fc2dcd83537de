"""An SMTP server on loopback that records what it accepted, and can hang mid-delivery."""

import asyncio
import logging
import threading
from email import message_from_bytes

from aiosmtpd.controller import Controller

from .servers import free_port

# aiosmtpd logs each recipient at INFO; addresses do not belong in test logs either.
logging.getLogger("mail.log").setLevel(logging.WARNING)


class RecordingHandler:
    def __init__(self):
        self.accepted = []  # (To, Subject) of every message answered "250 OK"
        self.stall = threading.Event()  # while set, DATA is never answered
        self.stalled = threading.Event()  # set once a delivery is hanging

    async def handle_DATA(self, server, session, envelope):
        if self.stall.is_set():
            self.stalled.set()
            await asyncio.sleep(3600)  # the client waits; the message is not accepted
        message = message_from_bytes(envelope.content)
        self.accepted.append((message["To"], message["Subject"]))
        return "250 OK"


class SMTPSink:
    def __init__(self):
        self.port = free_port()
        self.handler = RecordingHandler()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()
