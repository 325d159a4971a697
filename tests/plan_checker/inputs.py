"""The plan checker's own reading of the inputs: ``policy.toml``, ``halls.csv``, ``staff.csv``.

Nothing here comes from the solver: the rules are read from the policy text
with :mod:`tomllib` and the staff list with :mod:`csv`, so a misreading inside
``queueopt`` cannot hide behind itself. Units: minutes for every duration and
clock time (minutes since local midnight), hours only where the file says
hours (contract hours per week).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class Rules:
    """Every rule of ``policy.toml`` that a roster must keep, in minutes.

    ``grid`` is the planning grid (minutes): the greatest common divisor of
    ``interval_minutes`` and ``start_step_minutes``; every shift start and
    end and every break boundary lies on it.
    """

    interval: int
    start_step: int
    min_length: int
    max_length: int
    meal_break_after: int
    meal_break: int
    short_break: int
    short_break_every: int
    break_earliest: int
    break_latest: int
    min_rest: int
    max_days_per_week: int
    max_consecutive_days: int
    min_staff_on_duty: int
    opening_cover: int
    closing_cover: int
    holiday_country: str = "CN"
    weekend: tuple[str, ...] | None = None

    @property
    def grid(self) -> int:
        """Planning grid, minutes."""
        return math.gcd(self.interval, self.start_step)

    def breaks_for(self, length: int) -> tuple[int, int]:
        """(meal breaks, short breaks) a shift of ``length`` minutes takes.

        The policy text: a shift longer than ``meal_break_after_hours`` gets
        one meal break; every ``short_break_every_hours`` of shift earn a
        short break, the meal break standing in for one of them.

        >>> r = read_rules(Path(__file__).parents[2] / "data" / "sample" / "policy.toml")
        >>> r.breaks_for(540), r.breaks_for(375), r.breaks_for(360), r.breaks_for(240)
        ((1, 1), (1, 0), (0, 1), (0, 1))
        """
        meal = 1 if length > self.meal_break_after else 0
        short = max(length // self.short_break_every - meal, 0) if self.short_break_every else 0
        return meal, short

    def paid(self, length: int) -> int:
        """Paid minutes of a shift of ``length`` minutes (the meal break is unpaid)."""
        return length - self.meal_break * self.breaks_for(length)[0]


def read_rules(path: Path) -> Rules:
    """``policy.toml`` (hours converted to minutes) as :class:`Rules`."""
    doc = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    s, lab = doc.get("shifts", {}), doc.get("labour", {})

    def minutes(section: dict[str, object], key: str, default: float, per: int) -> int:
        return round(float(section.get(key, default)) * per)  # type: ignore[arg-type]

    return Rules(
        interval=int(doc.get("interval_minutes", 15)),
        start_step=minutes(s, "start_step_minutes", 15, 1),
        min_length=minutes(s, "min_hours", 4, 60),
        max_length=minutes(s, "max_hours", 9, 60),
        meal_break_after=minutes(s, "meal_break_after_hours", 6, 60),
        meal_break=minutes(s, "meal_break_minutes", 30, 1),
        short_break=minutes(s, "short_break_minutes", 15, 1),
        short_break_every=minutes(s, "short_break_every_hours", 4, 60),
        break_earliest=minutes(s, "break_earliest_minutes", 90, 1),
        break_latest=minutes(s, "break_latest_minutes", 60, 1),
        min_rest=minutes(lab, "min_rest_hours", 11, 60),
        max_days_per_week=int(lab.get("max_days_per_week", 6)),
        max_consecutive_days=int(lab.get("max_consecutive_days", 6)),
        min_staff_on_duty=int(lab.get("min_staff_on_duty", 2)),
        opening_cover=minutes(lab, "opening_cover_minutes", 15, 1),
        closing_cover=minutes(lab, "closing_cover_minutes", 15, 1),
        holiday_country=str(doc.get("holiday_country", "CN")),
        weekend=tuple(doc["weekend"]) if "weekend" in doc else None,
    )


def clock_minutes(text: str) -> int:
    """Minutes since midnight of ``HH:MM``.

    >>> clock_minutes("08:30"), clock_minutes("24:00")
    (510, 1440)
    """
    h, m = text.strip().split(":")
    return int(h) * 60 + int(m)


@dataclass(frozen=True, slots=True)
class HallFacts:
    """One hall: physical counters and opening hours ``(open, close)`` in minutes.

    ``hours`` has Monday first, ``None`` for a closed day; ``holiday_hours``
    applies on public holidays.
    """

    hall_id: str
    counters: int
    vip_counters: int
    hours: tuple[tuple[int, int] | None, ...]
    holiday_hours: tuple[int, int] | None

    def hours_on(self, kind: str, weekday: int) -> tuple[int, int] | None:
        """Opening hours on a day of ``kind`` that follows ``weekday`` (Monday = 0).

        A holiday has the holiday hours; any other day (a make-up working day
        included) the hours of the weekday it follows.
        """
        return self.holiday_hours if kind == "holiday" else self.hours[weekday]


def _hours(text: str) -> tuple[int, int] | None:
    text = text.strip()
    if not text or text == "closed":
        return None
    a, b = text.split("-")
    return clock_minutes(a), clock_minutes(b)


def read_hall(path: Path, hall_id: str) -> HallFacts:
    """The row of ``hall_id`` in ``halls.csv``."""
    with Path(path).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["hall_id"] == hall_id:
                return HallFacts(
                    hall_id, int(row["counters"]), int(row.get("vip_counters") or 0),
                    tuple(_hours(row[f"hours_{k}"]) for k in WEEKDAY_KEYS),
                    _hours(row.get("hours_holiday", "closed")))
    raise KeyError(f"hall {hall_id} is not in {path}")


@dataclass(frozen=True, slots=True)
class Person:
    """One staff member: skills, contract hours per week (hours) and unavailability.

    ``unavailable`` holds ``(day, start, end)`` with start and end in minutes
    since midnight of ``day``.
    """

    staff_id: str
    skills: frozenset[str]
    min_hours_week: float
    max_hours_week: float
    unavailable: tuple[tuple[dt.date, int, int], ...]


def _unavailable(text: str) -> tuple[tuple[dt.date, int, int], ...]:
    out = []
    for tok in filter(None, (t.strip() for t in text.split(";"))):
        if " " in tok:
            day, span = tok.split(" ", 1)
            a, b = span.split("-")
            out.append((dt.date.fromisoformat(day), clock_minutes(a), clock_minutes(b)))
        else:
            out.append((dt.date.fromisoformat(tok), 0, 24 * 60))
    return tuple(out)


def read_staff(path: Path, hall_id: str) -> dict[str, Person]:
    """The staff of ``hall_id`` in ``staff.csv``, by ``staff_id``."""
    out: dict[str, Person] = {}
    with Path(path).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["hall_id"] != hall_id:
                continue
            out[row["staff_id"]] = Person(
                row["staff_id"],
                frozenset(t.strip() for t in row["skills"].split(";") if t.strip()),
                float(row["min_hours_week"] or 0), float(row["max_hours_week"]),
                _unavailable(row.get("unavailable") or ""))
    return out
