"""An LP lower bound on paid staff-hours for full cover, from the policy alone.

Formulation (the checker's own, not the solver's): for each day, one
variable per admissible pattern of :mod:`plan_checker.patterns` (every shift
start, every length on the planning grid, every rule-keeping break
placement, enumerated explicitly), the number of people working it.
Minimise paid minutes subject to, for each cell of the day (a run of
minutes over which nothing changes), staff on duty >= need, and (when
given) at most ``max_shifts`` shifts: the people who could work that day.
Days are independent once people are not named, so the week's bound is the
sum of the days' bounds.

Any roster that keeps the shift rules on the planning grid and covers the
need at every minute is a feasible integer point of this LP, so its paid
minutes are at least the LP value; and since every pattern's paid minutes
are a multiple of ``step`` (the gcd of all pattern costs), they are also at
least the LP value rounded up to a multiple of ``step``, day by day.

The LP is solved by column generation over the *complete* enumeration: the
master LP (scipy's HiGHS) runs on a subset of patterns, and every pattern's
reduced cost is priced exactly with one sparse product; it stops only when
no pattern of the enumeration has a negative reduced cost, the optimality
certificate of the full LP. ``method="full"`` solves the full LP in one go
(slower; the tests confirm the two agree).
"""

from __future__ import annotations

import functools
import math
import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.optimize import LinearConstraint, linprog, milp

from plan_checker.inputs import Rules
from plan_checker.patterns import PatternSet, cover_matrix


@dataclass(frozen=True, slots=True)
class DayBound:
    """The LP bound of one day, paid minutes.

    ``lp_minutes`` is the LP optimum, ``minutes`` the same rounded up to a
    multiple of the pattern-cost step (also a valid bound); both ``None``
    when no roster can cover the need: ``uncoverable_staff_minutes`` of it
    lie where no admissible shift is on duty, or ``max_shifts`` people are
    too few even in the LP.
    """

    lp_minutes: float | None
    minutes: float | None
    uncoverable_staff_minutes: int
    patterns: int


def cell_size(rules: Rules, window: tuple[int, int], need: npt.NDArray[np.int64]) -> int:
    """Longest cell (minutes) on which nothing changes: gcd of grid, breaks, window and need steps."""
    lo, hi = window
    changes = lo + 1 + np.flatnonzero(np.diff(need[lo:hi]))
    return functools.reduce(math.gcd, [rules.grid, rules.meal_break, rules.short_break, lo, hi,
                                       *changes.tolist()])


@functools.lru_cache(maxsize=32)
def _day_matrix(rules: Rules, lo: int, hi: int, cell: int
                ) -> tuple[PatternSet, sp.csc_matrix, npt.NDArray[np.float64]]:
    """Patterns, cover matrix (cells x patterns) and paid minutes of a window (cached)."""
    patterns, rows, cols = cover_matrix(rules, lo, hi, cell)
    n = (hi - lo) // cell
    a = sp.csc_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, len(patterns)))
    return patterns, a, patterns.paid()


_MEMO: dict[tuple[object, ...], DayBound] = {}


def day_lp_bound(rules: Rules, window: tuple[int, int] | None, need: npt.NDArray[np.int64], *,
                 max_shifts: int | None = None, method: str = "colgen") -> DayBound:
    """LP bound on the paid minutes that cover ``need`` (staff per minute of the day).

    Parameters
    ----------
    rules:
        The policy's shift rules (minutes).
    window:
        ``(first, end)`` minute anyone may work; ``None`` on a closed day.
    need:
        Staff on duty needed at each minute of the day (1,440 entries).
    max_shifts:
        People who could work that day (``None``: no limit).
    method:
        ``"colgen"`` (exact column generation) or ``"full"`` (the full LP).
    """
    key = (rules, window, np.asarray(need, np.int64).tobytes(), max_shifts, method)
    if key not in _MEMO:  # the same day shape recurs (weekdays, tests): solve it once
        if len(_MEMO) > 512:
            _MEMO.clear()
        _MEMO[key] = _day_lp_bound(rules, window, need, max_shifts, method)
    return _MEMO[key]


def _day_lp_bound(rules: Rules, window: tuple[int, int] | None, need: npt.NDArray[np.int64],
                  max_shifts: int | None, method: str) -> DayBound:
    inside = int(need[window[0]:window[1]].sum()) if window else 0
    outside = int(need.sum()) - inside
    if not inside:
        ok = not outside
        return DayBound(0.0 if ok else None, 0.0 if ok else None, outside, 0)
    lo, hi = window  # type: ignore[misc]
    cell = cell_size(rules, (lo, hi), need)
    patterns, a, cost = _day_matrix(rules, lo, hi, cell)
    n = (hi - lo) // cell
    b = need[lo:hi].reshape(n, cell).max(axis=1).astype(float)
    coverable = np.asarray(a.sum(axis=1)).ravel() > 0 if a.shape[1] else np.zeros(n, bool)
    short = int((b * ~coverable).sum()) * cell + outside
    if short:
        return DayBound(None, None, short, len(patterns))
    solve = _full if method == "full" else _colgen
    value = solve(a, cost, b, patterns, max_shifts)
    if value is None:
        return DayBound(None, None, 0, len(patterns))
    step = functools.reduce(math.gcd, {int(c) for c in cost})
    return DayBound(value, math.ceil(value / step - 1e-6) * step, 0, len(patterns))


def _lp(a: sp.spmatrix, cost: npt.NDArray[np.float64], b: npt.NDArray[np.float64],
        cap: int | None, slack_cost: float) -> tuple[float, npt.NDArray[np.float64], float, float]:
    """min cost.x + slack_cost * s  s.t.  A x + s >= b, sum x <= cap;
    returns (value without slack, cover duals, cap dual, slack used)."""
    n, m = a.shape
    a_ub = sp.hstack([-a, -sp.identity(n)], format="csc")
    b_ub = -b
    if cap is not None:
        cap_row = sp.csr_matrix(np.concatenate([np.ones(m), np.zeros(n)])[None, :])
        a_ub = sp.vstack([a_ub, cap_row], format="csc")
        b_ub = np.append(b_ub, cap)
    c = np.concatenate([cost, np.full(n, slack_cost)])
    res = linprog(c, A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
    if res.status != 0:
        raise RuntimeError(f"LP failed: {res.message}")
    marg = -np.asarray(res.ineqlin.marginals)
    slack = float(res.x[m:].sum())
    return (float(cost @ res.x[:m]), marg[:n], float(marg[n]) if cap is not None else 0.0, slack)


def _full(a: sp.csc_matrix, cost: npt.NDArray[np.float64], b: npt.NDArray[np.float64],
          patterns: PatternSet, cap: int | None) -> float | None:
    value, _, _, slack = _lp(a, cost, b, cap, _big(cost, b))
    return None if slack > 1e-7 else value


def _big(cost: npt.NDArray[np.float64], b: npt.NDArray[np.float64]) -> float:
    # more than any roster could cost: one slack unit is never cheaper than shifts
    return float(cost.max() * (b.sum() + 1) * 10)


def _colgen(a: sp.csc_matrix, cost: npt.NDArray[np.float64], b: npt.NDArray[np.float64],
            patterns: PatternSet, cap: int | None) -> float | None:
    found = _colgen_duals(a, cost, b, patterns, cap)
    return None if found is None else found[0]


def _colgen_duals(a: sp.csc_matrix, cost: npt.NDArray[np.float64], b: npt.NDArray[np.float64],
                  patterns: PatternSet, cap: int | None
                  ) -> tuple[float, npt.NDArray[np.float64]] | None:
    """(LP value, reduced cost of every pattern) at the LP optimum, ``None`` without a cover."""
    # start from one break placement per (start, length); elastic slack keeps the master feasible
    cur = np.flatnonzero(patterns.config == 0)
    at = a.T.tocsr()
    big = _big(cost, b)
    for _ in range(1000):
        value, duals, cap_dual, slack = _lp(a[:, cur], cost[cur], b, cap, big)
        reduced = cost - at @ duals + cap_dual  # a pattern uses one unit of the cap
        neg = np.setdiff1d(np.flatnonzero(reduced < -1e-7 * max(1.0, float(cost.max()))), cur)
        if not len(neg):
            if slack > 1e-7:  # the full LP itself needs slack: no cover within the cap
                full = _full(a, cost, b, patterns, cap)
                return None if full is None else (full, reduced)
            return value, reduced
        cur = np.union1d(cur, neg[np.argsort(reduced[neg])[:200]])
    raise RuntimeError("column generation did not converge in 1000 rounds")


def day_integer_cover(rules: Rules, window: tuple[int, int] | None, need: npt.NDArray[np.int64],
                      *, max_shifts: int | None = None, patterns_in_mip: int = 400,
                      node_limit: int = 100) -> float | None:
    """Paid minutes of an integer cover of ``need`` the checker finds itself, or ``None``.

    Any integer cover (at most ``max_shifts`` shifts, each an admissible
    pattern) costs at least the least integer cover, which every true lower
    bound of the day must not exceed; so this figure is an *upper* limit for
    any valid bound (the LP bound is the lower end). Found by a HiGHS MIP over
    the ``patterns_in_mip`` patterns of least reduced cost at the LP optimum
    (one thread, a node limit); ``None`` when that finds no cover.
    """
    if window is None:
        return 0.0 if not int(np.asarray(need).sum()) else None
    lo, hi = window
    if not int(need[lo:hi].sum()):
        return 0.0 if not int(np.asarray(need).sum()) else None
    cell = cell_size(rules, (lo, hi), need)
    patterns, a, cost = _day_matrix(rules, lo, hi, cell)
    n = (hi - lo) // cell
    b = need[lo:hi].reshape(n, cell).max(axis=1).astype(float)
    found = _colgen_duals(a, cost, b, patterns, max_shifts)
    if found is None:
        return None
    pick = np.argsort(found[1], kind="stable")[:patterns_in_mip]
    sub = sp.vstack([a[:, pick], sp.csr_matrix(np.ones((1, len(pick))))], format="csr")
    top = float(max_shifts) if max_shifts is not None else np.inf
    with warnings.catch_warnings():  # HiGHS options scipy does not list are passed on verbatim
        warnings.simplefilter("ignore")
        res = milp(cost[pick], integrality=np.ones(len(pick)),
                   constraints=LinearConstraint(sub, np.r_[b, -np.inf], np.r_[np.full(n, np.inf), top]),
                   options={"node_limit": node_limit, "threads": 1, "random_seed": 0,
                            "time_limit": 120.0})
    if res.x is None:
        return None
    x = np.round(res.x)
    if (a[:, pick] @ x < b - 1e-9).any() or (max_shifts is not None and x.sum() > max_shifts):
        return None
    return float(cost[pick] @ x)
