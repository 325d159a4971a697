"""The roster's parts on tiny instances, against hand values and an independent brute force (fast).

The named-roster models (:func:`build_model` + :func:`solve`, and
:func:`name_staff_mip`) are compared with a brute force written here: every
way of giving each person at most one shape a day, kept when the validator
(:func:`queueopt.rules.validate_roster`, tested at its limits in
``test_rules.py``) finds no labour rule broken, scored by staff-minutes short
then paid minutes counted minute by minute here. Each case makes one rule bind.
The soft goals, the need per cell, roles, the counters plan and the words of
the binding constraints are checked against values worked out by hand.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest

from queueopt.covering import Column, CoverLP, DayNeed
from queueopt.model import Hall, LabourRules, OpeningHours, ShiftRules, StaffMember, Unavailability
from queueopt.plan_summary import SolverStatus
from queueopt.rules import Shift, validate_roster
from queueopt.scheduling import (
    ScheduleResult,
    _best_shapes,
    _binding,
    _greedy_hint,
    assign_roles,
    build_model,
    check_locks,
    counters_plan,
    day_needs,
    name_staff_mip,
    on_duty,
    over_counters_staff_minutes,
    plan_week,
    shortfall_frame,
    solve,
    week_integer_cover,
)

MON = dt.date(2026, 11, 16)  # an ordinary Monday in China's calendar
WEEK = [MON + dt.timedelta(days=k) for k in range(7)]
RULES = ShiftRules()
LAB = LabourRules(min_staff_on_duty=0, opening_cover=0, closing_cover=0)


def _hall(open_m: int = 6 * 60, close_m: int = 23 * 60, counters: int = 4, vip: int = 0) -> Hall:
    h = OpeningHours(open_m, close_m)
    return Hall("T1", "Test", "R", "main", counters, 0, (h,) * 7, h, vip)


def _person(sid: str, hi: float = 48, lo: float = 0, skills: Sequence[str] = ("counter",),
            unavailable: tuple[Unavailability, ...] = (), prefs: tuple[str, ...] = ()
            ) -> StaffMember:
    return StaffMember(sid, "T1", sid, frozenset(skills), lo, hi, unavailable=unavailable,
                       preferences=prefs)


def _need(day: dt.date, hourly: list[int], first_hour: int = 6, people: int = 9) -> DayNeed:
    """Need per hour-long cell from ``first_hour``."""
    arr = np.array(hourly, dtype=np.int64)
    return DayNeed(day, first_hour * 60, 60, arr, arr.copy(), people, 15)


def _col(a_h: float, b_h: float) -> Column:
    """A shape from a_h to b_h o'clock without breaks; paid = its length."""
    a, b = int(a_h * 60), int(b_h * 60)
    return Column(a, b, (), b - a)


# ---------------------------------------------------------------- brute force
def _score(shifts: Sequence[Shift], needs: Sequence[DayNeed]) -> tuple[int, int]:
    """(staff-minutes short, paid minutes), minute by minute, without the code under test."""
    short = 0
    for nd in needs:
        for k, want in enumerate(nd.need):
            a = nd.start + nd.cell * k
            for m in range(a, a + nd.cell):
                there = sum(1 for s in shifts if s.day == nd.day and s.start <= m < s.end
                            and not any(x <= m < y for x, y in s.breaks))
                short += max(int(want) - there, 0)
    return short, sum(s.end - s.start - sum(y - x for x, y in s.breaks) for s in shifts)


LABOUR_RULES = {"one_shift_per_day", "min_rest", "max_days_per_week", "max_consecutive_days",
                "max_hours_week", "unavailable"}


def _labour_breaks(shifts: Sequence[Shift], staff: Sequence[StaffMember], kinds: dict[dt.date, str],
                   labour: LabourRules, history: dict[str, int] | None) -> set[str]:
    found = validate_roster(shifts, staff, _hall(0, 1440), kinds, RULES, labour, history=history,
                            check_contract_min=False)
    return {v.rule for v in found} & LABOUR_RULES


def _brute(needs: Sequence[DayNeed], pools: Sequence[Sequence[Column]], staff: Sequence[StaffMember],
           kinds: dict[dt.date, str], labour: LabourRules, history: dict[str, int] | None = None,
           locked: Sequence[Shift] = ()) -> tuple[int, int]:
    """Least (short, paid) over every roster giving each shape instance to at most one person."""
    slots = [(e, k) for e in range(len(staff)) for k in range(len(needs))]
    best: tuple[int, int] | None = None
    for pick in itertools.product(*[[None, *range(len(pools[k]))] for _, k in slots]):
        used = [(k, j) for (_, k), j in zip(slots, pick) if j is not None]
        if len(used) != len(set(used)):
            continue
        shifts = [pools[k][j].shift(staff[e].staff_id, needs[k].day)
                  for (e, k), j in zip(slots, pick) if j is not None]
        if any(lk not in shifts for lk in locked):
            continue
        if _labour_breaks(shifts, staff, kinds, labour, history):
            continue
        s = _score(shifts, needs)
        best = s if best is None or s < best else best
    assert best is not None
    return best


def _shifts(values: dict[tuple[int, int, int], int], pools: Sequence[Sequence[Column]],
            needs: Sequence[DayNeed], staff: Sequence[StaffMember]) -> list[Shift]:
    return sorted((pools[k][j].shift(staff[e].staff_id, needs[k].day)
                   for (e, k, j), v in values.items() if v), key=lambda s: (s.day, s.staff_id))


def _cp(needs: list[DayNeed], pools: list[list[Column]], staff: Sequence[StaffMember],
        kinds: dict[dt.date, str], labour: LabourRules = LAB, **kw: object) -> list[Shift]:
    model, var = build_model(needs, pools, staff, kinds, RULES, labour, instances=True,
                             **kw)  # type: ignore[arg-type]
    values, found, wall = solve(model, var, needs, det_time=2.0, wall=20.0)
    assert found and not wall
    return _shifts(values, var.pools, needs, [p for p in staff if "counter" in p.skills])


def _mip(needs: list[DayNeed], pools: list[list[Column]], staff: Sequence[StaffMember],
         kinds: dict[dt.date, str], labour: LabourRules = LAB,
         history: dict[str, int] | None = None, **kw: object) -> list[Shift]:
    _, var = build_model(needs, pools, staff, kinds, RULES, labour, instances=True,
                         history=history, **kw)  # type: ignore[arg-type]
    people = [p for p in staff if "counter" in p.skills]
    values, wall = name_staff_mip(var, needs, people, sorted(kinds), labour, history,
                                  node_limit=1000, wall=20.0)
    assert values is not None and not wall
    return _shifts(values, var.pools, needs, people)


def _case(name: str) -> tuple[list[DayNeed], list[list[Column]], list[StaffMember],
                              dict[dt.date, str], LabourRules, dict[str, int] | None]:
    """Tiny instances; the comment says which rule binds and what it costs, by hand."""
    two = {d: "workday" for d in WEEK[:2]}
    three = {d: "workday" for d in WEEK[:3]}
    if name == "rest":
        # Mon needs 13-21; Tue needs 07-11. One person: 21:00 -> 07:00 is 10 h of rest, so Tue
        # can only start at 08:00 (11 h exactly): 60 staff-minutes short
        needs = [_need(MON, [0] * 7 + [1] * 8 + [0], 6), _need(WEEK[1], [0, 1, 1, 1, 1, 0], 6)]
        pools = [[_col(13, 21)], [_col(7, 11), _col(8, 12)]]
        return needs, pools, [_person("A")], two, LAB, None
    if name == "rest_over_a_closed_day":
        # Mon late, Wed early; Tue closed: 34 h of rest, no rule binds
        needs = [_need(MON, [0] * 7 + [1] * 8 + [0], 6), _need(WEEK[2], [0, 1, 1, 1, 1, 0], 6)]
        pools = [[_col(13, 21)], [_col(7, 11)]]
        return needs, pools, [_person("A")], three, LAB, None
    if name == "days_per_week":
        # one person, three days, at most 2 days a week: the 4-hour day is left short (240)
        lab = LabourRules(min_staff_on_duty=0, opening_cover=0, closing_cover=0,
                          max_days_per_week=2)
        needs = [_need(d, [1] * n + [0] * (9 - n), 8) for d, n in zip(WEEK[:3], (8, 4, 8))]
        pools = [[_col(8, 16)], [_col(8, 12)], [_col(8, 16)]]
        return needs, pools, [_person("A")], three, lab, None
    if name == "in_a_row_with_history":
        # at most 2 days in a row; 2 worked right before Monday: Monday must be off, though it
        # needs the most
        lab = LabourRules(min_staff_on_duty=0, opening_cover=0, closing_cover=0,
                          max_consecutive_days=2)
        needs = [_need(d, [1] * n + [0] * (9 - n), 8) for d, n in zip(WEEK[:3], (8, 4, 4))]
        pools = [[_col(8, 16)], [_col(8, 12)], [_col(8, 12)]]
        return needs, pools, [_person("A")], three, lab, {"A": 2}
    if name == "contract_hours":
        # at most 10 paid hours over two 8-hour days: one 8-hour shape and one 2-hour one (the
        # 2 h 10 min shape would be 10 minutes over)
        needs = [DayNeed(d, 480, 10, np.r_[np.ones(48, np.int64), np.zeros(6, np.int64)],
                         np.ones(54, np.int64), 9, 10) for d in WEEK[:2]]  # one person 08-16
        pools = [[_col(8, 16), _col(8, 10), Column(480, 610, (), 130)]] * 2
        return needs, pools, [_person("A", hi=10)], two, LAB, None
    if name == "in_a_row_without_history":
        # at most 2 days in a row, nothing worked before: Mon and Tue (8 h each) rather than Wed
        lab = LabourRules(min_staff_on_duty=0, opening_cover=0, closing_cover=0,
                          max_consecutive_days=2)
        needs = [_need(d, [1] * n + [0] * (9 - n), 8) for d, n in zip(WEEK[:3], (8, 8, 4))]
        pools = [[_col(8, 16)], [_col(8, 16)], [_col(8, 12)]]
        return needs, pools, [_person("A")], three, lab, None
    if name == "leave_edges":
        # A is away Mon until 12:00 and Tue from 12:00: shapes touching the leave are fine
        away = (Unavailability(MON, 0, 12 * 60), Unavailability(WEEK[1], 12 * 60, 1440))
        needs = [_need(MON, [0, 0, 1, 1, 1, 1, 0], 10), _need(WEEK[1], [1, 1, 1, 1, 0], 8)]
        pools = [[_col(11, 15), _col(12, 16)], [_col(8, 12), _col(9, 13)]]
        return needs, pools, [_person("A", unavailable=away)], two, LAB, None
    if name == "one_person_per_shift":
        # two people needed 08-16; the pool has one 08-16 and one 08-12: 12-16 is 1 short
        needs = [_need(MON, [2, 2, 2, 2, 2, 2, 2, 2], 8)]
        pools = [[_col(8, 16), _col(8, 12)]]
        return needs, pools, [_person("A"), _person("B")], {MON: "workday"}, LAB, None
    raise KeyError(name)


CASES = ["rest", "rest_over_a_closed_day", "days_per_week", "in_a_row_with_history",
         "in_a_row_without_history",
         "contract_hours", "leave_edges", "one_person_per_shift"]
EXPECTED = {"rest": (60, 720), "rest_over_a_closed_day": (0, 720), "days_per_week": (240, 960),
            "in_a_row_with_history": (480, 480), "in_a_row_without_history": (240, 960), "contract_hours": (360, 600),
            "leave_edges": (0, 480), "one_person_per_shift": (240, 720)}
"""(staff-minutes short, paid minutes) of each case, by hand (see :func:`_case`)."""


@pytest.mark.parametrize("name", CASES)
def test_brute_force_agrees_with_the_hand_values(name: str) -> None:
    needs, pools, staff, kinds, lab, hist = _case(name)
    assert _brute(needs, pools, staff, kinds, lab, hist) == EXPECTED[name]


@pytest.mark.parametrize("name", CASES)
def test_cp_sat_roster_is_the_brute_force_optimum(name: str) -> None:
    needs, pools, staff, kinds, lab, hist = _case(name)
    shifts = _cp(needs, pools, staff, kinds, lab, history=hist)
    assert _labour_breaks(shifts, staff, kinds, lab, hist) == set()
    assert _score(shifts, needs) == EXPECTED[name]


@pytest.mark.parametrize("name", CASES)
def test_mip_roster_is_the_brute_force_optimum(name: str) -> None:
    needs, pools, staff, kinds, lab, hist = _case(name)
    shifts = _mip(needs, pools, staff, kinds, lab, history=hist)
    assert _labour_breaks(shifts, staff, kinds, lab, hist) == set()
    assert _score(shifts, needs) == EXPECTED[name]


def test_locks_are_kept_by_both_models() -> None:
    """A lock outside the pool is added for its person; a lock matching a pool shape reuses it.
    B is locked on 12-16 (in the pool) and A on 09-13 (not in it): the rest of the need
    08-16 x 1 is 08-09, which nobody else can cover."""
    needs = [_need(MON, [1] * 8, 8)]
    pools = [[_col(8, 12), _col(12, 16)]]
    staff = [_person("A"), _person("B")]
    kinds = {MON: "workday"}
    locks = [_col(9, 13).shift("A", MON), _col(12, 16).shift("B", MON)]
    assert _brute(needs, [pools[0] + [_col(9, 13)]], staff, kinds, LAB, locked=locks) == (60, 480)
    for run in (_cp, _mip):
        shifts = run(needs, pools, staff, kinds, locked=locks)
        assert shifts == sorted(locks, key=lambda s: s.staff_id)


# ---------------------------------------------------------------- soft goals, by hand
def _soft(needs: list[DayNeed], pools: list[list[Column]], staff: Sequence[StaffMember],
          kinds: dict[dt.date, str], **kw: object) -> list[Shift]:
    return _cp(needs, pools, staff, kinds, **kw)


def test_contract_minimum_decides_who_works() -> None:
    """Two 4-hour days, one person a day: A has a 8-hour minimum, B none. Same shortage and paid
    minutes either way; only giving both days to A meets A's minimum."""
    needs = [_need(d, [1] * 4, 8) for d in WEEK[:2]]
    pools = [[_col(8, 12)], [_col(8, 12)]]
    staff = [_person("B"), _person("A", lo=8)]
    shifts = _soft(needs, pools, staff, {d: "workday" for d in WEEK[:2]})
    assert [s.staff_id for s in shifts] == ["A", "A"]


@pytest.mark.parametrize("pref,other,who", [
    ("off:tue", "", "B"), (f"off:{WEEK[1].isoformat()}", "", "B"), ("off:mon", "off:tue", "A")])
def test_a_day_off_wished_is_given(pref: str, other: str, who: str) -> None:
    """One Tuesday shift; a wish for Tuesday off (by weekday or date) passes it to the other."""
    needs = [_need(WEEK[1], [1] * 4, 8)]
    staff = [_person("A", prefs=(pref,)), _person("B", prefs=(other,) if other else ())]
    shifts = _soft(needs, [[_col(8, 12)]], staff, {WEEK[1]: "workday"})
    assert [s.staff_id for s in shifts] == [who]


@pytest.mark.parametrize("pref,a_gets", [("early", (10.75, 14.75)), ("late", (13.25, 17.25))])
def test_early_and_late_wishes_at_their_limits(pref: str, a_gets: tuple[float, float]) -> None:
    """'early' = starting before 11:00, 'late' = ending after 17:00 (weight 6 each). Shapes of
    4 h: 10:45-14:45 (early), 11:00-15:00 (not early), 13:00-17:00 (not late), 13:15-17:15
    (late); need: one person 11:00-14:45 (either of the first two) and one 13:15-17:00 (either
    of the last two), so every roster costs the same 480 paid minutes."""
    need = DayNeed(MON, 645, 15, np.array([0] + [1] * 9 + [2] * 6 + [1] * 9 + [0]),
                   np.zeros(26, np.int64), 9, 15)
    pools = [[_col(10.75, 14.75), _col(11, 15), _col(13, 17), _col(13.25, 17.25)]]
    for order in ([_person("A", prefs=(pref,)), _person("B")],
                  [_person("B"), _person("A", prefs=(pref,))]):
        shifts = _soft([need], pools, order, {MON: "workday"})
        mine = [(s.start / 60, s.end / 60) for s in shifts if s.staff_id == "A"]
        assert mine == [a_gets], (pref, shifts)


def test_no_isolated_day_off() -> None:
    """Three days, each needs one person for 4 hours; A and B may work 2 days each at most
    (B only Mon and Wed would leave B's Tue off between two working days, weight 4): the
    roster gives one person two days in a row."""
    lab = LabourRules(min_staff_on_duty=0, opening_cover=0, closing_cover=0, max_days_per_week=2)
    needs = [_need(d, [1] * 4, 8) for d in WEEK[:3]]
    shifts = _soft(needs, [[_col(8, 12)]] * 3, [_person("A"), _person("B")],
                   {d: "workday" for d in WEEK[:3]}, labour=lab)
    days = {p: sorted(s.day for s in shifts if s.staff_id == p) for p in "AB"}
    assert sorted(len(v) for v in days.values()) == [1, 2]
    two = next(v for v in days.values() if len(v) == 2)
    assert (two[1] - two[0]).days == 1


def test_an_isolated_day_off_costs_more_than_a_minute_under_contract() -> None:
    """Mon-Wed, one 4-hour shift a day, at most 2 days each. A wishes Tuesday off and has a
    contract minimum of 4 h 1.5 min (one day leaves 1 minute under: weight 2); working Mon and
    Wed would meet it but leave Tuesday an isolated day off (weight 4). So A works one day."""
    lab = LabourRules(min_staff_on_duty=0, opening_cover=0, closing_cover=0, max_days_per_week=2)
    needs = [_need(d, [1] * 4, 8) for d in WEEK[:3]]
    staff = [_person("A", lo=4.025, prefs=("off:tue",)), _person("B")]
    shifts = _soft(needs, [[_col(8, 12)]] * 3, staff, {d: "workday" for d in WEEK[:3]}, labour=lab)
    assert len(shifts) == 3 and sum(s.staff_id == "A" for s in shifts) == 1


def test_a_day_off_after_a_working_day_is_not_isolated_by_itself() -> None:
    """Mon-Wed, one 4-hour shift a day, at most 2 days each. A wishes Wednesday off; B's
    contract minimum of 4 h 1.5 min wants two days. A on Monday and B on Tuesday and Wednesday
    costs nothing (A's Tuesday off is followed by a day off, not isolated)."""
    lab = LabourRules(min_staff_on_duty=0, opening_cover=0, closing_cover=0, max_days_per_week=2)
    needs = [_need(d, [1] * 4, 8) for d in WEEK[:3]]
    staff = [_person("A", prefs=("off:wed",)), _person("B", lo=4.025)]
    shifts = _soft(needs, [[_col(8, 12)]] * 3, staff, {d: "workday" for d in WEEK[:3]}, labour=lab)
    assert [(s.staff_id, s.day.day) for s in shifts] == [("A", 16), ("B", 17), ("B", 18)]


def test_weekend_days_and_late_shifts_are_shared() -> None:
    """Sat and Sun (weekend kinds) each need one person, 13:00-21:00 (a late shift: ends at or
    after 19:00): A and B get one each, never one person both."""
    sat, sun = WEEK[5], WEEK[6]
    needs = [_need(d, [1] * 8, 13) for d in (sat, sun)]
    for staff in ([_person("A"), _person("B")], [_person("B"), _person("A")]):
        shifts = _soft(needs, [[_col(13, 21)]] * 2, staff, {sat: "weekend", sun: "weekend"})
        assert sorted(s.staff_id for s in shifts) == ["A", "B"]
    # one person may still work the whole weekend when nobody else can
    shifts = _soft(needs, [[_col(13, 21)]] * 2, [_person("A")], {sat: "weekend", sun: "weekend"})
    assert [s.staff_id for s in shifts] == ["A", "A"]
    # two workdays, 11:00-19:00 (ends at 19:00: a late shift). B wishes early shifts (starting
    # before 11:00: each of these costs 6), so giving A both would save 12, but A's two late
    # shifts cost 20 against 10 for one each: one each
    shifts = _soft([_need(d, [1] * 8, 11) for d in WEEK[:2]], [[_col(11, 19)]] * 2,
                   [_person("A"), _person("B", prefs=("early",))], {d: "workday" for d in WEEK[:2]})
    assert sorted(s.staff_id for s in shifts) == ["A", "B"]


def test_a_vip_skilled_person_works_each_day_of_a_hall_with_a_vip_counter() -> None:
    """One shift a day; V (VIP skill) takes it on both days; on a third day V is away: the
    roster still exists, with someone else."""
    needs = [_need(d, [1] * 4, 8) for d in WEEK[:3]]
    staff = [_person("A", hi=4), _person("V", hi=8, skills=("counter", "vip"),
                                         unavailable=(Unavailability(WEEK[2]),)), _person("B", hi=4)]
    kinds = {d: "workday" for d in WEEK[:3]}
    shifts = _soft(needs, [[_col(8, 12)]] * 3, staff, kinds, vip_counters=1)
    assert [s.staff_id for s in shifts[:2]] == ["V", "V"]
    assert len(shifts) == 3 and shifts[2].staff_id in ("A", "B")


# ---------------------------------------------------------------- the greedy start
def test_greedy_hint_hands_out_longest_first_to_the_least_loaded() -> None:
    """Day 1: 8 h and 4 h shapes: a tie (no days, no minutes) goes to the first, A takes the 8 h,
    B the 4 h. Day 2: the 8 h goes to the one with fewer paid minutes (B), the 4 h to A. Day 3:
    A's contract (15 h 48 min) has room for neither (12 h done, 4 h more is 16 h), so B takes
    the 8 h shape and nobody the 4 h."""
    needs = [_need(d, [1] * 8, 8) for d in WEEK[:3]]
    pools = [[_col(8, 12), _col(8, 16)]] * 3
    staff = [_person("A", hi=15.8), _person("B", hi=48)]
    _, var = build_model(needs, pools, staff, {d: "workday" for d in WEEK[:3]}, RULES, LAB,
                         instances=True)
    hint = _greedy_hint(var, needs, staff, LAB, None)
    got = sorted((needs[k].day.day, staff[e].staff_id, var.pools[k][j].paid)
                 for (e, k, j), v in hint.items() if v)
    assert got == [(16, "A", 480), (16, "B", 240), (17, "A", 240), (17, "B", 480),
                   (18, "B", 480)]


def test_greedy_hint_keeps_rest_and_days_in_a_row() -> None:
    """A worked 2 days before the week (at most 2 in a row): not on Monday; B ends Monday at
    21:00, so not Tuesday 07:00 (10 h rest)."""
    lab = LabourRules(min_staff_on_duty=0, opening_cover=0, closing_cover=0,
                      max_consecutive_days=2)
    needs = [_need(MON, [1] * 8, 13), _need(WEEK[1], [1] * 4, 7)]
    pools = [[_col(13, 21)], [_col(7, 11)]]
    staff = [_person("A"), _person("B")]
    _, var = build_model(needs, pools, staff, {d: "workday" for d in WEEK[:2]}, RULES, lab,
                         history={"A": 2}, instances=True)
    hint = _greedy_hint(var, needs, staff, lab, {"A": 2})
    assert sorted((k, staff[e].staff_id) for (e, k, j), v in hint.items() if v) == [
        (0, "B"), (1, "A")]


def test_greedy_hint_for_one_person_counts_the_run_and_the_rest() -> None:
    """At most 2 days in a row: Mon and Tue, not Wed (the third). Resting 10 h after Thursday's
    late shift rules out Friday 07:00."""
    lab = LabourRules(min_staff_on_duty=0, opening_cover=0, closing_cover=0,
                      max_consecutive_days=2)
    needs = [_need(d, [1] * 4, 8) for d in WEEK[:3]] + [_need(WEEK[3], [1] * 8, 13),
                                                         _need(WEEK[4], [1] * 4, 7)]
    pools = [[_col(8, 12)]] * 3 + [[_col(13, 21)], [_col(7, 11)]]
    a = [_person("A")]
    _, var = build_model(needs, pools, a, {d: "workday" for d in WEEK[:5]}, RULES, lab,
                         instances=True)
    hint = _greedy_hint(var, needs, a, lab, None)
    assert sorted(k for (e, k, j), v in hint.items() if v) == [0, 1, 3]


def test_greedy_hint_restarts_the_run_after_a_closed_day() -> None:
    """At most 2 days in a row; Wednesday closed: Mon, Tue, then Thu and Fri start a new run."""
    lab = LabourRules(min_staff_on_duty=0, opening_cover=0, closing_cover=0,
                      max_consecutive_days=2)
    days = [WEEK[0], WEEK[1], WEEK[3], WEEK[4]]
    needs = [_need(d, [1] * 4, 8) for d in days]
    a = [_person("A")]
    _, var = build_model(needs, [[_col(8, 12)]] * 4, a, {d: "workday" for d in WEEK[:5]}, RULES,
                         lab, instances=True)
    hint = _greedy_hint(var, needs, a, lab, None)
    assert sorted(k for (e, k, j), v in hint.items() if v) == [0, 1, 2, 3]


# ---------------------------------------------------------------- need per cell
def test_day_needs_by_hand() -> None:
    """09:00-17:00 with 15-minute covers, 2 staff on duty while open, 3 counters, a 30-minute
    slot: the window is 08:45-17:15 in 15-minute cells; a cell takes its slot's requirement
    (09:15 is in the 09:00 slot), rounded up (0.5 -> 1, 1.2 -> 2, 3.0 stays 3), capped at the
    counters (5 -> 3), at least 2 while open (from 09:00 itself) and 1 during the covers;
    nothing required = 0."""
    hall = _hall(9 * 60, 17 * 60, counters=3)
    lab = LabourRules(min_staff_on_duty=2, opening_cover=15, closing_cover=15)
    slots = {9 * 60: 0.5, 9 * 60 + 30: 3.0, 10 * 60: 5.0, 10 * 60 + 30: 1.2, 16 * 60 + 30: 0.5}
    req = pd.DataFrame({"interval_start": [pd.Timestamp(MON) + pd.Timedelta(minutes=m) for m in slots],
                        "required": list(slots.values())})
    away = (Unavailability(MON, 8 * 60 + 45, 17 * 60 + 15),)  # the whole window: cannot work
    part = (Unavailability(MON, 8 * 60 + 45, 17 * 60),)  # not the last cover: can
    staff = [_person("A"), _person("B", unavailable=away), _person("C", unavailable=part),
             _person("F", skills=("floor",))]
    kinds = {MON: "workday", WEEK[6]: "weekend"}
    closed = Hall("T1", "Test", "R", "main", 3, 0, (OpeningHours(540, 1020),) * 6
                  + (OpeningHours.closed(),), OpeningHours(540, 1020))
    (nd,) = day_needs(closed, staff, req, kinds, RULES, lab, 30)
    assert (nd.day, nd.start, nd.cell, nd.grid, nd.people) == (MON, 525, 15, 15, 2)
    required = [0, 1, 1, 3, 3, 5, 5, 2, 2] + [0] * 22 + [1, 1, 0]
    assert nd.required.tolist() == required
    assert nd.need.tolist() == [1, 2, 2, 3, 3, 3, 3, 2, 2] + [2] * 22 + [2, 2, 1]
    (five,) = day_needs(hall, staff, req, {MON: "workday"}, RULES, lab, 10)
    assert (five.grid, five.cell, len(five.need)) == (5, 5, 102)


def test_roster_variables_evaluate_an_assignment_by_hand() -> None:
    """Two days needing one person 08-12; shapes 08-12 and 08-16. A on Monday's 08-16, B's
    Monday 08-12 listed but not taken (0), nobody on Tuesday: 240 staff-minutes short (Tuesday),
    480 paid."""
    needs = [_need(d, [1] * 4 + [0] * 4, 8) for d in WEEK[:2]]
    _, var = build_model(needs, [[_col(8, 12), _col(8, 16)]] * 2, [_person("A"), _person("B")],
                         {d: "workday" for d in WEEK[:2]}, RULES, LAB)
    assert var.evaluate(needs, {(0, 0, 1): 1, (1, 0, 0): 0}) == (240, 480)
    assert var.evaluate(needs, {}) == (480, 0)


def test_on_duty_shortfall_and_over_counters() -> None:
    nd = DayNeed(MON, 540, 15, np.array([1, 2, 2, 3]), np.array([1, 5, 2, 1]), 3, 15)
    shifts = [Shift("A", MON, 540, 600, ((555, 570),)), Shift("B", MON, 555, 600),
              Shift("C", WEEK[1], 540, 600)]
    assert on_duty(shifts, nd).tolist() == [1, 1, 2, 2]
    frame = shortfall_frame(shifts, [nd])
    assert frame.to_dict("records") == [
        {"interval_start": pd.Timestamp("2026-11-16 09:15"), "minutes": 15, "need": 2,
         "on_duty": 1, "short": 1},
        {"interval_start": pd.Timestamp("2026-11-16 09:45"), "minutes": 15, "need": 3,
         "on_duty": 2, "short": 1}]
    assert over_counters_staff_minutes([nd, nd], 3) == 2 * 2 * 15
    res = ScheduleResult(shifts, 90, 60.0, SolverStatus.FEASIBLE, 0.0, frame, 0.0, 0.0, 15)
    assert (res.staff_hours, res.lower_bound_hours, res.shortfall_staff_minutes) == (1.5, 1.0, 30.0)
    assert res.gap is None  # short: no gap
    empty = ScheduleResult([], 90, None, SolverStatus.FEASIBLE, 0.0, shortfall_frame([], []),
                           0.0, 0.0, 15)
    assert (empty.lower_bound_hours, empty.shortfall_staff_minutes) == (None, 0.0)
    full = ScheduleResult([], 66, 60.0, SolverStatus.FEASIBLE, 0.0, shortfall_frame([], []),
                          0.0, 0.0, 15)
    assert full.gap == pytest.approx(0.1)


# ---------------------------------------------------------------- roles, plan, words
def test_roles_vip_to_the_longest_vip_skilled_shift_and_locks_keep_theirs() -> None:
    staff = [_person("A", skills=("counter", "vip")), _person("B", skills=("counter", "vip")),
             _person("C", skills=("counter",))]
    hall = _hall(vip=1)
    day = [Shift("C", MON, 480, 1020), Shift("B", MON, 540, 900), Shift("A", MON, 540, 960)]
    out = assign_roles(day + [Shift("B", WEEK[1], 540, 780), Shift("A", WEEK[1], 540, 780)],
                       staff, hall)
    assert [(s.staff_id, s.day.day, s.role) for s in out] == [
        ("C", 16, "counter"), ("A", 16, "vip"), ("B", 16, "counter"),
        ("A", 17, "vip"), ("B", 17, "counter")]  # a tie goes to the earlier staff id
    locked = [Shift("B", MON, 540, 900, (), "vip")]
    out = assign_roles(day, staff, hall, locked)
    assert [s.role for s in out] == ["counter", "counter", "vip"]  # C, A, B: B's lock is the VIP
    two = assign_roles(day, staff, _hall(vip=2))
    assert sorted(s.staff_id for s in two if s.role == "vip") == ["A", "B"]


def test_counters_plan_by_hand() -> None:
    """A 09:00-11:00 with a break 10:00-10:15, B 09:30-11:00, 1 counter: the 09:00 interval has
    A alone all through (1), 09:30 A and B (2: 1 counter, 1 on the floor), 10:00 B alone
    for part of it (1), 10:30 both (2)."""
    shifts = [Shift("A", MON, 540, 660, ((600, 615),)), Shift("B", MON, 570, 660)]
    req = pd.DataFrame({"interval_start": pd.date_range("2026-11-16 09:00", periods=4,
                                                        freq="30min"), "required": [1, 2, 2, 1]})
    plan = counters_plan(shifts, _hall(counters=1), req)
    assert plan["on_duty"].tolist() == [1, 2, 1, 2]
    assert plan["counters_open"].tolist() == [1, 1, 1, 1]
    assert plan["floor"].tolist() == [0, 1, 0, 1]
    one = counters_plan(shifts, _hall(), req.iloc[:1])  # one interval: 15 minutes assumed
    assert one["on_duty"].tolist() == [1]
    fifteen = counters_plan(shifts, _hall(), pd.DataFrame(
        {"interval_start": pd.date_range("2026-11-16 09:45", periods=3, freq="15min"),
         "required": [1, 1, 1]}))
    assert fifteen["on_duty"].tolist() == [2, 1, 2]
    assert counters_plan([], _hall(), req.iloc[:0]).empty


def test_binding_words_by_hand() -> None:
    nd = DayNeed(MON, 540, 15, np.array([2, 3]), np.array([2, 5]), 3, 15)
    short = pd.DataFrame({"interval_start": [pd.Timestamp("2026-11-16 09:15")], "minutes": [15],
                          "need": [3], "on_duty": [1], "short": [2]})
    staff = [_person("A", hi=40), _person("B", hi=20), _person("F", skills=("floor",), hi=30)]
    words = _binding([nd], short, 30.0, 15.0, 30.0, staff, _hall(counters=3), RULES)
    assert words == [
        "too few counters: 30 staff-minutes of need above the hall's 3 counters (worst Mon 09:15 "
        "needs 5); the plan opens all 3",
        "not rostered on counters (no counter skill): F",
        "too few staff: 30 staff-minutes short on Mon 16; at least 15 of them no roster of these "
        "staff can avoid (availability, contract hours 60 h, days per week); the rest is left by "
        "the work limit"]
    assert _binding([nd], short.iloc[:0], 0.0, 0.0, 0.0, staff[:2], _hall(), RULES) == []


def test_check_locks_names_the_broken_rule_and_drops_duplicates() -> None:
    hall, kinds = _hall(9 * 60, 17 * 60), {MON: "workday"}
    ok = Shift("A", MON, 540, 780, ((660, 675),))
    staff = [_person("A", lo=40), _person("F", skills=("floor",))]
    # alone it leaves the hall short and A below the contract minimum: neither is the lock's fault
    assert check_locks([ok, ok], staff, hall, kinds, RULES, LabourRules(), 15) == [ok]
    with pytest.raises(ValueError, match=r"locked shift F Mon 2026-11-16 09:00-13:00 breaks rule "
                                         r"skill: has no counter skill"):
        check_locks([Shift("F", MON, 540, 780, ((660, 675),))], staff, hall, kinds, RULES, LAB, 15)
    with pytest.raises(ValueError, match=r"A Mon 2026-11-16 09:00-12:00 breaks rule shift_length"):
        check_locks([Shift("A", MON, 540, 720, ((630, 645),))], staff, hall, kinds, RULES, LAB, 15)


# ---------------------------------------------------------------- covers and whole weeks
def test_week_integer_cover_by_hand() -> None:
    """One day needs 1 person 08-16 and 2 people 10-12. Shapes 08-16 (480), 08-12 (240),
    10-12 (120): the cheapest full cover is 08-16 + 10-12 (600; 08-16 + 08-12 is 720). With at
    most 1 person that day: 08-16 alone, 120 staff-minutes short."""
    nd = DayNeed(MON, 480, 60, np.array([1, 1, 2, 2, 1, 1, 1, 1]),
                 np.array([1, 1, 2, 2, 1, 1, 1, 1]), 5, 15)
    cols = [_col(8, 16), _col(8, 12), _col(10, 12)]
    staff = [_person("A"), _person("B")]
    (chosen,), wall = week_integer_cover([nd], [cols], [[]], staff, LAB, node_limit=100, wall=20)
    assert sorted(chosen, key=lambda c: c.start) == [_col(8, 16), _col(10, 12)] and not wall
    one = DayNeed(MON, 480, 60, nd.need, nd.required, 1, 15)
    (chosen,), _ = week_integer_cover([one], [cols], [[]], staff, LAB, node_limit=100, wall=20)
    assert chosen == [_col(8, 16)]
    # a locked 08-16 is in the cover already: only 10-12 is added
    (chosen,), _ = week_integer_cover([nd], [cols], [[_col(8, 16)]], staff, LAB, node_limit=100,
                                      wall=20)
    assert chosen == [_col(10, 12)]
    # A locked 08-16, B away 09:00-13:00: nobody is left for the second place at 10-12
    away = _person("B", unavailable=(Unavailability(MON, 9 * 60, 13 * 60),))
    (chosen,), _ = week_integer_cover([nd], [cols], [[_col(8, 16)]], [_person("A"), away], LAB,
                                      node_limit=100, wall=20)
    assert chosen == []
    # two people whose contracts hold 9 hours in all: 480 + 120 > 540, so 08-16 alone
    (chosen,), _ = week_integer_cover([nd], [cols], [[]], [_person("A", hi=4.5), _person("B", hi=4.5)],
                                      LAB, node_limit=100, wall=20)
    assert chosen == [_col(8, 16)]


def test_best_shapes_are_the_supports_then_the_least_reduced_costs() -> None:
    a, b, c, d = _col(8, 12), _col(8, 16), _col(12, 16), _col(9, 13)
    lp = CoverLP(MON, 480.0, 480.0, (a, b, c, d), np.array([0.0, 1.0, 0.0, 0.0]),
                 np.array([5.0, 0.0, -1.0, 3.0]), True, 1)
    assert _best_shapes(lp, [a, d], np.array([1e-9, 0.5]), size=2) == [d, b, c]


def test_plan_week_on_a_tiny_day() -> None:
    """09:00-17:00, two staff, one needed 10:00-14:00. A 4-hour shift takes a 15-minute break
    1.5 h to 3 h in, so one person covers 10:00-14:00 only with a shift of 5 h 15 min
    (10:00-15:15, break 14:00-14:15; paid 315) - or two shifts of 4 h (480). The roster is the
    5 h 15 min shift; nothing is short; the status says whether the bound proves it."""
    hall = _hall(9 * 60, 17 * 60)
    req = pd.DataFrame({"interval_start": pd.date_range("2026-11-16 10:00", periods=16,
                                                        freq="15min"), "required": 1})
    staff = [_person("A"), _person("B")]
    res = plan_week(hall, staff, req, {MON: "workday"}, RULES, LAB, time_limit_s=1)
    assert res.staff_minutes == 315 and res.shortfall_staff_minutes == 0
    assert validate_roster(res.shifts, staff, hall, {MON: "workday"}, RULES, LAB) == []
    assert res.lower_bound_minutes is not None and res.lower_bound_minutes <= 315
    assert res.status == (SolverStatus.OPTIMAL if res.lower_bound_minutes >= 315
                          else SolverStatus.FEASIBLE)
    assert res.binding == [] and res.unavoidable_shortfall_staff_minutes == 0.0
    # two days: the progress goes from 0 to 1 and never back
    seen: list[float] = []
    two = pd.concat([req, req.assign(interval_start=req["interval_start"] + pd.Timedelta(days=1))])
    plan_week(hall, staff, two, {MON: "workday", WEEK[1]: "workday"}, RULES, LAB, time_limit_s=1,
              progress=lambda f, m: seen.append(f))
    assert seen == sorted(seen) and seen[0] >= 0.0 and seen[-1] == 1.0 and len(seen) >= 5
    # nothing needed: the empty roster meets the bound of 0, proved optimal
    idle = plan_week(hall, staff, req.assign(required=0), {MON: "workday"}, RULES, LAB,
                     time_limit_s=1)
    assert (idle.shifts, idle.staff_minutes, idle.status) == ([], 0, SolverStatus.OPTIMAL)
    # nobody can work: all of it short, and no roster of these staff can avoid it
    away = [_person("A", unavailable=(Unavailability(MON),))]
    none = plan_week(hall, away, req, {MON: "workday"}, RULES, LAB, time_limit_s=1)
    assert none.shifts == [] and none.shortfall_staff_minutes == 240
    assert none.unavoidable_shortfall_staff_minutes == 240
    assert none.binding and none.binding[0].startswith("too few staff: 240 staff-minutes short")


# ---------------------------------------------------------------- the rounds of the CP-SAT solve
def _one_day() -> tuple[list[DayNeed], list[list[Column]], list[StaffMember], dict[dt.date, str]]:
    """One person needed 08-12; shapes 08-16 (480) and 08-12 (240): the optimum is 08-12."""
    return [_need(MON, [1] * 4 + [0] * 4, 8)], [[_col(8, 16), _col(8, 12)]], [_person("A")], {
        MON: "workday"}


def _solve(hint: dict[tuple[int, int, int], int] | None, staff: list[StaffMember] | None = None,
           **kw: object) -> tuple[list[Shift], bool]:
    needs, pools, people, kinds = _one_day()
    staff = staff or people
    model, var = build_model(needs, pools, staff, kinds, RULES, LAB, instances=True)
    values, found, _ = solve(model, var, needs, det_time=2.0, wall=20.0, hint=hint,
                             **kw)  # type: ignore[arg-type]
    return _shifts(values, var.pools, needs, staff), found


def test_solve_improves_a_start_without_shortage_to_the_optimum() -> None:
    shifts, found = _solve({(0, 0, 0): 1})  # start: A on 08-16
    assert found and shifts == [_col(8, 12).shift("A", MON)]


def test_solve_keeps_the_starts_paid_minutes_when_that_round_is_not_run() -> None:
    """rounds=(2,): shortage and paid minutes are the start's (e.g. the MIP's); only the soft
    goals are optimised. A wishes to work late (end after 17:00): from a start on 07-17 (600
    paid minutes) A moves to 08-18 (600, late); with every round run, paid minutes come first:
    08-12."""
    _, _, _, kinds = _one_day()
    needs = [_need(MON, [0] + [1] * 4 + [0] * 6, 7)]  # 07:00-18:00, one person 08-12
    pools = [[_col(7, 17), _col(8, 18), _col(8, 12)]]
    a = [_person("A", prefs=("late",))]
    for rounds, want in (((2,), _col(8, 18)), ((0, 1, 2), _col(8, 12))):
        model, var = build_model(needs, pools, a, kinds, RULES, LAB, instances=True)
        values, found, _ = solve(model, var, needs, det_time=2.0, wall=20.0, hint={(0, 0, 0): 1},
                                 rounds=rounds)
        assert found and _shifts(values, var.pools, needs, a) == [want.shift("A", MON)]


def test_solve_with_a_start_that_breaks_a_rule_searches_afresh() -> None:
    """A start giving A 08-16 with a 6-hour contract is refused; the search finds 08-12."""
    shifts, found = _solve({(0, 0, 0): 1}, staff=[_person("A", hi=6)])
    assert found and shifts == [_col(8, 12).shift("A", MON)]


def test_solve_takes_the_days_bounds_as_cuts_with_round_off() -> None:
    """A proven bound of 240 paid minutes (the LP's 240.0000001 after round-off) is a valid cut:
    the optimum of 240 is still found; a bound above it (300) leaves the start's 480."""
    assert _solve({(0, 0, 0): 1}, bound_by_day=[240 + 1e-7])[0] == [_col(8, 12).shift("A", MON)]
    assert _solve({(0, 0, 0): 1}, bound_by_day=[300.0])[0] == [_col(8, 16).shift("A", MON)]
    # a bound of 240.5 minutes means at least 241: 08-12 (240) contradicts it
    assert _solve({(0, 0, 0): 1}, bound_by_day=[240.5])[0] == [_col(8, 16).shift("A", MON)]
    assert _solve({(0, 0, 0): 1}, bound_by_day=[None])[0] == [_col(8, 12).shift("A", MON)]
    # a bound above every roster (wrong input) leaves no round feasible: the start is kept
    assert _solve({(0, 0, 0): 1}, bound_by_day=[600.0])[0] == [_col(8, 16).shift("A", MON)]


def test_solve_without_a_start_and_without_a_roster() -> None:
    """A lock the contract cannot hold makes the model infeasible: no roster is reported."""
    needs, pools, _, kinds = _one_day()
    staff = [_person("A", hi=4)]
    lock = _col(8, 16).shift("A", MON)
    model, var = build_model(needs, pools, staff, kinds, RULES, LAB, locked=[lock], instances=True)
    values, found, wall = solve(model, var, needs, det_time=1.0, wall=20.0)
    assert (found, wall) == (False, False)
    shifts, found = _solve(None)
    assert found and shifts == [_col(8, 12).shift("A", MON)]


def test_the_work_budget_is_split_between_the_rounds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Of a budget of 10 deterministic seconds the soft goals get their own 10% (1 s); the
    shortage round gets the other 90% and the paid-minutes round what the shortage round left
    of it - so the three never exceed the budget."""
    import queueopt.scheduling as sch

    limits: list[float] = []
    solvers: list[object] = []
    real = sch._solver

    def spy(det_time: float, wall: float, seed: int) -> object:
        limits.append(det_time)
        solvers.append(real(det_time, wall, seed))
        return solvers[-1]

    monkeypatch.setattr(sch, "_solver", spy)
    needs, pools, staff, kinds = _one_day()
    model, var = build_model(needs, pools, staff, kinds, RULES, LAB, instances=True)
    solve(model, var, needs, det_time=10.0, wall=20.0)
    assert len(limits) == 3
    used = solvers[0].deterministic_time  # type: ignore[attr-defined]
    assert limits[0] == pytest.approx(9.0)
    assert limits[1] == pytest.approx(9.0 - used)
    assert limits[2] == pytest.approx(1.0)


class _StoppedSolver:
    """A real CP-SAT solver that reports what a solver stopped by a limit reports: a roster
    without proof (FEASIBLE) after ``wall_time`` seconds."""

    def __init__(self, real: object, wall_time: float) -> None:
        self._real, self.wall_time = real, wall_time

    def solve(self, model: object) -> int:
        from ortools.sat.python import cp_model

        code = self._real.solve(model)  # type: ignore[attr-defined]
        return int(cp_model.FEASIBLE) if code == cp_model.OPTIMAL else int(code)

    def __getattr__(self, name: str) -> object:
        return getattr(self._real, name)


@pytest.mark.parametrize("at_wall", [True, False])
def test_the_wall_limit_is_reported_only_when_it_stopped_a_round(
        monkeypatch: pytest.MonkeyPatch, at_wall: bool) -> None:
    """Rounds that end with a roster but no proof: stopped by the wall clock (its whole limit
    used) the solve says so; stopped by the work budget (a tenth of the wall limit used), not."""
    import queueopt.scheduling as sch

    real = sch._solver

    def stopped(det_time: float, wall: float, seed: int) -> object:
        s = real(det_time, wall, seed)
        limit = s.parameters.max_time_in_seconds
        return _StoppedSolver(s, limit if at_wall else limit / 10)

    needs, pools, staff, kinds = _one_day()
    model, var = build_model(needs, pools, staff, kinds, RULES, LAB, instances=True)
    monkeypatch.setattr(sch, "_solver", stopped)
    values, found, wall = solve(model, var, needs, det_time=2.0, wall=20.0)
    assert found and wall == at_wall
    assert _shifts(values, var.pools, needs, staff) == [_col(8, 12).shift("A", MON)]


def test_integer_cover_shorts_the_day_that_loses_fewer_staff_minutes() -> None:
    """One person, one shift in the week, two days: Monday needs 08-12 in 15-minute cells (240
    staff-minutes), Tuesday 08-13 in hour cells (300). The cover takes Tuesday."""
    mon = DayNeed(MON, 480, 15, np.ones(16, np.int64), np.ones(16, np.int64), 5, 15)
    tue = DayNeed(WEEK[1], 480, 60, np.ones(5, np.int64), np.ones(5, np.int64), 5, 15)
    one = LabourRules(min_staff_on_duty=0, opening_cover=0, closing_cover=0, max_days_per_week=1)
    chosen, _ = week_integer_cover([mon, tue], [[_col(8, 12)], [_col(8, 13)]], [[], []],
                                   [_person("A")], one, node_limit=100, wall=20)
    assert chosen == [[], [_col(8, 13)]]


def test_plan_week_keeps_a_lock_to_its_own_day() -> None:
    """Two days like test_plan_week_on_a_tiny_day (one person 10:00-14:00, best 10:00-15:15);
    A is locked on Monday's best shift: both days are covered with 315 paid minutes each."""
    hall = _hall(9 * 60, 17 * 60)
    day = pd.date_range("2026-11-16 10:00", periods=16, freq="15min")
    req = pd.DataFrame({"interval_start": day.append(day + pd.Timedelta(days=1)), "required": 1})
    staff = [_person("A"), _person("B")]
    lock = Shift("A", MON, 600, 915, ((840, 855),))
    kinds = {MON: "workday", WEEK[1]: "workday"}
    res = plan_week(hall, staff, req, kinds, RULES, LAB, locked=[lock], time_limit_s=1)
    assert lock in res.shifts and res.shortfall_staff_minutes == 0
    assert res.staff_minutes == 630
    assert validate_roster(res.shifts, staff, hall, kinds, RULES, LAB, locked=[lock]) == []
