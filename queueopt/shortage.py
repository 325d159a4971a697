"""The shortage no roster of these staff can avoid: a proven LP lower bound.

When a plan leaves cells short, the manager needs to know how much of that
is forced by the staff (too few people, hours or days) and how much the
solver left. This module solves a relaxation of the rostering problem for
the least staff-minutes short over the week; every roster that passes
:func:`queueopt.rules.validate_roster` is feasible for it, so its value is a
lower bound on the shortfall of every roster.

Relaxation (units: staff per cell, minutes): shifts are any admissible
shapes (:mod:`queueopt.covering`), fractional; per day at most the staff who
can work that day; per cell at most the staff available at that time;
over the week at most the staff's contracted maximum paid minutes in total
and at most ``sum(min(max_days_per_week, days the person can work))``
shifts. Rest between days and the days-in-a-row rule are relaxed (dropped),
which keeps the bound valid. Solved by column generation with the same
pricing as the covering LP; the bound is the Lagrangian bound, valid at
every iteration.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.optimize import linprog

from queueopt.covering import Column, DayNeed, column_key, paid_minutes, price
from queueopt.model import LabourRules, ShiftRules, StaffMember


def _eligible(p: StaffMember) -> bool:
    from queueopt.rules import ROLE_SKILL

    return ROLE_SKILL["counter"] in p.skills


def available_per_cell(need: DayNeed, staff: Sequence[StaffMember]) -> npt.NDArray[np.int64]:
    """Eligible staff not unavailable at each cell of ``need``."""
    minute = need.start + need.cell * np.arange(len(need.need))
    out = np.zeros(len(minute), dtype=np.int64)
    for p in staff:
        if not _eligible(p):
            continue
        free = np.ones(len(minute), dtype=bool)
        for u in p.unavailable:
            if u.day == need.day:
                free &= ~((minute + need.cell > u.start_minute) & (minute < u.end_minute))
        out += free
    return out


@dataclass(frozen=True, slots=True)
class WeekLP:
    """The week's relaxation solved: value, proven lower bound, columns and their LP values per day."""

    value: float
    bound: float
    columns: tuple[tuple[Column, ...], ...]
    values: tuple[npt.NDArray[np.float64], ...]


def capacities(needs: Sequence[DayNeed], staff: Sequence[StaffMember], labour: LabourRules
               ) -> tuple[float, float]:
    """(paid minutes, shifts) the eligible staff can give over the week at most.

    Minutes: the sum of contract maxima; shifts: per person the fewer of
    ``max_days_per_week`` and the open days they are not on leave all day.
    """
    people = [p for p in staff if _eligible(p)]
    minutes = float(sum(p.max_hours_week * 60 for p in people))
    shifts = float(sum(min(labour.max_days_per_week, sum(
        1 for nd in needs if not any(
            u.day == nd.day and u.start_minute <= nd.start and u.end_minute >= nd.end
            for u in p.unavailable))) for p in people))
    return minutes, shifts


def week_lp(needs: Sequence[DayNeed], staff: Sequence[StaffMember], shift_rules: ShiftRules,
            labour: LabourRules, *, short_weight: float = 1.0, paid_weight: float = 0.0,
            seed_columns: Sequence[Sequence[Column]] = (), max_iterations: int = 40) -> WeekLP:
    """Least ``short_weight * staff-minutes short + paid_weight * paid minutes`` of the relaxation.

    Parameters
    ----------
    needs:
        The week's days (need per cell).
    staff:
        The hall's staff (availability, contracts, skills).
    shift_rules, labour:
        The rules.
    short_weight, paid_weight:
        Objective weights per staff-minute short and per paid minute.
    seed_columns:
        Shapes to start from, per day (e.g. the covering LP's).
    max_iterations:
        Master LP solves at most.
    """
    avail = [available_per_cell(nd, staff) for nd in needs]
    hours_cap, days_cap = capacities(needs, staff, labour)
    cols: list[list[Column]] = [[] for _ in needs]
    keys: list[set[tuple[int, int, tuple[tuple[int, int], ...]]]] = [set() for _ in needs]
    for k, seeds in enumerate(seed_columns):
        for c in seeds:
            if column_key(c) not in keys[k]:
                keys[k].add(column_key(c))
                cols[k].append(c)
    best = -math.inf
    value, x = 0.0, [np.zeros(0) for _ in needs]
    for _ in range(max_iterations):
        value, x, duals = _master(needs, cols, avail, hours_cap, days_cap, short_weight,
                                  paid_weight)
        pi, rho, mu, alpha, beta = duals
        least = []
        added = 0
        for k, nd in enumerate(needs):
            new = price(nd, shift_rules, pi[k] + rho[k],
                        lambda L: (paid_weight - alpha) * paid_minutes(L, shift_rules),
                        offset=mu[k] + beta)
            least.append(min((rc for rc, _ in new), default=0.0))
            for _, c in new:
                if column_key(c) not in keys[k]:
                    keys[k].add(column_key(c))
                    cols[k].append(c)
                    added += 1
        best = max(best, value + sum(nd.people * min(m, 0.0) for nd, m in zip(needs, least)))
        if not added:
            break
    return WeekLP(value, max(best, 0.0), tuple(tuple(c) for c in cols), tuple(x))


def unavoidable_shortfall(needs: Sequence[DayNeed], staff: Sequence[StaffMember],
                          shift_rules: ShiftRules, labour: LabourRules, *,
                          seed_columns: Sequence[Sequence[Column]] = (),
                          max_iterations: int = 40) -> float:
    """Lower bound on the staff-minutes short of every roster of ``staff`` for ``needs``.

    The bound of :func:`week_lp` with shortage as the only cost, rounded
    down to a whole staff-minute (0 when the need can be met).
    """
    if not needs:
        return 0.0
    lp = week_lp(needs, staff, shift_rules, labour, seed_columns=seed_columns,
                 max_iterations=max_iterations)
    return float(max(math.floor(lp.bound + 1e-6), 0))


def _master(needs: Sequence[DayNeed], cols: Sequence[Sequence[Column]],
            avail: Sequence[npt.NDArray[np.int64]], hours_cap: float, days_cap: float,
            short_weight: float, paid_weight: float
            ) -> tuple[float, list[npt.NDArray[np.float64]],
                       tuple[list[npt.NDArray[np.float64]], list[npt.NDArray[np.float64]],
                             list[float], float, float]]:
    """Restricted master of the week LP; returns its value, x per day and the duals
    (pi >= 0, others <= 0)."""
    ncells = [len(nd.need) for nd in needs]
    nx = sum(len(c) for c in cols)
    nu = sum(ncells)
    nv = nx + nu
    rows: list[npt.NDArray[np.float64]] = []
    rhs: list[float] = []
    xoff = np.cumsum([0] + [len(c) for c in cols])
    uoff = nx + np.cumsum([0] + ncells)
    cover_rows, avail_rows, people_rows = [], [], []
    for k, nd in enumerate(needs):
        a = np.array([c.on_duty(nd) for c in cols[k]], dtype=np.float64).reshape(len(cols[k]), ncells[k])
        for c in range(ncells[k]):
            r = np.zeros(nv)
            r[xoff[k]:xoff[k + 1]] = -a[:, c]
            r[uoff[k] + c] = -1.0
            cover_rows.append(len(rows))
            rows.append(r)
            rhs.append(-float(nd.need[c]))
        for c in range(ncells[k]):
            r = np.zeros(nv)
            r[xoff[k]:xoff[k + 1]] = a[:, c]
            avail_rows.append(len(rows))
            rows.append(r)
            rhs.append(float(avail[k][c]))
        r = np.zeros(nv)
        r[xoff[k]:xoff[k + 1]] = 1.0
        people_rows.append(len(rows))
        rows.append(r)
        rhs.append(float(nd.people))
    r = np.zeros(nv)
    r[:nx] = [c.paid for day in cols for c in day]
    rows.append(r)
    rhs.append(hours_cap)
    r = np.zeros(nv)
    r[:nx] = 1.0
    rows.append(r)
    rhs.append(days_cap)
    cost = np.zeros(nv)
    cost[:nx] = [paid_weight * c.paid for day in cols for c in day]
    for k, nd in enumerate(needs):
        cost[uoff[k]:uoff[k + 1]] = short_weight * nd.cell
    res = linprog(cost, A_ub=sparse.csr_array(np.array(rows)), b_ub=np.array(rhs),
                  bounds=(0, None), method="highs")
    if res.status != 0:
        raise RuntimeError(f"shortage LP failed: {res.message}")
    y = res.ineqlin.marginals
    pi, rho = [], []
    for k in range(len(needs)):
        lo = sum(ncells[:k])
        pi.append(-y[[cover_rows[i] for i in range(lo, lo + ncells[k])]])
        rho.append(y[[avail_rows[i] for i in range(lo, lo + ncells[k])]])
    mu = [float(y[i]) for i in people_rows]
    x = [res.x[xoff[k]:xoff[k + 1]] for k in range(len(needs))]
    return float(res.fun), x, (pi, rho, mu, float(y[-2]), float(y[-1]))
