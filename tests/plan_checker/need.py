"""What each day needs, minute by minute: the requirement (an input) and the presence rule.

The requirement per interval (counters needed) is an *input* to the checker:
it is read from the plan's own ``requirements.csv``. The checker caps it at
the hall's physical counters and adds the policy's presence rule:
``min_staff_on_duty`` on duty while the hall is open and at least one
person during the opening and closing cover.

Units: minutes since midnight; arrays have one entry per minute of the day.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from plan_checker.inputs import HallFacts, Rules

DAY_MINUTES = 24 * 60


def read_requirement(path: Path, column: str = "required"
                     ) -> tuple[dict[dt.date, list[tuple[int, int]]], int]:
    """``interval_start`` and ``column`` of ``requirements.csv``, per day.

    Returns
    -------
    (per_day, interval)
        ``per_day[day]`` lists ``(start minute, counters needed)``;
        ``interval`` is the interval length in minutes (the smallest step
        between two starts of a day; 15 if no day has two intervals).
    """
    per_day: dict[dt.date, list[tuple[int, int]]] = defaultdict(list)
    with Path(path).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            stamp = dt.datetime.fromisoformat(row["interval_start"])
            per_day[stamp.date()].append((stamp.hour * 60 + stamp.minute,
                                          round(float(row[column]))))
    steps = [b[0] - a[0] for rows in per_day.values() for a, b in itertools.pairwise(sorted(rows))]
    return dict(per_day), (min(steps) if steps else 15)


@dataclass(frozen=True, slots=True)
class DayNeed:
    """One day's need, per minute of the day.

    Parameters
    ----------
    day, kind:
        The date and its kind (``workday``, ``weekend``, ``holiday``, ``makeup``).
    window:
        ``(first, end)`` minute anyone may work: opening hours widened by the
        covers; ``None`` on a closed day.
    hours:
        ``(open, close)`` minutes; ``None`` on a closed day.
    required:
        Counters needed per minute as the requirement says (uncapped).
    counter_need:
        ``required`` capped at the hall's counters.
    presence:
        Fewest staff on duty per minute (presence rule).
    """

    day: dt.date
    kind: str
    window: tuple[int, int] | None
    hours: tuple[int, int] | None
    required: npt.NDArray[np.int64]
    counter_need: npt.NDArray[np.int64]
    presence: npt.NDArray[np.int64]

    @property
    def need(self) -> npt.NDArray[np.int64]:
        """Staff on duty needed per minute: the capped requirement or the presence rule."""
        return np.maximum(self.counter_need, self.presence)


def day_need(hall: HallFacts, rules: Rules, day: dt.date, kind: str, weekday: int,
             requirement: list[tuple[int, int]], interval: int) -> DayNeed:
    """The need of ``day`` from the hall, the policy and the requirement rows of that day.

    ``kind`` and ``weekday`` (the weekday the date follows, Monday = 0) come
    from the calendar; ``requirement`` lists ``(interval start minute,
    counters needed)``, each row holding for ``interval`` minutes.
    """
    required = np.zeros(DAY_MINUTES, dtype=np.int64)
    for start, value in requirement:
        required[start:min(start + interval, DAY_MINUTES)] = value
    presence = np.zeros(DAY_MINUTES, dtype=np.int64)
    hours = hall.hours_on(kind, weekday)
    window = None
    if hours is not None and hours[1] > hours[0]:
        lo = max(hours[0] - rules.opening_cover, 0)
        hi = min(hours[1] + rules.closing_cover, DAY_MINUTES)
        window = (lo, hi)
        presence[lo:hi] = min(rules.min_staff_on_duty, 1)
        presence[hours[0]:hours[1]] = rules.min_staff_on_duty
    else:
        hours = None
    return DayNeed(day, kind, window, hours, required,
                   np.minimum(required, hall.counters), presence)
