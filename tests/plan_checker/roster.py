"""``roster.csv`` read by the checker itself, and cover recomputed from it minute by minute.

Units: clock times are minutes since midnight of the shift's date; cover
arrays have one entry per minute of the day (1,440 entries).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from plan_checker.inputs import Rules, clock_minutes

DAY_MINUTES = 24 * 60
COUNTER_ROLES = frozenset({"counter", "vip"})
"""Roles that serve customers at a counter (and so count towards the counter need)."""
ROLE_SKILL = {"counter": "counter", "vip": "vip", "floor": "floor", "lead": "manager"}
"""The skill each role needs (the ``counter`` role needs the ``counter`` skill)."""


@dataclass(frozen=True, slots=True)
class RosterShift:
    """One row of ``roster.csv``: times in minutes since midnight of ``day``.

    ``breaks`` are ``(start, end)`` pairs in minutes; ``row`` is the 1-based
    line of the file (header = line 1) for messages.
    """

    staff_id: str
    day: dt.date
    start: int
    end: int
    breaks: tuple[tuple[int, int], ...]
    role: str
    row: int = 0
    paid_hours: float | None = None
    """The file's own ``paid_hours`` column (``None`` when empty), hours."""

    @property
    def length(self) -> int:
        """Shift length including breaks, minutes."""
        return self.end - self.start

    def on_duty(self) -> npt.NDArray[np.bool_]:
        """True at each minute of the day the person is present and not on a break."""
        on = np.zeros(DAY_MINUTES, dtype=bool)
        on[max(self.start, 0):min(self.end, DAY_MINUTES)] = True
        for a, b in self.breaks:
            on[max(a, 0):min(b, DAY_MINUTES)] = False
        return on


def _unescape(text: str) -> str:
    """Undo the spreadsheet-formula guard (a leading ``'`` before ``= + - @``)."""
    return text[1:] if len(text) > 1 and text[0] == "'" and text[1] in "=+-@" else text


def read_roster(path: Path) -> list[RosterShift]:
    """Every row of ``roster.csv`` (``staff_id, date, start, end, breaks, role``).

    Raises ``ValueError`` naming the line and column of an unreadable value.
    """
    out: list[RosterShift] = []
    with Path(path).open(encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            try:
                breaks = []
                for tok in filter(None, (t.strip() for t in (row.get("breaks") or "").split(";"))):
                    a, b = tok.split("-")
                    breaks.append((clock_minutes(a), clock_minutes(b)))
                out.append(RosterShift(
                    _unescape(row["staff_id"]), dt.date.fromisoformat(row["date"]),
                    clock_minutes(row["start"]), clock_minutes(row["end"]),
                    tuple(sorted(breaks)), (row.get("role") or "counter").strip(), line,
                    float(row["paid_hours"]) if (row.get("paid_hours") or "").strip() else None))
            except (ValueError, KeyError) as err:
                raise ValueError(f"{Path(path).name} line {line}: {err}") from err
    return out


def on_duty_count(shifts: Iterable[RosterShift], day: dt.date,
                  roles: frozenset[str] | None = None) -> npt.NDArray[np.int64]:
    """Staff on duty at each minute of ``day`` (only ``roles`` when given)."""
    count = np.zeros(DAY_MINUTES, dtype=np.int64)
    for sh in shifts:
        if sh.day == day and (roles is None or sh.role in roles):
            count += sh.on_duty()
    return count


def paid_minutes(shift: RosterShift, rules: Rules) -> int:
    """Shift length less its unpaid meal break, minutes.

    A shift longer than ``meal_break_after`` takes a meal break of exactly
    ``meal_break`` minutes, unpaid; short breaks are paid. When the shift
    shows no break of that length it is paid in full (and breaks the break
    rule). Counting by the policy, not by break lengths, keeps a short break
    as long as the meal break paid.
    """
    meals = sum(1 for a, b in shift.breaks if b - a == rules.meal_break)
    return shift.length - rules.meal_break * min(meals, rules.breaks_for(shift.length)[0])


def total_paid_hours(shifts: Sequence[RosterShift], rules: Rules) -> float:
    """Paid hours of the whole roster."""
    return sum(paid_minutes(s, rules) for s in shifts) / 60
