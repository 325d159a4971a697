"""The calendar is the one owner of day kinds and of a day's opening hours.

Expected values are read off published calendars by hand, not computed by
the code under test: the State Council's 2026 notice (Sunday 2026-09-20 is
worked in place of Tuesday 2026-10-06, Saturday 2026-10-10 in place of
Wednesday 2026-10-07) and Israel's Friday-Saturday weekend.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from queueopt._reading import Problems
from queueopt.calendar import HallCalendar, is_month_end, weekend_days
from queueopt.dataset import open_intervals
from queueopt.model import Hall, LabourRules, OpeningHours
from queueopt.policy_file import read_policy
from queueopt.rules import working_window

# each weekday its own hours, so the hours tell which weekday a day follows
HALL = Hall("H", "H", "R", "main", 4, 0,
            tuple(OpeningHours(9 * 60 + 10 * k, 17 * 60) for k in range(7)),
            OpeningHours(10 * 60, 15 * 60))
CN = HallCalendar("CN")
IL = HallCalendar.for_policy("IL", ["fri", "sat"])


def test_make_up_day_has_the_hours_of_the_weekday_it_replaces() -> None:
    sun_makeup, sat_makeup = dt.date(2026, 9, 20), dt.date(2026, 10, 10)
    assert CN.day_kinds([sun_makeup, sat_makeup]) == ["makeup", "makeup"]
    assert CN.hours_on(HALL, sun_makeup) == HALL.hours[1]  # Tuesday's
    assert CN.hours_on(HALL, sat_makeup) == HALL.hours[2]  # Wednesday's
    assert CN.hours_on(HALL, dt.date(2026, 10, 1)) == HALL.holiday_hours
    assert CN.hours_on(HALL, dt.date(2026, 10, 12)) == HALL.hours[0]


def test_make_up_day_from_calendar_csv_follows_first_working_weekday() -> None:
    sat = dt.date(2027, 3, 6)
    cal = HallCalendar("CN", extra_workdays=frozenset({sat}))
    assert cal.day_kind(sat) == "makeup"
    assert cal.hours_on(HALL, sat) == HALL.hours[0]  # Monday after a Sat-Sun weekend
    il = HallCalendar.for_policy("IL", ["fri", "sat"], extra_workdays=frozenset({sat}))
    assert il.hours_on(HALL, sat) == HALL.hours[6]  # Sunday after a Fri-Sat weekend


def test_every_owner_of_hours_agrees_on_a_make_up_day() -> None:
    day = dt.date(2026, 9, 20)  # worked as Tuesday: opens 09:10, closes 17:00
    grid = open_intervals(HALL, CN, day, day, 10)
    assert grid[0].hour * 60 + grid[0].minute == 9 * 60 + 10
    assert working_window(HALL, day, LabourRules(opening_cover=30, closing_cover=15), CN) == (
        8 * 60 + 40, 17 * 60 + 15)


def test_friday_saturday_weekend() -> None:
    fri, sat, sun = dt.date(1999, 2, 5), dt.date(1999, 2, 6), dt.date(1999, 2, 7)
    assert IL.day_kinds([fri, sat, sun]) == ["weekend", "weekend", "workday"]
    assert CN.day_kinds([fri, sat, sun]) == ["workday", "weekend", "weekend"]
    assert IL.day_kind(dt.date(1999, 4, 21)) == "holiday"  # Independence Day 1999


def test_month_end_and_weekend_keys() -> None:
    assert [is_month_end(dt.date(2026, 2, d)) for d in (1, 20, 21, 28)] == [
        False, False, True, True]
    assert weekend_days(["sun"]) == frozenset({6})
    with pytest.raises(ValueError, match="weekend day"):
        weekend_days(["sunday"])


def test_policy_weekend_defaults_to_the_countrys(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text('holiday_country = "IL"\n')
    assert read_policy(path, Problems()).weekend == ("fri", "sat")
    path.write_text('holiday_country = "IL"\nweekend = ["sat"]\nmax_bad_share = 0.01\n')
    pol = read_policy(path, Problems())
    assert (pol.weekend, pol.max_bad_share) == (("sat",), 0.01)
    path.write_text('weekend = ["caturday"]\nmax_bad_share = 2\n')
    problems = Problems()
    read_policy(path, problems)
    assert {p.column for p in problems.items} == {"weekend", "max_bad_share"}
    assert {p.row for p in problems.items} == {1, 2}
