"""The official calendar: public holidays (days off) and make-up working days.

China moves weekend days around its public holidays: a Saturday or Sunday
becomes a working day (调休上班, a *make-up working day*) so that a holiday
block is longer. Footfall follows the official calendar, not the weekday, so
the forecast and the sample generator ask this module what kind of day a date
is.

The `holidays` package knows China's published calendar up to 2026. For later
years it returns rule-based holidays without make-up days and says nothing
(measured with holidays 0.109). :class:`HallCalendar` therefore marks those
years as ``provisional`` and lets a user supply the official days in an
optional ``calendar.csv`` (columns ``date``, ``kind`` with kind ``holiday`` or
``workday``) that overrides the package.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

#: Last year for which the `holidays` package carries China's official
#: make-up working days (checked against the State Council notice).
LAST_OFFICIAL_YEAR: Mapping[str, int] = {"CN": 2026}

DAY_KINDS: tuple[str, ...] = ("workday", "weekend", "holiday", "makeup")
"""Kinds of day: a normal weekday, a normal weekend day, a public holiday
(official day off) and a make-up working day (a weekend day worked)."""


@dataclass(frozen=True, slots=True)
class HallCalendar:
    """Public holidays and make-up working days of one country.

    Parameters
    ----------
    country:
        ISO code understood by the `holidays` package (``"CN"`` by default).
    extra_holidays, extra_workdays:
        Official days from the user's ``calendar.csv``; they override the
        package (a date in ``extra_workdays`` is never a holiday).
    """

    country: str = "CN"
    extra_holidays: frozenset[dt.date] = field(default_factory=frozenset)
    extra_workdays: frozenset[dt.date] = field(default_factory=frozenset)

    def _package_days(self, years: Iterable[int]) -> tuple[dict[dt.date, str], set[dt.date]]:
        import holidays  # imported lazily: the package loads every country

        cal = holidays.country_holidays(self.country, years=sorted(set(years)))
        workdays = set(getattr(cal, "weekend_workdays", set()) or set())
        return dict(cal.items()), workdays

    def day_kinds(self, dates: Iterable[dt.date]) -> list[str]:
        """Kind of each date: one of :data:`DAY_KINDS`.

        >>> cal = HallCalendar("CN")
        >>> cal.day_kinds([dt.date(2026, 10, 1), dt.date(2026, 10, 10), dt.date(2026, 10, 12)])
        ['holiday', 'makeup', 'workday']
        """
        dates = list(dates)
        if not dates:
            return []
        hol, work = self._package_days({d.year for d in dates})
        out: list[str] = []
        for d in dates:
            if d in self.extra_workdays or (d in work and d not in self.extra_holidays):
                out.append("makeup" if d.weekday() >= 5 else "workday")
            elif d in self.extra_holidays or d in hol:
                out.append("holiday")
            else:
                out.append("weekend" if d.weekday() >= 5 else "workday")
        return out

    def holiday_names(self, dates: Iterable[dt.date]) -> list[str]:
        """Name of the holiday on each date (``""`` when none)."""
        dates = list(dates)
        if not dates:
            return []
        hol, _ = self._package_days({d.year for d in dates})
        return [
            "Holiday" if (d in self.extra_holidays and d not in hol) else hol.get(d, "")
            for d in dates
        ]

    def is_holiday(self, dates: Iterable[dt.date]) -> npt.NDArray[np.bool_]:
        """True where the date is a public holiday (official day off)."""
        return np.array([k == "holiday" for k in self.day_kinds(dates)], dtype=bool)

    def is_provisional(self, day: dt.date) -> bool:
        """True when the package's calendar for ``day``'s year is rule-based only.

        >>> HallCalendar("CN").is_provisional(dt.date(2027, 2, 6))
        True
        """
        last = LAST_OFFICIAL_YEAR.get(self.country)
        has_user_days = any(d.year == day.year for d in self.extra_holidays | self.extra_workdays)
        return last is not None and day.year > last and not has_user_days
