"""Arrivals per interval from a ticket log: missing days are missing, not zero.

A day the hall should be open (its hours in ``halls.csv`` on that date,
per :class:`~queueopt.calendar.HallCalendar`) but with no ticket at all in
the log is a **gap**: the log is missing, not the customers. Its intervals
carry ``NaN`` arrivals, never 0, and every consumer (forecast, calibration,
backtest) leaves them out and says how many there were. A day with tickets
but a quiet interval is a real 0.

Tickets issued outside the day's opening hours (or on a closed day) are
counted per hall (:attr:`ArrivalCounts.out_of_hours`); they stay in the
counts of the interval they fell in, so nothing is dropped, and ``validate``
reports them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from queueopt.calendar import HallCalendar
from queueopt.model import Hall
from queueopt.schema import ARRIVALS, HALL_ID, INTERVAL_START


@dataclass(frozen=True)
class ArrivalCounts:
    """Arrivals per interval of one hall, gaps marked.

    Attributes
    ----------
    frame:
        ``hall_id, interval_start, arrivals`` (float; customers per interval,
        ``NaN`` on every open interval of a gap day), sorted by time; every
        open interval from the first to the last day of the log, plus any
        interval outside the hours where a ticket fell.
    gap_days:
        Days the hall should have been open but the log has no ticket.
    out_of_hours:
        Tickets issued outside the day's opening hours (or on a closed day).
    interval_minutes:
        Length of an interval, minutes.
    """

    frame: pd.DataFrame
    gap_days: tuple[dt.date, ...]
    out_of_hours: int
    interval_minutes: int

    @property
    def gap_intervals(self) -> int:
        """Open intervals with no data (``NaN``), over all gap days."""
        return int(self.frame[ARRIVALS].isna().sum())

    def observed(self) -> pd.DataFrame:
        """The frame without the gap intervals, arrivals as whole numbers (int64)."""
        out = self.frame[self.frame[ARRIVALS].notna()].copy()
        out[ARRIVALS] = out[ARRIVALS].astype(np.int64)
        return out.reset_index(drop=True)

    def summary(self) -> str:
        """One line for the user: gap days and out-of-hours tickets."""
        hall = self.frame[HALL_ID].iloc[0] if len(self.frame) else "?"
        return (f"hall {hall}: {len(self.gap_days)} gap day(s) with no ticket while open "
                f"({self.gap_intervals} intervals left out, not counted as zero); "
                f"{self.out_of_hours} ticket(s) outside the opening hours")


def open_intervals(hall: Hall, calendar: HallCalendar, first: dt.date, last: dt.date,
                   interval_minutes: int) -> pd.DatetimeIndex:
    """Start times of every interval the hall is open, ``first`` to ``last`` inclusive.

    ``interval_minutes`` is the interval length in minutes; the day's hours
    come from :meth:`HallCalendar.hours_for` (the one owner).
    """
    days = pd.date_range(first, last, freq="D")
    all_hours = calendar.hours_for(hall, [d.date() for d in days])
    starts: list[np.ndarray] = []
    for day, hours in zip(days, all_hours):
        if not hours.is_open:
            continue
        first_slot = -(-hours.open_minute // interval_minutes) * interval_minutes
        minutes = np.arange(first_slot, hours.close_minute, interval_minutes)
        starts.append(day.to_datetime64() + minutes.astype("timedelta64[m]"))
    if not starts:
        return pd.DatetimeIndex([])
    return pd.DatetimeIndex(np.concatenate(starts).astype("datetime64[ns]"))


def out_of_hours(issued_at: pd.Series, hall: Hall, calendar: HallCalendar) -> int:
    """Tickets issued outside their day's opening hours (or on a closed day)."""
    if len(issued_at) == 0:
        return 0
    when = pd.to_datetime(issued_at).to_numpy()
    day = when.astype("datetime64[D]")
    days, of_day = np.unique(day, return_inverse=True)
    hours = calendar.hours_for(hall, days.astype(object))
    minute = (when.astype("datetime64[m]") - day).astype(np.int64)  # minutes after midnight
    lo = np.array([h.open_minute for h in hours], dtype=np.int64)[of_day]
    hi = np.array([h.close_minute for h in hours], dtype=np.int64)[of_day]
    return int(((minute < lo) | (minute >= hi)).sum())


def arrival_counts(issued_at: pd.Series, hall: Hall, calendar: HallCalendar,
                   interval_minutes: int) -> ArrivalCounts:
    """Count tickets per interval of one hall, with gap days as ``NaN``.

    Parameters
    ----------
    issued_at:
        Ticket issue times (local), one per ticket, of this hall only.
    hall:
        The hall (opening hours).
    calendar:
        Day kinds and hours (:class:`HallCalendar`).
    interval_minutes:
        Interval length, minutes (5, 10, 15, 30 or 60).

    Examples
    --------
    >>> from queueopt.model import OpeningHours
    >>> h = Hall("H", "H", "R", "main", 2, 0, (OpeningHours(540, 600),) * 7, OpeningHours(540, 600))
    >>> t = pd.Series(pd.to_datetime(["2026-11-16 09:05", "2026-11-18 09:40", "2026-11-18 20:00"]))
    >>> a = arrival_counts(t, h, HallCalendar(), 30)
    >>> a.gap_days, a.out_of_hours, a.frame["arrivals"].tolist()
    ((datetime.date(2026, 11, 17),), 1, [1.0, 0.0, nan, nan, 0.0, 1.0, 1.0])
    """
    t = pd.to_datetime(issued_at).dropna()
    columns = [HALL_ID, INTERVAL_START, ARRIVALS]
    if len(t) == 0:
        return ArrivalCounts(pd.DataFrame(columns=columns), (), 0, interval_minutes)
    counts = t.dt.floor(f"{interval_minutes}min").value_counts()
    first, last = t.min().date(), t.max().date()
    grid = open_intervals(hall, calendar, first, last, interval_minutes)
    index = grid.union(counts.index)
    values = counts.reindex(index, fill_value=0).to_numpy().astype(float)
    seen_days = np.unique(t.to_numpy().astype("datetime64[D]"))
    day_of = index.to_numpy().astype("datetime64[D]")
    gap = ~np.isin(day_of, seen_days)
    values[gap] = np.nan
    gap_days = tuple(np.unique(day_of[gap]).astype(object))
    frame = pd.DataFrame({HALL_ID: hall.hall_id, INTERVAL_START: index, ARRIVALS: values},
                         columns=columns)
    return ArrivalCounts(frame.sort_values(INTERVAL_START).reset_index(drop=True), gap_days,
                         out_of_hours(t, hall, calendar), interval_minutes)
