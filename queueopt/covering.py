"""Covering a day's need with admissible shifts: the exact LP bound and its column pool.

The admissible set is exactly what :func:`queueopt.rules.validate_roster`
accepts for one shift: a start on the ``start_step`` grid, an end and every
break boundary on the time grid (:func:`queueopt.rules.time_grid`), a length
in ``[min_length, max_length]``, inside the day's working window, with the
breaks :func:`queueopt.rules.required_breaks` asks for, each at least
``break_earliest`` after the start and ending ``break_latest`` before the end,
never overlapping. No shape is left out, so the LP value below a day is a
true lower bound on the paid minutes of every roster covering that day.

The set is too large to list when the grid is fine (hundreds of thousands of
columns at a 5-minute grid), so the LP is solved by **column generation**
(Desrosiers and Lübbecke, "A primer in column generation", 2005): a restricted
master LP over the columns found so far (HiGHS through ``scipy.optimize.linprog``)
and a pricing step that finds, for every start and length, the break
placement of least reduced cost by dynamic programming over the break
positions. Every iteration gives a valid lower bound (the Lagrangian bound of
Lasdon, *Optimization Theory for Large Systems*, 1970: the master's value plus
the number of shifts a day can hold times the most negative reduced cost), so
the bound stays proven even when the iterations stop early.

Units: minutes since midnight for clock times, minutes for durations, staff
(people on duty, not on a break) for need and cover; one *cell* is the
stretch of ``DayNeed.cell`` minutes over which need and cover are constant.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.optimize import linprog

from queueopt.model import ShiftRules
from queueopt.rules import Shift, required_breaks

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class DayNeed:
    """What one day needs, cell by cell.

    Parameters
    ----------
    day:
        The date.
    start:
        First minute of the working window (minutes since midnight).
    cell:
        Cell length, minutes; need and every admissible cover are constant
        within a cell.
    need:
        Staff needed on duty per cell: the requirement capped at the hall's
        counters, at least the minimum staff on duty.
    required:
        The requirement per cell, not capped (counters needed).
    people:
        Staff who can work that day at all (most shifts the day can hold).
    grid:
        Time grid of shift ends and breaks, minutes (a multiple of ``cell``).
    """

    day: dt.date
    start: int
    cell: int
    need: IntArray
    required: IntArray
    people: int
    grid: int

    @property
    def end(self) -> int:
        """Last minute of the working window (exclusive)."""
        return self.start + self.cell * len(self.need)

    def cell_of(self, minute: int) -> int:
        """Index of the cell starting at ``minute`` (minutes since midnight)."""
        return (minute - self.start) // self.cell


@dataclass(frozen=True, slots=True)
class Column:
    """One admissible shift shape: start, end, breaks (minutes since midnight) and paid minutes."""

    start: int
    end: int
    breaks: tuple[tuple[int, int], ...]
    paid: int

    def on_duty(self, need: DayNeed) -> IntArray:
        """1 for each cell of ``need`` the shift is on duty through, else 0."""
        a = np.zeros(len(need.need), dtype=np.int64)
        a[need.cell_of(self.start):need.cell_of(self.end)] = 1
        for b0, b1 in self.breaks:
            a[need.cell_of(b0):need.cell_of(b1)] = 0
        return a

    def shift(self, staff_id: str, day: dt.date, role: str = "counter") -> Shift:
        """This shape as a named shift."""
        return Shift(staff_id, day, self.start, self.end, self.breaks, role)


@dataclass(frozen=True, slots=True)
class CoverLP:
    """Result of the covering LP of one day.

    ``bound_minutes`` is a proven lower bound on the paid minutes of every
    full cover (``None`` when the LP cannot cover the day fully with the
    people available); ``columns``/``values`` the master's columns and LP
    values; ``reduced_costs`` their reduced costs at the last duals;
    ``cover_duals`` (per cell, paid minutes per staff on duty, >= 0) and
    ``people_dual`` (paid minutes per shift, <= 0) those duals (empty when
    not known: then no integer bound is computed from them).
    """

    day: dt.date
    bound_minutes: float | None
    lp_minutes: float
    columns: tuple[Column, ...]
    values: FloatArray
    reduced_costs: FloatArray
    converged: bool
    iterations: int
    cover_duals: FloatArray = field(default_factory=lambda: np.zeros(0))
    people_dual: float = 0.0


def column_key(c: Column) -> tuple[int, int, tuple[tuple[int, int], ...]]:
    """Identity of a shape (start, end, breaks)."""
    return (c.start, c.end, c.breaks)


def lengths(rules: ShiftRules, grid: int) -> list[int]:
    """Every admissible shift length on the time grid, minutes."""
    first = -(-rules.min_length // grid) * grid
    return list(range(first, rules.max_length + 1, grid))


def paid_minutes(length: int, rules: ShiftRules) -> int:
    """Paid minutes of a shift of ``length`` minutes (the meal break is unpaid)."""
    return length - rules.meal_break * required_breaks(length, rules)[0]


LengthCost = Callable[[int], float]


def price(need: DayNeed, rules: ShiftRules, weight: FloatArray, length_cost: LengthCost,
          *, offset: float = 0.0, tol: float = 1e-7, per_start: int = 2
          ) -> list[tuple[float, Column]]:
    """Columns of negative reduced cost: per start, the ``per_start`` best lengths.

    The most negative reduced cost over all shapes is always the first item
    (the bound needs it); each item has the best break placement of its
    start and length.

    The reduced cost of a shape is ``length_cost(length) - sum(weight over its
    on-duty cells) - offset``. For a start ``s`` a forward dynamic programme
    over the break positions ``t`` (on the time grid, from ``s +
    break_earliest``) keeps, for every count of meals and short breaks
    already placed, the least weight the breaks take away; a length ``L``
    reads the entry at ``s + L - break_latest`` with the counts it needs.

    Parameters
    ----------
    need:
        The day (cells, grid, window).
    rules:
        Shift rules.
    weight:
        Value of one staff on duty per cell (the cover duals).
    length_cost:
        Cost of a shape by its length in minutes (paid minutes in the cost
        LP, the hours dual in the shortage LP).
    offset:
        Constant subtracted from every reduced cost (the dual of "at most
        this many shifts").
    tol:
        Reduced costs above ``-tol`` are not returned.
    per_start:
        Columns kept per start (the master grows slowly; pricing stays exact).

    Returns
    -------
    list of (reduced cost, Column), most negative first.
    """
    g = need.grid
    cum = np.concatenate([[0.0], np.cumsum(weight)])

    def wsum(a: int, b: int) -> float:
        return float(cum[need.cell_of(b)] - cum[need.cell_of(a)])

    lens = lengths(rules, g)
    plans = {L: required_breaks(L, rules) for L in lens}
    max_meal = max((m for m, _ in plans.values()), default=0)
    max_short = max((k for _, k in plans.values()), default=0)
    step = rules.start_step
    first = -(-need.start // step) * step
    out: list[tuple[float, Column]] = []
    for s in range(first, need.end - lens[0] + 1 if lens else first, step):
        a = s + rules.break_earliest
        a = -(-a // g) * g
        top = min(s + rules.max_length, need.end) - rules.break_latest
        n = (top - a) // g + 1 if top >= a else 0
        f = np.full((max(n, 1), max_meal + 1, max_short + 1), np.inf)
        choice = np.zeros(f.shape, dtype=np.int8)
        if n:
            f[0, 0, 0] = 0.0
        for i in range(1, n):
            t = a + i * g
            f[i] = f[i - 1]
            for kind, length, dm, dk in ((1, rules.meal_break, 1, 0), (2, rules.short_break, 0, 1)):
                if (dm and not max_meal) or (dk and not max_short) or length % g:
                    continue
                j = i - length // g
                if j < 0:
                    continue
                cost = wsum(t - length, t)
                cand = f[j, : max_meal + 1 - dm, : max_short + 1 - dk] + cost
                cur = f[i, dm:, dk:]
                better = cand < cur - 1e-12
                cur[better] = cand[better]
                choice[i, dm:, dk:][better] = kind
        mine: list[tuple[float, int, tuple[int, int, int] | None]] = []
        for L in lens:
            e = s + L
            if e > need.end:
                break
            m, k = plans[L]
            idx = (e - rules.break_latest - a) // g
            state: tuple[int, int, int] | None = None
            if m == 0 and k == 0:
                br_cost = 0.0
            elif idx < 0 or idx >= n or not np.isfinite(f[idx, m, k]):
                continue
            else:
                br_cost, state = float(f[idx, m, k]), (idx, m, k)
            rc = length_cost(L) - (wsum(s, e) - br_cost) - offset
            if rc < -tol:
                mine.append((rc, L, state))
        mine.sort(key=lambda x: (x[0], x[1]))
        for rc, L, state in mine[:per_start]:
            breaks = () if state is None else _backtrack(choice, *state, a, g, rules)
            out.append((rc, Column(s, s + L, breaks, paid_minutes(L, rules))))
    out.sort(key=lambda x: (x[0], x[1].start, x[1].end, x[1].breaks))
    return out


def _backtrack(choice: npt.NDArray[np.int8], idx: int, m: int, k: int, a: int, g: int,
               rules: ShiftRules) -> tuple[tuple[int, int], ...]:
    breaks: list[tuple[int, int]] = []
    i = idx
    while m or k:
        c = int(choice[i, m, k])
        t = a + i * g
        if c == 0:
            i -= 1
            continue
        length = rules.meal_break if c == 1 else rules.short_break
        breaks.append((t - length, t))
        i -= length // g
        if c == 1:
            m -= 1
        else:
            k -= 1
    return tuple(sorted(breaks))


SLACK_COST = 100.0
"""Cost of one uncovered staff-minute in the covering LP, in paid minutes per
staff-minute (far above any shift's cost per covered minute)."""


def cover_lp(need: DayNeed, rules: ShiftRules, *, max_iterations: int = 60,
             seed_columns: Sequence[Column] = ()) -> CoverLP:
    """The least paid minutes covering ``need`` with admissible shifts, as an LP.

    Master LP: minimise paid minutes plus :data:`SLACK_COST` per uncovered
    staff-minute, cover per cell, at most ``need.people`` shifts. Columns are
    priced until none has a negative reduced cost (``converged``) or
    ``max_iterations`` master solves. The bound is the Lagrangian bound
    ``master + people * min(0, least reduced cost)``, valid at every
    iteration; it is reported only when the master covers the day fully.
    """
    n = len(need.need)
    cols: list[Column] = []
    keys: set[tuple[int, int, tuple[tuple[int, int], ...]]] = set()
    rows: list[IntArray] = []

    def add(c: Column) -> None:
        k = column_key(c)
        if k not in keys:
            keys.add(k)
            cols.append(c)
            rows.append(c.on_duty(need))

    for c in seed_columns:
        add(c)
    best_bound = -math.inf
    lp_value = 0.0
    x = np.zeros(0)
    pi = np.zeros(n)
    mu = 0.0
    converged = False
    it = 0
    slack_total = 0.0
    for it in range(1, max_iterations + 1):
        lp_value, x, u, pi, mu = _master(need, cols, rows)
        slack_total = float(u.sum())
        new = price(need, rules, pi, lambda L: float(paid_minutes(L, rules)), offset=mu)
        least = new[0][0] if new else 0.0
        best_bound = max(best_bound, lp_value + need.people * min(least, 0.0))
        if not new:
            converged = True
            break
        for _, c in new:
            add(c)
    else:
        lp_value, x, u, pi, mu = _master(need, cols, rows)
        slack_total = float(u.sum())
    if cols:
        a = np.array(rows, dtype=np.float64)
        paid = np.array([c.paid for c in cols], dtype=np.float64)
        rc = paid - a @ pi - mu
    else:
        rc = np.zeros(0)
    bound = max(best_bound, 0.0) if slack_total <= 1e-6 else None
    return CoverLP(need.day, bound, lp_value, tuple(cols), x, rc, converged, it,
                   np.maximum(pi, 0.0), min(mu, 0.0))


def _master(need: DayNeed, cols: Sequence[Column], rows: Sequence[IntArray]
            ) -> tuple[float, FloatArray, FloatArray, FloatArray, float]:
    """Solve the restricted master; returns (value, x, slack, cover duals >= 0, people dual <= 0)."""
    n, m = len(need.need), len(cols)
    a = sparse.csr_array(np.array(rows, dtype=np.float64).T) if m else sparse.csr_array((n, 0))
    cost = np.concatenate([[c.paid for c in cols], np.full(n, SLACK_COST * need.cell)])
    a_ub = sparse.vstack([sparse.hstack([-a, -sparse.eye_array(n)]),
                          sparse.csr_array(np.concatenate([np.ones(m), np.zeros(n)])[None, :])],
                         format="csr")
    b_ub = np.concatenate([-need.need.astype(np.float64), [float(need.people)]])
    res = linprog(cost, A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
    if res.status != 0:
        raise RuntimeError(f"covering LP of {need.day} failed: {res.message}")
    duals = res.ineqlin.marginals
    return (float(res.fun), res.x[:m], res.x[m:], -duals[:n], float(duals[n]))


def ceil_to(value: float, step: int) -> float:
    """``value`` rounded up to a multiple of ``step`` (a small tolerance absorbs LP round-off)."""
    return math.ceil(value / step - 1e-6) * step
