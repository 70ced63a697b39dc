"""shared/clock.py and shared/ids.py: time in UTC, ids that sort by creation."""

import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from shared.clock import isoformat, to_utc, utc_now
from shared.ids import new_event_id, new_id

NAIROBI = ZoneInfo("Africa/Nairobi")


def test_now_is_in_utc():
    assert utc_now().utcoffset().total_seconds() == 0


def test_naive_time_is_refused_rather_than_guessed():
    with pytest.raises(ValueError, match="naive"):
        to_utc(datetime(2024, 5, 1, 13, 0))


def test_nairobi_afternoon_is_three_hours_earlier_in_utc():
    moment = to_utc(datetime(2024, 5, 1, 13, 0, tzinfo=NAIROBI))

    assert moment == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert moment.tzinfo is UTC


def test_written_time_keeps_its_offset():
    assert isoformat(datetime(2024, 5, 1, 13, 0, 59, 999, tzinfo=NAIROBI)) == ("2024-05-01T13:00:59+03:00")
    assert isoformat(datetime(2024, 5, 1, 10, 0, tzinfo=UTC)) == "2024-05-01T10:00:00+00:00"


def test_written_time_never_comes_out_without_an_offset():
    # isoformat promises RFC 3339 with an explicit offset; a naive time cannot give one.
    with pytest.raises(ValueError):
        isoformat(datetime(2024, 5, 1, 13, 0))


def test_id_starts_with_its_prefix():
    assert new_id("usr").startswith("usr_")
    assert new_event_id().startswith("evt_")


def test_ten_thousand_ids_made_in_the_same_millisecond_are_all_different(monkeypatch):
    monkeypatch.setattr(time, "time", lambda: 1_714_557_600.0)

    ids = {new_id("usr") for _ in range(10_000)}

    assert len(ids) == 10_000


def test_id_made_later_sorts_after_an_earlier_one(monkeypatch):
    clock = iter([1_714_557_600.000, 1_714_557_600.002, 4_102_444_800.0])
    monkeypatch.setattr(time, "time", lambda: next(clock))

    first, second, far_future = new_id("ses"), new_id("ses"), new_id("ses")

    assert first < second < far_future
    assert len(first) == len(second) == len(far_future)
