"""The integer bound of a day's cover (queueopt.cover_bound) against brute force.

Tiny days (a window of a few hours, 30/60-minute grid, 1-4 people): the least
paid minutes of an integer cover is found by enumerating every multiset of at
most ``people`` admissible patterns, using the independent checker's pattern
enumeration (``plan_checker.patterns``), not the solver's. The integer bound
must lie at or below that optimum and at or above the LP bound; the MIP's
cover must be a real cover. A deliberately wrong bound (a MIP over the column
generation's columns only) is shown to exceed the optimum on one instance, so
the brute force can tell a false bound.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from dataclasses import dataclass

import numpy as np
import pytest
from plan_checker.inputs import Rules
from plan_checker.patterns import cover_matrix
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from queueopt.cover_bound import IntegerBound, admissible_shapes, break_placements, integer_bound
from queueopt.covering import Column, DayNeed, ceil_to, column_key, cover_lp
from queueopt.model import LabourRules, ShiftRules, StaffMember
from queueopt.scheduling import _cheaper_week, _pool_cuts

DAY = dt.date(2026, 11, 23)


@dataclass(frozen=True)
class TinyDay:
    """One day: rules in both spellings, window, need per cell (of ``cell`` minutes), people."""

    seed: int
    shift_rules: ShiftRules
    checker_rules: Rules
    lo: int
    cell: int
    need: tuple[int, ...]
    people: int

    def day_need(self) -> DayNeed:
        need = np.array(self.need, dtype=np.int64)
        return DayNeed(DAY, self.lo, self.cell, need, need, self.people, self.cell)


def tiny_day(seed: int) -> TinyDay:
    """A random tiny day (``seed`` fixes it)."""
    rng = np.random.default_rng(seed)
    g = int(rng.choice([30, 30, 60]))
    min_len = int(rng.choice([120, 180, 240]))
    kw = dict(min_length=min_len, max_length=min_len + int(rng.choice([0, 60, 120])),
              start_step=g, meal_break_after=int(rng.choice([150, 210, 270])),
              meal_break=int(rng.choice([g, 60])), short_break=g,
              short_break_every=int(rng.choice([120, 180, 240])),
              break_earliest=int(rng.choice([g, 60])), break_latest=int(rng.choice([g, 60])))
    checker = Rules(interval=g, min_rest=660, max_days_per_week=6, max_consecutive_days=6,
                    min_staff_on_duty=1, opening_cover=0, closing_cover=0, **kw)
    hours = int(rng.integers(4, 8))
    lo = 9 * 60
    need = tuple(int(v) for v in rng.integers(1, 3, hours * 60 // g))
    return TinyDay(seed, ShiftRules(**kw), checker, lo, g, need, int(rng.integers(2, 5)))


def brute_force(day: TinyDay) -> float | None:
    """Least paid minutes of an integer cover (at most ``people`` patterns), ``None`` if none."""
    r = day.checker_rules
    hi = day.lo + day.cell * len(day.need)
    patterns, rows, cols = cover_matrix(r, day.lo, hi, day.cell)
    a = np.zeros((len(day.need), len(patterns)), dtype=np.int64)
    a[rows, cols] = 1
    paid = patterns.paid()
    need = np.array(day.need)
    best = math.inf
    for k in range(day.people + 1):
        for combo in itertools.combinations_with_replacement(range(len(patterns)), k):
            cost = paid[list(combo)].sum() if combo else 0.0
            if cost < best and (a[:, list(combo)].sum(axis=1) >= need).all():
                best = cost
    return None if math.isinf(best) else float(best)


SEEDS = [0, 1, 2, 3, 4, 15, 30, 119, 135, 140, 154, 183, 247, 251, 253, 325, 492]
"""Tiny days small enough for the brute force: some no roster can cover (0, 2), some whose
least integer cover lies above the LP bound (15 ... 492), one (251) where the column
generation's columns leave out every optimal integer cover."""


def test_shapes_are_the_checkers_patterns() -> None:
    """The solver lists exactly the checker's admissible patterns (start, end, break times)."""
    for seed in SEEDS:
        day = tiny_day(seed)
        hi = day.lo + day.cell * len(day.need)
        patterns, _, _ = cover_matrix(day.checker_rules, day.lo, hi, day.cell)
        r = day.checker_rules
        theirs = set()
        for j in range(len(patterns)):
            p = patterns.pattern(j)
            size = {"meal": r.meal_break, "short": r.short_break}
            theirs.add((p.start, p.end, tuple(sorted((b, b + size[k]) for k, b in p.breaks))))
        table = admissible_shapes(day.day_need(), day.shift_rules)
        ours = {(c.start, c.end, c.breaks)
                for c in (table.column(j, day.shift_rules, day.cell) for j in range(len(table)))}
        assert ours == theirs, seed


def test_break_placements_of_the_sample_policy() -> None:
    """540 minutes: a meal and a short break, 600 placements (the checker's doctest count)."""
    assert len(break_placements(540, ShiftRules(), 15)) == 600
    assert break_placements(240, ShiftRules(), 15)[0] == ((90, 105),)


@pytest.fixture(scope="module")
def solved() -> list[tuple[TinyDay, float | None, float | None, object]]:
    out = []
    for seed in SEEDS:
        day = tiny_day(seed)
        nd = day.day_need()
        lp = cover_lp(nd, day.shift_rules)
        out.append((day, brute_force(day), lp.bound_minutes,
                    integer_bound(nd, day.shift_rules, lp, node_limit=200)))
    return out


def test_integer_bound_between_lp_and_brute_force(solved: list) -> None:
    """LP bound (rounded up) <= integer bound <= brute-force optimum; the MIP's cover covers."""
    wrong, above_lp = [], 0
    for day, opt, lp, ib in solved:
        if lp is None:
            assert ib.minutes is None, day.seed
            continue
        lp_up = ceil_to(lp, day.cell)
        if ib.minutes < lp_up - 1e-6:
            wrong.append(f"seed {day.seed}: integer bound {ib.minutes} below the LP bound {lp_up}")
        if opt is not None and ib.minutes > opt + 1e-6:
            wrong.append(f"seed {day.seed}: integer bound {ib.minutes} above the optimum {opt}")
        above_lp += ib.minutes > lp_up + 1e-6
        if ib.cover:
            on = sum(c.on_duty(day.day_need()) for c in ib.cover)
            assert (on >= np.array(day.need)).all() and len(ib.cover) <= day.people, day.seed
            assert opt is not None and ib.cover_minutes >= opt - 1e-6, day.seed
    assert not wrong, "\n".join(wrong)
    assert above_lp >= 1, "no instance where the integer bound is above the LP bound"


def _generated_columns_mip(day: TinyDay) -> float | None:
    """A false bound: the least integer cover over the column generation's columns only."""
    nd = day.day_need()
    cols = cover_lp(nd, day.shift_rules).columns
    if not cols:
        return None
    a = sparse.csr_array(np.array([c.on_duty(nd) for c in cols], dtype=float).reshape(
        len(cols), len(nd.need)).T)
    a = sparse.vstack([a, sparse.csr_array(np.ones((1, len(cols))))], format="csr")
    res = milp(np.array([c.paid for c in cols], dtype=float), integrality=np.ones(len(cols)),
               bounds=Bounds(0, day.people),
               constraints=LinearConstraint(a, np.r_[nd.need, -np.inf],
                                            np.r_[np.full(len(nd.need), np.inf), day.people]))
    return None if res.x is None else float(res.fun)


def test_a_mip_over_generated_columns_only_is_caught(solved: list) -> None:
    """The brute force tells a false bound: on some instance the MIP over the generated columns
    only lies above the optimum (the columns leave out the best integer cover)."""
    caught = [day.seed for day, opt, _, _ in solved
              if opt is not None and (v := _generated_columns_mip(day)) is not None
              and v > opt + 1e-6]
    assert caught == [251]


# ---------------------------------------------------------------- using the integer cover
def _col(a_h: float, b_h: float) -> Column:
    a, b = int(a_h * 60), int(b_h * 60)
    return Column(a, b, (), b - a)


def _ib(cover: list[Column], keys: list[Column], restricted: float | None) -> IntegerBound:
    return IntegerBound(DAY, 400.0, 400.0, tuple(cover), float(sum(c.paid for c in cover)), 10,
                        len(keys), False, restricted, frozenset(column_key(c) for c in keys))


def test_pool_cuts_use_the_restricted_bound_only_for_a_pool_inside_the_mip() -> None:
    """The MIP's own bound (480) is a cut only when every pool shape was in the MIP."""
    a, b, c = _col(8, 12), _col(12, 16), _col(9, 13)
    ib = _ib([a, b], [a, b], 480.0)
    assert _pool_cuts([400.0], [ib], [[a, b]]) == [480.0]
    assert _pool_cuts([400.0], [ib], [[a, b, c]]) == [400.0]  # c was not in the MIP
    assert _pool_cuts([None], [ib], [[a, b]]) == [None]


def test_the_days_covers_replace_a_dearer_week_choice_within_the_staffs_hours() -> None:
    """Need 1 from 08 to 16: the day's cover 08-12 + 12-16 (480) replaces 08-16 + 08-12 (720);
    not when the staff's weekly maximum (7 h) is below it, nor when a day has no cover."""
    nd = DayNeed(DAY, 8 * 60, 60, np.ones(8, dtype=np.int64), np.ones(8, dtype=np.int64), 2, 15)
    lab = LabourRules(min_staff_on_duty=0, opening_cover=0, closing_cover=0)
    people = [StaffMember(s, "T1", s, frozenset({"counter"}), 0, 48) for s in ("A", "B")]
    dear, cheap = [[_col(8, 16), _col(8, 12)]], [[_col(8, 12), _col(12, 16)]]
    assert _cheaper_week([nd], dear, cheap, people, lab) == cheap
    assert _cheaper_week([nd], cheap, dear, people, lab) == cheap
    short = [StaffMember(s, "T1", s, frozenset({"counter"}), 0, 3.5) for s in ("A", "B")]
    assert _cheaper_week([nd], dear, cheap, short, lab) == dear
    assert _cheaper_week([nd], dear, [[]], people, lab) == dear
