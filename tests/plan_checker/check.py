"""Check a written plan (``queueopt plan --out DIR``) against its inputs, independently.

:func:`check_plan` reads the data directory (``policy.toml``, ``halls.csv``,
``staff.csv``, optional ``calendar.csv``) and the plan directory
(``summary.json``, ``roster.csv``, ``requirements.csv``, ``counters.csv``),
then:

1. checks every labour and shift rule on ``roster.csv``
   (:mod:`plan_checker.labour`), and that locked shifts are kept (:func:`check_locks`);
2. recomputes cover minute by minute from the roster and the staff-minutes
   short against the requirement capped at the counters and the presence
   rule (:mod:`plan_checker.need`);
3. computes an LP lower bound on paid staff-hours for full cover from the
   policy alone (:mod:`plan_checker.bound`);
4. checks the figures of ``summary.json`` and ``counters.csv`` against those.

It never imports ``queueopt.scheduling``, ``covering``, ``shortage``,
``rules`` or ``plan_summary``; the only package code it uses is the
calendar (which days are holidays is an input, like the requirement).
Units: minutes unless a name says hours.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from plan_checker.bound import DayBound, day_integer_cover, day_lp_bound
from plan_checker.inputs import (
    HallFacts,
    Person,
    Rules,
    read_hall,
    read_rules,
    read_staff,
)
from plan_checker.labour import SOFT_RULES, Context, Finding, check_rules
from plan_checker.need import DayNeed, day_need, read_requirement
from plan_checker.roster import (
    COUNTER_ROLES,
    RosterShift,
    on_duty_count,
    paid_minutes,
    read_roster,
    total_paid_hours,
)

HOURS_TOL = 0.011
"""Tolerance on figures in hours (``summary.json`` rounds them to 2 decimals), hours."""
MINUTES_TOL = 0.5
"""Tolerance on figures in staff-minutes."""


@dataclass(frozen=True, slots=True)
class Cover:
    """Cover recomputed from ``roster.csv`` for the whole week, in staff-minutes.

    ``short`` is the sum over minutes of the staff missing against the
    need: the requirement capped at the counters (served by staff on a
    counter role) and the presence rule (everyone on duty), whichever is
    missing more. ``counter_short`` and ``presence_short`` split it.
    ``over_counters`` sums the requirement above the hall's counters.
    """

    short: int
    counter_short: int
    presence_short: int
    over_counters: int


def day_kinds(data_dir: Path, rules: Rules, week: list[dt.date]
              ) -> dict[dt.date, tuple[str, int]]:
    """Kind of each day and the weekday it follows (the calendar is an input, like the
    requirement): ``holidays`` for the policy's country, its ``weekend`` and ``calendar.csv``."""
    from queueopt.calendar import HallCalendar, country_weekend

    extra_h: set[dt.date] = set()
    extra_w: set[dt.date] = set()
    path = data_dir / "calendar.csv"
    if path.exists():
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                (extra_h if row["kind"].strip() == "holiday" else extra_w).add(
                    dt.date.fromisoformat(row["date"].strip()))
    weekend = rules.weekend if rules.weekend is not None else country_weekend(
        rules.holiday_country)
    cal = HallCalendar.for_policy(rules.holiday_country, weekend,
                                  extra_holidays=frozenset(extra_h),
                                  extra_workdays=frozenset(extra_w))
    return dict(zip(week, zip(cal.day_kinds(week), cal.acts_as_weekdays(week))))


def people_available(rules: Rules, staff: Mapping[str, Person], day: dt.date,
                     window: tuple[int, int] | None) -> int:
    """People who could work a shortest shift inside ``window`` on ``day`` (minutes).

    A person counts when some start on the start-step grid leaves
    ``min_length`` minutes (rounded up to the grid) inside the window clear of
    their unavailability.
    """
    if window is None:
        return 0
    lo, hi = window
    length = -(-rules.min_length // rules.grid) * rules.grid
    step = rules.start_step * rules.grid // math.gcd(rules.start_step, rules.grid)
    starts = range(-(-lo // step) * step, hi - length + 1, step)
    count = 0
    for p in staff.values():
        busy = [(a, b) for d, a, b in p.unavailable if d == day]
        if any(all(s + length <= a or b <= s for a, b in busy) for s in starts):
            count += 1
    return count


def recompute_cover(shifts: list[RosterShift], needs: dict[dt.date, DayNeed],
                    counters: int) -> Cover:
    """Staff-minutes short per kind, from the roster's on-duty minutes (see :class:`Cover`).

    Only minutes inside each day's working window count (as in the plan's definition).
    """
    short = counter_short = presence_short = over = 0
    for d, need in needs.items():
        if need.window is None:  # minutes outside the working window are not counted
            continue
        inside = np.zeros(len(need.required), dtype=bool)
        inside[need.window[0]:need.window[1]] = True
        on_all = on_duty_count(shifts, d)
        on_counter = on_duty_count(shifts, d, COUNTER_ROLES)
        miss_c = np.maximum(need.counter_need - on_counter, 0) * inside
        miss_p = np.maximum(need.presence - on_all, 0) * inside
        short += int(np.maximum(miss_c, miss_p).sum())
        counter_short += int(miss_c.sum())
        presence_short += int(miss_p.sum())
        over += int((np.maximum(need.required - counters, 0) * inside).sum())
    return Cover(short, counter_short, presence_short, over)


@dataclass
class PlanReport:
    """What the checker found on one plan."""

    hall_id: str
    rules: Rules
    hall: HallFacts
    needs: dict[dt.date, DayNeed]
    shifts: list[RosterShift]
    summary: dict[str, Any]
    rule_findings: list[Finding]
    cover: Cover
    staff_hours: float
    day_bounds: dict[dt.date, DayBound]
    figure_findings: list[Finding] = field(default_factory=list)
    staff: Any = None
    _cover_hours: tuple[float | None] | None = None

    @property
    def bound_hours(self) -> float | None:
        """LP bound for full cover (each day rounded up to the cost step), hours; ``None`` if no
        roster can cover."""
        vals = [b.minutes for b in self.day_bounds.values()]
        return None if any(v is None for v in vals) else sum(vals) / 60  # type: ignore[misc]

    def integer_cover_hours(self) -> float | None:
        """Paid hours of integer covers of each day (a valid bound lies at or below it), ``None``
        when some day has none; computed on first use.

        A day's cover is the cheaper of one the checker finds itself (a MIP over its own
        patterns, :func:`plan_checker.bound.day_integer_cover`) and the roster's own shifts
        of that day when they keep every rule and cover that day's need in full.
        """
        if self._cover_hours is None:
            rules_kept = not [f for f in self.rule_findings if f.rule not in SOFT_RULES]
            total: float | None = 0.0
            for d, n in self.needs.items():
                cap = people_available(self.rules, self.staff, d, n.window)
                found = day_integer_cover(self.rules, n.window, n.need, max_shifts=cap)
                mine = [s for s in self.shifts if s.day == d]
                inside = slice(*n.window) if n.window else slice(0, 0)
                if rules_kept and len(mine) <= cap and (
                        on_duty_count(mine, d)[inside] >= n.need[inside]).all():
                    own = float(sum(paid_minutes(s, self.rules) for s in mine))
                    found = own if found is None else min(found, own)
                total = None if total is None or found is None else total + found
            self._cover_hours = (None if total is None else total / 60,)
        return self._cover_hours[0]

    @property
    def lp_hours(self) -> float | None:
        """The plain LP optimum, hours (``None`` if no roster can cover)."""
        vals = [b.lp_minutes for b in self.day_bounds.values()]
        return None if any(v is None for v in vals) else sum(vals) / 60  # type: ignore[misc]

    @property
    def hard_findings(self) -> list[Finding]:
        """Broken rules and wrong figures (soft contract wishes left out)."""
        return [f for f in self.rule_findings + self.figure_findings if f.rule not in SOFT_RULES]

    def describe(self) -> str:
        """One paragraph for a test failure or a report."""
        b = self.bound_hours
        gap = (f"{self.staff_hours / b - 1:.2%}" if b and not self.cover.short else "n/a")
        lines = [(f"{self.hall_id}: {len(self.shifts)} shifts, {self.staff_hours:.2f} paid h, "
                 f"checker LP bound {b if b is None else round(b, 2)} h, true gap {gap}, "
                 f"short {self.cover.short} staff-min (counter {self.cover.counter_short}, "
                 f"presence {self.cover.presence_short}), over counters "
                 f"{self.cover.over_counters}; summary: staff_hours="
                 f"{self.summary.get('staff_hours')}, lower_bound_hours="
                 f"{self.summary.get('lower_bound_hours')}, gap={self.summary.get('gap')}, "
                 f"shortfall={self.summary.get('shortfall_staff_minutes')}")]
        lines += [f"  {f}" for f in self.hard_findings[:25]]
        return "\n".join(lines)


def check_figures(report: PlanReport, counters_rows: list[dict[str, str]] | None = None
                  ) -> list[Finding]:
    """``summary.json`` (and ``counters.csv``) against the recomputed figures."""
    s, out = report.summary, []

    def bad(rule: str, message: str) -> None:
        out.append(Finding(rule, None, None, message))

    for key in ("staff_hours", "lower_bound_hours", "gap", "shortfall_staff_minutes",
                "over_counters_staff_minutes", "unavoidable_shortfall_staff_minutes",
                "solver_status"):
        if key not in s:
            bad("summary_key", f"summary.json has no {key!r}")
    hours = s.get("staff_hours")
    if isinstance(hours, (int, float)) and abs(hours - report.staff_hours) > HOURS_TOL:
        bad("staff_hours", f"summary says {hours} h, roster.csv pays {report.staff_hours:.2f} h")
    for sh in report.shifts:
        paid = paid_minutes(sh, report.rules) / 60
        if sh.paid_hours is not None and abs(sh.paid_hours - paid) > 0.005:
            bad("paid_hours", f"roster.csv line {sh.row}: paid_hours {sh.paid_hours} but "
                              f"{sh.start // 60:02d}:{sh.start % 60:02d}-{sh.end // 60:02d}:"
                              f"{sh.end % 60:02d} less its meal break pays {paid:.2f} h")
    short = report.cover.short
    reported_short = s.get("shortfall_staff_minutes")
    if isinstance(reported_short, (int, float)) and abs(reported_short - short) > MINUTES_TOL:
        bad("shortfall", f"summary says {reported_short} staff-minutes short, roster.csv leaves "
                         f"{short} (counter {report.cover.counter_short}, presence "
                         f"{report.cover.presence_short})")
    over = s.get("over_counters_staff_minutes")
    if isinstance(over, (int, float)) and abs(over - report.cover.over_counters) > MINUTES_TOL:
        bad("over_counters", f"summary says {over} staff-minutes above the counters, the "
                             f"requirement has {report.cover.over_counters}")
    unavoidable = s.get("unavoidable_shortfall_staff_minutes")
    if isinstance(unavoidable, (int, float)):
        if unavoidable < -MINUTES_TOL or unavoidable > short + MINUTES_TOL:
            bad("unavoidable_shortfall", f"summary says {unavoidable} staff-minutes short "
                                         f"unavoidably, but the roster leaves {short}")
        never = sum(b.uncoverable_staff_minutes for b in report.day_bounds.values())
        if unavoidable + MINUTES_TOL < never:
            bad("unavoidable_shortfall", f"summary says {unavoidable} unavoidable, but "
                                         f"{never} staff-minutes lie where no shift may work")
    bound = report.bound_hours
    reported_bound = s.get("lower_bound_hours")
    if isinstance(reported_bound, (int, float)):
        # a valid bound lies at or below the least integer cover of each day: above the LP bound
        # it may lie (the integer bound), above an integer cover or a full-cover roster it may not
        if not short and reported_bound > report.staff_hours + HOURS_TOL:
            bad("false_bound", f"lower_bound_hours {reported_bound} is above the full-cover "
                               f"roster's {report.staff_hours:.2f} h")
        elif bound is not None and reported_bound > bound + HOURS_TOL:
            cover = report.integer_cover_hours()
            if cover is None or reported_bound > cover + HOURS_TOL:
                bad("false_bound", f"lower_bound_hours {reported_bound} is above the LP bound "
                                   f"{bound:.2f} h over every admissible shift and break "
                                   f"placement and above the checker's integer covers "
                                   f"({cover if cover is None else round(cover, 2)} h)")
    if bound is not None and not short and report.staff_hours < bound - HOURS_TOL:
        bad("below_bound", f"a full-cover roster of {report.staff_hours:.2f} h is below the "
                           f"checker's own bound {bound:.2f} h (a rule the checker misses?)")
    gap = s.get("gap", "missing")
    if short or not isinstance(reported_bound, (int, float)) or not reported_bound:
        if gap is not None and gap != "missing":
            bad("gap", f"gap is {gap} but must be null (cover short by {short} staff-minutes or "
                       f"no valid bound: lower_bound_hours={reported_bound})")
    elif gap != "missing":
        expect = s.get("staff_hours", report.staff_hours) / reported_bound - 1
        if gap is None or not isinstance(gap, (int, float)) or math.isnan(gap):
            bad("gap", f"gap is {gap!r} with full cover and a bound (expected {expect:.4f})")
        elif gap < 0 or abs(gap - expect) > 1.5e-4 + HOURS_TOL / reported_bound:
            bad("gap", f"gap {gap} but staff_hours / lower_bound_hours - 1 = {expect:.4f}")
    status = s.get("solver_status")
    if status == "optimal" and (short or not isinstance(reported_bound, (int, float))
                                or report.staff_hours > reported_bound + HOURS_TOL):
        bad("status", f"solver_status 'optimal' but {report.staff_hours:.2f} h against a bound of "
                      f"{reported_bound} h with {short} staff-minutes short: not proven")
    slot = s.get("slot_minutes")
    if slot is not None and slot != report.rules.interval:
        bad("slot", f"slot_minutes {slot} but the policy's interval is {report.rules.interval}")
    broken = [f for f in report.rule_findings if f.rule not in SOFT_RULES]
    if "rule_violations" in s and broken and not s["rule_violations"]:
        bad("validator_silent", f"summary lists no rule violation; the checker finds "
                                f"{len(broken)}, e.g. {broken[0]}")
    if counters_rows is not None:
        out.extend(check_counters(report, counters_rows))
    return out


def check_counters(report: PlanReport, rows: list[dict[str, str]]) -> list[Finding]:
    """``counters.csv``: never more counters than the hall has, open = min(on counter duty, counters)."""
    out = []
    interval = report.rules.interval
    cache: dict[dt.date, np.ndarray] = {}
    for k, row in enumerate(rows, start=2):
        stamp = dt.datetime.fromisoformat(row["interval_start"])
        d, m = stamp.date(), stamp.hour * 60 + stamp.minute
        if d not in cache:
            cache[d] = on_duty_count(report.shifts, d, COUNTER_ROLES)
        on = int(cache[d][m:m + interval].min())
        open_c = int(float(row["counters_open"]))
        if open_c > report.hall.counters:
            out.append(Finding("counters", None, d, f"counters.csv line {k}: {open_c} open, the "
                                                    f"hall has {report.hall.counters}"))
        elif open_c > on:
            out.append(Finding("counters", None, d, f"counters.csv line {k}: {open_c} open at "
                                                    f"{stamp:%H:%M} with {on} on counter duty"))
    return out


def check_locks(shifts: list[RosterShift], locked: list[RosterShift]) -> list[Finding]:
    """Every locked shift is in the roster unchanged (person, date, start, end; its breaks too
    when the lock gives breaks). Locks repeated in time need as many roster rows."""
    out = []
    pool = list(shifts)
    for lk in locked:
        match = next((s for s in pool if (s.staff_id, s.day, s.start, s.end)
                      == (lk.staff_id, lk.day, lk.start, lk.end)
                      and (not lk.breaks or s.breaks == lk.breaks)), None)
        if match is None:
            out.append(Finding("locked", lk.staff_id, lk.day,
                               f"locked shift (line {lk.row} of the locks) is missing or changed"))
        else:
            pool.remove(match)
    return out


def check_plan(plan_dir: Path, data_dir: Path, *, requirement_column: str = "required",
               bound_method: str = "colgen", locked: Path | None = None) -> PlanReport:
    """Check the plan written in ``plan_dir`` against the data in ``data_dir``.

    ``locked`` is the ``roster.csv``-shaped file of shifts a manager locked (``--locked``).
    """
    plan_dir, data_dir = Path(plan_dir), Path(data_dir)
    summary = json.loads((plan_dir / "summary.json").read_text(encoding="utf-8"))
    hall_id = summary["hall_id"]
    start = dt.date.fromisoformat(summary["week_start"])
    week = [start + dt.timedelta(days=k) for k in range(7)]
    rules = read_rules(data_dir / "policy.toml")
    hall = read_hall(data_dir / "halls.csv", hall_id)
    staff = read_staff(data_dir / "staff.csv", hall_id)
    per_day, interval = read_requirement(plan_dir / "requirements.csv", requirement_column)
    if interval != rules.interval and any(len(v) > 1 for v in per_day.values()):
        raise ValueError(f"requirements.csv steps {interval} min, policy says {rules.interval}")
    kinds = day_kinds(data_dir, rules, week)
    needs = {d: day_need(hall, rules, d, *kinds[d], per_day.get(d, []), rules.interval)
             for d in week}
    shifts = read_roster(plan_dir / "roster.csv")
    ctx = Context(rules, hall, staff, needs)
    report = PlanReport(
        hall_id=hall_id, rules=rules, hall=hall, needs=needs, shifts=shifts, summary=summary,
        rule_findings=check_rules(shifts, ctx) + (
            check_locks(shifts, read_roster(locked)) if locked else []),
        cover=recompute_cover(shifts, needs, hall.counters),
        staff_hours=total_paid_hours(shifts, rules), staff=staff,
        day_bounds={d: day_lp_bound(rules, n.window, n.need, method=bound_method,
                                    max_shifts=people_available(rules, staff, d, n.window))
                    for d, n in needs.items()})
    counters_path = plan_dir / "counters.csv"
    rows = None
    if counters_path.exists():
        with counters_path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    report.figure_findings = check_figures(report, rows)
    return report
