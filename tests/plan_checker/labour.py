"""Every labour and shift rule of the policy text, checked on ``roster.csv`` rows.

Each check is a plain function ``check_x(shifts, ctx) -> list[Finding]``
over the checker's own reading of the inputs (:class:`Context`). Units:
minutes since midnight for clock times, minutes for durations, hours for
contract hours per week.

The rules (policy text -> check):

* shift starts on the ``start_step_minutes`` grid, and its end and every
  break boundary on the planning grid (:func:`check_grid`);
* shift length within ``[min_hours, max_hours]`` (:func:`check_length`);
* shifts inside opening hours widened by the covers, none on a closed day,
  none outside the plan's week (:func:`check_opening_hours`);
* the number and length of meal and short breaks (:func:`check_break_count`);
* breaks inside ``[start + break_earliest, end - break_latest]``, not
  overlapping (:func:`check_break_placement`);
* one shift a day, no two shifts of a person overlapping, ``min_rest_hours``
  between shifts (:func:`check_rest`);
* at most ``max_days_per_week`` days, ``max_consecutive_days`` in a row
  (:func:`check_days`);
* paid hours within the contract maximum (:func:`check_weekly_hours`; the
  contract minimum is reported as a soft ``contract_min`` finding);
* nobody works while unavailable (:func:`check_availability`);
* every role needs its skill: ``counter`` needs ``counter``, ``vip`` needs
  ``vip``, ``floor`` needs ``floor``, ``lead`` needs ``manager``
  (:func:`check_skills`);
* ``min_staff_on_duty`` on duty at every open minute, somebody during the
  opening and closing cover (:func:`check_min_on_duty`).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from plan_checker.inputs import HallFacts, Person, Rules
from plan_checker.need import DayNeed
from plan_checker.roster import ROLE_SKILL, RosterShift, on_duty_count, paid_minutes

SOFT_RULES = frozenset({"contract_min"})
"""Findings that are wishes of the contract, not rules a roster must keep."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One broken rule (or one wrong figure of the summary)."""

    rule: str
    staff_id: str | None
    day: dt.date | None
    message: str

    def __str__(self) -> str:
        who = f" {self.staff_id}" if self.staff_id else ""
        when = f" {self.day}" if self.day else ""
        return f"[{self.rule}]{who}{when}: {self.message}"


@dataclass(frozen=True, slots=True)
class Context:
    """The checker's inputs: rules (minutes), hall, staff by id, each day's need."""

    rules: Rules
    hall: HallFacts
    staff: Mapping[str, Person]
    needs: Mapping[dt.date, DayNeed]

    @property
    def week(self) -> list[dt.date]:
        """The plan's days, in order."""
        return sorted(self.needs)


def _hm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def check_grid(shifts: Sequence[RosterShift], ctx: Context) -> list[Finding]:
    """Start on the start-step grid; start, end and every break boundary on the planning grid."""
    r, out = ctx.rules, []
    for s in shifts:
        if s.start % r.start_step:
            out.append(Finding("start_step", s.staff_id, s.day,
                               f"starts {_hm(s.start)}, off the {r.start_step}-minute grid"))
        off = [t for t in (s.start, s.end, *(t for b in s.breaks for t in b)) if t % r.grid]
        if off:
            out.append(Finding("grid", s.staff_id, s.day,
                               f"times {', '.join(map(_hm, off))} off the {r.grid}-minute grid"))
    return out


def check_length(shifts: Sequence[RosterShift], ctx: Context) -> list[Finding]:
    """Shift length (breaks included) within ``[min_length, max_length]`` minutes."""
    r = ctx.rules
    return [Finding("shift_length", s.staff_id, s.day,
                    f"{_hm(s.start)}-{_hm(s.end)} lasts {s.length} min "
                    f"(allowed {r.min_length}-{r.max_length})")
            for s in shifts if not r.min_length <= s.length <= r.max_length]


def check_opening_hours(shifts: Sequence[RosterShift], ctx: Context) -> list[Finding]:
    """Inside the day's window (hours widened by the covers); never on a closed day or off-week."""
    out = []
    for s in shifts:
        need = ctx.needs.get(s.day)
        if need is None:
            out.append(Finding("week", s.staff_id, s.day, "is outside the plan's week"))
        elif need.window is None:
            out.append(Finding("closed", s.staff_id, s.day, "works on a day the hall is closed"))
        elif s.start < need.window[0] or s.end > need.window[1]:
            out.append(Finding("opening_hours", s.staff_id, s.day,
                               f"{_hm(s.start)}-{_hm(s.end)} outside "
                               f"{_hm(need.window[0])}-{_hm(need.window[1])}"))
    return out


def _kinds(s: RosterShift, r: Rules) -> tuple[list[tuple[int, int]], list[tuple[int, int]], list]:
    meals = [b for b in s.breaks if b[1] - b[0] == r.meal_break and r.meal_break != r.short_break]
    shorts = [b for b in s.breaks if b[1] - b[0] == r.short_break and b not in meals]
    other = [b for b in s.breaks if b not in meals and b not in shorts]
    return meals, shorts, other


def check_break_count(shifts: Sequence[RosterShift], ctx: Context) -> list[Finding]:
    """Meal and short breaks: as many as the shift's length earns, each of its policy length."""
    r, out = ctx.rules, []
    for s in shifts:
        meal, short = r.breaks_for(s.length)
        if r.meal_break == r.short_break:  # indistinguishable by length: count them together
            ok = len(s.breaks) == meal + short and all(b - a == r.meal_break for a, b in s.breaks)
        else:
            meals, shorts, other = _kinds(s, r)
            ok = len(meals) == meal and len(shorts) == short and not other
        if not ok:
            out.append(Finding("break_count", s.staff_id, s.day,
                               f"{_hm(s.start)}-{_hm(s.end)} has breaks "
                               f"{[f'{_hm(a)}-{_hm(b)}' for a, b in s.breaks]}; needs {meal} meal "
                               f"({r.meal_break} min) and {short} short ({r.short_break} min)"))
    return out


def check_break_placement(shifts: Sequence[RosterShift], ctx: Context) -> list[Finding]:
    """Each break starts >= start + break_earliest, ends <= end - break_latest; none overlap."""
    r, out = ctx.rules, []
    for s in shifts:
        for a, b in s.breaks:
            if a < s.start + r.break_earliest or b > s.end - r.break_latest or b <= a:
                out.append(Finding("break_placement", s.staff_id, s.day,
                                   f"break {_hm(a)}-{_hm(b)} in {_hm(s.start)}-{_hm(s.end)}: "
                                   f"breaks start >= {r.break_earliest} min after the start and "
                                   f"end >= {r.break_latest} min before the end"))
        for (_, b1), (a2, _) in itertools.pairwise(s.breaks):
            if a2 < b1:
                out.append(Finding("break_overlap", s.staff_id, s.day, "two breaks overlap"))
    return out


def _by_person(shifts: Sequence[RosterShift]) -> dict[str, list[RosterShift]]:
    out: dict[str, list[RosterShift]] = defaultdict(list)
    for s in shifts:
        out[s.staff_id].append(s)
    for own in out.values():
        own.sort(key=lambda s: (s.day, s.start))
    return out


def check_rest(shifts: Sequence[RosterShift], ctx: Context) -> list[Finding]:
    """One shift a day; no overlap; at least ``min_rest`` minutes between consecutive shifts."""
    out = []
    for sid, own in _by_person(shifts).items():
        days = [s.day for s in own]
        for d in sorted({d for d in days if days.count(d) > 1}):
            out.append(Finding("one_shift_per_day", sid, d, f"has {days.count(d)} shifts"))
        for a, b in itertools.pairwise(own):
            rest = (b.day - a.day).days * 24 * 60 + b.start - a.end
            if rest < 0:
                out.append(Finding("overlap", sid, b.day,
                                   f"shifts {_hm(a.start)}-{_hm(a.end)} and "
                                   f"{_hm(b.start)}-{_hm(b.end)} overlap"))
            elif rest < ctx.rules.min_rest:
                out.append(Finding("min_rest", sid, b.day,
                                   f"rests {rest} min before {_hm(b.start)} "
                                   f"(minimum {ctx.rules.min_rest})"))
    return out


def check_days(shifts: Sequence[RosterShift], ctx: Context) -> list[Finding]:
    """At most ``max_days_per_week`` working days and ``max_consecutive_days`` in a row."""
    r, out = ctx.rules, []
    for sid, own in _by_person(shifts).items():
        worked = sorted({s.day for s in own})
        if len(worked) > r.max_days_per_week:
            out.append(Finding("max_days_per_week", sid, None,
                               f"works {len(worked)} days (maximum {r.max_days_per_week})"))
        run = 0
        for k, d in enumerate(worked):
            run = run + 1 if k and (d - worked[k - 1]).days == 1 else 1
            if run == r.max_consecutive_days + 1:
                out.append(Finding("max_consecutive_days", sid, d,
                                   f"day {run} in a row (maximum {r.max_consecutive_days})"))
    return out


def check_weekly_hours(shifts: Sequence[RosterShift], ctx: Context) -> list[Finding]:
    """Paid hours a week (meal breaks unpaid) within the contract; below the minimum is soft."""
    out = []
    for sid, own in _by_person(shifts).items():
        person = ctx.staff.get(sid)
        if person is None:
            continue
        paid = sum(paid_minutes(s, ctx.rules) for s in own) / 60
        if paid > person.max_hours_week + 1e-9:
            out.append(Finding("max_hours_week", sid, None,
                               f"paid {paid:g} h (contract maximum {person.max_hours_week:g} h)"))
        if paid < person.min_hours_week - 1e-9:
            out.append(Finding("contract_min", sid, None,
                               f"paid {paid:g} h (contract minimum {person.min_hours_week:g} h)"))
    return out


def check_availability(shifts: Sequence[RosterShift], ctx: Context) -> list[Finding]:
    """Staff on the hall's list, never working while unavailable."""
    out = []
    for s in shifts:
        person = ctx.staff.get(s.staff_id)
        if person is None:
            out.append(Finding("unknown_staff", s.staff_id, s.day,
                               f"is not on hall {ctx.hall.hall_id}'s staff list"))
            continue
        for day, a, b in person.unavailable:
            if day == s.day and s.start < b and a < s.end:
                out.append(Finding("unavailable", s.staff_id, s.day,
                                   f"works {_hm(s.start)}-{_hm(s.end)}, unavailable "
                                   f"{_hm(a)}-{_hm(b)}"))
    return out


def check_skills(shifts: Sequence[RosterShift], ctx: Context) -> list[Finding]:
    """Each role needs its skill (``counter`` -> ``counter``, ``lead`` -> ``manager``...)."""
    out = []
    for s in shifts:
        person = ctx.staff.get(s.staff_id)
        skill = ROLE_SKILL.get(s.role)
        if skill is None:
            out.append(Finding("role", s.staff_id, s.day, f"unknown role {s.role!r}"))
        elif person is not None and skill not in person.skills:
            out.append(Finding("skill", s.staff_id, s.day,
                               f"role {s.role} needs skill {skill!r}; has {sorted(person.skills)}"))
    return out


def check_min_on_duty(shifts: Sequence[RosterShift], ctx: Context) -> list[Finding]:
    """``min_staff_on_duty`` on duty at every open minute; someone during the covers."""
    out = []
    for d, need in ctx.needs.items():
        if need.window is None:
            continue
        on = on_duty_count(shifts, d)
        lo, hi = need.window
        low = np.flatnonzero(on[lo:hi] < need.presence[lo:hi])
        if len(low):
            m = lo + int(low[0])
            out.append(Finding("min_staff_on_duty", None, d,
                               f"{int(on[m])} on duty at {_hm(m)} (minimum {int(need.presence[m])}); "
                               f"{len(low)} minute(s) of the day below the minimum"))
    return out


CHECKS: tuple[Callable[[Sequence[RosterShift], Context], list[Finding]], ...] = (
    check_grid, check_length, check_opening_hours, check_break_count, check_break_placement,
    check_rest, check_days, check_weekly_hours, check_availability, check_skills,
    check_min_on_duty)
"""Every rule check, in the order of the module docstring."""


def check_rules(shifts: Sequence[RosterShift], ctx: Context) -> list[Finding]:
    """Every finding of every rule check (soft ones included; see :data:`SOFT_RULES`)."""
    return [f for check in CHECKS for f in check(shifts, ctx)]

