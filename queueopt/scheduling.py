"""Flexible shifts, a named roster and a counter-opening plan.

Two stages, because a whole-week covering model with named staff does not
close its gap on two cores in minutes (measured: ``shared/DOMAIN.md``) while
its pieces solve in seconds:

1. **Shift covering, one model per day** (PuLP + CBC). Shift templates start
   on every ``start_step`` inside the day's working window and last
   ``min_length`` to ``max_length`` in 30-minute steps. Breaks are placed
   *implicitly* (Aykin, "Optimal shift scheduling with multiple break
   windows", Management Science 1996): a template's meal break and short
   break each have a window of start times, disjoint so they never overlap,
   and integer variables say how many shifts of the template take each
   position, so the model puts breaks where the queue allows. Coverage
   (staff on duty, not on break) must reach the requirement (capped at the
   physical counters) and the minimum staff on duty; unmet cover is penalised
   slack. Its LP relaxation is the lower bound on staff-hours.
2. **Named roster over the week** (OR-Tools CP-SAT). The day's shifts are
   assigned to people: availability and leave, contract hours, at most N days
   a week and M in a row, 11 h rest, skills (a VIP-skilled person on every
   day with a VIP counter, a floor guide at the peak), locked assignments,
   and soft goals: preferences (early, late, day off), two days off
   together, fairness of weekends and late shifts. An unassigned shift is
   penalised slack that becomes the reported shortfall.

The result reports solver status, staff-hours, the LP lower bound and gap,
the shortfall per interval, and which rule binds when the target cannot be met.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd
import pulp
from ortools.sat.python import cp_model

from queueopt.calendar import HallCalendar
from queueopt.model import Hall, LabourRules, ShiftRules, StaffMember
from queueopt.rules import Shift, clock, required_breaks, working_window

SLOT = 15
"""Planning slot, minutes."""
SHORTFALL_PENALTY = 1000.0
"""Cost of one uncovered staff-slot, in paid minutes (covering model)."""

Progress = Callable[[float, str], None]


@dataclass(frozen=True, slots=True)
class DayDemand:
    """What one day needs.

    Parameters
    ----------
    day:
        The date.
    kind:
        Day kind (:data:`queueopt.calendar.DAY_KINDS`).
    start:
        First minute of the working window (opening less the opening cover).
    need:
        Counter staff needed on duty per 15-minute slot from ``start``
        (already capped at the physical counters).
    presence:
        Fewest staff on duty per slot (minimum staff rule, covers).
    """

    day: dt.date
    kind: str
    start: int
    need: npt.NDArray[np.int64]
    presence: npt.NDArray[np.int64]

    @property
    def end(self) -> int:
        """Last minute of the working window."""
        return self.start + SLOT * len(self.need)


@dataclass(frozen=True, slots=True)
class Template:
    """A shift shape with its break windows (minutes since midnight)."""

    start: int
    end: int
    meal_starts: tuple[int, ...]
    short_starts: tuple[int, ...]


@dataclass
class DayCover:
    """Stage 1 result for one day: concrete shifts (times and breaks), bound, status."""

    day: dt.date
    shifts: list[tuple[int, int, tuple[tuple[int, int], ...]]]
    lp_bound_minutes: float
    paid_minutes: float
    status: str
    uncovered_slots: npt.NDArray[np.int64]


@dataclass
class ScheduleResult:
    """A named roster and how good it is.

    ``staff_hours`` are paid hours of the roster; ``lower_bound_hours`` the
    LP bound of the covering models; ``gap = staff_hours / lower_bound - 1``.
    ``shortfall`` has one row per slot with uncovered staff
    (``interval_start, required, on_duty, short``), and ``binding`` says in
    words which rule stops the target being met.
    """

    shifts: list[Shift]
    staff_hours: float
    lower_bound_hours: float
    gap: float
    solver_status: str
    solve_seconds: float
    shortfall: pd.DataFrame
    binding: list[str] = field(default_factory=list)
    unassigned: list[Shift] = field(default_factory=list)

    @property
    def shortfall_staff_minutes(self) -> float:
        """Uncovered staff-minutes over the week."""
        return float(self.shortfall["short"].sum() * SLOT) if len(self.shortfall) else 0.0


# ------------------------------------------------------------------ stage 1
def templates_for(demand: DayDemand, rules: ShiftRules) -> list[Template]:
    """Every shift shape of the day with its break windows.

    Meal window: starts within [middle - 90, middle + 30]; short break of a
    meal shift: [start + break_earliest, middle - 90 - short_break]; short
    break of a shorter shift: [start + break_earliest, end - break_latest -
    short_break]. All on the 15-minute grid, so breaks never overlap.
    """
    out: list[Template] = []
    lengths = sorted(set(range(rules.min_length, rules.max_length + 1, 30)) | {rules.max_length})
    for s in range(demand.start, demand.end - rules.min_length + 1, rules.start_step):
        for length in lengths:
            e = s + length
            if e > demand.end:
                break
            meal, short = required_breaks(length, rules)
            mid = s + length // 2
            mid -= mid % SLOT
            if meal:
                meal_w = tuple(range(mid - 90, mid + 31, SLOT))
                meal_w = tuple(m for m in meal_w if m >= s + rules.break_earliest
                               and m + rules.meal_break <= e - rules.break_latest)
                short_hi = mid - 90 - rules.short_break
            else:
                meal_w = ()
                short_hi = e - rules.break_latest - rules.short_break
            short_w = tuple(range(s + rules.break_earliest, short_hi + 1, SLOT)) if short else ()
            if (meal and not meal_w) or (short and not short_w):
                continue
            out.append(Template(s, e, meal_w, short_w))
    return out


def solve_day(demand: DayDemand, rules: ShiftRules, *, max_shifts: int,
              locked: Sequence[tuple[int, int]] = (), time_limit_s: float = 4.0,
              gap_rel: float = 0.005) -> DayCover:
    """Cover one day's need with the fewest paid minutes (PuLP/CBC).

    Parameters
    ----------
    demand:
        The day's need and presence per slot.
    rules:
        Shift and break rules.
    max_shifts:
        People available that day (upper bound on shifts).
    locked:
        (start, end) of shifts that must be in the cover (manager's locks).
    time_limit_s:
        CBC time limit, seconds.
    gap_rel:
        Relative MIP gap at which CBC stops.
    """
    temps = templates_for(demand, rules)
    for a, b in locked:  # a locked shape must be available as a template
        if not any(t.start == a and t.end == b for t in temps):
            meal, short = required_breaks(b - a, rules)
            mid = a + (b - a) // 2
            mid -= mid % SLOT
            temps.append(Template(a, b, (mid,) if meal else (),
                                  (a + rules.break_earliest,) if short else ()))
    n = len(demand.need)
    slot_min = demand.start + SLOT * np.arange(n)
    need = np.maximum(demand.need, demand.presence)

    def build(relax: bool) -> tuple[pulp.LpProblem, list[pulp.LpVariable], dict[tuple[int, str, int], pulp.LpVariable], list[pulp.LpVariable]]:
        cat = "Continuous" if relax else "Integer"
        prob = pulp.LpProblem(f"cover_{demand.day:%Y%m%d}", pulp.LpMinimize)
        x = [pulp.LpVariable(f"x_{j}", 0, max_shifts, cat) for j in range(len(temps))]
        y: dict[tuple[int, str, int], pulp.LpVariable] = {}
        cover: dict[int, list[tuple[pulp.LpVariable, float]]] = defaultdict(list)
        for j, t in enumerate(temps):
            for k in range(n):
                if t.start <= slot_min[k] < t.end:
                    cover[k].append((x[j], 1.0))
            for kind, starts, length in (("m", t.meal_starts, rules.meal_break),
                                         ("s", t.short_starts, rules.short_break)):
                if not starts:
                    continue
                vs = []
                for b in starts:
                    v = pulp.LpVariable(f"y_{j}_{kind}_{b}", 0, max_shifts, cat)
                    y[(j, kind, b)] = v
                    vs.append(v)
                    for k in range(n):
                        if b <= slot_min[k] < b + length:
                            cover[k].append((v, -1.0))
                prob += pulp.lpSum(vs) == x[j], f"breaks_{j}_{kind}"
        u = [pulp.LpVariable(f"u_{k}", 0) for k in range(n)]
        for k in range(n):
            prob += pulp.LpAffineExpression(cover[k]) + u[k] >= float(need[k]), f"cover_{k}"
        prob += pulp.lpSum(x) <= max_shifts, "people"
        for a, b in locked:
            idx = [j for j, t in enumerate(temps) if t.start == a and t.end == b]
            prob += pulp.lpSum(x[j] for j in idx) >= sum(1 for q in locked if q == (a, b)), f"lock_{a}_{b}"
        paid = pulp.lpSum((t.end - t.start - (rules.meal_break if t.meal_starts else 0)) * x[j]
                          for j, t in enumerate(temps))
        prob += paid + SHORTFALL_PENALTY * pulp.lpSum(u)
        return prob, x, y, u

    lp, _, _, u_lp = build(relax=True)
    lp.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit_s))
    lp_obj = pulp.value(lp.objective) or 0.0
    lp_short = sum((v.value() or 0.0) for v in u_lp)
    bound = lp_obj - SHORTFALL_PENALTY * lp_short
    prob, x, y, u = build(relax=False)
    prob.solve(pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit_s, gapRel=gap_rel, threads=2))
    # PuLP's status says "Optimal" even at the time limit: sol_status tells them apart
    status = {pulp.LpSolutionOptimal: "optimal", pulp.LpSolutionIntegerFeasible: "feasible",
              pulp.LpSolutionNoSolutionFound: "no_solution", pulp.LpSolutionInfeasible: "infeasible",
              pulp.LpSolutionUnbounded: "unbounded"}.get(prob.sol_status, "unknown")
    shifts: list[tuple[int, int, tuple[tuple[int, int], ...]]] = []
    for j, t in enumerate(temps):
        count = int(round(x[j].value() or 0))
        if not count:
            continue
        meals = [b for b in t.meal_starts for _ in range(int(round(y[(j, "m", b)].value() or 0)))]
        shorts = [b for b in t.short_starts for _ in range(int(round(y[(j, "s", b)].value() or 0)))]
        for i in range(count):
            br: list[tuple[int, int]] = []
            if t.meal_starts:
                m = meals[i] if i < len(meals) else t.meal_starts[len(t.meal_starts) // 2]
                br.append((m, m + rules.meal_break))
            if t.short_starts:
                s = shorts[i] if i < len(shorts) else t.short_starts[0]
                br.append((s, s + rules.short_break))
            shifts.append((t.start, t.end, tuple(sorted(br))))
    paid = sum(e - s - rules.meal_break * required_breaks(e - s, rules)[0] for s, e, _ in shifts)
    uncovered = np.array([int(round(v.value() or 0)) for v in u], dtype=np.int64)
    return DayCover(demand.day, shifts, max(bound, 0.0), float(paid), status, uncovered)


# ------------------------------------------------------------------ stage 2
@dataclass
class RosterVars:
    """Variables of the named-roster model."""

    assign: dict[tuple[int, int], cp_model.IntVar]
    instances: list[Shift]
    works: dict[tuple[int, int], cp_model.IntVar]
    unassigned: dict[int, cp_model.IntVar]
    objective_terms: list[tuple[cp_model.LinearExpr, int]]


def build_model(instances: Sequence[Shift], staff: Sequence[StaffMember], days: Sequence[dt.date],
                shift_rules: ShiftRules, labour: LabourRules, *,
                locked: Sequence[Shift] = (), history: Mapping[str, int] | None = None,
                vip_days: Sequence[dt.date] = (), peak_instances: Sequence[int] = (),
                weekend_days: frozenset[int] = frozenset({5, 6})
                ) -> tuple[cp_model.CpModel, RosterVars]:
    """CP-SAT model assigning the day's shifts (``instances``) to named staff.

    ``instances[i].staff_id`` is ignored except for locked ones. Hard rules:
    availability, one shift a day, rest, days per week, consecutive days,
    contract maximum, skills for locked roles, locks. Soft (in the
    objective): unassigned shifts, contract minimum, preferences, split days
    off, weekend and late-shift fairness, a VIP-skilled person each VIP day.
    ``weekend_days`` are the weekday indices (Monday = 0) of the calendar's
    weekend (:attr:`queueopt.calendar.HallCalendar.weekend`).
    """
    model = cp_model.CpModel()
    hist = history or {}
    day_index = {d: i for i, d in enumerate(days)}
    assign: dict[tuple[int, int], cp_model.IntVar] = {}
    unassigned: dict[int, cp_model.IntVar] = {}
    terms: list[tuple[cp_model.LinearExpr, int]] = []
    locked_keys = {(lk.staff_id, lk.day, lk.start, lk.end) for lk in locked}
    for i, sh in enumerate(instances):
        for e, person in enumerate(staff):
            if any(u.day == sh.day and sh.start < u.end_minute and u.start_minute < sh.end
                   for u in person.unavailable):
                continue
            assign[(e, i)] = model.new_bool_var(f"work_{person.staff_id}_{i}")
        unassigned[i] = model.new_bool_var(f"unassigned_{i}")
        model.add(sum(assign[(e, i)] for e in range(len(staff)) if (e, i) in assign)
                  + unassigned[i] == 1)
        terms.append((unassigned[i], 100_000 + 10 * (sh.end - sh.start)))
    # locks: the locked person works the locked instance
    for i, sh in enumerate(instances):
        key = (sh.staff_id, sh.day, sh.start, sh.end)
        if key in locked_keys and sh.role != "__free__":
            e = next((k for k, p in enumerate(staff) if p.staff_id == sh.staff_id), None)
            if e is None or (e, i) not in assign:
                raise ValueError(f"locked shift of {sh.staff_id} on {sh.day} cannot be kept: "
                                 "unknown person or unavailable then")
            model.add(assign[(e, i)] == 1)
    works: dict[tuple[int, int], cp_model.IntVar] = {}
    by_day: dict[dt.date, list[int]] = defaultdict(list)
    for i, sh in enumerate(instances):
        by_day[sh.day].append(i)
    for e, person in enumerate(staff):
        for d in days:
            w = model.new_bool_var(f"works_{person.staff_id}_{d:%m%d}")
            works[(e, day_index[d])] = w
            mine = [assign[(e, i)] for i in by_day.get(d, []) if (e, i) in assign]
            model.add(sum(mine) == w)  # at most one shift a day, w says whether one
        # rest between consecutive days
        for d in days[:-1]:
            nxt = d + dt.timedelta(days=1)
            for i in by_day.get(d, []):
                for j in by_day.get(nxt, []):
                    rest = 24 * 60 + instances[j].start - instances[i].end
                    if rest < labour.min_rest and (e, i) in assign and (e, j) in assign:
                        model.add_bool_or([assign[(e, i)].Not(), assign[(e, j)].Not()])
        ws = [works[(e, k)] for k in range(len(days))]
        model.add(sum(ws) <= labour.max_days_per_week)
        m = labour.max_consecutive_days
        run_before = min(hist.get(person.staff_id, 0), m)
        padded = [1] * run_before + ws
        for start in range(0, len(padded) - m):
            window = padded[start:start + m + 1]
            fixed = sum(1 for v in window if isinstance(v, int))
            vars_ = [v for v in window if not isinstance(v, int)]
            if vars_:
                model.add(sum(vars_) <= m - fixed)
        paid = []
        for d in days:
            for i in by_day.get(d, []):
                if (e, i) in assign:
                    paid.append((assign[(e, i)], instances[i].paid_minutes(shift_rules)))
        paid_expr = sum(v * p for v, p in paid)
        model.add(paid_expr <= int(person.max_hours_week * 60))
        under = model.new_int_var(0, int(person.min_hours_week * 60), f"under_{person.staff_id}")
        model.add(paid_expr + under >= int(person.min_hours_week * 60))
        terms.append((under, 20))
        # preferences
        for pref in person.preferences:
            if pref.startswith("off:"):
                what = pref[4:]
                for k, d in enumerate(days):
                    if what == d.isoformat() or what == ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[d.weekday()]:
                        terms.append((works[(e, k)], 300))
            elif pref in ("early", "late"):
                for i, sh in enumerate(instances):
                    if (e, i) not in assign:
                        continue
                    mismatch = sh.start >= 11 * 60 if pref == "early" else sh.end <= 17 * 60
                    if mismatch:
                        terms.append((assign[(e, i)], 60))
        # two days off together: penalise an isolated day off inside the week
        for k in range(1, len(days) - 1):
            iso = model.new_bool_var(f"isolated_off_{person.staff_id}_{k}")
            # iso >= works[k-1] + works[k+1] - 1 - works[k]  (off on k, on both sides)
            model.add(iso >= works[(e, k - 1)] + works[(e, k + 1)] - works[(e, k)] - 1)
            terms.append((iso, 40))
    # fairness: weekend days and late shifts spread over people
    weekend = [k for k, d in enumerate(days) if d.weekday() in weekend_days]
    if weekend and staff:
        most = model.new_int_var(0, len(weekend), "max_weekend_days")
        for e in range(len(staff)):
            model.add(sum(works[(e, k)] for k in weekend) <= most)
        terms.append((most, 200))
    late = [i for i, sh in enumerate(instances) if sh.end >= 19 * 60]
    if late and staff:
        most_late = model.new_int_var(0, len(days), "max_late_shifts")
        for e in range(len(staff)):
            model.add(sum(assign[(e, i)] for i in late if (e, i) in assign) <= most_late)
        terms.append((most_late, 100))
    # a VIP-skilled person on every day the hall runs a VIP counter
    vip_people = [e for e, p in enumerate(staff) if "vip" in p.skills]
    for d in vip_days:
        k = day_index[d]
        if not vip_people:
            break
        miss = model.new_bool_var(f"no_vip_{d:%m%d}")
        model.add(sum(works[(e, k)] for e in vip_people) + miss >= 1)
        terms.append((miss, 5000))
    # a floor guide (floor skill) on the shifts that cover the day's peak
    floor_people = [e for e, p in enumerate(staff) if "floor" in p.skills]
    for i in peak_instances:
        if not floor_people:
            break
        miss = model.new_bool_var(f"no_floor_{i}")
        model.add(sum(assign[(e, i)] for e in floor_people if (e, i) in assign) + miss >= 1)
        terms.append((miss, 50))
    model.minimize(sum(v * c for v, c in terms))
    return model, RosterVars(assign=assign, instances=list(instances), works=works,
                             unassigned=unassigned, objective_terms=terms)


def solve(model: cp_model.CpModel, variables: RosterVars, staff: Sequence[StaffMember], *,
          time_limit_s: float = 10.0, workers: int = 2, seed: int = 0
          ) -> tuple[list[Shift], list[Shift], str, float]:
    """Solve the named-roster model; returns (shifts, unassigned, status, seconds)."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit_s)
    solver.parameters.num_workers = int(workers)
    solver.parameters.random_seed = int(seed)
    solver.parameters.relative_gap_limit = 0.01  # soft goals only: hours are fixed by stage 1
    t0 = time.perf_counter()
    code = solver.solve(model)
    seconds = time.perf_counter() - t0
    status = solver.status_name(code).lower()
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return [], list(variables.instances), status, seconds
    shifts: list[Shift] = []
    left: list[Shift] = []
    for i, sh in enumerate(variables.instances):
        who = [e for e in range(len(staff)) if (e, i) in variables.assign
               and solver.value(variables.assign[(e, i)])]
        if who:
            shifts.append(Shift(staff[who[0]].staff_id, sh.day, sh.start, sh.end, sh.breaks,
                                sh.role if sh.role != "__free__" else "counter"))
        else:
            left.append(sh)
    return shifts, left, status, seconds


# ------------------------------------------------------------------ the whole week
def plan_week(hall: Hall, staff: Sequence[StaffMember], required: pd.DataFrame,
              day_kinds: Mapping[dt.date, str], shift_rules: ShiftRules, labour: LabourRules, *,
              locked: Sequence[Shift] = (), history: Mapping[str, int] | None = None,
              time_limit_s: float = 18.0, seed: int = 0,
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
        ``interval_start, required`` (counters needed per 15-minute interval).
    day_kinds:
        Kind of each day of the week (its keys are the week).
    shift_rules, labour:
        Rules.
    locked:
        Shifts a manager fixed (kept as they are).
    history:
        Consecutive days each person worked before the week.
    time_limit_s:
        Total time budget, seconds (split between the stages).
    seed:
        Solver seed.
    progress:
        Callback ``(fraction, message)``.
    calendar:
        The hall's calendar: each day's opening hours and the weekend
        (:class:`queueopt.calendar.HallCalendar`); China's by default.
    """
    t_start = time.perf_counter()
    cal = calendar or HallCalendar()
    say = progress or (lambda f, m: None)
    days = sorted(day_kinds)
    req = required.copy()
    req["interval_start"] = pd.to_datetime(req["interval_start"])
    demands: list[DayDemand] = []
    for d in days:
        lo, hi = working_window(hall, d, labour, cal)
        if lo == hi:
            continue
        n = (hi - lo) // SLOT
        slot_start = pd.Timestamp(d) + pd.to_timedelta(lo + SLOT * np.arange(n), unit="min")
        r = req.set_index("interval_start")["required"].reindex(slot_start).fillna(0).to_numpy()
        hours = cal.hours_on(hall, d)
        minute = lo + SLOT * np.arange(n)
        open_now = (minute >= hours.open_minute) & (minute < hours.close_minute)
        need = np.minimum(r, hall.counters).astype(np.int64)
        presence = np.where(open_now, labour.min_staff_on_duty,
                            min(labour.min_staff_on_duty, 1)).astype(np.int64)
        demands.append(DayDemand(d, day_kinds[d], lo, need, presence))
    per_day = max(time_limit_s * 0.35 / max(len(demands), 1), 1.0)
    covers: list[DayCover] = []
    for k, dem in enumerate(demands):
        say(0.05 + 0.5 * k / max(len(demands), 1), f"covering {dem.day:%a %d %b}")
        available = sum(1 for p in staff if not any(u.day == dem.day and u.start_minute == 0
                                                    and u.end_minute >= 24 * 60 for u in p.unavailable))
        lk = [(s.start, s.end) for s in locked if s.day == dem.day]
        covers.append(solve_day(dem, shift_rules, max_shifts=available, locked=lk,
                                time_limit_s=per_day))
    instances: list[Shift] = []
    for cov in covers:
        pool = list(cov.shifts)
        for lkd in [s for s in locked if s.day == cov.day]:
            match = next((p for p in pool if p[0] == lkd.start and p[1] == lkd.end), None)
            if match is not None:
                pool.remove(match)
            instances.append(lkd)
        for a, b, br in pool:
            instances.append(Shift("", cov.day, a, b, br, "__free__"))
    say(0.6, "assigning shifts to staff")
    vip_days = [d for d in days if hall.vip_counters and working_window(hall, d, labour, cal)[0]
                != working_window(hall, d, labour, cal)[1]]
    model, variables = build_model(instances, staff, days, shift_rules, labour, locked=locked,
                                   weekend_days=cal.weekend_set,
                                   history=history, vip_days=vip_days)
    remaining = max(time_limit_s - (time.perf_counter() - t_start), 2.0)
    shifts, left, status, _ = solve(model, variables, staff, time_limit_s=remaining, seed=seed)
    say(0.9, "counter plan and checks")
    shifts = _assign_roles(shifts, staff, hall, demands)
    # staff-hours and the lower bound
    staff_minutes = sum(s.paid_minutes(shift_rules) for s in shifts)
    bound = sum(c.lp_bound_minutes for c in covers)
    gap = (staff_minutes / bound - 1.0) if bound > 0 else 0.0
    shortfall = _shortfall(shifts, demands, required=req)
    stage1 = {c.status for c in covers}
    overall = status if stage1 <= {"optimal"} else f"{status} (covering: {', '.join(sorted(stage1))})"
    binding = _binding(demands, covers, left, staff, hall, shift_rules, req,
                       labour.max_days_per_week)
    say(1.0, "done")
    return ScheduleResult(shifts=shifts, staff_hours=staff_minutes / 60,
                          lower_bound_hours=bound / 60, gap=gap, solver_status=overall,
                          solve_seconds=time.perf_counter() - t_start, shortfall=shortfall,
                          binding=binding, unassigned=left)


def _assign_roles(shifts: list[Shift], staff: Sequence[StaffMember], hall: Hall,
                  demands: Sequence[DayDemand]) -> list[Shift]:
    """Roles: a VIP-skilled person on the VIP counter, floor guides where staff exceed need."""
    people = {p.staff_id: p for p in staff}
    out: list[Shift] = []
    by_day: dict[dt.date, list[Shift]] = defaultdict(list)
    for s in shifts:
        by_day[s.day].append(s)
    for d, today in by_day.items():
        today.sort(key=lambda s: (s.start, s.staff_id))
        roles = {id(s): (s.role if s.role not in ("__free__",) else "counter") for s in today}
        if hall.vip_counters:
            vip = [s for s in today if "vip" in people[s.staff_id].skills]
            for s in sorted(vip, key=lambda s: -(s.end - s.start))[:hall.vip_counters]:
                roles[id(s)] = "vip"
        out.extend(Shift(s.staff_id, s.day, s.start, s.end, s.breaks, roles[id(s)]) for s in today)
    return out


def _on_duty(shifts: Sequence[Shift], day: dt.date, minutes: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    today = [s for s in shifts if s.day == day]
    return np.array([sum(1 for s in today if s.on_duty(int(m))) for m in minutes], dtype=np.int64)


def _shortfall(shifts: Sequence[Shift], demands: Sequence[DayDemand], *, required: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for dem in demands:
        minutes = dem.start + SLOT * np.arange(len(dem.need))
        on = _on_duty(shifts, dem.day, minutes)
        need = np.maximum(dem.need, dem.presence)
        for m, n_need, n_on in zip(minutes, need, on):
            if n_on < n_need:
                rows.append({"interval_start": pd.Timestamp(dem.day) + pd.Timedelta(minutes=int(m)),
                             "required": int(n_need), "on_duty": int(n_on),
                             "short": int(n_need - n_on)})
    return pd.DataFrame(rows, columns=["interval_start", "required", "on_duty", "short"])


def _binding(demands: Sequence[DayDemand], covers: Sequence[DayCover], left: Sequence[Shift],
             staff: Sequence[StaffMember], hall: Hall, rules: ShiftRules,
             required: pd.DataFrame, rules_days: int = 6) -> list[str]:
    """Plain-words reasons the target cannot be met, with where and how much."""
    out: list[str] = []
    over = required[required["required"] > hall.counters]
    if len(over):
        worst = over.loc[over["required"].idxmax()]
        out.append(
            f"too few counters: {len(over)} interval(s) need more than the hall's "
            f"{hall.counters} counters (worst {worst['interval_start']:%a %H:%M} needs "
            f"{int(worst['required'])}); the plan opens all {hall.counters}")
    if left:
        hours = sum(s.paid_minutes(rules) for s in left) / 60
        cap = sum(p.max_hours_week for p in staff)
        need_h = sum(c.paid_minutes for c in covers) / 60
        shift_days = sum(len(c.shifts) for c in covers)
        day_cap = len(staff) * rules_days
        reason = ("contracted maximum hours" if need_h > cap else
                  f"days per week ({shift_days} shifts need more than {len(staff)} people x "
                  f"{rules_days} days = {day_cap})" if shift_days > day_cap else
                  "availability, rest and days-per-week rules")
        days = sorted({s.day for s in left})
        out.append(
            f"too few staff: {len(left)} shift(s), {hours:.1f} paid hours on "
            f"{', '.join(f'{d:%a %d}' for d in days)} could not be staffed; binding: {reason} "
            f"(staff can give {cap:.0f} h, the cover needs {need_h:.0f} h)")
    for c in covers:
        if c.uncovered_slots.sum():
            out.append(f"{c.day:%a %d}: {int(c.uncovered_slots.sum()) * SLOT} staff-minutes "
                       "uncovered even before naming staff (too few people available that day)")
    return out


def counters_plan(shifts: Sequence[Shift], hall: Hall, required: pd.DataFrame) -> pd.DataFrame:
    """Counters open per interval: on-duty staff, at most the physical counters.

    Staff on duty beyond the open counters are on floor duty (guiding,
    pre-checking documents, the emergency counter when the queue grows).
    Returns ``interval_start, required, on_duty, counters_open, floor``.
    """
    req = required.copy()
    req["interval_start"] = pd.to_datetime(req["interval_start"])
    rows = []
    for day, part in req.groupby(req["interval_start"].dt.date):
        minutes = (part["interval_start"].dt.hour * 60 + part["interval_start"].dt.minute).to_numpy()
        on = _on_duty(shifts, day, minutes)
        need = part["required"].to_numpy()
        open_c = np.minimum(on, hall.counters)
        rows.append(pd.DataFrame({"interval_start": part["interval_start"].to_numpy(),
                                  "required": need, "on_duty": on, "counters_open": open_c,
                                  "floor": on - open_c}))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(
        columns=["interval_start", "required", "on_duty", "counters_open", "floor"])
