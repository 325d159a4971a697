"""The validator's rules at their limits, with values worked out by hand from each rule's text.

Every rule is checked on both sides of its limit: the roster exactly at the
limit passes and one minute (or one day, one hour) beyond fails, and the
message names the figure a manager would read. The expected values come from
the rule's text in :mod:`queueopt.rules`' docstring and the defaults of
:class:`ShiftRules` / :class:`LabourRules` (meal 30 min after 6 h, a 15-minute
short break per 4 h, breaks 90 min after the start and 60 min before the end,
11 h rest), never from running the validator.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from queueopt.errors import DataError
from queueopt.model import Hall, LabourRules, OpeningHours, ShiftRules, StaffMember, Unavailability
from queueopt.rules import (
    Shift,
    clock,
    parse_roster,
    required_breaks,
    roster_frame,
    validate_roster,
    working_window,
)

MON = dt.date(2026, 11, 16)  # an ordinary Monday in China's calendar
WEEK = [MON + dt.timedelta(days=k) for k in range(7)]
KINDS = {d: ("weekend" if d.weekday() >= 5 else "workday") for d in WEEK}
RULES = ShiftRules()
FREE = LabourRules(min_staff_on_duty=0, opening_cover=0, closing_cover=0)
"""No cover needed: only the rule under test can be broken."""


def _hall(open_m: int = 9 * 60, close_m: int = 17 * 60, sunday_closed: bool = False) -> Hall:
    h = OpeningHours(open_m, close_m)
    days = (h,) * 6 + ((OpeningHours.closed() if sunday_closed else h),)
    return Hall("T1", "Test", "R", "main", 4, 0, days, h)


def _person(sid: str = "S0", lo: float = 0, hi: float = 60, skills: frozenset[str] | None = None,
            unavailable: tuple[Unavailability, ...] = ()) -> StaffMember:
    return StaffMember(sid, "T1", sid, skills or frozenset({"counter", "vip", "floor"}), lo, hi,
                       unavailable=unavailable)


def _four(sid: str, day: dt.date, start: int = 9 * 60, role: str = "counter") -> Shift:
    """A valid 4-hour shift: one 15-minute short break 2 h after the start."""
    return Shift(sid, day, start, start + 240, ((start + 120, start + 135),), role)


def _rules(shifts: list[Shift], staff: list[StaffMember] | None = None, hall: Hall | None = None,
           labour: LabourRules = FREE, kinds: dict[dt.date, str] | None = None,
           **kw: object) -> set[str]:
    found = validate_roster(shifts, staff or [_person()], hall or _hall(), kinds or KINDS, RULES,
                            labour, **kw)  # type: ignore[arg-type]
    return {v.rule for v in found}


def _messages(shifts: list[Shift], rule: str, staff: list[StaffMember] | None = None,
              hall: Hall | None = None, labour: LabourRules = FREE,
              kinds: dict[dt.date, str] | None = None, **kw: object) -> list[str]:
    found = validate_roster(shifts, staff or [_person()], hall or _hall(), kinds or KINDS, RULES,
                            labour, **kw)  # type: ignore[arg-type]
    return [v.message for v in found if v.rule == rule]


# ---------------------------------------------------------------- a shift's own figures
def test_clock_and_required_breaks_by_hand() -> None:
    assert [clock(0), clock(59), clock(60), clock(1439), clock(1440)] == [
        "00:00", "00:59", "01:00", "23:59", "24:00"]
    # meal after more than 6 h (360 min); floor(length / 240) short breaks, one fewer with a meal
    assert required_breaks(239, RULES) == (0, 0)
    assert required_breaks(240, RULES) == (0, 1)
    assert required_breaks(360, RULES) == (0, 1)  # exactly 6 h: no meal yet
    assert required_breaks(361, RULES) == (1, 0)  # 1 short break earned, less the meal: 0
    assert required_breaks(479, RULES) == (1, 0)
    assert required_breaks(480, RULES) == (1, 1)
    assert required_breaks(540, RULES) == (1, 1)


def test_paid_minutes_only_an_earned_meal_is_unpaid() -> None:
    nine = Shift("S0", MON, 540, 1080, ((630, 660), (840, 855)))  # 9 h, meal + short break
    assert nine.length == 540
    assert nine.paid_minutes(RULES) == 510
    only_meal = Shift("S0", MON, 540, 1080, ((630, 660),))
    assert only_meal.paid_minutes(RULES) == 510
    no_meal = Shift("S0", MON, 540, 1080, ((630, 645),))  # meal skipped: nothing to deduct
    assert no_meal.paid_minutes(RULES) == 540
    # 5 h earns no meal: a 30-minute break there is a (paid) short break
    five = Shift("S0", MON, 540, 840, ((630, 660),))
    assert five.paid_minutes(RULES) == 300
    assert _four("S0", MON).paid_minutes(RULES) == 240


def test_on_duty_at_each_edge() -> None:
    sh = Shift("S0", MON, 540, 780, ((660, 675),))
    expected = {539: False, 540: True, 659: True, 660: False, 674: False, 675: True,
                779: True, 780: False}
    assert {m: sh.on_duty(m) for m in expected} == expected


def test_working_window_is_the_hours_widened_by_the_covers() -> None:
    covers = LabourRules(opening_cover=15, closing_cover=15)
    assert working_window(_hall(), MON, covers) == (525, 1035)
    assert working_window(_hall(), MON, FREE) == (540, 1020)
    # a 24-hour hall: the covers cannot reach before midnight or past the next one
    assert working_window(_hall(0, 1440), MON, covers) == (0, 1440)
    assert working_window(_hall(5, 1430), MON, covers) == (0, 1440)
    # a closed day has an empty window
    assert working_window(_hall(sunday_closed=True), WEEK[6], covers) == (0, 0)


# ---------------------------------------------------------------- shape of one shift
def test_shift_length_limits() -> None:
    # 4 h to 9 h; a 239-minute shift is one minute short (and earns no break)
    assert "shift_length" not in _rules([_four("S0", MON)])
    assert _messages([Shift("S0", MON, 540, 779)], "shift_length") == [
        "shift of 3.98 h (allowed 4-9 h)"]
    nine = Shift("S0", MON, 480, 1020, ((600, 630), (840, 855)))
    assert _rules([nine], hall=_hall(8 * 60)) == set()
    longer = Shift("S0", MON, 480, 1021, ((600, 630), (840, 855)))
    assert _messages([longer], "shift_length", hall=_hall(8 * 60, 18 * 60)) == [
        "shift of 9.02 h (allowed 4-9 h)"]


def test_working_window_limits_and_closed_day() -> None:
    covers = LabourRules(min_staff_on_duty=0, opening_cover=15, closing_cover=15)
    # 09:00-17:00 with 15-minute covers: 08:45-17:15 is the whole window
    edge = Shift("S0", MON, 525, 1035, ((630, 660), (840, 855)))
    assert _rules([edge], labour=covers) == set()
    early = Shift("S0", MON, 510, 750, ((630, 645),))  # 08:30, ends well inside
    assert _messages([early], "working_window", labour=covers) == [
        "works 08:30-12:30 outside 08:45-17:15"]
    late = Shift("S0", MON, 810, 1050, ((930, 945),))  # starts inside, ends 17:30
    assert _messages([late], "working_window", labour=covers) == [
        "works 13:30-17:30 outside 08:45-17:15"]
    sunday = _four("S0", WEEK[6])
    assert _rules([sunday], hall=_hall(sunday_closed=True)) == {"closed"}
    assert _rules([_four("S0", MON + dt.timedelta(days=7))]) == {"week"}


def test_break_counts_and_lengths() -> None:
    nine = Shift("S0", MON, 540, 1080, ((630, 660), (840, 855)))
    assert "breaks" not in _rules([nine], hall=_hall(9 * 60, 18 * 60))
    meal_only = Shift("S0", MON, 540, 1080, ((630, 660),))
    assert _messages([meal_only], "breaks", hall=_hall(9 * 60, 18 * 60)) == [
        "has breaks 10:30-11:00; needs 1 meal break(s) of 30 min and 1 short break(s) of 15 min"]
    assert _messages([Shift("S0", MON, 540, 780)], "breaks") == [
        "has breaks none; needs 0 meal break(s) of 30 min and 1 short break(s) of 15 min"]


def test_break_window_limits() -> None:
    # a 4-hour shift 09:00-13:00: a break may start at 10:30 (90 min in) and must end by 12:00
    def found(a: int, b: int) -> set[str]:
        return _rules([Shift("S0", MON, 540, 780, ((a, b),))])

    assert found(630, 645) == set()          # starts exactly 90 min after the start
    assert found(705, 720) == set()          # ends exactly 60 min before the end
    assert found(629, 644) == {"break_window"}  # one minute early
    assert found(706, 721) == {"break_window"}  # one minute late
    early = Shift("S0", MON, 540, 780, ((560, 575),))  # early only, not late
    assert _messages([early], "break_window") == [
        "break 09:20-09:35 is too close to the shift's start or end"]


def test_breaks_may_touch_but_not_overlap() -> None:
    hall = _hall(9 * 60, 18 * 60)
    touching = Shift("S0", MON, 540, 1080, ((630, 660), (660, 675)))
    assert _rules([touching], hall=hall) == set()
    overlapping = Shift("S0", MON, 540, 1080, ((630, 660), (650, 665)))
    assert _rules([overlapping], hall=hall) == {"break_overlap"}


def test_unavailability_edges() -> None:
    away = (Unavailability(MON, 13 * 60, 17 * 60), Unavailability(WEEK[1], 0, 9 * 60))
    person = [_person(unavailable=away)]
    # ends exactly when the leave starts (Mon) and starts exactly when it ends (Tue): allowed
    assert _rules([_four("S0", MON), _four("S0", WEEK[1])], staff=person) == set()
    # one 15-minute step into the leave on either side
    assert _messages([_four("S0", MON, 9 * 60 + 15)], "unavailable", staff=person) == [
        "works 09:15-13:15 while unavailable 13:00-17:00"]
    assert _rules([_four("S0", WEEK[1], 8 * 60 + 45)], staff=person,
                  hall=_hall(8 * 60)) == {"unavailable"}
    # a leave on another day does not count
    assert _rules([_four("S0", WEEK[2], 13 * 60)], staff=person) == set()


def test_roles_need_their_skill() -> None:
    counter_only = [_person(skills=frozenset({"counter"}))]
    assert _rules([_four("S0", MON)], staff=counter_only) == set()
    assert _messages([_four("S0", MON, role="lead")], "skill", staff=counter_only) == [
        "role lead needs skill 'manager'"]
    assert _rules([_four("S0", MON, role="boss")], staff=counter_only) == {"role"}
    assert _rules([_four("X9", MON)]) == {"unknown_staff"}


def test_time_grid_names_the_off_grid_break() -> None:
    # a 20-minute break: it starts on the 15-minute grid but ends off it
    off = [Shift("S0", MON, 540, 780, ((630, 650),))]
    assert _messages(off, "grid", slot_minutes=15) == [
        "end or breaks off the 15-minute grid (13:00, 10:30-10:50)"]
    assert _messages(off, "grid", slot_minutes=10) == []  # the grid is 5 minutes there


# ---------------------------------------------------------------- across days and the week
def test_rest_of_exactly_the_minimum_passes_one_minute_less_fails() -> None:
    hall = _hall(6 * 60, 22 * 60)
    late = Shift("S0", MON, 13 * 60, 21 * 60, ((15 * 60, 15 * 60 + 30), (18 * 60, 18 * 60 + 15)))
    # ends 21:00; 11 h later is 08:00 the next day
    assert _rules([late, _four("S0", WEEK[1], 8 * 60)], hall=hall) == set()
    short = Shift("S0", WEEK[1], 479, 719, ((599, 614),))
    assert _messages([late, short], "min_rest", hall=hall) == [
        "rests 10 h 59 min after the shift ending 21:00 the day before (minimum 11 h)"]
    # the rest counts whole days between: Mon 21:00 to Wed 07:59 is 34 h 59 min
    wed = Shift("S0", WEEK[2], 479, 719, ((599, 614),))
    assert "min_rest" not in _rules([late, wed], hall=hall)
    # the rest is measured across the week's days, second and third shift too
    day_long = LabourRules(min_rest=24 * 60, min_staff_on_duty=0, opening_cover=0,
                           closing_cover=0)
    three = [_four("S0", MON), _four("S0", WEEK[1]), wed]
    assert _messages(three, "min_rest", hall=hall, labour=day_long) == [
        "rests 20 h after the shift ending 13:00 the day before (minimum 24 h)",
        "rests 18 h 59 min after the shift ending 13:00 the day before (minimum 24 h)"]


def test_two_shifts_on_one_day_are_one_rule_not_a_rest() -> None:
    two = [_four("S0", MON), _four("S0", MON, 13 * 60)]
    assert _rules(two) == {"one_shift_per_day"}


def test_days_per_week_limit() -> None:
    six = [_four("S0", d) for d in WEEK[:3] + WEEK[4:]]  # Thursday off: never 6 in a row
    limit = LabourRules(min_staff_on_duty=0, opening_cover=0, closing_cover=0,
                        max_consecutive_days=7)
    assert _rules(six, labour=limit) == set()
    seven = [_four("S0", d) for d in WEEK]
    assert _messages(seven, "max_days_per_week", labour=limit) == [
        "works 7 days (maximum 6)"]


def test_consecutive_days_count_the_history_and_restart_after_a_day_off() -> None:
    three = LabourRules(min_staff_on_duty=0, opening_cover=0, closing_cover=0,
                        max_consecutive_days=3)
    # three on, one off, three on: never more than 3 in a row
    pattern = [_four("S0", d) for d in WEEK[:3] + WEEK[4:]]
    assert _rules(pattern, labour=three) == set()
    # 1 day worked just before the week + Mon, Tue = 3: allowed; Wed would be the 4th
    assert _rules([_four("S0", d) for d in WEEK[:2]], labour=three, history={"S0": 1}) == set()
    four = [_four("S0", d) for d in WEEK[:3]]
    found = validate_roster(four, [_person()], _hall(), KINDS, RULES, three, history={"S0": 1})
    assert [(v.rule, v.day, v.message) for v in found] == [
        ("max_consecutive_days", WEEK[2], "is the 4th day in a row (maximum 3)")]
    assert _rules(four, labour=three) == set()  # no history: 3 in a row


def test_weekly_paid_hours_at_the_contract_limits() -> None:
    hall = _hall(8 * 60, 18 * 60)
    # 9 h less the 30-minute meal: 8.5 paid hours
    nine = Shift("S0", MON, 540, 1080, ((630, 660), (840, 855)))
    assert _rules([nine], staff=[_person(lo=8.5, hi=8.5)], hall=hall) == set()
    plus = Shift("S0", MON, 540, 1081, ((630, 660), (840, 855)))  # one paid minute more
    assert _messages([plus], "max_hours_week", staff=[_person(hi=8.5)], hall=hall) == [
        "paid 8.52 h (contract maximum 8.5 h)"]
    minus = Shift("S0", MON, 540, 1079, ((630, 660), (840, 855)))  # one paid minute less
    assert _messages([minus], "contract_min", staff=[_person(lo=8.5)], hall=hall) == [
        "paid 8.48 h (contract minimum 8.5 h)"]
    assert _rules([minus], staff=[_person(lo=8.5)], hall=hall, check_contract_min=False) == set()


# ---------------------------------------------------------------- staff on duty
COVERS = LabourRules(min_staff_on_duty=2, opening_cover=15, closing_cover=15)
A = Shift("A", MON, 525, 1005, ((660, 690), (840, 855)))  # 08:45-16:45
B = Shift("B", MON, 540, 1035, ((720, 750), (900, 915)))  # 09:00-17:15
C = Shift("C", MON, 660, 1020, ((780, 795),))  # 11:00-17:00 covers A's and B's breaks
TEAM = [_person("A"), _person("B"), _person("C")]


def test_two_on_duty_while_open_and_one_during_the_covers() -> None:
    """Worked by hand: 08:45-09:00 A alone (a cover: 1 needed), 09:00-11:00 A and B,
    A's meal 11:00-11:30 B and C, B's meal 12:00-12:30 A and C, C's break 13:00-13:15
    A and B, A's break 14:00-14:15 B and C, B's 15:00-15:15 A and C, 16:45-17:00 B and C,
    17:00-17:15 B alone (a cover)."""
    day = {MON: "workday"}
    assert validate_roster([A, B, C], TEAM, _hall(), day, RULES, COVERS) == []
    # B starting 15 minutes later leaves A alone from 09:00: named at 09:00
    late_b = Shift("B", MON, 555, 1035, ((720, 750), (900, 915)))
    assert _messages([A, late_b, C], "min_staff_on_duty", staff=TEAM, labour=COVERS,
                     kinds=day) == ["1 on duty at 09:00 (minimum 2)"]
    # without A nobody is there at 08:45
    assert _messages([B, C], "min_staff_on_duty", staff=TEAM, labour=COVERS, kinds=day) == [
        "0 on duty at 08:45 (minimum 1)"]


# ---------------------------------------------------------------- roster.csv
def test_roster_csv_round_trip_with_roles_and_paid_hours() -> None:
    shifts = [Shift("S1", MON, 540, 1080, ((630, 660), (840, 855)), "vip"), _four("S0", MON)]
    frame = roster_frame(shifts)
    assert frame.to_dict("records") == [
        {"staff_id": "S0", "date": "2026-11-16", "start": "09:00", "end": "13:00",
         "breaks": "11:00-11:15", "role": "counter", "paid_hours": 4.0},
        {"staff_id": "S1", "date": "2026-11-16", "start": "09:00", "end": "18:00",
         "breaks": "10:30-11:00;14:00-14:15", "role": "vip", "paid_hours": 8.5}]
    assert sorted(parse_roster(frame), key=lambda s: s.staff_id) == sorted(
        shifts, key=lambda s: s.staff_id)
    whole_day = pd.DataFrame([{"staff_id": "S2", "date": "2026-11-17", "start": "00:00",
                               "end": "24:00", "breaks": "", "role": ""}])
    assert parse_roster(whole_day) == [Shift("S2", WEEK[1], 0, 1440, (), "counter")]


@pytest.mark.parametrize("column,value", [
    ("start", "09:60"), ("end", "24:01"), ("start", "-1:00"), ("end", "13"),
    ("breaks", "11:00-11:15-11:30"), ("breaks", "11:00"), ("date", "2026-13-01")])
def test_bad_roster_cells_are_named(column: str, value: str) -> None:
    rows = [{"staff_id": "S0", "date": "2026-11-16", "start": "09:00", "end": "13:00",
             "breaks": "11:00-11:15", "role": "counter"}] * 2
    frame = pd.DataFrame(rows)
    frame.loc[1, column] = value
    with pytest.raises(DataError) as err:
        parse_roster(frame, "my_roster.csv")
    problem = err.value.problems[0]
    assert (problem.file, problem.row, problem.column) == ("my_roster.csv", 3, column)


def test_a_shift_that_ends_when_it_starts_is_named() -> None:
    frame = pd.DataFrame([{"staff_id": "S0", "date": "2026-11-16", "start": "09:00",
                           "end": "09:00", "breaks": "", "role": "counter"}])
    with pytest.raises(DataError) as err:
        parse_roster(frame)
    problem = err.value.problems[0]
    assert (problem.row, problem.column, problem.message) == (2, "end", "end is not after start")
