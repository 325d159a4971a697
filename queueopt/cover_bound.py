"""The integer bound of a day's cover: every admissible shift, reduced-cost fixing, HiGHS MIP.

Any roster restricted to one day is an *integer* cover of that day's need by
admissible shifts (at most one shift per person who can work that day), so
the least paid minutes of an integer cover is a lower bound on that day's
paid minutes in every full-cover roster, and the sum over days bounds the
week. This bound can lie above the LP bound of :mod:`queueopt.covering` (the
LP's integrality gap); it is proven as follows.

1. **Every admissible shape** of the day is listed (:func:`admissible_shapes`):
   each start on the ``start_step`` grid, each length on the time grid, each
   rule-keeping break placement, exactly the set of
   :func:`queueopt.covering.price` and :func:`queueopt.rules.validate_roster`.
2. **Reduced-cost fixing** (Nemhauser and Wolsey, *Integer and Combinatorial
   Optimization*, 1988, II.4.4): with the covering LP's duals ``pi >= 0``
   (per cell) and ``mu <= 0`` (at most ``people`` shifts), every shape ``j``
   has reduced cost ``rc_j = paid_j - pi . a_j - mu``, and every full cover
   ``x`` (integer or not) costs at least ``D + sum_j rc_j x_j``, where
   ``D = pi . need + mu * people`` is the dual value. So a cover using a
   shape of reduced cost ``r`` costs at least ``D + r + people * min(0,
   least rc)``.
3. A **HiGHS MIP** (``scipy.optimize.milp``, one thread, a node limit, so the
   result does not depend on the machine's speed) over the shapes of reduced
   cost at most ``margin``. Its *dual bound* is valid even when the node limit
   stops it. Every integer cover either uses only those shapes (cost >= the
   MIP's dual bound) or uses an excluded one (cost >= ``D + least excluded rc
   + people * min(0, least rc)``); the bound is the smaller of the two,
   rounded up to the paid-minute step (every shape's paid minutes are a
   multiple of the time grid), and never below the LP bound.

Units: minutes since midnight for clock times, minutes for durations and
paid minutes, staff (people on duty) for need and cover.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
import time
import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from queueopt.covering import Column, CoverLP, DayNeed, ceil_to, column_key, lengths, paid_minutes
from queueopt.model import ShiftRules
from queueopt.rules import required_breaks

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

MAX_MIP_SHAPES = 1000
"""Most shapes the day's MIP takes (the least reduced costs first); the rest count as excluded."""


@functools.lru_cache(maxsize=256)
def break_placements(length: int, rules: ShiftRules, grid: int
                     ) -> tuple[tuple[tuple[int, int], ...], ...]:
    """Every rule-keeping placement of the breaks of a ``length``-minute shift.

    Breaks as offsets ``(start, end)`` in minutes after the shift start, on
    the time grid ``grid`` (minutes), at least ``break_earliest`` after the
    start, ending at most ``break_latest`` before the end, not overlapping;
    each placement sorted, each set of positions once (breaks of one kind are
    interchangeable). Empty when a break length is off the grid.

    >>> len(break_placements(240, ShiftRules(), 15)), len(break_placements(540, ShiftRules(), 15))
    (6, 600)
    """
    meal, short = required_breaks(length, rules)
    sizes = [rules.meal_break] * meal + [rules.short_break] * short
    if any(s % grid for s in sizes):
        return ()
    first = -(-rules.break_earliest // grid) * grid
    last_end = length - rules.break_latest
    found: set[tuple[tuple[int, int], ...]] = set()

    def place(order: tuple[int, ...], earliest: int) -> list[tuple[tuple[int, int], ...]]:
        if not order:
            return [()]
        size, rest = order[0], order[1:]
        out = []
        for b in range(earliest, last_end - size + 1, grid):
            out += [((b, b + size),) + tail for tail in place(rest, b + size)]
        return out

    for order in set(itertools.permutations(sizes)):
        for combo in place(order, first):
            found.add(tuple(sorted(combo)))
    return tuple(sorted(found))


@dataclass(frozen=True, slots=True)
class ShapeTable:
    """Every admissible shape of one day as arrays: shape ``j`` starts at ``start[j]``
    (minutes since midnight), lasts ``length[j]`` minutes and has the breaks
    ``break_placements(length[j])[config[j]]`` (offsets from its start)."""

    start: IntArray
    length: IntArray
    config: IntArray

    def __len__(self) -> int:
        return len(self.start)

    def column(self, j: int, rules: ShiftRules, grid: int) -> Column:
        """Shape ``j`` as a :class:`Column`."""
        s, n = int(self.start[j]), int(self.length[j])
        br = break_placements(n, rules, grid)[int(self.config[j])]
        return Column(s, s + n, tuple((s + a, s + b) for a, b in br), paid_minutes(n, rules))


def admissible_shapes(need: DayNeed, rules: ShiftRules) -> ShapeTable:
    """Every admissible shape inside the day's working window (see the module text)."""
    g, step = need.grid, rules.start_step
    first = -(-need.start // step) * step
    parts: list[tuple[IntArray, IntArray, IntArray]] = []
    for n in lengths(rules, g):
        k = len(break_placements(n, rules, g))
        starts = np.arange(first, need.end - n + 1, step, dtype=np.int64)
        if not k or not len(starts):
            continue
        parts.append((np.repeat(starts, k), np.full(len(starts) * k, n, dtype=np.int64),
                      np.tile(np.arange(k, dtype=np.int64), len(starts))))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return ShapeTable(empty, empty, empty)
    return ShapeTable(*(np.concatenate([p[i] for p in parts]) for i in range(3)))


def reduced_costs(table: ShapeTable, need: DayNeed, rules: ShiftRules, pi: FloatArray,
                  mu: float) -> FloatArray:
    """``paid - pi . cover - mu`` of every shape of ``table``.

    ``pi`` is the value of one staff on duty per cell (paid minutes per
    staff), ``mu`` the value of one shift (paid minutes).
    """
    cum = np.concatenate([[0.0], np.cumsum(pi)])
    out = np.empty(len(table))
    for n in np.unique(table.length):
        sel = np.flatnonzero(table.length == n)
        s = table.start[sel]
        covered = cum[(s + n - need.start) // need.cell] - cum[(s - need.start) // need.cell]
        br = break_placements(int(n), rules, need.grid)
        for j_cfg in range(len(br)):
            mask = table.config[sel] == j_cfg
            if not mask.any():
                continue
            ss = s[mask]
            off = np.zeros(len(ss))
            for a, b in br[j_cfg]:
                off += cum[(ss + b - need.start) // need.cell] - cum[(ss + a - need.start) // need.cell]
            covered[mask] -= off
        out[sel] = paid_minutes(int(n), rules) - covered - mu
    return out


@dataclass(frozen=True, slots=True)
class IntegerBound:
    """The integer bound of one day.

    ``minutes``: proven lower bound on the paid minutes of every integer full
    cover (at least the LP bound, rounded up to the paid-minute step);
    ``cover``: the best integer cover the MIP found (shapes with repeats,
    empty when none), ``cover_minutes`` its paid minutes; ``shapes``: shapes
    of the day, ``in_mip`` how many entered the MIP; ``proven``: the cover
    is a least integer cover (its paid minutes equal ``minutes``).
    ``restricted_minutes``: lower bound on the paid minutes of every integer
    cover made only of the MIP's shapes (``mip_keys``, see
    :func:`queueopt.covering.column_key`); NOT a bound of the day (shapes
    left out may do better), but a valid cut for a model whose shapes are
    among them.
    """

    day: dt.date
    minutes: float | None
    lp_minutes: float | None
    cover: tuple[Column, ...]
    cover_minutes: float | None
    shapes: int
    in_mip: int
    proven: bool
    restricted_minutes: float | None = None
    mip_keys: frozenset[tuple[int, int, tuple[tuple[int, int], ...]]] = frozenset()


def integer_bound(need: DayNeed, rules: ShiftRules, lp: CoverLP, *,
                  margin: float = math.inf, node_limit: int = 200,
                  wall: float = 60.0, max_shapes: int = MAX_MIP_SHAPES) -> IntegerBound:
    """The least paid minutes of an integer cover of ``need``, bounded from below (module text).

    Parameters
    ----------
    need:
        The day.
    rules:
        Shift rules.
    lp:
        The day's covering LP (:func:`queueopt.covering.cover_lp`): its duals.
    margin:
        Shapes of reduced cost up to ``margin`` paid minutes enter the MIP.
    node_limit:
        HiGHS branch-and-bound nodes (the deterministic work limit).
    wall:
        Wall-clock safety limit of the MIP, seconds.
    max_shapes:
        Most shapes in the MIP (least reduced cost first).
    """
    step = need.grid
    lp_bound = None if lp.bound_minutes is None else ceil_to(lp.bound_minutes, step)
    table = admissible_shapes(need, rules)
    if lp_bound is None or not len(table) or len(lp.cover_duals) != len(need.need):
        return IntegerBound(need.day, lp_bound, lp_bound, (), None, len(table), 0, False)
    pi, mu = lp.cover_duals, lp.people_dual
    rc = reduced_costs(table, need, rules, pi, mu)
    dual_value = float(pi @ need.need + mu * need.people)
    floor = need.people * min(0.0, float(rc.min()))
    cols, least_out = _mip_shapes(table, rc, lp, rules, need.grid, margin, max_shapes)
    excluded = dual_value + floor + least_out
    found, mip_bound, _ = _day_mip(need, cols, step=step, node_limit=node_limit, wall=wall)
    raw = min(mip_bound, excluded)
    # every cover's paid minutes are a multiple of ``step``; 0.01 absorbs HiGHS's round-off
    minutes = max(lp_bound, ceil_to(raw - 0.01, step)) if math.isfinite(raw) else lp_bound
    cover_minutes = float(sum(c.paid for c in found)) if found else None
    proven = cover_minutes is not None and cover_minutes <= minutes + 1e-6
    restricted = ceil_to(mip_bound - 0.01, step) if math.isfinite(mip_bound) else None
    return IntegerBound(need.day, float(minutes), lp_bound, tuple(found), cover_minutes,
                        len(table), len(cols), proven, restricted,
                        frozenset(column_key(c) for c in cols))


def _mip_shapes(table: ShapeTable, rc: FloatArray, lp: CoverLP, rules: ShiftRules, grid: int,
                margin: float, max_shapes: int) -> tuple[list[Column], float]:
    """The MIP's shapes and the least reduced cost of the shapes left out (``inf``: none).

    The covering LP's own columns come first (the LP's duals are often
    degenerate: thousands of shapes tie at reduced cost 0, and the first of
    them by start time alone may cover nothing late in the day), then the
    shapes of least reduced cost up to ``margin``, ``max_shapes`` in all
    beyond the LP's.
    """
    cols = list(dict.fromkeys(lp.columns))
    have = {column_key(c) for c in cols}
    added = 0
    for j in np.argsort(rc, kind="stable"):
        c = table.column(int(j), rules, grid)
        if column_key(c) in have:
            continue
        if added >= max_shapes or rc[j] > margin:
            return cols, float(rc[j])
        cols.append(c)
        added += 1
    return cols, math.inf


def _day_mip(need: DayNeed, cols: list[Column], *, step: int, node_limit: int, wall: float
             ) -> tuple[list[Column], float, bool]:
    """Least paid minutes covering ``need`` with ``cols`` (integer, repeats allowed, at most
    ``need.people``). Returns (cover with repeats, dual bound, finished)."""
    if not cols:
        return [], math.inf, True
    a = sparse.csr_array(np.array([c.on_duty(need) for c in cols], dtype=np.float64).T)
    a = sparse.vstack([a, sparse.csr_array(np.ones((1, len(cols))))], format="csr")
    lo = np.r_[need.need.astype(np.float64), -np.inf]
    hi = np.r_[np.full(len(need.need), np.inf), float(need.people)]
    t0 = time.perf_counter()
    with warnings.catch_warnings():  # HiGHS options scipy does not list are passed on verbatim
        warnings.simplefilter("ignore")
        res = milp(np.array([c.paid for c in cols], dtype=np.float64),
                   integrality=np.ones(len(cols)), bounds=Bounds(0, need.people),
                   constraints=LinearConstraint(a, lo, hi),
                   options={"time_limit": wall, "node_limit": node_limit, "mip_rel_gap": 0.0, "mip_abs_gap": step - 0.5,
                            "threads": 1, "random_seed": 0})
    del t0
    if res.status == 2:  # infeasible: no cover from these shapes at all
        return [], math.inf, True
    bound = getattr(res, "mip_dual_bound", None)
    bound = -math.inf if bound is None or not np.isfinite(bound) else float(bound)
    if res.x is None:
        return [], bound, False
    x = np.round(res.x).astype(np.int64)
    found = [c for j, c in enumerate(cols) for _ in range(int(x[j]))]
    return found, bound, res.status == 0
