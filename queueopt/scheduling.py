"""Flexible shifts and a named roster: shortage first, then staff-hours, then fairness.

Three steps per hall-week:

1. **Need per day** (:func:`day_needs`): the requirement per planning slot
   (the policy's ``interval_minutes``), capped at the hall's counters, at
   least the minimum staff on duty, on cells over which it is constant.
2. **Covering LP per day** (:mod:`queueopt.covering`): column generation over
   every admissible shift and break placement gives a proven lower bound on
   the paid minutes of full cover and a pool of good shapes; the day's
   integer cover (:mod:`queueopt.cover_bound`: every admissible shape,
   reduced-cost fixing, a node-limited HiGHS MIP) raises the bound to the
   integer problem's where it can and adds its cover to the pool. A HiGHS MIP
   over the week picks integer covers within the staff's total hours and days
   (a start for step 3).
3. **Named roster over the week** (OR-Tools CP-SAT): each eligible person
   (skill ``counter``) takes at most one shape a day from the day's pool,
   with availability and leave, contract maximum hours, days per week and in
   a row (with the days worked before the week), 11 h rest, locked shifts;
   cover per cell with shortage variables. The objective is lexicographic,
   solved in rounds, each fixing the value the previous one reached:
   staff-minutes short, then paid minutes, then soft goals (contract
   minimum, preferences, two days off together, fairness of weekend days
   (from the day kinds the calendar gives) and late shifts, a VIP-skilled
   person on each day with a VIP counter).

Every CP-SAT solve runs on one worker with a fixed seed and a deterministic
work limit (``max_deterministic_time``), so the same inputs give the same
roster; a wall-clock limit is only a safety net and its use is reported.
Roles: a VIP-skilled person on each VIP counter, everyone else ``counter``.
"""

from __future__ import annotations

import datetime as dt
import math
import time
import warnings
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from ortools.sat.python import cp_model
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from queueopt.calendar import HallCalendar
from queueopt.cover_bound import IntegerBound, integer_bound
from queueopt.covering import SLACK_COST, Column, CoverLP, DayNeed, column_key, cover_lp
from queueopt.model import Hall, LabourRules, ShiftRules, StaffMember
from queueopt.plan_summary import SolverStatus, gap
from queueopt.rules import ROLE_SKILL, Shift, Violation, clock, time_grid, validate_roster, working_window
from queueopt.shortage import WeekLP, unavoidable_shortfall, week_lp

DEFAULT_TIME_LIMIT_S = 20.0
"""Default work budget of the roster solves, in CP-SAT deterministic seconds."""
COUNTER_SKILL = ROLE_SKILL["counter"]
"""Skill a person needs to be rostered on a counter."""

DAY_MIP_NODES = 200
"""Branch-and-bound nodes of each day's integer-bound MIP (:mod:`queueopt.cover_bound`)."""

MIP_SHAPES = 250
"""Shapes per day (beyond both LPs' support) the week's integer cover chooses from."""

Progress = Callable[[float, str], None]


# ------------------------------------------------------------------ need
def eligible(person: StaffMember) -> bool:
    """Whether ``person`` can take a counter shift (has the ``counter`` skill)."""
    return COUNTER_SKILL in person.skills


def day_needs(hall: Hall, staff: Sequence[StaffMember], required: pd.DataFrame,
              day_kinds: Mapping[dt.date, str], shift_rules: ShiftRules, labour: LabourRules,
              slot_minutes: int, calendar: HallCalendar | None = None) -> list[DayNeed]:
    """The need of each open day of the week, cell by cell.

    Parameters
    ----------
    hall, staff:
        The hall (hours, counters) and its staff (who can work each day).
    required:
        ``interval_start, required``: counters needed per interval of
        ``slot_minutes`` minutes (intervals start on multiples of the slot).
    day_kinds:
        Kind of each day (the week).
    shift_rules, labour:
        The rules (time grid, minimum staff on duty, opening/closing cover).
    slot_minutes:
        Planning slot, minutes (policy ``interval_minutes``).
    calendar:
        The hall's calendar, owner of each day's opening hours (China's by default).
    """
    cal = calendar or HallCalendar()
    req = required.copy()
    req["interval_start"] = pd.to_datetime(req["interval_start"])
    lookup = {(ts.date(), ts.hour * 60 + ts.minute): float(v)
              for ts, v in zip(req["interval_start"], req["required"])}
    g = time_grid(slot_minutes, shift_rules)
    out: list[DayNeed] = []
    for d in sorted(day_kinds):
        lo, hi = working_window(hall, d, labour, cal)
        if lo == hi:
            continue
        hours = cal.hours_on(hall, d)
        o, c = hours.open_minute, hours.close_minute
        cell = math.gcd(g, lo, hi, o, c)
        minute = lo + cell * np.arange((hi - lo) // cell)
        r = np.array([lookup.get((d, int(m - m % slot_minutes)), 0.0) for m in minute])
        r = np.ceil(np.nan_to_num(r) - 1e-9).astype(np.int64)
        presence = np.where((minute >= o) & (minute < c), labour.min_staff_on_duty,
                            min(labour.min_staff_on_duty, 1))
        need = np.maximum(np.minimum(r, hall.counters), presence).astype(np.int64)
        people = sum(1 for p in staff if eligible(p) and not any(
            u.day == d and u.start_minute <= lo and u.end_minute >= hi for u in p.unavailable))
        out.append(DayNeed(d, lo, cell, need, r, people, g))
    return out


def on_duty(shifts: Sequence[Shift], need: DayNeed) -> np.ndarray:
    """Staff on duty per cell of ``need`` (present and not on a break at the cell's start)."""
    minute = need.start + need.cell * np.arange(len(need.need))
    out = np.zeros(len(minute), dtype=np.int64)
    for s in shifts:
        if s.day != need.day:
            continue
        on = (minute >= s.start) & (minute < s.end)
        for a, b in s.breaks:
            on &= ~((minute >= a) & (minute < b))
        out += on
    return out


def shortfall_frame(shifts: Sequence[Shift], needs: Sequence[DayNeed]) -> pd.DataFrame:
    """Cells the roster leaves short: ``interval_start, minutes, need, on_duty, short``.

    ``short`` is staff per cell; staff-minutes short are ``short * minutes``.
    """
    rows = []
    for nd in needs:
        on = on_duty(shifts, nd)
        for k in np.flatnonzero(on < nd.need):
            rows.append({"interval_start": pd.Timestamp(nd.day) + pd.Timedelta(
                minutes=int(nd.start + nd.cell * k)), "minutes": nd.cell,
                "need": int(nd.need[k]), "on_duty": int(on[k]), "short": int(nd.need[k] - on[k])})
    return pd.DataFrame(rows, columns=["interval_start", "minutes", "need", "on_duty", "short"])


def over_counters_staff_minutes(needs: Sequence[DayNeed], counters: int) -> float:
    """Staff-minutes of requirement above the hall's counters."""
    return float(sum((np.maximum(nd.required - counters, 0) * nd.cell).sum() for nd in needs))


# ------------------------------------------------------------------ result
@dataclass
class ScheduleResult:
    """A named roster and how good it is (minutes inside, hours as properties).

    ``lower_bound_minutes`` is the proven bound on the paid minutes of full
    cover (``None`` when no full cover exists even in the LP): per day the
    larger of the LP bound and the integer-cover bound (``integer_bounds``);
    ``shortfall`` lists the cells left short (:func:`shortfall_frame`);
    ``unavoidable_shortfall_staff_minutes`` a proven lower bound on the
    shortfall of every roster of these staff; ``binding`` says in words
    which rule stops the target being met.
    """

    shifts: list[Shift]
    staff_minutes: int
    lower_bound_minutes: float | None
    status: SolverStatus
    solve_seconds: float
    shortfall: pd.DataFrame
    over_counters_staff_minutes: float
    unavoidable_shortfall_staff_minutes: float
    slot_minutes: int
    binding: list[str] = field(default_factory=list)
    needs: list[DayNeed] = field(default_factory=list)
    covers: list[CoverLP] = field(default_factory=list)
    integer_bounds: list[IntegerBound] = field(default_factory=list)

    @property
    def staff_hours(self) -> float:
        """Paid hours of the roster."""
        return self.staff_minutes / 60

    @property
    def lower_bound_hours(self) -> float | None:
        """Proven lower bound on the paid hours of full cover, or ``None``."""
        return None if self.lower_bound_minutes is None else self.lower_bound_minutes / 60

    @property
    def shortfall_staff_minutes(self) -> float:
        """Staff-minutes the roster leaves below the need over the week."""
        if not len(self.shortfall):
            return 0.0
        return float((self.shortfall["short"] * self.shortfall["minutes"]).sum())

    @property
    def gap(self) -> float | None:
        """:func:`queueopt.plan_summary.gap` of the roster."""
        return gap(self.staff_hours, self.lower_bound_hours, self.shortfall_staff_minutes)


# ------------------------------------------------------------------ locks
def check_locks(locked: Sequence[Shift], staff: Sequence[StaffMember], hall: Hall,
                day_kinds: Mapping[dt.date, str], shift_rules: ShiftRules, labour: LabourRules,
                slot_minutes: int, history: Mapping[str, int] | None = None,
                calendar: HallCalendar | None = None) -> list[Shift]:
    """The locks without exact duplicates; ``ValueError`` naming each lock that breaks a rule.

    Locks are checked alone with the validator (every rule but the cover
    and the contract minimum); a lock the scheduler cannot staff (its person
    lacks the ``counter`` skill) is refused too.
    """
    unique = list(dict.fromkeys(locked))
    found = [v for v in validate_roster(unique, staff, hall, day_kinds, shift_rules, labour,
                                        history=history, check_contract_min=False,
                                        slot_minutes=slot_minutes, calendar=calendar)
             if v.rule != "min_staff_on_duty"]
    people = {p.staff_id: p for p in staff}
    for lk in unique:
        p = people.get(lk.staff_id)
        if p is not None and not eligible(p):
            found.append(Violation("skill", lk.staff_id, lk.day,
                                   "has no counter skill, so cannot be rostered on a counter"))
    if found:
        lines = []
        for v in found:
            mine = [lk for lk in unique if lk.staff_id == v.staff_id
                    and (v.day is None or lk.day == v.day)]
            what = ", ".join(f"{lk.staff_id} {lk.day:%a %Y-%m-%d} {clock(lk.start)}-{clock(lk.end)}"
                             for lk in mine) or "the locks"
            lines.append(f"locked shift {what} breaks rule {v.rule}: {v.message}")
        raise ValueError("; ".join(dict.fromkeys(lines)))
    return unique


# ------------------------------------------------------------------ CP-SAT
@dataclass
class RosterVars:
    """Variables of the named-roster model.

    ``assign[(e, d, j)]``: person ``e`` works shape ``j`` of day ``d``'s
    pool; ``short[(d, c)]``: staff missing in cell ``c`` of day ``d``.
    """

    assign: dict[tuple[int, int, int], cp_model.IntVar]
    short: dict[tuple[int, int], cp_model.IntVar]
    pools: list[list[Column]]
    short_minutes: cp_model.LinearExprT
    paid_minutes: cp_model.LinearExprT
    paid_by_day: list[cp_model.LinearExprT]
    soft: list[tuple[cp_model.IntVar, int]]
    locked: set[tuple[int, int, int]] = field(default_factory=set)

    def evaluate(self, needs: Sequence[DayNeed], values: Mapping[tuple[int, int, int], int]
                 ) -> tuple[int, int]:
        """(staff-minutes short, paid minutes) of an assignment."""
        short = paid = 0
        for k, nd in enumerate(needs):
            on = np.zeros(len(nd.need), dtype=np.int64)
            for (e, kk, j), v in values.items():
                if kk == k and v:
                    on += self.pools[k][j].on_duty(nd)
                    paid += self.pools[k][j].paid
            short += int((np.maximum(nd.need - on, 0) * nd.cell).sum())
        return short, paid


def _solver(det_time: float, wall: float, seed: int) -> cp_model.CpSolver:
    s = cp_model.CpSolver()
    s.parameters.num_workers = 1
    s.parameters.random_seed = int(seed)
    s.parameters.max_deterministic_time = max(float(det_time), 0.05)
    s.parameters.max_time_in_seconds = max(float(wall), 0.5)
    return s


def week_integer_cover(needs: Sequence[DayNeed], columns: Sequence[Sequence[Column]],
                       locked: Sequence[Sequence[Column]], staff: Sequence[StaffMember],
                       labour: LabourRules, *, node_limit: int, wall: float
                       ) -> tuple[list[list[Column]], bool]:
    """Integer covers of the week's days from ``columns`` (shortage first, then paid minutes).

    Anonymous shifts with the week's aggregate limits (the relaxation of
    :func:`queueopt.shortage.week_lp` in integers): per day at most the staff
    who can work, per cell at most the staff available, over the week at
    most the staff's contracted minutes and working days. ``locked[k]`` are
    day ``k``'s locked shapes, in the cover already. Solved by HiGHS
    (``scipy.optimize.milp``) on one thread with a node limit, so the result
    does not depend on the machine's speed; ``wall`` seconds is a safety.

    Returns
    -------
    (per day the chosen shapes with repeats, locked ones not included;
    whether the wall-clock safety stopped the search)
    """
    from queueopt.shortage import available_per_cell, capacities

    minutes_cap, shifts_cap = capacities(needs, staff, labour)
    nx = sum(len(c) for c in columns)
    ncell = [len(nd.need) for nd in needs]
    nv = nx + sum(ncell)
    xo = np.cumsum([0] + [len(c) for c in columns])
    uo = nx + np.cumsum([0] + ncell)
    big = 10.0 * max((c.paid for day in columns for c in day), default=1)
    cost = np.zeros(nv)
    rows: list[np.ndarray] = []
    lo: list[float] = []
    hi: list[float] = []
    for k, nd in enumerate(needs):
        fixed = np.zeros(len(nd.need), dtype=np.int64)
        for c in locked[k]:
            fixed += c.on_duty(nd)
        rest = np.maximum(nd.need - fixed, 0)
        avail = np.maximum(available_per_cell(nd, staff) - fixed, 0)
        a = np.array([c.on_duty(nd) for c in columns[k]], dtype=np.float64).reshape(
            len(columns[k]), ncell[k]).T
        for cell in range(ncell[k]):
            r = np.zeros(nv)
            r[xo[k]:xo[k + 1]] = a[cell]
            r2 = r.copy()
            r[uo[k] + cell] = 1.0
            rows += [r, r2]
            lo += [float(rest[cell]), -np.inf]
            hi += [np.inf, float(avail[cell])]
        r = np.zeros(nv)
        r[xo[k]:xo[k + 1]] = 1.0
        rows.append(r)
        lo.append(-np.inf)
        hi.append(float(max(nd.people - len(locked[k]), 0)))
        cost[xo[k]:xo[k + 1]] = [c.paid for c in columns[k]]
        cost[uo[k]:uo[k + 1]] = big * nd.cell
        minutes_cap -= sum(c.paid for c in locked[k])
        shifts_cap -= len(locked[k])
    r = np.zeros(nv)
    r[:nx] = cost[:nx]
    rows.append(r)
    lo.append(-np.inf)
    hi.append(max(minutes_cap, 0.0))
    r = np.zeros(nv)
    r[:nx] = 1.0
    rows.append(r)
    lo.append(-np.inf)
    hi.append(max(shifts_cap, 0.0))
    t0 = time.perf_counter()
    with warnings.catch_warnings():  # HiGHS options scipy does not list are passed on verbatim
        warnings.simplefilter("ignore")
        res = milp(cost, integrality=np.r_[np.ones(nx), np.zeros(nv - nx)],
                   bounds=Bounds(0, np.inf),
                   constraints=LinearConstraint(sparse.csr_array(np.array(rows)), lo, hi),
                   options={"time_limit": wall, "node_limit": node_limit, "mip_rel_gap": 1e-4,
                            "threads": 1, "random_seed": 0})
    wall_hit = time.perf_counter() - t0 >= wall * 0.98
    if res.x is None:
        return [[] for _ in needs], wall_hit
    x = np.round(res.x[:nx]).astype(np.int64)
    return ([[c for j, c in enumerate(columns[k]) for _ in range(int(x[xo[k] + j]))]
             for k in range(len(needs))], wall_hit)


def _pool_cuts(bounds: Sequence[float | None], integer: Sequence[IntegerBound],
               pools: Sequence[Sequence[Column]]) -> list[float | None]:
    """Per day the least paid minutes of a full cover from the day's pool (a cut for CP-SAT).

    The day's bound, raised to the day MIP's bound over its own shapes when
    every shape of the pool was among them (a cover from the pool is then a
    cover from those shapes); lets CP-SAT prove the paid-minute round at once.
    """
    out: list[float | None] = []
    for b, ib, pool in zip(bounds, integer, pools):
        keys = {column_key(c) for c in pool}
        if b is not None and ib.restricted_minutes is not None and keys <= ib.mip_keys:
            b = max(b, ib.restricted_minutes)
        out.append(b)
    return out


def _cheaper_week(needs: Sequence[DayNeed], chosen: list[list[Column]],
                  day_covers: list[list[Column]], staff: Sequence[StaffMember],
                  labour: LabourRules) -> list[list[Column]]:
    """The days' own integer covers instead of the week MIP's choice, when they are cheaper.

    Both are compared by (staff-minutes short, paid minutes); the days' covers
    qualify only when every day has one and together they keep the week MIP's
    limits (:func:`week_integer_cover`): per cell at most the staff available,
    over the week at most the staff's contracted minutes and working days.
    """
    from queueopt.shortage import available_per_cell, capacities

    if any(not c for c, nd in zip(day_covers, needs) if nd.need.any()):
        return chosen
    minutes_cap, shifts_cap = capacities(needs, staff, labour)
    if (sum(c.paid for day in day_covers for c in day) > minutes_cap
            or sum(len(day) for day in day_covers) > shifts_cap):
        return chosen

    def score(days: list[list[Column]]) -> tuple[int, int]:
        short = paid = 0
        for nd, day in zip(needs, days):
            on = sum((c.on_duty(nd) for c in day), np.zeros(len(nd.need), dtype=np.int64))
            short += int((np.maximum(nd.need - on, 0) * nd.cell).sum())
            paid += sum(c.paid for c in day)
        return short, paid

    for nd, day in zip(needs, day_covers):
        on = sum((c.on_duty(nd) for c in day), np.zeros(len(nd.need), dtype=np.int64))
        if (on > available_per_cell(nd, staff)).any():
            return chosen
    return day_covers if score(day_covers) < score(chosen) else chosen


def build_model(needs: Sequence[DayNeed], pools: Sequence[Sequence[Column]],
                staff: Sequence[StaffMember], day_kinds: Mapping[dt.date, str],
                shift_rules: ShiftRules, labour: LabourRules, *,
                locked: Sequence[Shift] = (), history: Mapping[str, int] | None = None,
                vip_counters: int = 0, instances: bool = False
                ) -> tuple[cp_model.CpModel, RosterVars]:
    """CP-SAT model naming staff on the days' shape pools.

    Hard: availability, one shift a day, rest, days per week and in a row,
    contract maximum, locks. Cover per cell with shortage variables. The
    objectives (shortage, paid minutes, soft goals) are returned as
    expressions for :func:`solve` to optimise in rounds. With ``instances``
    each pool entry is one shift (repeats are separate shifts), taken by at
    most one person.
    """
    model = cp_model.CpModel()
    didx = {nd.day: k for k, nd in enumerate(needs)}
    people = [p for p in staff if eligible(p)]
    plist, lock_at = _pools_with_locks(needs, pools, locked, shift_rules, instances)
    assign, locked_vars = _assignments(model, people, needs, plist, lock_at)
    short, short_terms, paid_by_day = _cover_rows(model, needs, plist, assign, instances)
    soft: list[tuple[cp_model.IntVar, int]] = []
    works: dict[tuple[int, int], cp_model.IntVar] = {}
    for e, p in enumerate(people):
        for k, nd in enumerate(needs):
            mine = [v for (ee, kk, _), v in assign.items() if ee == e and kk == k]
            w = model.new_bool_var(f"works_{p.staff_id}_{nd.day:%m%d}")
            model.add(sum(mine) == w)
            works[(e, k)] = w
        _rest(model, e, p, needs, plist, assign, works, labour)
        ws = [works.get((e, didx[d]), 0) if d in didx else 0 for d in sorted(day_kinds)]
        _days_worked(model, ws, labour, (history or {}).get(p.staff_id, 0))
        soft.extend(_contract_hours(model, e, p, plist, assign))
        soft.extend(_preferences(model, e, p, needs, plist, assign, works))
    soft.extend(_fairness(model, people, needs, plist, assign, works, day_kinds, vip_counters))
    return model, RosterVars(assign=assign, short=short, pools=plist,
                             short_minutes=sum(short_terms), paid_minutes=sum(paid_by_day),
                             paid_by_day=paid_by_day, soft=soft, locked=locked_vars)


def _pools_with_locks(needs: Sequence[DayNeed], pools: Sequence[Sequence[Column]],
                      locked: Sequence[Shift], shift_rules: ShiftRules, instances: bool
                      ) -> tuple[list[list[Column]], dict[tuple[str, dt.date], int]]:
    """The days' pools with each locked shift's shape added (once, or once per lock with
    ``instances``), and the pool index of each ``(staff_id, day)`` lock."""
    didx = {nd.day: k for k, nd in enumerate(needs)}
    plist: list[list[Column]] = [list(x) for x in pools]
    lock_at: dict[tuple[str, dt.date], int] = {}
    for lk in locked:
        col = Column(lk.start, lk.end, lk.breaks, lk.paid_minutes(shift_rules))
        k = didx.get(lk.day)
        if k is None:
            continue
        keys = [column_key(c) for c in plist[k]]
        if instances or column_key(col) not in keys:
            plist[k].append(col)
            lock_at[(lk.staff_id, lk.day)] = len(plist[k]) - 1
        else:
            lock_at[(lk.staff_id, lk.day)] = keys.index(column_key(col))
    return plist, lock_at


def _assignments(model: cp_model.CpModel, people: Sequence[StaffMember],
                 needs: Sequence[DayNeed], plist: Sequence[Sequence[Column]],
                 lock_at: Mapping[tuple[str, dt.date], int]
                 ) -> tuple[dict[tuple[int, int, int], cp_model.IntVar], set[tuple[int, int, int]]]:
    """One yes/no variable per (person, day, shape) the person is available for; a locked
    person-day has only its locked shape, fixed to 1 (the second value: those variables)."""
    assign: dict[tuple[int, int, int], cp_model.IntVar] = {}
    locked_vars: set[tuple[int, int, int]] = set()
    for e, p in enumerate(people):
        for k, nd in enumerate(needs):
            lk_j = lock_at.get((p.staff_id, nd.day))
            for j, c in enumerate(plist[k]):
                if lk_j is not None and j != lk_j:
                    continue
                if any(u.day == nd.day and c.start < u.end_minute and u.start_minute < c.end
                       for u in p.unavailable):
                    continue
                v = model.new_bool_var(f"work_{p.staff_id}_{nd.day:%m%d}_{j}")
                assign[(e, k, j)] = v
                if lk_j is not None:
                    model.add(v == 1)
                    locked_vars.add((e, k, j))
    return assign, locked_vars


def _cover_rows(model: cp_model.CpModel, needs: Sequence[DayNeed],
                plist: Sequence[Sequence[Column]],
                assign: Mapping[tuple[int, int, int], cp_model.IntVar], instances: bool
                ) -> tuple[dict[tuple[int, int], cp_model.IntVar], list[cp_model.LinearExprT],
                           list[cp_model.LinearExprT]]:
    """Cover per cell with a shortage variable (staff short); the shortage terms (staff
    minutes) and each day's paid minutes. With ``instances`` each shape is one shift."""
    cover = [[c.on_duty(nd) for c in pl] for nd, pl in zip(needs, plist)]
    short: dict[tuple[int, int], cp_model.IntVar] = {}
    short_terms: list[cp_model.LinearExprT] = []
    paid_by_day: list[cp_model.LinearExprT] = []
    for k, nd in enumerate(needs):
        by_col: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for (e, kk, j), v in assign.items():
            if kk == k:
                by_col[j].append(v)
        if instances:
            for vs in by_col.values():
                model.add(sum(vs) <= 1)
        for cell in range(len(nd.need)):
            if not nd.need[cell]:
                continue
            sv = model.new_int_var(0, int(nd.need[cell]), f"short_{nd.day:%m%d}_{cell}")
            short[(k, cell)] = sv
            model.add(sum(v for j, vs in by_col.items() if cover[k][j][cell] for v in vs) + sv
                      >= int(nd.need[cell]))
            short_terms.append(nd.cell * sv)
        paid_by_day.append(sum(plist[k][j].paid * v for j, vs in by_col.items() for v in vs))
    return short, short_terms, paid_by_day


def _days_worked(model: cp_model.CpModel, ws: Sequence[cp_model.IntVar | int],
                 labour: LabourRules, before: int) -> None:
    """Days per week and days in a row; ``ws`` says per calendar day whether the person
    works (0 on a day without a need), ``before`` the days in a row worked before the week."""
    model.add(sum(ws) <= labour.max_days_per_week)
    mx = labour.max_consecutive_days
    padded = [1] * min(before, mx) + list(ws)
    for s0 in range(0, len(padded) - mx):
        window = padded[s0:s0 + mx + 1]
        fixed = sum(1 for v in window if isinstance(v, int) and v)
        vars_ = [v for v in window if not isinstance(v, int)]
        if vars_:
            model.add(sum(vars_) <= mx - fixed)


def _contract_hours(model: cp_model.CpModel, e: int, p: StaffMember,
                    plist: Sequence[Sequence[Column]],
                    assign: Mapping[tuple[int, int, int], cp_model.IntVar]
                    ) -> list[tuple[cp_model.IntVar, int]]:
    """The contract's maximum paid minutes (hard) and minimum (soft: the minutes under it)."""
    paid = sum(plist[k][j].paid * v for (ee, k, j), v in assign.items() if ee == e)
    model.add(paid <= int(p.max_hours_week * 60))
    lo = int(p.min_hours_week * 60)
    if not lo:
        return []
    under = model.new_int_var(0, lo, f"under_{p.staff_id}")
    model.add(paid + under >= lo)
    return [(under, 2)]


def _rest(model: cp_model.CpModel, e: int, p: StaffMember, needs: Sequence[DayNeed],
          pools: Sequence[Sequence[Column]], assign: Mapping[tuple[int, int, int], cp_model.IntVar],
          works: Mapping[tuple[int, int], cp_model.IntVar], labour: LabourRules) -> None:
    """At least ``min_rest`` minutes between the end of one day's shift and the next day's start."""
    for k in range(len(needs) - 1):
        if (needs[k + 1].day - needs[k].day).days != 1:
            continue
        a = [(pools[k][j], v) for (ee, kk, j), v in assign.items() if ee == e and kk == k]
        b = [(pools[k + 1][j], v) for (ee, kk, j), v in assign.items() if ee == e and kk == k + 1]
        if not a or not b:
            continue
        if 1440 + min(c.start for c, _ in b) - max(c.end for c, _ in a) >= labour.min_rest:
            continue
        end = sum(c.end * v for c, v in a)
        start = sum(c.start * v for c, v in b)
        model.add(1440 + start - end >= labour.min_rest).only_enforce_if(
            [works[(e, k)], works[(e, k + 1)]])


def _preferences(model: cp_model.CpModel, e: int, p: StaffMember, needs: Sequence[DayNeed],
                 pools: Sequence[Sequence[Column]],
                 assign: Mapping[tuple[int, int, int], cp_model.IntVar],
                 works: Mapping[tuple[int, int], cp_model.IntVar]) -> list[tuple[cp_model.IntVar, int]]:
    """Soft terms: days off wished, early/late wishes, an isolated day off."""
    out: list[tuple[cp_model.IntVar, int]] = []
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    for pref in p.preferences:
        if pref.startswith("off:"):
            what = pref[4:]
            for k, nd in enumerate(needs):
                if what in (nd.day.isoformat(), names[nd.day.weekday()]):
                    out.append((works[(e, k)], 30))
        elif pref in ("early", "late"):
            for (ee, k, j), v in assign.items():
                c = pools[k][j]
                if ee == e and (c.start >= 11 * 60 if pref == "early" else c.end <= 17 * 60):
                    out.append((v, 6))
    for k in range(1, len(needs) - 1):
        iso = model.new_bool_var(f"isolated_off_{p.staff_id}_{k}")
        model.add(iso >= works[(e, k - 1)] + works[(e, k + 1)] - works[(e, k)] - 1)
        out.append((iso, 4))
    return out


def _fairness(model: cp_model.CpModel, people: Sequence[StaffMember], needs: Sequence[DayNeed],
              pools: Sequence[Sequence[Column]],
              assign: Mapping[tuple[int, int, int], cp_model.IntVar],
              works: Mapping[tuple[int, int], cp_model.IntVar],
              day_kinds: Mapping[dt.date, str], vip_counters: int) -> list[tuple[cp_model.IntVar, int]]:
    """Soft terms: most weekend days and late shifts of anyone; a VIP-skilled person each day."""
    out: list[tuple[cp_model.IntVar, int]] = []
    if not people:
        return out
    # weekend days are the calendar's (day kinds), not a fixed Saturday and Sunday
    weekend = [k for k, nd in enumerate(needs) if day_kinds[nd.day] in ("weekend", "holiday")]
    if weekend:
        most = model.new_int_var(0, len(weekend), "max_weekend_days")
        for e in range(len(people)):
            model.add(sum(works[(e, k)] for k in weekend) <= most)
        out.append((most, 20))
    most_late = model.new_int_var(0, len(needs), "max_late_shifts")
    for e in range(len(people)):
        model.add(sum(v for (ee, k, j), v in assign.items() if ee == e and pools[k][j].end >= 19 * 60)
                  <= most_late)
    out.append((most_late, 10))
    vip = [e for e, p in enumerate(people) if "vip" in p.skills]
    if vip_counters and vip:
        for k, nd in enumerate(needs):
            miss = model.new_bool_var(f"no_vip_{nd.day:%m%d}")
            model.add(sum(works[(e, k)] for e in vip) + miss >= 1)
            out.append((miss, 500))
    return out


def solve(model: cp_model.CpModel, variables: RosterVars, needs: Sequence[DayNeed], *,
          det_time: float, wall: float, seed: int = 0,
          bound_by_day: Sequence[float | None] = (),
          hint: Mapping[tuple[int, int, int], int] | None = None,
          rounds: Sequence[int] = (0, 1, 2)
          ) -> tuple[dict[tuple[int, int, int], int], bool, bool]:
    """Optimise in rounds: staff-minutes short, then paid minutes, then soft goals.

    Each round fixes the value the previous one reached and starts from the
    best assignment so far (``hint`` is a feasible assignment, e.g. the
    greedy one; when it leaves no shortage the first round is skipped).
    ``bound_by_day`` (proven per-day bounds of full cover) is added as valid
    cuts once the shortage is 0. A round not in ``rounds`` keeps the hint's
    value of its objective. Returns (assignment values, found a roster,
    wall limit hit).
    """
    budget = det_time
    best_values: dict[tuple[int, int, int], int] = dict(hint or {})
    have = bool(hint) or not variables.assign
    wall_hit = False
    short_best = variables.evaluate(needs, best_values)[0] if have else None
    full_hint = _complete(model, variables, best_values, seed) if hint else None
    if hint and full_hint is None:  # the start breaks a rule: search from scratch
        have, short_best, best_values = False, None, {}
    shares = (0.4, 0.5, 0.1)
    objectives = [variables.short_minutes, variables.paid_minutes,
                  sum(c * v for v, c in variables.soft)]
    for r, (share, obj) in enumerate(zip(shares, objectives)):
        if r not in rounds and have and r < 2:
            model.add(obj <= variables.evaluate(needs, best_values)[r])
            continue
        if r == 0 and short_best == 0:
            model.add(variables.short_minutes == 0)
            continue
        if r == 1 and short_best == 0:
            for expr, b in zip(variables.paid_by_day, bound_by_day):
                if b is not None:
                    model.add(expr >= math.ceil(b - 1e-6))
        model.clear_hints()
        if full_hint is not None:  # every variable: CP-SAT takes a complete feasible hint at once
            model.proto.solution_hint.vars.extend(range(len(full_hint)))
            model.proto.solution_hint.values.extend(full_hint)
        model.minimize(obj)
        # soft goals get their own share only; time the first rounds leave goes to paid minutes
        limit = det_time * share if r == 2 else budget - det_time * shares[2]
        s = _solver(limit, wall, seed)
        code = s.solve(model)
        budget = max(budget - s.deterministic_time, 0.0)
        stopped_by_wall = s.wall_time >= s.parameters.max_time_in_seconds * 0.98
        if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            wall_hit = wall_hit or stopped_by_wall
            if not have:
                break
            # keep the start's value of this objective: later rounds may not undo it
            if r < 2:
                model.add(obj <= variables.evaluate(needs, best_values)[r])
            continue
        wall_hit = wall_hit or (code == cp_model.FEASIBLE and stopped_by_wall)
        best_values = {k: int(s.value(v)) for k, v in variables.assign.items()}
        full_hint = [int(x) for x in s.response_proto.solution]
        if r == 0:
            short_best = int(round(s.objective_value))
        have = True
        model.add(obj <= int(round(s.objective_value)))
    return best_values, have, wall_hit


def name_staff_mip(variables: RosterVars, needs: Sequence[DayNeed], people: Sequence[StaffMember],
                   days: Sequence[dt.date], labour: LabourRules,
                   history: Mapping[str, int] | None, *, node_limit: int, wall: float,
                   instances: bool = True
                   ) -> tuple[dict[tuple[int, int, int], int] | None, bool]:
    """Name staff on the day's shifts by MIP (HiGHS): staff-minutes short first, then paid minutes.

    The same hard rules as :func:`build_model` (its ``assign`` keys are the
    variables): each shift at most one person (``instances``: the pools list
    shifts; else shapes any number of people may take), one shift a person a day,
    cover per cell with shortage, days per week and in a row, contract
    maximum, rest (for each shift end ``t`` on a day, the shifts ending at
    ``t`` or later and the next day's shifts starting before ``t + min_rest``
    exclude each other), locks. One thread and a node limit keep the result
    independent of the machine's speed; ``wall`` seconds is a safety.
    Returns (assignment or ``None``, wall limit hit).
    """
    keys = sorted(variables.assign)
    index = {key: i for i, key in enumerate(keys)}
    cells = [(k, c) for k, nd in enumerate(needs) for c in range(len(nd.need)) if nd.need[c]]
    nx, nv = len(keys), len(keys) + len(cells)
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    lo: list[float] = []
    hi: list[float] = []

    def row(items: Sequence[tuple[int, float]], low: float, high: float) -> None:
        r = len(lo)
        for i, v in items:
            rows.append(r)
            cols.append(i)
            vals.append(v)
        lo.append(low)
        hi.append(high)

    by_inst: dict[tuple[int, int], list[int]] = defaultdict(list)
    by_pd: dict[tuple[int, int], list[int]] = defaultdict(list)
    for i, (e, k, j) in enumerate(keys):
        by_inst[(k, j)].append(i)
        by_pd[(e, k)].append(i)
    for ids in by_inst.values() if instances else ():
        row([(i, 1.0) for i in ids], -np.inf, 1.0)
    for ids in by_pd.values():
        row([(i, 1.0) for i in ids], -np.inf, 1.0)
    cover = [[c.on_duty(nd) for c in pl] for nd, pl in zip(needs, variables.pools)]
    for u, (k, c) in enumerate(cells):
        items = [(index[key], 1.0) for key in keys if key[1] == k and cover[k][key[2]][c]]
        row(items + [(nx + u, 1.0)], float(needs[k].need[c]), np.inf)
    for e, p in enumerate(people):
        _person_rows(row, e, p, keys, by_pd, variables.pools, needs, days, labour,
                     (history or {}).get(p.staff_id, 0))
    cost = np.zeros(nv)
    cost[:nx] = [variables.pools[k][j].paid for _, k, j in keys]
    cost[nx:] = [1000.0 * needs[k].cell for k, _ in cells]
    low = np.zeros(nv)
    for key in variables.locked:
        low[index[key]] = 1.0
    high = np.r_[np.ones(nx), np.full(len(cells), np.inf)]
    a = sparse.csr_array((vals, (rows, cols)), shape=(len(lo), nv))
    t0 = time.perf_counter()
    with warnings.catch_warnings():  # HiGHS options scipy does not list are passed on verbatim
        warnings.simplefilter("ignore")
        res = milp(cost, integrality=np.r_[np.ones(nx), np.zeros(len(cells))],
                   bounds=Bounds(low, high), constraints=LinearConstraint(a, lo, hi),
                   options={"time_limit": wall, "node_limit": node_limit, "mip_rel_gap": 1e-6,
                            "threads": 1, "random_seed": 0})
    wall_hit = time.perf_counter() - t0 >= wall * 0.98
    if res.x is None:
        return None, wall_hit
    return {key: int(round(res.x[i])) for i, key in enumerate(keys)}, wall_hit


def _person_rows(row: Callable[[Sequence[tuple[int, float]], float, float], None], e: int,
                 p: StaffMember, keys: Sequence[tuple[int, int, int]],
                 by_pd: Mapping[tuple[int, int], list[int]],
                 pools: Sequence[Sequence[Column]], needs: Sequence[DayNeed],
                 days: Sequence[dt.date], labour: LabourRules, before: int) -> None:
    """:func:`name_staff_mip`'s rows of person ``e``: days per week, contract maximum (paid
    minutes), days in a row (``before`` worked before the week) and rest between days."""
    mine = [i for i, key in enumerate(keys) if key[0] == e]
    row([(i, 1.0) for i in mine], -np.inf, float(labour.max_days_per_week))
    row([(i, float(pools[keys[i][1]][keys[i][2]].paid)) for i in mine], -np.inf,
        float(int(p.max_hours_week * 60)))
    didx = {nd.day: k for k, nd in enumerate(needs)}
    mx = labour.max_consecutive_days
    padded: list[int | None] = [None] * min(before, mx) + [didx.get(d, -1) for d in days]
    for s0 in range(0, len(padded) - mx):
        window = padded[s0:s0 + mx + 1]
        fixed = sum(1 for w in window if w is None)
        items = [(i, 1.0) for w in window if w is not None and w >= 0
                 for i in by_pd.get((e, w), [])]
        if items:
            row(items, -np.inf, float(mx - fixed))
    for k in range(len(needs) - 1):
        if (needs[k + 1].day - needs[k].day).days != 1:
            continue
        today = [(i, pools[k][keys[i][2]]) for i in by_pd.get((e, k), [])]
        nxt = [(i, pools[k + 1][keys[i][2]]) for i in by_pd.get((e, k + 1), [])]
        for t in sorted({c.end for _, c in today}):
            late = [i for i, c in today if c.end >= t]
            early = [i for i, c in nxt if 1440 + c.start - t < labour.min_rest]
            if early:
                row([(i, 1.0) for i in late + early], -np.inf, 1.0)


def _best_shapes(cover: CoverLP, week_columns: Sequence[Column], week_values: np.ndarray,
                 size: int = 30) -> list[Column]:
    """Shapes worth naming staff on: both LPs' support and the covering LP's least reduced costs."""
    support = [c for c, v in zip(week_columns, week_values) if v > 1e-7]
    support += [c for c, v in zip(cover.columns, cover.values) if v > 1e-7]
    order = np.argsort(cover.reduced_costs, kind="stable")[:size]
    return list(dict.fromkeys(support + [cover.columns[j] for j in order]))


def _complete(model: cp_model.CpModel, variables: RosterVars,
              values: Mapping[tuple[int, int, int], int], seed: int) -> list[int] | None:
    """Every variable's value for an assignment (a complete hint), or ``None`` if it breaks a rule."""
    m = model.clone()
    for key, v in variables.assign.items():
        m.add(m.get_bool_var_from_proto_index(v.index) == int(values.get(key, 0)))
    s = _solver(1.0, 30.0, seed)
    if s.solve(m) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return [int(x) for x in s.response_proto.solution]


# ------------------------------------------------------------------ the whole week
def plan_week(hall: Hall, staff: Sequence[StaffMember], required: pd.DataFrame,
              day_kinds: Mapping[dt.date, str], shift_rules: ShiftRules, labour: LabourRules, *,
              slot_minutes: int = 15, locked: Sequence[Shift] = (),
              history: Mapping[str, int] | None = None,
              time_limit_s: float = DEFAULT_TIME_LIMIT_S, seed: int = 0,
              progress: Progress | None = None,
              calendar: HallCalendar | None = None) -> ScheduleResult:
    """Roster a hall-week from its requirements.

    Parameters
    ----------
    hall:
        The hall (opening hours, physical counters, VIP counters).
    staff:
        The hall's staff.
    required:
        ``interval_start, required``: counters needed per interval of
        ``slot_minutes`` minutes.
    day_kinds:
        Kind of each day of the week (its keys are the week).
    shift_rules, labour:
        Rules.
    slot_minutes:
        Planning slot, minutes (policy ``interval_minutes``: 5, 10, 15, 30, 60).
    locked:
        Shifts a manager fixed (kept as they are; exact duplicates count once).
    history:
        Consecutive days each person worked before the week.
    time_limit_s:
        Work budget of the CP-SAT solves in deterministic seconds (about
        wall seconds on an idle core, several times more on a loaded one);
        the wall-clock safety limit of each solver call is
        ``max(3 * time_limit_s, 30)`` seconds.
    seed:
        Solver seed.
    progress:
        Callback ``(fraction, message)``.
    calendar:
        The hall's calendar: each day's opening hours (China's by default);
        the weekend of the fairness goal is the days ``day_kinds`` calls
        ``weekend`` or ``holiday`` (the calendar's kinds).

    Raises
    ------
    ValueError
        A locked shift breaks a rule (the message names the lock and the rule).
    """
    t_start = time.perf_counter()
    wall = max(3 * time_limit_s, 30.0)  # per solver call
    say = progress or (lambda f, m: None)
    locks = check_locks(locked, staff, hall, day_kinds, shift_rules, labour, slot_minutes, history,
                        calendar)
    needs = day_needs(hall, staff, required, day_kinds, shift_rules, labour, slot_minutes, calendar)
    lk_cols = [[Column(s.start, s.end, s.breaks, s.paid_minutes(shift_rules))
                for s in locks if s.day == nd.day] for nd in needs]
    covers, integer = _cover_days(needs, lk_cols, shift_rules, wall, say)
    say(0.4, "covering the week within the staff's hours and days")
    wlp = week_lp(needs, staff, shift_rules, labour, short_weight=SLACK_COST, paid_weight=1.0,
                  seed_columns=[c.columns for c in covers])
    # the MIP's shapes: both LPs' support and the covering LP's least reduced costs (all the
    # generated shapes make HiGHS's root node too slow to finish within a node limit)
    union = [list(dict.fromkeys(list(ib.cover) + _best_shapes(c, w, x, size=MIP_SHAPES)))
             for c, w, x, ib in zip(covers, wlp.columns, wlp.values, integer)]
    chosen, mip_wall = week_integer_cover(needs, union, lk_cols, staff, labour, wall=wall,
                                          node_limit=max(int(50 * time_limit_s), 50))
    if not locks:
        chosen = _cheaper_week(needs, chosen, [list(ib.cover) for ib in integer], staff, labour)
    say(0.55, "naming staff on the shifts")
    named = _name_week(needs, chosen, covers, wlp, integer, staff, day_kinds, shift_rules,
                       labour, locks, history, hall, time_limit_s=time_limit_s, wall=wall,
                       seed=seed, say=say)
    shifts = [named.variables.pools[k][j].shift(named.people[e].staff_id, needs[k].day)
              for (e, k, j), v in sorted(named.values.items()) if v]
    say(0.9, "roles and checks")
    shifts = assign_roles(shifts, staff, hall, locks)
    staff_minutes = sum(s.paid_minutes(shift_rules) for s in shifts)
    bounds = [ib.minutes for ib in integer]
    bound = None if any(b is None for b in bounds) else float(sum(b for b in bounds if b is not None))
    short = shortfall_frame(shifts, needs)
    short_min = float((short["short"] * short["minutes"]).sum()) if len(short) else 0.0
    unavoidable = named.unavoidable
    if short_min > 0 and unavoidable is None:
        unavoidable = unavoidable_shortfall(needs, staff, shift_rules, labour,
                                            seed_columns=[c.columns for c in covers])
    unavoidable = min(unavoidable or 0.0, short_min)
    status = _week_status(named.found, named.wall_hit or mip_wall or named.mip_wall, short_min,
                          bound, staff_minutes)
    over = over_counters_staff_minutes(needs, hall.counters)
    binding = _binding(needs, short, short_min, unavoidable, over, staff, hall, shift_rules)
    say(1.0, "done")
    return ScheduleResult(shifts=shifts, staff_minutes=int(staff_minutes), lower_bound_minutes=bound,
                          status=status, solve_seconds=time.perf_counter() - t_start,
                          shortfall=short, over_counters_staff_minutes=over,
                          unavoidable_shortfall_staff_minutes=float(unavoidable),
                          slot_minutes=slot_minutes, binding=binding, needs=needs, covers=covers,
                          integer_bounds=integer)


def _cover_days(needs: Sequence[DayNeed], lk_cols: Sequence[Sequence[Column]],
                shift_rules: ShiftRules, wall: float, say: Progress
                ) -> tuple[list[CoverLP], list[IntegerBound]]:
    """Each day's covering LP and integer bound (staff-minutes); ``wall``: seconds per solve.

    Days with the same need (and the same locked shapes) share the LP and the bound.
    """
    covers: list[CoverLP] = []
    integer: list[IntegerBound] = []
    done: dict[object, tuple[CoverLP, IntegerBound]] = {}
    for k, nd in enumerate(needs):
        say(0.05 + 0.35 * k / max(len(needs), 1), f"covering {nd.day:%a %d %b}")
        same = (tuple(nd.need), nd.start, nd.cell, nd.people, tuple(map(column_key, lk_cols[k])))
        if same not in done:
            lp = cover_lp(nd, shift_rules, seed_columns=lk_cols[k])
            done[same] = (lp, integer_bound(nd, shift_rules, lp, node_limit=DAY_MIP_NODES,
                                            wall=wall))
        lp, ib = done[same]
        covers.append(replace(lp, day=nd.day))
        integer.append(replace(ib, day=nd.day))
    return covers, integer


@dataclass(frozen=True)
class _Named:
    """Staff named on the week's shifts: the assignment, its variables and how it went."""

    values: dict[tuple[int, int, int], int]
    variables: RosterVars
    people: list[StaffMember]
    found: bool
    wall_hit: bool
    mip_wall: bool
    unavoidable: float | None
    """The unavoidable shortfall (staff-minutes) when it had to be computed, else ``None``."""


def _name_week(needs: Sequence[DayNeed], chosen: Sequence[Sequence[Column]],
               covers: Sequence[CoverLP], wlp: WeekLP, integer: Sequence[IntegerBound],
               staff: Sequence[StaffMember], day_kinds: Mapping[dt.date, str],
               shift_rules: ShiftRules, labour: LabourRules, locks: Sequence[Shift],
               history: Mapping[str, int] | None, hall: Hall, *, time_limit_s: float,
               wall: float, seed: int, say: Progress) -> _Named:
    """Name staff on the chosen shifts (greedy start, MIP when short, CP-SAT); when that
    leaves a shortfall beyond the unavoidable one, retry by MIP on a wider choice of shapes.

    ``time_limit_s``: deterministic seconds of CP-SAT; ``wall``: seconds per solver call.
    """
    model, variables = build_model(needs, chosen, staff, day_kinds, shift_rules, labour,
                                   locked=locks, history=history, vip_counters=hall.vip_counters,
                                   instances=True)
    people = [p for p in staff if eligible(p)]
    node_limit = max(int(50 * time_limit_s), 50)
    hint = _greedy_hint(variables, needs, people, labour, history)
    rounds: tuple[int, ...] = (0, 1, 2)
    mip_wall = False
    if variables.evaluate(needs, hint)[0] > 0:  # the greedy start is short: name by MIP
        named, mip_wall = name_staff_mip(variables, needs, people, sorted(day_kinds), labour,
                                         history, node_limit=node_limit, wall=wall)
        if named is not None and variables.evaluate(needs, named) <= variables.evaluate(needs, hint):
            hint, rounds = named, (2,)  # shortage and paid minutes are the MIP's (lexicographic)
    values, found, wall_hit = solve(model, variables, needs, det_time=time_limit_s * 0.85,
                                    wall=wall, seed=seed,
                                    bound_by_day=_pool_cuts([ib.minutes for ib in integer],
                                                            integer, variables.pools),
                                    hint=hint, rounds=rounds)
    unavoidable: float | None = None
    short_now = variables.evaluate(needs, values)[0] if found else math.inf
    if short_now > 0:
        unavoidable = unavoidable_shortfall(needs, staff, shift_rules, labour,
                                            seed_columns=[c.columns for c in covers])
    if short_now > (unavoidable or 0.0):
        # the week's shifts could not all be named: name staff on a wider choice of shapes
        say(0.8, "naming staff on more shift shapes")
        wide = [list(dict.fromkeys(list(chosen[k]) + _best_shapes(covers[k], wlp.columns[k],
                                                                   wlp.values[k])))
                for k in range(len(needs))]
        _, wide_vars = build_model(needs, wide, staff, day_kinds, shift_rules, labour,
                                   locked=locks, history=history, vip_counters=hall.vip_counters)
        named, named_wall = name_staff_mip(wide_vars, needs, people, sorted(day_kinds), labour,
                                           history, node_limit=node_limit, wall=wall,
                                           instances=False)
        mip_wall = mip_wall or named_wall
        if named is not None and (wide_vars.evaluate(needs, named)
                                  < variables.evaluate(needs, values)):
            values, variables, found = named, wide_vars, True
    return _Named(values, variables, people, found, wall_hit, mip_wall, unavoidable)


def _week_status(found: bool, wall_hit: bool, short_min: float, bound: float | None,
                 staff_minutes: float) -> SolverStatus:
    """The roster's status: no roster, a wall-clock limit hit, proved optimal (nothing short
    and the paid staff-minutes at the integer bound) or feasible."""
    if not found:
        return SolverStatus.NO_ROSTER
    if wall_hit:
        return SolverStatus.WALL_LIMIT
    if short_min == 0 and bound is not None and staff_minutes <= bound + 1e-6:
        return SolverStatus.OPTIMAL
    return SolverStatus.FEASIBLE


def _greedy_hint(variables: RosterVars, needs: Sequence[DayNeed],
                 people: Sequence[StaffMember], labour: LabourRules,
                 history: Mapping[str, int] | None) -> dict[tuple[int, int, int], int]:
    """A feasible start for CP-SAT: each day's shifts (the pools) handed out day by day.

    Locked shifts go to their people first; every other shift goes, longest
    first, to the person with the fewest days and then paid minutes so far
    among those who may take it (availability, one shift a day, days per week
    and in a row, contract maximum, rest after the day before). A shift
    nobody may take is left out (its cover then counts as short).
    """
    assign = variables.assign
    hist = history or {}
    load = [0] * len(people)
    days_worked = [0] * len(people)
    run = [min(hist.get(p.staff_id, 0), labour.max_consecutive_days) for p in people]
    last_end: list[int | None] = [None] * len(people)
    hint: dict[tuple[int, int, int], int] = {}
    for k in range(len(needs)):
        pool_k = variables.pools[k]
        busy: set[int] = set()
        locked_j = {j for (e, kk, j) in variables.locked if kk == k}
        for e, kk, j in sorted(variables.locked):
            if kk == k:
                hint[(e, k, j)] = 1
                busy.add(e)
                load[e] += pool_k[j].paid
        # the first day continues the run from before the week (the safe reading)
        consecutive = k == 0 or (needs[k].day - needs[k - 1].day).days == 1
        todo = sorted((j for j in range(len(pool_k)) if j not in locked_j),
                      key=lambda j: (-pool_k[j].paid, pool_k[j].start, j))
        for j in todo:
            c = pool_k[j]
            cands = []
            for e, p in enumerate(people):
                if e in busy or (e, k, j) not in assign:
                    continue
                if days_worked[e] >= labour.max_days_per_week or load[e] + c.paid > p.max_hours_week * 60:
                    continue
                prev_end = last_end[e] if consecutive else None
                if prev_end is not None and 1440 + c.start - prev_end < labour.min_rest:
                    continue
                if (run[e] if consecutive else 0) + 1 > labour.max_consecutive_days:
                    continue
                cands.append((days_worked[e], load[e], e))
            if not cands:
                continue
            e = min(cands)[2]
            hint[(e, k, j)] = 1
            busy.add(e)
            load[e] += c.paid
        for e in range(len(people)):
            today = [pool_k[j] for (ee, kk, j), v in hint.items() if ee == e and kk == k and v]
            if today:
                days_worked[e] += 1
                run[e] = (run[e] if consecutive else 0) + 1
                last_end[e] = today[0].end
            else:
                run[e] = 0
                last_end[e] = None
    return hint


def assign_roles(shifts: Sequence[Shift], staff: Sequence[StaffMember], hall: Hall,
                 locked: Sequence[Shift] = ()) -> list[Shift]:
    """Roles: locked shifts keep theirs; a VIP-skilled person on each VIP counter; else ``counter``.

    The ``vip`` role goes to the longest shifts of VIP-skilled staff, at most
    ``hall.vip_counters`` a day.
    """
    people = {p.staff_id: p for p in staff}
    lock_role = {(s.staff_id, s.day, s.start, s.end, s.breaks): s.role for s in locked}
    out: list[Shift] = []
    by_day: dict[dt.date, list[Shift]] = defaultdict(list)
    for s in shifts:
        by_day[s.day].append(s)
    for d in sorted(by_day):
        today = sorted(by_day[d], key=lambda s: (s.start, s.staff_id))
        role = {id(s): lock_role.get((s.staff_id, s.day, s.start, s.end, s.breaks), "counter")
                for s in today}
        taken = sum(1 for s in today if role[id(s)] == "vip")
        free = [s for s in today if (s.staff_id, s.day, s.start, s.end, s.breaks) not in lock_role
                and "vip" in people[s.staff_id].skills]
        for s in sorted(free, key=lambda s: (-(s.end - s.start), s.start, s.staff_id))[
                :max(hall.vip_counters - taken, 0)]:
            role[id(s)] = "vip"
        out.extend(Shift(s.staff_id, s.day, s.start, s.end, s.breaks, role[id(s)]) for s in today)
    return out


def _binding(needs: Sequence[DayNeed], short: pd.DataFrame, short_min: float, unavoidable: float,
             over: float, staff: Sequence[StaffMember], hall: Hall, rules: ShiftRules) -> list[str]:
    """Plain-words reasons the target is not met, with where and how much."""
    out: list[str] = []
    if over:
        worst = max(((int(r), nd.day, nd.start + nd.cell * k) for nd in needs
                     for k, r in enumerate(nd.required)), default=(0, None, 0))
        out.append(f"too few counters: {over:.0f} staff-minutes of need above the hall's "
                   f"{hall.counters} counters (worst {worst[1]:%a} {clock(worst[2])} needs "
                   f"{worst[0]}); the plan opens all {hall.counters}")
    skipped = [p.staff_id for p in staff if not eligible(p)]
    if skipped:
        out.append(f"not rostered on counters (no counter skill): {', '.join(skipped)}")
    if short_min:
        days = sorted({ts.date() for ts in short["interval_start"]})
        cap = sum(p.max_hours_week for p in staff if eligible(p))
        out.append(
            f"too few staff: {short_min:.0f} staff-minutes short on "
            f"{', '.join(f'{d:%a %d}' for d in days)}; at least {unavoidable:.0f} of them no "
            f"roster of these staff can avoid (availability, contract hours {cap:.0f} h, days "
            f"per week); the rest is left by the work limit")
    return out


def counters_plan(shifts: Sequence[Shift], hall: Hall, required: pd.DataFrame,
                  interval_minutes: int | None = None) -> pd.DataFrame:
    """Counters open per interval: staff on duty through the whole interval, at most the counters.

    A counter counts as open for an interval only if its person is on duty
    (present, not on a break) for the whole interval, so ``on_duty`` is the
    fewest staff on duty at any minute of the interval. Staff beyond the
    open counters are on floor duty (guiding, pre-checking documents, the
    emergency counter when the queue grows). Returns ``interval_start,
    required, on_duty, counters_open, floor``.

    Parameters
    ----------
    shifts, hall, required:
        The roster, the hall (counters) and ``interval_start, required``.
    interval_minutes:
        Interval length, minutes; by default the smallest spacing of ``interval_start``
        within a day (15 when there is one interval a day).
    """
    req = required.copy()
    req["interval_start"] = pd.to_datetime(req["interval_start"])
    if interval_minutes is None:
        steps = req.sort_values("interval_start").groupby(req["interval_start"].dt.date)[
            "interval_start"].diff().dropna()
        interval_minutes = int(steps.min().total_seconds() // 60) if len(steps) else 15
    rows = []
    for day, part in req.groupby(req["interval_start"].dt.date):
        # staff on duty at every minute of the day
        per_minute = np.zeros(24 * 60 + interval_minutes, dtype=np.int64)
        for s in shifts:
            if s.day == day:
                per_minute[s.start:s.end] += 1
                for a, b in s.breaks:
                    per_minute[max(a, s.start):min(b, s.end)] -= 1
        starts = (part["interval_start"].dt.hour * 60 + part["interval_start"].dt.minute).to_numpy()
        on = np.array([per_minute[m:m + interval_minutes].min() for m in starts], dtype=np.int64)
        need = part["required"].to_numpy()
        open_c = np.minimum(on, hall.counters)
        rows.append(pd.DataFrame({"interval_start": part["interval_start"].to_numpy(),
                                  "required": need, "on_duty": on, "counters_open": open_c,
                                  "floor": on - open_c}))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(
        columns=["interval_start", "required", "on_duty", "counters_open", "floor"])
