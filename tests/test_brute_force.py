"""Tiny random rostering instances solved by brute force: every admissible roster, enumerated.

One day, a few opening hours, a planning slot of 30 or 60 minutes, 1-4
staff with their own availability and weekly maximum, random shift and
break rules. The brute force (this file's own code over the independent
checker's pattern enumeration) lists every roster: each person off or on
one admissible shift with one admissible break placement. Its optimum is
lexicographic: fewest staff-minutes short, then fewest paid minutes.

* :func:`test_checker_bound_below_brute_force` checks the checker's own LP
  bound against the true optimum (the checker must not be fooled itself).
* the solver under test: its bound <= the checker's LP bound and <= the
  brute-force optimum (:func:`test_solver_bound_is_true`), which equals its
  roster's cost, short first (:func:`test_solver_roster_is_optimal`), and
  its figures are those of its roster (:func:`test_solver_figures_match_its_roster`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import inspect
import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
from plan_checker.bound import day_lp_bound
from plan_checker.inputs import HallFacts, Person, Rules
from plan_checker.labour import SOFT_RULES, Context, check_rules
from plan_checker.need import DayNeed
from plan_checker.patterns import PatternSet, cover_matrix
from plan_checker.roster import RosterShift

MON = dt.date(2026, 11, 23)
N_INSTANCES = 20
MAX_ROSTERS = 150_000
"""Largest number of rosters one instance may have (keeps the enumeration under a second)."""


@dataclass(frozen=True)
class Instance:
    """One tiny day: rules (minutes), hours, counters, need per slot, staff."""

    seed: int
    rules: Rules
    open_minute: int
    close_minute: int
    counters: int
    required: tuple[int, ...]  # counters needed per slot from opening
    staff: tuple[tuple[str, float, tuple[tuple[int, int], ...]], ...]  # id, max h, unavailable

    @property
    def window(self) -> tuple[int, int]:
        """(first, end) minute anyone may work."""
        return (self.open_minute - self.rules.opening_cover,
                self.close_minute + self.rules.closing_cover)

    def need(self) -> npt.NDArray[np.int64]:
        """Staff on duty needed per minute of the day (capped requirement or presence)."""
        r, (lo, hi) = self.rules, self.window
        need = np.zeros(24 * 60, np.int64)
        need[lo:hi] = min(r.min_staff_on_duty, 1)
        need[self.open_minute:self.close_minute] = r.min_staff_on_duty
        for k, v in enumerate(self.required):
            a = self.open_minute + k * r.interval
            need[a:a + r.interval] = np.maximum(need[a:a + r.interval], min(v, self.counters))
        return need


def make_instance(seed: int) -> Instance:
    """A random tiny instance (``seed`` fixes it)."""
    rng = np.random.default_rng(seed)
    slot = int(rng.choice([30, 60]))
    min_len = int(rng.choice([120, 180, 240]))
    rules = Rules(
        interval=slot, start_step=slot, min_length=min_len,
        max_length=min_len + int(rng.choice([0, 60, 120])),
        meal_break_after=int(rng.choice([150, 210, 270])),
        meal_break=int(rng.choice([slot, 60])), short_break=slot,
        short_break_every=int(rng.choice([120, 180, 240])),
        break_earliest=int(rng.choice([slot, 60])), break_latest=int(rng.choice([slot, 60])),
        min_rest=11 * 60, max_days_per_week=6, max_consecutive_days=6,
        min_staff_on_duty=int(rng.integers(0, 2)),
        opening_cover=int(rng.choice([0, slot])), closing_cover=int(rng.choice([0, slot])))
    hours = int(rng.integers(3, 7))
    open_m = 9 * 60
    staff = []
    for k in range(int(rng.integers(1, 5))):
        unavailable = ((9 * 60, 9 * 60 + 60 * int(rng.integers(1, 3))),) if rng.random() < 0.25 \
            else ()
        staff.append((f"P{k}", float(rng.choice([3, 4, 6, 9])), unavailable))
    n_slots = hours * 60 // slot
    return Instance(seed, rules, open_m, open_m + hours * 60, int(rng.integers(1, 4)),
                    tuple(int(v) for v in rng.integers(0, 4, n_slots)), tuple(staff))


@dataclass(frozen=True)
class Optimum:
    """Brute-force optimum: staff-minutes short, then paid minutes; one optimal roster."""

    short: int
    paid: int
    roster: tuple[int, ...]  # pattern index per person, -1 = off
    rosters: int


def _options(inst: Instance, patterns: PatternSet) -> list[list[int]]:
    """Admissible patterns of each person: clear of unavailability, within the weekly maximum."""
    out = []
    for _, max_h, unavailable in inst.staff:
        ok = [j for j in range(len(patterns))
              if inst.rules.paid(int(patterns.length[j])) <= max_h * 60
              and all(patterns.start[j] + patterns.length[j] <= a or b <= patterns.start[j]
                      for a, b in unavailable)]
        out.append([-1, *ok])
    return out


@functools.lru_cache(maxsize=64)
def _setup(inst: Instance) -> tuple[PatternSet, npt.NDArray[np.int64], int, list[list[int]]]:
    lo, hi = inst.window
    cell = math.gcd(inst.rules.grid, inst.rules.meal_break, inst.rules.short_break, lo, hi)
    patterns, rows, cols = cover_matrix(inst.rules, lo, hi, cell)
    n = (hi - lo) // cell
    cover = np.zeros((len(patterns), n), np.int64)
    cover[cols, rows] = 1
    return patterns, cover, cell, _options(inst, patterns)


def roster_count(inst: Instance) -> int:
    """How many rosters the brute force enumerates."""
    return math.prod(len(o) for o in _setup(inst)[3])


def brute_force(inst: Instance) -> Optimum:
    """Enumerate every roster of ``inst``; the lexicographic (short, paid) optimum."""
    patterns, cover, cell, options = _setup(inst)
    lo, hi = inst.window
    need = inst.need()[lo:hi].reshape(-1, cell).max(axis=1)
    # one extra all-zero row: index -1 is "off"
    paid = np.array([inst.rules.paid(int(n)) for n in patterns.length] + [0], np.int64)
    cover = np.vstack([cover, np.zeros((1, cover.shape[1]), np.int64)])
    total_cover = np.zeros((1, len(need)), np.int64)
    total_paid = np.zeros(1, np.int64)
    choice = np.zeros((1, 0), np.int64)
    for opts in options:
        o = np.array(opts)
        add_cover, add_paid = cover[o], paid[o]
        total_cover = (total_cover[:, None, :] + add_cover[None, :, :]).reshape(-1, len(need))
        total_paid = (total_paid[:, None] + add_paid[None, :]).ravel()
        choice = np.concatenate([np.repeat(choice, len(o), axis=0),
                                 np.tile(o, len(choice))[:, None]], axis=1)
    short = np.maximum(need[None, :] - total_cover, 0).sum(axis=1) * cell
    best = np.lexsort((total_paid, short))[0]
    return Optimum(int(short[best]), int(total_paid[best]), tuple(choice[best].tolist()),
                   len(short))


def instances() -> Iterator[Instance]:
    """The first ``N_INSTANCES`` seeds whose enumeration stays small (deterministic)."""
    found, seed = 0, 0
    while found < N_INSTANCES:
        inst = make_instance(seed)
        seed += 1
        if roster_count(inst) <= MAX_ROSTERS:
            found += 1
            yield inst


INSTANCES = list(instances())


def test_brute_force_by_hand() -> None:
    """09:00-11:00, need 1 per 30-minute slot, 2-hour shifts with no breaks, one person with a
    9-hour maximum: the only full-cover roster is 09:00-11:00, 120 paid minutes."""
    rules = Rules(interval=30, start_step=30, min_length=120, max_length=180,
                  meal_break_after=600, meal_break=30, short_break=30, short_break_every=600,
                  break_earliest=30, break_latest=30, min_rest=660, max_days_per_week=6,
                  max_consecutive_days=6, min_staff_on_duty=1, opening_cover=0, closing_cover=0)
    inst = Instance(0, rules, 9 * 60, 11 * 60, 2, (1, 1, 1, 1), (("P0", 9.0, ()),))
    opt = brute_force(inst)
    assert (opt.short, opt.paid, opt.rosters) == (0, 120, 2)  # off, or 09:00-11:00
    # need 2 at 10:00-10:30 with one person: 30 staff-minutes short, still 120 paid
    opt2 = brute_force(dataclasses.replace(inst, required=(1, 1, 2, 1)))
    assert (opt2.short, opt2.paid) == (30, 120)


def test_checker_bound_below_brute_force() -> None:
    """The checker's LP bound (rounded up) never exceeds the true optimum of full cover; it is
    never looser than the people-free LP bound either."""
    compared = 0
    for inst in INSTANCES:
        opt = brute_force(inst)
        lp = day_lp_bound(inst.rules, inst.window, inst.need(), max_shifts=len(inst.staff))
        if opt.short == 0:
            assert lp.minutes is not None and lp.minutes <= opt.paid, inst
            compared += 1
        free = day_lp_bound(inst.rules, inst.window, inst.need())
        if lp.minutes is not None:
            assert free.minutes is not None and free.minutes <= lp.minutes
    assert compared >= 3  # enough instances where full cover is possible


# ------------------------------------------------------------------ the solver under test


def _solve(inst: Instance) -> tuple[list[tuple[str, int, int, tuple[tuple[int, int], ...]]],
                                    float, float | None, float]:
    """Run ``queueopt.scheduling.plan_week`` on the instance.

    Returns (shifts as (staff_id, start, end, breaks), staff_hours, lower_bound_hours,
    shortfall minutes).
    """
    from queueopt.model import (
        Hall,
        LabourRules,
        OpeningHours,
        ShiftRules,
        StaffMember,
        Unavailability,
    )
    from queueopt.scheduling import plan_week

    r = inst.rules
    shift_rules = ShiftRules(
        min_length=r.min_length, max_length=r.max_length, start_step=r.start_step,
        meal_break_after=r.meal_break_after, meal_break=r.meal_break, short_break=r.short_break,
        short_break_every=r.short_break_every, break_earliest=r.break_earliest,
        break_latest=r.break_latest)
    labour = LabourRules(min_rest=r.min_rest, max_days_per_week=r.max_days_per_week,
                         max_consecutive_days=r.max_consecutive_days,
                         min_staff_on_duty=r.min_staff_on_duty, opening_cover=r.opening_cover,
                         closing_cover=r.closing_cover)
    hours = OpeningHours(inst.open_minute, inst.close_minute)
    closed = OpeningHours(0, 0)
    hall = Hall("T1", "Tiny", "R", "main", inst.counters, 0, (hours,) + (closed,) * 6, closed)
    staff = [StaffMember(sid, "T1", sid, frozenset({"counter"}), 0.0, max_h,
                         tuple(Unavailability(MON, a, b) for a, b in unavailable))
             for sid, max_h, unavailable in inst.staff]
    required = pd.DataFrame({
        "interval_start": [pd.Timestamp(MON) + pd.Timedelta(minutes=inst.open_minute + k * r.interval)
                           for k in range(len(inst.required))],
        "required": list(inst.required)})
    kwargs: dict[str, object] = {"time_limit_s": 3.0, "seed": 0}
    params = inspect.signature(plan_week).parameters
    for name in ("slot", "slot_minutes", "interval_minutes"):
        if name in params:
            kwargs[name] = r.interval
    res = plan_week(hall, staff, required, {MON: "workday"}, shift_rules, labour, **kwargs)
    shifts = [(s.staff_id, s.start, s.end, tuple(s.breaks)) for s in res.shifts]
    return shifts, res.staff_hours, res.lower_bound_hours, res.shortfall_staff_minutes


def _broken_rules(inst: Instance, shifts: list[tuple[str, int, int, tuple[tuple[int, int], ...]]]
                  ) -> list[str]:
    """Rules the solver's roster breaks, by the independent checker (cover is checked apart)."""
    hours = (inst.open_minute, inst.close_minute)
    hall = HallFacts("T1", inst.counters, 0, (hours,) + (None,) * 6, None)
    staff = {sid: Person(sid, frozenset({"counter"}), 0.0, max_h,
                         tuple((MON, a, b) for a, b in unavailable))
             for sid, max_h, unavailable in inst.staff}
    need = np.asarray(inst.need())
    zeros = np.zeros_like(need)
    needs = {MON: DayNeed(MON, "workday", inst.window, hours, zeros, zeros, need)}
    roster = [RosterShift(sid, MON, a, b, tuple(sorted(br)), "counter") for sid, a, b, br in shifts]
    return [str(f) for f in check_rules(roster, Context(inst.rules, hall, staff, needs))
            if f.rule not in SOFT_RULES and f.rule != "min_staff_on_duty"]


def _cost(inst: Instance, shifts: list[tuple[str, int, int, tuple[tuple[int, int], ...]]]
          ) -> tuple[int, int]:
    """(staff-minutes short, paid minutes) of a roster, recomputed minute by minute."""
    on = np.zeros(24 * 60, np.int64)
    paid = 0
    for _, a, b, breaks in shifts:
        on[a:b] += 1
        for x, y in breaks:
            on[x:y] -= 1
        paid += inst.rules.paid(b - a)
    lo, hi = inst.window
    return int(np.maximum(inst.need()[lo:hi] - on[lo:hi], 0).sum()), paid


@functools.cache
def _solved(inst: Instance) -> tuple[Optimum, tuple, float, float | None, float]:
    """Brute-force optimum and the solver's answer of ``inst`` (cached across the tests)."""
    opt = brute_force(inst)
    shifts, hours, bound, short = _solve(inst)
    return opt, tuple(shifts), hours, bound, short


@pytest.mark.slow
def test_solver_bound_is_true() -> None:
    """Solver's bound <= the brute-force optimum, and not below the checker's LP bound.

    The solver's bound is the larger of the covering LP bound and the integer
    bound of each day (:mod:`queueopt.cover_bound`), so it may lie above the
    checker's LP bound; it must never lie above the best roster.
    """
    wrong = []
    for inst in INSTANCES:
        opt, _, _, bound, _ = _solved(inst)
        if opt.short == 0 and bound is not None and bound * 60 > opt.paid + 0.6:
            wrong.append(f"seed {inst.seed}: bound {bound * 60:g} min above the optimum "
                         f"{opt.paid} (a false bound)")
        able = sum(1 for o in _setup(inst)[3] if len(o) > 1)  # people with some shift
        lp = day_lp_bound(inst.rules, inst.window, inst.need(), max_shifts=able)
        if bound is not None and lp.minutes is not None and bound * 60 < lp.minutes - 0.6:
            wrong.append(f"seed {inst.seed}: bound {bound * 60:g} min below the LP bound "
                         f"{lp.minutes:g} over every admissible shift (a weak bound)")
    assert not wrong, "\n".join(wrong)


@pytest.mark.slow
def test_solver_roster_is_optimal() -> None:
    """The solver's roster keeps every rule and equals the brute-force optimum: fewest
    staff-minutes short, then fewest paid minutes (both recomputed from its shifts)."""
    wrong = []
    for inst in INSTANCES:
        opt, shifts, _, _, _ = _solved(inst)
        got = _cost(inst, list(shifts))
        if got != (opt.short, opt.paid):
            wrong.append(f"seed {inst.seed}: brute force (short, paid) = ({opt.short}, "
                         f"{opt.paid}), solver roster {got}")
        wrong.extend(f"seed {inst.seed}: {f}" for f in _broken_rules(inst, list(shifts)))
    assert not wrong, "\n".join(wrong)


@pytest.mark.slow
def test_solver_figures_match_its_roster() -> None:
    """The solver's staff-minutes short and paid hours are those of the roster it returns."""
    wrong = []
    for inst in INSTANCES:
        _, shifts, hours, _, short = _solved(inst)
        got_short, got_paid = _cost(inst, list(shifts))
        if abs(short - got_short) > 0.5 or abs(hours * 60 - got_paid) > 0.5:
            wrong.append(f"seed {inst.seed}: roster (short, paid) = ({got_short}, {got_paid}), "
                         f"solver says ({short:g}, {hours * 60:g})")
    assert not wrong, "\n".join(wrong)
