"""The official calendar: weekend days, public holidays and make-up working days.

:class:`HallCalendar` is the ONE owner of day kinds and of a day's opening
hours. Nothing else in the package asks ``day.weekday() >= 5`` or picks a
hall's hours for a date itself: it asks :meth:`HallCalendar.day_kinds`,
:meth:`HallCalendar.hours_on` (or :meth:`HallCalendar.hours_for`),
:meth:`HallCalendar.acts_as_weekday` and :func:`is_month_end`.

Weekend days come from ``policy.toml`` (``weekend = ["fri", "sat"]``; default
the holiday country's weekend as the `holidays` package knows it, Saturday
and Sunday for China). Public holidays come from ``holiday_country``.

China moves weekend days around its public holidays: a weekend day becomes a
working day (调休上班, a *make-up working day*) so that a holiday block is
longer. **The rule for a make-up day's hours (and its weekday pattern):** it
is worked in place of one weekday of the holiday block, and it follows that
weekday. The `holidays` package names the day off it was swapped with
("Day off (substituted from 09/20/2026)"): Sunday 2026-09-20 is worked in
place of Tuesday 2026-10-06, so it has a Tuesday's hours. A make-up day whose
swap is unknown (one from the user's ``calendar.csv``) follows the first
working weekday of the week (Monday with a Saturday-Sunday weekend, Sunday
with a Friday-Saturday one).

The `holidays` package knows China's published calendar up to 2026. For later
years it returns rule-based holidays without make-up days and says nothing
(measured with holidays 0.109). :class:`HallCalendar` therefore marks those
years as ``provisional`` and lets a user supply the official days in an
optional ``calendar.csv`` (columns ``date``, ``kind`` with kind ``holiday`` or
``workday``) that overrides the package.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:  # model imports nothing from here; the import is for the type only
    from queueopt.model import Hall, OpeningHours

#: Last year for which the `holidays` package carries China's official
#: make-up working days (checked against the State Council notice).
LAST_OFFICIAL_YEAR: Mapping[str, int] = {"CN": 2026}

DAY_KINDS: tuple[str, ...] = ("workday", "weekend", "holiday", "makeup")
"""Kinds of day: a normal working day, a normal weekend day, a public holiday
(official day off) and a make-up working day (a weekend day worked)."""

WEEKDAY_KEYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekday keys of ``policy.toml``'s ``weekend``, in ``date.weekday()`` order."""

MONTH_END_FIRST_DAY = 21
"""First day of the month-end period (days 21 to the month's last): salaries,
bills and card statements bring customers in."""

_SWAP = re.compile(r"substituted from (\d{2})/(\d{2})/(\d{4})")


def is_month_end(day: dt.date) -> bool:
    """True from the 21st to the last day of the month (:data:`MONTH_END_FIRST_DAY`).

    >>> is_month_end(dt.date(2026, 11, 21)), is_month_end(dt.date(2026, 11, 20))
    (True, False)
    """
    return day.day >= MONTH_END_FIRST_DAY


def weekend_days(keys: Iterable[str]) -> frozenset[int]:
    """Weekday indices (Monday = 0) of weekend keys such as ``["fri", "sat"]``.

    >>> sorted(weekend_days(["fri", "sat"]))
    [4, 5]
    """
    out = set()
    for k in keys:
        if k not in WEEKDAY_KEYS:
            raise ValueError(f"weekend day {k!r} must be one of {WEEKDAY_KEYS}")
        out.add(WEEKDAY_KEYS.index(k))
    return frozenset(out)


def country_weekend(country: str) -> tuple[str, ...]:
    """The weekend of ``country`` as the `holidays` package knows it (``("fri", "sat")`` for IL).

    >>> country_weekend("IL"), country_weekend("CN")
    (('fri', 'sat'), ('sat', 'sun'))
    """
    import holidays  # imported lazily: the package loads every country

    days = getattr(holidays.country_holidays(country, years=[2026]), "weekend", None) or {5, 6}
    return tuple(WEEKDAY_KEYS[d] for d in sorted(days))


@functools.lru_cache(maxsize=64)
def _package_days(country: str, years: tuple[int, ...]
                  ) -> tuple[dict[dt.date, str], frozenset[dt.date], dict[dt.date, dt.date]]:
    """Holidays (date -> English name), make-up days, and make-up day -> day off it replaces."""
    import holidays  # imported lazily: the package loads every country

    try:
        cal = holidays.country_holidays(country, years=list(years), language="en_US")
    except (NotImplementedError, KeyError, ValueError, TypeError, AttributeError):
        cal = holidays.country_holidays(country, years=list(years))
    workdays = frozenset(getattr(cal, "weekend_workdays", set()) or set())
    names = {d: str(n) for d, n in cal.items()}
    replaces: dict[dt.date, dt.date] = {}
    for day_off, name in names.items():
        m = _SWAP.search(name)
        if m:
            month, mday, year = (int(g) for g in m.groups())
            replaces[dt.date(year, month, mday)] = day_off
    return names, workdays, replaces


@dataclass(frozen=True, slots=True)
class HallCalendar:
    """Weekend days, public holidays and make-up working days of one country.

    Parameters
    ----------
    country:
        ISO code understood by the `holidays` package (``"CN"`` by default).
    extra_holidays, extra_workdays:
        Official days from the user's ``calendar.csv``; they override the
        package (a date in ``extra_workdays`` is never a holiday).
    weekend:
        Weekday indices (Monday = 0) of the weekend (see :func:`weekend_days`);
        by default the country's weekend per the `holidays` package
        (Saturday-Sunday for China, Friday-Saturday for Israel).
    """

    country: str = "CN"
    extra_holidays: frozenset[dt.date] = field(default_factory=frozenset)
    extra_workdays: frozenset[dt.date] = field(default_factory=frozenset)
    weekend: frozenset[int] | None = None

    def __post_init__(self) -> None:
        if self.weekend is None:  # the country's own weekend (Friday-Saturday in Israel)
            object.__setattr__(self, "weekend", weekend_days(country_weekend(self.country)))
        if not self.weekend_set <= set(range(7)) or len(self.weekend_set) > 6:
            raise ValueError(f"weekend={sorted(self.weekend_set)} must be weekday indices 0-6, "
                             "at most six of them")

    @property
    def weekend_set(self) -> frozenset[int]:
        """Weekday indices (Monday = 0) of the weekend, resolved (never ``None``)."""
        return self.weekend if self.weekend is not None else frozenset({5, 6})

    @classmethod
    def for_policy(cls, country: str, weekend: Sequence[str], *,
                   extra_holidays: frozenset[dt.date] = frozenset(),
                   extra_workdays: frozenset[dt.date] = frozenset()) -> HallCalendar:
        """The calendar of ``policy.toml``'s ``holiday_country`` and ``weekend`` keys.

        >>> HallCalendar.for_policy("IL", ["fri", "sat"]).day_kinds([dt.date(1999, 2, 5)])
        ['weekend']
        """
        return cls(country, extra_holidays, extra_workdays, weekend_days(weekend))

    def _days(self, dates: Sequence[dt.date]
              ) -> tuple[dict[dt.date, str], frozenset[dt.date], dict[dt.date, dt.date]]:
        return _package_days(self.country, tuple(sorted({d.year for d in dates})))

    def is_weekend_weekday(self, weekday: int) -> bool:
        """True when ``weekday`` (Monday = 0) is a weekend day of this calendar."""
        return weekday in self.weekend_set

    def day_kinds(self, dates: Iterable[dt.date]) -> list[str]:
        """Kind of each date: one of :data:`DAY_KINDS`.

        >>> cal = HallCalendar("CN")
        >>> cal.day_kinds([dt.date(2026, 10, 1), dt.date(2026, 10, 10), dt.date(2026, 10, 12)])
        ['holiday', 'makeup', 'workday']
        >>> HallCalendar("IL", weekend=frozenset({4, 5})).day_kinds(
        ...     [dt.date(1999, 2, 5), dt.date(1999, 2, 7)])
        ['weekend', 'workday']
        """
        dates = list(dates)
        if not dates:
            return []
        hol, work, _ = self._days(dates)
        out: list[str] = []
        for d in dates:
            weekend = d.weekday() in self.weekend_set
            if d in self.extra_workdays or (d in work and d not in self.extra_holidays):
                out.append("makeup" if weekend else "workday")
            elif d in self.extra_holidays or d in hol:
                out.append("holiday")
            else:
                out.append("weekend" if weekend else "workday")
        return out

    def day_kind(self, day: dt.date) -> str:
        """Kind of one date (see :meth:`day_kinds`)."""
        return self.day_kinds([day])[0]

    def first_working_weekday(self) -> int:
        """The weekday (Monday = 0) right after the weekend: Monday, or Sunday with Fri-Sat."""
        for k in range(1, 8):
            candidate = (max(self.weekend_set, default=6) + k) % 7
            if candidate not in self.weekend_set:
                return candidate
        return 0

    def acts_as_weekdays(self, dates: Iterable[dt.date]) -> list[int]:
        """Weekday (Monday = 0) each date follows: its own, or for a make-up day the one it replaces.

        >>> HallCalendar("CN").acts_as_weekdays([dt.date(2026, 9, 20), dt.date(2026, 9, 21)])
        [1, 0]
        """
        dates = list(dates)
        if not dates:
            return []
        _, _, replaces = self._days(dates)
        out = []
        for d, kind in zip(dates, self.day_kinds(dates)):
            if kind != "makeup":
                out.append(d.weekday())
            elif d in replaces and d not in self.extra_workdays:
                out.append(replaces[d].weekday())
            else:
                out.append(self.first_working_weekday())
        return out

    def acts_as_weekday(self, day: dt.date) -> int:
        """Weekday one date follows (see :meth:`acts_as_weekdays`)."""
        return self.acts_as_weekdays([day])[0]

    def hours_for(self, hall: Hall, dates: Iterable[dt.date]) -> list[OpeningHours]:
        """The hall's opening hours on each date: holiday hours on a holiday, else its weekday's.

        A make-up working day has the hours of the weekday it replaces (module docstring).
        """
        dates = list(dates)
        kinds = self.day_kinds(dates)
        acts = self.acts_as_weekdays(dates)
        return [hall.holiday_hours if k == "holiday" else hall.hours[w]
                for k, w in zip(kinds, acts)]

    def hours_on(self, hall: Hall, day: dt.date) -> OpeningHours:
        """The hall's opening hours on ``day`` (see :meth:`hours_for`)."""
        return self.hours_for(hall, [day])[0]

    def holiday_names(self, dates: Iterable[dt.date]) -> list[str]:
        """Name of the holiday on each date (``""`` when none)."""
        dates = list(dates)
        if not dates:
            return []
        hol, _, _ = self._days(dates)
        return [
            "Holiday" if (d in self.extra_holidays and d not in hol) else hol.get(d, "")
            for d in dates
        ]

    def is_holiday(self, dates: Iterable[dt.date]) -> npt.NDArray[np.bool_]:
        """True where the date is a public holiday (official day off)."""
        return np.array([k == "holiday" for k in self.day_kinds(dates)], dtype=bool)

    def is_month_end(self, day: dt.date) -> bool:
        """True from the 21st on (:func:`is_month_end`)."""
        return is_month_end(day)

    def is_provisional(self, day: dt.date) -> bool:
        """True when the package's calendar for ``day``'s year is rule-based only.

        >>> HallCalendar("CN").is_provisional(dt.date(2027, 2, 6))
        True
        """
        last = LAST_OFFICIAL_YEAR.get(self.country)
        has_user_days = any(d.year == day.year for d in self.extra_holidays | self.extra_workdays)
        return last is not None and day.year > last and not has_user_days
