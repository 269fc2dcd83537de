"""The response target in business days: which open requests are overdue."""

import datetime
import zoneinfo

import pytest

from consultations.selectors import response_overdue_cutoff

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def at(day, hour=10, minute=0):
    # November 2026: the 20th is a Friday, the 23rd a Monday.
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=CHICAGO)


@pytest.mark.parametrize(
    ("now", "received", "overdue"),
    [
        (at(24, 10, 1), at(20, 10), True),  # Friday 10:00 + 2 business days = Tuesday 10:00
        (at(24, 9, 59), at(20, 10), False),
        (at(22, 12), at(19, 11), False),  # Sunday: Thursday 11:00 is due Monday 11:00
        (at(22, 12), at(18, 23), True),  # Wednesday 23:00 was due Friday 23:00
        (at(25, 0, 1), at(21, 10), True),  # received Saturday: due Wednesday 00:00
        (at(24, 23), at(21, 10), False),
    ],
)
def test_overdue_counts_business_days_only(now, received, overdue):
    assert (received < response_overdue_cutoff(now=now, business_days=2)) is overdue
