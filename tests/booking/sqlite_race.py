"""Two patients press "Book this time" for one slot at the same moment, on a SQLite file.

Run by tests/booking/test_race_sqlite.py in a process of its own, with DATABASE_URL naming a
migrated SQLite file: the test runner's SQLite database lives in memory, where threads share
one cache and never meet SQLite's file locking, which is what `make run` uses. Each thread has
its own connection and its own HTTP client, as two requests to `manage.py runserver` would.
Prints what happened as JSON.
"""

import datetime
import json
import os
import threading

import django

PATIENTS = 2


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic_site.settings.test")
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from booking import selectors, services
    from booking.models import Booking
    from tests.booking.concurrency import run_together
    from tests.booking.factories import ConsultationTypeFactory, StaffFactory, weekday_windows
    from tests.consultations.factories import ConsultationRequestFactory

    staff = StaffFactory()
    weekday_windows(staff, start=datetime.time(0, 0), end=datetime.time(23, 0), days=range(7))
    slot = selectors.available_slots(consultation_type=ConsultationTypeFactory())[0]
    urls = [
        reverse(
            "booking:pick",
            args=[
                services.booking_link_token(
                    invitation=services.booking_invitation_get_or_create(
                        consultation_request=ConsultationRequestFactory()
                    )
                )
            ],
        )
        for _ in range(PATIENTS)
    ]
    connection.close()  # each thread opens its own

    barrier = threading.Barrier(PATIENTS)
    outcomes = [None] * PATIENTS

    def patient(index):
        try:
            client = Client()
            barrier.wait(timeout=30)
            response = client.post(urls[index], {"slot": slot.value})
            page = response.content.decode()
            outcomes[index] = {
                "status": response.status_code,
                "just_taken": "That time was just taken, please pick another." in page,
            }
        finally:
            connection.close()

    run_together(PATIENTS, patient)
    bookings = Booking.objects.active().filter(staff=staff, start=slot.start).count()
    print(json.dumps({"outcomes": outcomes, "bookings": bookings}))


if __name__ == "__main__":
    main()
