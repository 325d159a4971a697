"""The roster and its independent validator: every labour and shift rule, in plain Python.

The validator never calls a solver: it reads a roster (from the scheduler or
a manager's hand-edited ``roster.csv``) and lists every rule it breaks, so a
solver bug cannot hide behind the solver's own model.

Rules (units: minutes unless said otherwise):

* shift length within ``[min_length, max_length]``, starts on the
  ``start_step`` grid, inside the day's working window (opening hours
  widened by the opening and closing cover);
* breaks: a meal break of ``meal_break`` for shifts longer than
  ``meal_break_after``; ``floor(length / short_break_every)`` short breaks,
  one fewer when there is a meal break; every break inside the shift, no
  earlier than ``break_earliest`` after its start, ending no later than
  ``break_latest`` before its end, breaks not overlapping;
* one shift per person per day; at least ``min_rest`` between shifts;
* at most ``max_days_per_week`` days and ``max_consecutive_days`` in a row
  (counting the days worked just before the week);
* paid hours per week (shift length less the meal break) within the
  contract's ``[min_hours_week, max_hours_week]`` (below the minimum is kind
  ``contract_min``);
* no work while unavailable; locked assignments kept;
* at least ``min_staff_on_duty`` present and not on break at every open minute;
* roles need skills: ``counter`` needs ``counter``, ``vip`` needs ``vip``,
  ``floor`` needs ``floor``, ``lead`` needs ``manager``;
* given the planning slot, every shift end and break boundary lies on the
  time grid (:func:`time_grid`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from queueopt.calendar import HallCalendar
from queueopt.model import Hall, LabourRules, ShiftRules, StaffMember

ROLES: tuple[str, ...] = ("counter", "vip", "floor", "lead")


@dataclass(frozen=True, slots=True)
class Shift:
    """One person's shift on one day; times in minutes since midnight of ``day``."""

    staff_id: str
    day: dt.date
    start: int
    end: int
    breaks: tuple[tuple[int, int], ...] = ()
    role: str = "counter"

    @property
    def length(self) -> int:
        """Shift length including breaks, minutes."""
        return self.end - self.start

    def paid_minutes(self, rules: ShiftRules) -> int:
        """Length less the unpaid meal break, minutes.

        The meal is unpaid only on a shift long enough to need one (and taking a
        break of the meal's length); short breaks are paid, even when they are as
        long as the meal.
        """
        needs_meal = required_breaks(self.length, rules)[0]
        has_meal = any(b - a == rules.meal_break for a, b in self.breaks)
        return self.length - (rules.meal_break if needs_meal and has_meal else 0)

    def on_duty(self, minute: int) -> bool:
        """Present and not on a break at ``minute``."""
        if not self.start <= minute < self.end:
            return False
        return not any(a <= minute < b for a, b in self.breaks)


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule."""

    rule: str
    staff_id: str | None
    day: dt.date | None
    message: str

    def __str__(self) -> str:
        who = f"{self.staff_id} " if self.staff_id else ""
        when = f"on {self.day:%a %Y-%m-%d} " if self.day else ""
        return f"[{self.rule}] {who}{when}{self.message}"


def clock(minute: int) -> str:
    """``HH:MM`` of minutes since midnight.

    >>> clock(510)
    '08:30'
    """
    return f"{minute // 60:02d}:{minute % 60:02d}"


def required_breaks(length: int, rules: ShiftRules) -> tuple[int, int]:
    """(meal breaks, short breaks) a shift of ``length`` minutes must take.

    >>> required_breaks(540, ShiftRules()), required_breaks(300, ShiftRules())
    ((1, 1), (0, 1))
    """
    meal = 1 if length > rules.meal_break_after else 0
    short = max(length // rules.short_break_every - meal, 0)
    return meal, short


ROLE_SKILL: Mapping[str, str] = {"counter": "counter", "vip": "vip", "floor": "floor",
                                  "lead": "manager"}
"""The skill each role needs (one owner: the validator and the scheduler read it)."""


def time_grid(slot_minutes: int, rules: ShiftRules) -> int:
    """Grid of shift ends and break boundaries, minutes since midnight.

    The greatest common divisor of the planning slot (``interval_minutes``),
    the start step, the break lengths and the break distances, so a shift
    starting on the start step and its breaks at the rule distances all land
    on it.

    >>> time_grid(15, ShiftRules()), time_grid(10, ShiftRules()), time_grid(60, ShiftRules())
    (15, 5, 15)
    """
    return math.gcd(slot_minutes, rules.start_step, rules.meal_break, rules.short_break,
                    rules.break_earliest, rules.break_latest)


def working_window(hall: Hall, day: dt.date, labour: LabourRules,
                   calendar: HallCalendar | None = None) -> tuple[int, int]:
    """(first, last) minute anyone may work on ``day``: hours widened by the covers.

    The day's hours come from :meth:`HallCalendar.hours_on` (the one owner);
    ``calendar`` defaults to China's with a Saturday-Sunday weekend.
    """
    hours = (calendar or HallCalendar()).hours_on(hall, day)
    if not hours.is_open:
        return (0, 0)
    return (max(hours.open_minute - labour.opening_cover, 0),
            min(hours.close_minute + labour.closing_cover, 24 * 60))


def validate_roster(shifts: Sequence[Shift], staff: Sequence[StaffMember], hall: Hall,
                    day_kinds: Mapping[dt.date, str], shift_rules: ShiftRules,
                    labour: LabourRules, *, locked: Iterable[Shift] = (),
                    history: Mapping[str, int] | None = None,
                    check_contract_min: bool = True,
                    slot_minutes: int | None = None,
                    calendar: HallCalendar | None = None) -> list[Violation]:
    """Every rule the roster breaks (empty list = valid).

    Parameters
    ----------
    shifts:
        The roster.
    staff:
        The hall's staff (contracts, skills, unavailability).
    hall:
        The hall (opening hours).
    day_kinds:
        Kind of each day of the week (:data:`queueopt.calendar.DAY_KINDS`);
        its keys are the roster's week.
    shift_rules, labour:
        The rules.
    locked:
        Shifts a manager fixed; each must appear unchanged.
    history:
        Consecutive days each person worked right before the week.
    check_contract_min:
        Report weekly hours below the contract's minimum.
    slot_minutes:
        The planning slot (policy ``interval_minutes``); when given, shift
        ends and breaks must lie on :func:`time_grid`.
    calendar:
        The hall's calendar (opening hours of each day); China's by default.
    """
    out: list[Violation] = []
    people = {s.staff_id: s for s in staff}
    days = sorted(day_kinds)
    by_person: dict[str, list[Shift]] = defaultdict(list)
    for sh in shifts:
        if sh.staff_id not in people:
            out.append(Violation("unknown_staff", sh.staff_id, sh.day, "is not on the staff list"))
            continue
        by_person[sh.staff_id].append(sh)
        out.extend(_check_shift(sh, people[sh.staff_id], hall, day_kinds, shift_rules, labour,
                                 calendar))
        if slot_minutes is not None:
            g = time_grid(slot_minutes, shift_rules)
            if sh.end % g or any(a % g or b % g for a, b in sh.breaks):
                out.append(Violation("grid", sh.staff_id, sh.day,
                                     f"end or breaks off the {g}-minute grid "
                                     f"({clock(sh.end)}, {_fmt_breaks(sh.breaks)})"))
    for sid, own in by_person.items():
        own.sort(key=lambda s: (s.day, s.start))
        person = people[sid]
        seen: set[dt.date] = set()
        for sh in own:
            if sh.day in seen:
                out.append(Violation("one_shift_per_day", sid, sh.day, "has two shifts"))
            seen.add(sh.day)
        for a, b in zip(own, own[1:]):
            gap = (b.day - a.day).days * 24 * 60 + b.start - a.end
            if a.day != b.day and gap < labour.min_rest:
                out.append(Violation(
                    "min_rest", sid, b.day,
                    f"rests {_duration(gap)} after the shift ending {clock(a.end)} the day "
                    f"before (minimum {_duration(labour.min_rest)})"))
        worked = sorted(seen)
        if len(worked) > labour.max_days_per_week:
            out.append(Violation("max_days_per_week", sid, None,
                                 f"works {len(worked)} days (maximum {labour.max_days_per_week})"))
        run = (history or {}).get(sid, 0)
        for d in days:
            run = run + 1 if d in seen else 0
            if run > labour.max_consecutive_days:
                out.append(Violation(
                    "max_consecutive_days", sid, d,
                    f"is the {run}th day in a row (maximum {labour.max_consecutive_days})"))
        paid = sum(sh.paid_minutes(shift_rules) for sh in own) / 60
        if paid > person.max_hours_week + 1e-9:
            out.append(Violation("max_hours_week", sid, None,
                                 f"paid {paid:.2f} h (contract maximum {person.max_hours_week:g} h)"))
        if check_contract_min and paid < person.min_hours_week - 1e-9:
            out.append(Violation("contract_min", sid, None,
                                 f"paid {paid:.2f} h (contract minimum {person.min_hours_week:g} h)"))
    for lk in locked:
        if lk not in set(shifts):
            out.append(Violation("locked", lk.staff_id, lk.day,
                                 f"locked shift {clock(lk.start)}-{clock(lk.end)} is missing or changed"))
    # minimum staff on duty at every open minute, and someone during the covers
    # before opening and after closing (checked every 5 minutes)
    for d in days:
        lo, hi = working_window(hall, d, labour, calendar)
        if lo == hi:
            continue
        open_m, close_m = lo + labour.opening_cover, hi - labour.closing_cover
        today = [s for s in shifts if s.day == d]
        for m in range(lo, hi, 5):
            n = sum(1 for s in today if s.on_duty(m))
            least = labour.min_staff_on_duty if open_m <= m < close_m else min(
                labour.min_staff_on_duty, 1)
            if n < least:
                out.append(Violation("min_staff_on_duty", None, d,
                                     f"{n} on duty at {clock(m)} (minimum {least})"))
                break
    return out


def _check_shift(sh: Shift, person: StaffMember, hall: Hall, day_kinds: Mapping[dt.date, str],
                 rules: ShiftRules, labour: LabourRules,
                 calendar: HallCalendar | None = None) -> list[Violation]:
    out: list[Violation] = []
    sid, d = sh.staff_id, sh.day
    if d not in day_kinds:
        return [Violation("week", sid, d, "is outside the roster's week")]
    lo, hi = working_window(hall, d, labour, calendar)
    if lo == hi:
        out.append(Violation("closed", sid, d, "works on a day the hall is closed"))
    elif sh.start < lo or sh.end > hi:
        out.append(Violation("working_window", sid, d,
                             f"works {clock(sh.start)}-{clock(sh.end)} outside {clock(lo)}-{clock(hi)}"))
    if not rules.min_length <= sh.length <= rules.max_length:
        out.append(Violation("shift_length", sid, d,
                             f"shift of {sh.length / 60:.2f} h (allowed {rules.min_length / 60:g}-"
                             f"{rules.max_length / 60:g} h)"))
    if sh.start % rules.start_step:
        out.append(Violation("start_step", sid, d, f"starts at {clock(sh.start)}, off the "
                                                   f"{rules.start_step}-minute grid"))
    meal, short = required_breaks(sh.length, rules)
    # the breaks' lengths must be exactly `meal` meals and `short` short breaks (a short break
    # may be as long as the meal: then only the count of that length is checked)
    want = Counter({rules.meal_break: meal}) + Counter({rules.short_break: short})
    if Counter(b - a for a, b in sh.breaks) != want:
        out.append(Violation("breaks", sid, d,
                             f"has breaks {_fmt_breaks(sh.breaks)}; needs {meal} meal break(s) of "
                             f"{rules.meal_break} min and {short} short break(s) of {rules.short_break} min"))
    ordered = sorted(sh.breaks)
    for a, b in ordered:
        if a < sh.start + rules.break_earliest or b > sh.end - rules.break_latest:
            out.append(Violation("break_window", sid, d,
                                 f"break {clock(a)}-{clock(b)} is too close to the shift's start or end"))
    for (a1, b1), (a2, _) in zip(ordered, ordered[1:]):
        if a2 < b1:
            out.append(Violation("break_overlap", sid, d, "breaks overlap"))
    for u in person.unavailable:
        if u.day == d and sh.start < u.end_minute and u.start_minute < sh.end:
            out.append(Violation("unavailable", sid, d,
                                 f"works {clock(sh.start)}-{clock(sh.end)} while unavailable "
                                 f"{clock(u.start_minute)}-{clock(u.end_minute)}"))
    need = ROLE_SKILL.get(sh.role)
    if sh.role not in ROLES:
        out.append(Violation("role", sid, d, f"unknown role {sh.role!r}"))
    elif need and need not in person.skills:
        out.append(Violation("skill", sid, d, f"role {sh.role} needs skill {need!r}"))
    return out


def _duration(minutes: int) -> str:
    """``"10 h 59 min"`` of a duration in minutes (whole hours: ``"11 h"``).

    Rounding to tenths of an hour would print a rest one minute short of 11 h as
    "11.0 h" next to its "minimum 11 h".

    >>> _duration(659), _duration(660), _duration(45)
    ('10 h 59 min', '11 h', '0 h 45 min')
    """
    h, m = divmod(minutes, 60)
    return f"{h} h {m:02d} min" if m else f"{h} h"


def _fmt_breaks(breaks: Iterable[tuple[int, int]]) -> str:
    return ";".join(f"{clock(a)}-{clock(b)}" for a, b in breaks) or "none"


def roster_frame(shifts: Sequence[Shift], rules: ShiftRules | None = None) -> pd.DataFrame:
    """The roster as ``roster.csv``: ``staff_id, date, start, end, breaks, role`` (+ hours)."""
    r = rules or ShiftRules()
    rows = [{"staff_id": s.staff_id, "date": s.day.isoformat(), "start": clock(s.start),
             "end": clock(s.end), "breaks": _fmt_breaks(s.breaks) if s.breaks else "",
             "role": s.role, "paid_hours": s.paid_minutes(r) / 60}
            for s in sorted(shifts, key=lambda s: (s.day, s.start, s.staff_id))]
    return pd.DataFrame(rows, columns=["staff_id", "date", "start", "end", "breaks", "role",
                                       "paid_hours"])


def parse_roster(frame: pd.DataFrame, file: str = "roster.csv") -> list[Shift]:
    """Shifts from a ``roster.csv`` frame; ``DataError`` names file, row and column."""
    from queueopt.errors import DataError, Problem

    problems: list[Problem] = []
    out: list[Shift] = []

    def minutes(text: str, row: int, col: str) -> int | None:
        try:
            h, m = str(text).split(":")
            v = int(h) * 60 + int(m)
            if not (0 <= int(m) < 60 and 0 <= v <= 1440):
                raise ValueError
            return v
        except ValueError:
            problems.append(Problem(file, row, col, f"{text!r} is not a clock time HH:MM"))
            return None

    for i, rec in enumerate(frame.fillna("").to_dict("records")):
        row = i + 2
        try:
            day = dt.date.fromisoformat(str(rec["date"]))
        except ValueError:
            problems.append(Problem(file, row, "date", f"{rec['date']!r} is not a date YYYY-MM-DD"))
            continue
        a, b = minutes(rec["start"], row, "start"), minutes(rec["end"], row, "end")
        breaks = []
        for tok in filter(None, str(rec.get("breaks", "")).split(";")):
            if "-" not in tok:
                problems.append(Problem(file, row, "breaks", f"{tok!r} is not HH:MM-HH:MM"))
                continue
            x, y = tok.split("-", 1)
            bx, by = minutes(x, row, "breaks"), minutes(y, row, "breaks")
            if bx is not None and by is not None:
                breaks.append((bx, by))
        if a is None or b is None:
            continue
        if b <= a:
            problems.append(Problem(file, row, "end", "end is not after start"))
            continue
        out.append(Shift(str(rec["staff_id"]), day, a, b, tuple(sorted(breaks)),
                         str(rec.get("role", "counter")) or "counter"))
    if problems:
        raise DataError(problems)
    return out
