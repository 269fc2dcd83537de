"""Slots are computed from availability in clinic time (America/Chicago) and are UTC instants."""

import datetime
import zoneinfo
from datetime import UTC

import pytest

from booking.models import AvailabilityException, Booking, BookingSettings
from booking.selectors import available_slots, slot_value_parse, slots_by_day
from tests.booking.factories import (
    AvailabilityExceptionFactory,
    AvailabilityFactory,
    BookingFactory,
    ConsultationTypeFactory,
    StaffFactory,
    weekday_windows,
)

pytestmark = pytest.mark.django_db
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def utc(*args):
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.fixture
def staff():
    return StaffFactory()


@pytest.fixture
def phone():
    return ConsultationTypeFactory()


def starts_on(slots, day):
    return [s.start for s in slots if s.local_start.date() == day]


def local_times(slots, day):
    return [s.local_start.strftime("%H:%M") for s in slots if s.local_start.date() == day]


def test_window_gives_slots_of_the_type_length_plus_buffer(staff, phone):
    weekday_windows(staff)
    slots = available_slots(consultation_type=phone, now=utc(2026, 2, 2, 12))
    # 9:00–12:00, 30 minutes + 10 minutes buffer: 9:00, 9:40, 10:20, 11:00 (11:40 would end 12:10).
    assert local_times(slots, datetime.date(2026, 2, 4)) == ["09:00", "09:40", "10:20", "11:00"]
    assert all(s.end - s.start == datetime.timedelta(minutes=30) for s in slots)
    assert all(s.start.tzinfo == UTC for s in slots)


def test_march_change_keeps_nine_oclock_local_and_moves_utc_by_an_hour(staff, phone):
    weekday_windows(staff)
    # Clocks go forward on Sunday 8 March 2026 at 2:00.
    slots = available_slots(consultation_type=phone, now=utc(2026, 3, 2, 15))
    friday, monday = datetime.date(2026, 3, 6), datetime.date(2026, 3, 9)
    assert (
        local_times(slots, friday)
        == local_times(slots, monday)
        == [
            "09:00",
            "09:40",
            "10:20",
            "11:00",
        ]
    )
    assert starts_on(slots, friday)[0] == utc(2026, 3, 6, 15, 0)  # CST, UTC−6
    assert starts_on(slots, monday)[0] == utc(2026, 3, 9, 14, 0)  # CDT, UTC−5


def test_november_change_keeps_nine_oclock_local_and_moves_utc_by_an_hour(staff, phone):
    weekday_windows(staff)
    # Clocks go back on Sunday 1 November 2026 at 2:00.
    slots = available_slots(consultation_type=phone, now=utc(2026, 10, 26, 15))
    friday, monday = datetime.date(2026, 10, 30), datetime.date(2026, 11, 2)
    assert local_times(slots, friday) == local_times(slots, monday)
    assert starts_on(slots, friday)[0] == utc(2026, 10, 30, 14, 0)  # CDT, UTC−5
    assert starts_on(slots, monday)[0] == utc(2026, 11, 2, 15, 0)  # CST, UTC−6


def test_hour_skipped_in_march_is_never_offered(staff, phone):
    AvailabilityExceptionFactory(
        staff=staff,
        date=datetime.date(2026, 3, 8),
        kind=AvailabilityException.Kind.EXTRA,
        start_time=datetime.time(0, 0),
        end_time=datetime.time(5, 0),
    )
    slots = available_slots(consultation_type=phone, now=utc(2026, 3, 2, 15))
    day = datetime.date(2026, 3, 8)
    times = local_times(slots, day)
    # 0:00, 0:40, 1:20, [2:00 and 2:40 do not exist], 3:20, 4:00.
    assert times == ["00:00", "00:40", "01:20", "03:20", "04:00"]
    for slot in slots:
        assert slot.local_start.astimezone(UTC) == slot.start  # every offered time is real
    # 1:20 CST to 3:20 CDT is one real hour apart.
    on_day = starts_on(slots, day)
    assert on_day[3] - on_day[2] == datetime.timedelta(hours=1)


def test_hour_repeated_in_november_is_offered_once_without_overlaps(staff, phone):
    AvailabilityExceptionFactory(
        staff=staff,
        date=datetime.date(2026, 11, 1),
        kind=AvailabilityException.Kind.EXTRA,
        start_time=datetime.time(0, 0),
        end_time=datetime.time(4, 0),
    )
    slots = available_slots(consultation_type=phone, now=utc(2026, 10, 26, 15))
    day_slots = [s for s in slots if s.local_start.date() == datetime.date(2026, 11, 1)]
    assert [s.local_start.strftime("%H:%M") for s in day_slots] == [
        "00:00",
        "00:40",
        "01:20",
        "02:00",
        "02:40",
        "03:20",
    ]
    for earlier, later in zip(day_slots, day_slots[1:], strict=False):
        assert earlier.end <= later.start
    # 1:20 is the first (daylight) 1:20, UTC−5; 2:00 is standard time, UTC−6.
    assert day_slots[2].start == utc(2026, 11, 1, 6, 20)
    assert day_slots[3].start == utc(2026, 11, 1, 8, 0)


def test_minimum_notice_and_horizon_bound_the_offer(staff, phone):
    weekday_windows(staff)
    rules = BookingSettings.get_solo()
    rules.minimum_notice_hours, rules.horizon_days = 24, 10
    rules.save()
    now = utc(2026, 2, 2, 16, 0)  # Monday 10:00 Chicago
    slots = available_slots(consultation_type=phone, now=now)
    assert min(s.start for s in slots) >= now + datetime.timedelta(hours=24)
    assert max(s.start for s in slots) <= now + datetime.timedelta(days=10)
    # Tuesday 9:00 and 9:40 are inside the 24 h notice; 10:20 onwards is bookable.
    assert local_times(slots, datetime.date(2026, 2, 3)) == ["10:20", "11:00"]


def test_closed_dates_remove_time_and_extra_hours_add_it(staff, phone):
    weekday_windows(staff)
    AvailabilityExceptionFactory(staff=staff, date=datetime.date(2026, 2, 4))  # closed all day
    AvailabilityExceptionFactory(
        staff=staff,
        date=datetime.date(2026, 2, 5),
        start_time=datetime.time(9, 30),
        end_time=datetime.time(10, 30),
    )
    AvailabilityExceptionFactory(
        staff=staff,
        date=datetime.date(2026, 2, 7),  # a Saturday
        kind=AvailabilityException.Kind.EXTRA,
        start_time=datetime.time(10, 0),
        end_time=datetime.time(11, 0),
    )
    slots = available_slots(consultation_type=phone, now=utc(2026, 2, 2, 12))
    assert local_times(slots, datetime.date(2026, 2, 4)) == []
    # 9:00–9:30 is left before the closed hour; 10:30–12:00 after it.
    assert local_times(slots, datetime.date(2026, 2, 5)) == ["09:00", "10:30", "11:10"]
    assert local_times(slots, datetime.date(2026, 2, 7)) == ["10:00"]


def test_windows_for_one_type_are_not_offered_for_another(staff, phone):
    video = ConsultationTypeFactory(slug="video", name="Video", mode="video", duration_minutes=60)
    AvailabilityFactory(staff=staff, consultation_type=video, weekday=2)
    assert available_slots(consultation_type=phone, now=utc(2026, 2, 2, 12)) == []
    assert local_times(
        available_slots(consultation_type=video, now=utc(2026, 2, 2, 12)), datetime.date(2026, 2, 4)
    ) == ["09:00", "10:10"]


def test_active_bookings_and_their_buffer_block_slots_cancelled_ones_do_not(staff, phone):
    weekday_windows(staff)
    now = utc(2026, 2, 2, 12)
    day = datetime.date(2026, 2, 4)
    # Held 9:40–10:10 Chicago (+10 min buffer to 10:20).
    BookingFactory(staff=staff, consultation_type=phone, start=utc(2026, 2, 4, 15, 40))
    assert local_times(available_slots(consultation_type=phone, now=now), day) == [
        "09:00",
        "10:20",
        "11:00",
    ]
    # A booking 10:30–11:00 (+ buffer to 11:10) also blocks 10:20 and 11:00.
    other = BookingFactory(staff=staff, consultation_type=phone, start=utc(2026, 2, 4, 16, 30))
    assert local_times(available_slots(consultation_type=phone, now=now), day) == ["09:00"]
    Booking.objects.filter(pk=other.pk).update(status=Booking.Status.CANCELLED, cancelled_at=now)
    assert local_times(available_slots(consultation_type=phone, now=now), day) == [
        "09:00",
        "10:20",
        "11:00",
    ]


def test_each_staff_member_has_their_own_slots(phone):
    first, second = StaffFactory(), StaffFactory()
    weekday_windows(first, days=[2])
    weekday_windows(second, days=[2])
    BookingFactory(staff=first, consultation_type=phone, start=utc(2026, 2, 4, 15, 0))
    slots = available_slots(consultation_type=phone, now=utc(2026, 2, 2, 12))
    nine = [s for s in slots if s.start == utc(2026, 2, 4, 15, 0)]
    assert [s.staff_id for s in nine] == [second.pk]


def test_slot_value_round_trips_and_rejects_junk(staff, phone):
    weekday_windows(staff)
    slot = available_slots(consultation_type=phone, now=utc(2026, 2, 2, 12))[0]
    assert slot_value_parse(slot.value) == (staff.pk, slot.start)
    for junk in ["", "x", "1-", "-20260204T1500Z", "1-2026-02-04", "a-20260204T1500Z", "1-2026"]:
        assert slot_value_parse(junk) is None


def test_slots_are_grouped_by_local_day(staff, phone):
    weekday_windows(staff, start=datetime.time(17, 0), end=datetime.time(19, 0))
    slots = available_slots(consultation_type=phone, now=utc(2026, 2, 2, 12))
    groups = slots_by_day(slots)
    # 18:20 Chicago is 00:20 UTC the next day, but belongs to the same local day.
    assert [len(day_slots) for _day, day_slots in groups[:2]] == [3, 3]
    assert groups[0][0] == datetime.date(2026, 2, 3)
