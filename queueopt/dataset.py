"""A validated data directory and its per-hall views (tickets, footfall, mix).

:func:`queueopt.io.load_dataset` builds a :class:`Dataset`; the rest of the
package reads it through the views here, never through the files.

Sharing: the app keeps one ``Dataset`` per data directory in
``st.cache_resource``, so every session (thread) holds the same object.
It is safe to share: its fields are never reassigned (frozen), the views
are computed once per dataset under a lock, and each call returns its own
frame (a pandas copy-on-write copy, so a caller that changes what it got
changes nothing anyone else sees). ``dataclasses.replace`` on a dataset
starts an empty cache, so a what-if variant never reads its parent's views.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from queueopt.arrivals import ArrivalCounts, arrival_counts, open_intervals  # noqa: F401  (re-exported)
from queueopt.calendar import HallCalendar
from queueopt.model import INTERVAL_CHOICES, Hall, HallCorrection, Policy, StaffMember, TransactionType
from queueopt.quarantine import Quarantine
from queueopt.schema import (
    ARRIVALS,
    HALL_ID,
    INTERVAL_START,
    TICKET_COLUMNS,
    TICKET_OPTIONAL,
    TRANSACTION_TYPE,
)


class _Views:
    """Per-dataset memo of derived frames: built once under a lock, handed out as copies."""

    def __init__(self) -> None:
        self._lock = threading.RLock()  # a view may be built from another view
        self._frames: dict[Hashable, pd.DataFrame] = {}

    def get(self, key: Hashable, build: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        with self._lock:
            if key not in self._frames:
                self._frames[key] = build()
            return self._frames[key].copy(deep=False)


def _rows_of(tickets: pd.DataFrame, hall_id: str) -> pd.DataFrame:
    """The rows of hall ``hall_id``, renumbered from 0; a log kept hall by hall gives them as
    one block, taken as a slice (no copy of the columns)."""
    rows = np.flatnonzero((tickets[HALL_ID] == hall_id).to_numpy())
    if len(rows) and rows[-1] - rows[0] + 1 == len(rows):
        return tickets.iloc[rows[0]:rows[-1] + 1].reset_index(drop=True)
    return tickets.iloc[rows].reset_index(drop=True)


@dataclass(frozen=True)
class Dataset:
    """A validated data directory.

    ``tickets`` has the README columns with ``issued_at``/``called_at``/
    ``served_end``/``abandoned_at`` as datetimes and ``abandoned`` as bool;
    ``footfall`` has ``hall_id, interval_start, arrivals``. Treat every field
    as read-only (the module docstring says why it may be shared).
    """

    root: Path
    halls: dict[str, Hall]
    transactions: dict[str, TransactionType]
    staff: tuple[StaffMember, ...]
    policy: Policy
    calendar: HallCalendar
    tickets: pd.DataFrame | None = None
    footfall: pd.DataFrame | None = None
    quarantine: Quarantine | None = None
    """Ticket rows set aside as bad (:mod:`queueopt.quarantine`); ``None`` without a log."""
    corrections: dict[str, HallCorrection] = field(default_factory=dict)
    """Per-hall corrections of the wait model (``corrections.json``, :mod:`queueopt.modelcheck`)."""
    _views: _Views = field(init=False, repr=False, compare=False)
    _arrivals: dict[Hashable, ArrivalCounts] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_views", _Views())
        object.__setattr__(self, "_arrivals", {})

    def hall(self, hall_id: str) -> Hall:
        """The hall ``hall_id``; ``ValueError`` naming the known halls otherwise."""
        try:
            return self.halls[hall_id]
        except KeyError:
            raise ValueError(
                f"hall={hall_id[:80]!r} is not in halls.csv; known halls: "
                f"{', '.join(sorted(self.halls))}"
            ) from None

    def staff_of(self, hall_id: str) -> tuple[StaffMember, ...]:
        """Staff members of one hall, in file order."""
        self.hall(hall_id)
        return tuple(s for s in self.staff if s.hall_id == hall_id)

    def tickets_of(self, hall_id: str) -> pd.DataFrame:
        """The ticket rows of one hall (empty frame when there is no ticket log)."""
        self.hall(hall_id)
        tickets = self.tickets
        if tickets is None:
            return pd.DataFrame(columns=list(TICKET_COLUMNS) + list(TICKET_OPTIONAL))
        return self._views.get(("tickets", hall_id), lambda: _rows_of(tickets, hall_id))

    def last_day(self, hall_id: str | None = None) -> dt.date:
        """Last day with data (tickets, else footfall), for one hall or all."""
        frames = []
        if self.tickets is not None:
            t = self.tickets if hall_id is None else self.tickets_of(hall_id)
            if len(t):
                frames.append(t["issued_at"].max())
        if self.footfall is not None:
            f = self.footfall if hall_id is None else self.footfall[self.footfall[HALL_ID] == hall_id]
            if len(f):
                frames.append(f[INTERVAL_START].max())
        if not frames:
            raise ValueError(f"no tickets or footfall for hall {hall_id!r}")
        return max(frames).date()  # type: ignore[no-any-return]

    def next_week_start(self) -> dt.date:
        """The default week to plan: the first Monday after the region's data ends.

        Labour rules count a week Monday to Sunday, so a plan starts on a
        Monday even when the data ends mid-week (the forecast covers the gap).

        >>> import datetime as dt
        >>> ds = Dataset(Path("."), {}, {}, (), Policy(), HallCalendar(),
        ...              footfall=pd.DataFrame({"hall_id": ["H"], "arrivals": [1],
        ...                                     "interval_start": [pd.Timestamp("2026-11-21 09:00")]}))
        >>> ds.next_week_start()  # the data ends on Saturday 21 November
        datetime.date(2026, 11, 23)
        """
        last = self.last_day()
        return last + dt.timedelta(days=7 - last.weekday())

    def footfall_for(self, hall_id: str, interval_minutes: int = 15) -> pd.DataFrame:
        """Arrivals per interval of one hall: ``hall_id, interval_start, arrivals``.

        From the ticket log when the hall has tickets (every open interval of
        a day with tickets appears, with 0 when nobody came; a gap day, open
        but without any ticket, has no rows: it is missing, not zero - see
        :meth:`arrivals_for`), else from ``footfall.csv`` (aggregated up to
        ``interval_minutes`` when it is finer).
        """
        self.hall(hall_id)
        return self._views.get(("footfall", hall_id, interval_minutes),
                               lambda: self._build_footfall(hall_id, interval_minutes))

    def arrivals_for(self, hall_id: str, interval_minutes: int = 15) -> ArrivalCounts:
        """Arrivals per interval from the ticket log with gap days as ``NaN`` (:mod:`queueopt.arrivals`).

        ``interval_minutes`` is the interval length in minutes. Also counts the
        gap days and the tickets outside the opening hours.
        """
        hall = self.hall(hall_id)
        key = ("arrivals", hall_id, interval_minutes)
        with self._views._lock:
            if key not in self._arrivals:
                self._arrivals[key] = arrival_counts(self.tickets_of(hall_id)["issued_at"], hall,
                                                     self.calendar, interval_minutes)
            return self._arrivals[key]

    def _build_footfall(self, hall_id: str, interval_minutes: int) -> pd.DataFrame:
        self.hall(hall_id)
        tickets = self.tickets_of(hall_id)
        if len(tickets):
            out = self.arrivals_for(hall_id, interval_minutes).observed()
        elif self.footfall is not None and (self.footfall[HALL_ID] == hall_id).any():
            part = self.footfall[self.footfall[HALL_ID] == hall_id]
            native = infer_interval_minutes(part[INTERVAL_START])
            if interval_minutes % native:
                raise ValueError(
                    f"footfall for hall {hall_id} comes in {native}-minute intervals; "
                    f"interval_minutes={interval_minutes} is not a multiple of it")
            floored = part[INTERVAL_START].dt.floor(f"{interval_minutes}min")
            agg = part.groupby(floored)[ARRIVALS].sum()
            out = pd.DataFrame({HALL_ID: hall_id, INTERVAL_START: agg.index,
                                ARRIVALS: agg.to_numpy().astype(np.int64)})
        else:
            raise ValueError(f"hall {hall_id} has neither tickets nor footfall rows")
        return out.sort_values(INTERVAL_START).reset_index(drop=True)

    def mix_for(self, hall_id: str) -> pd.DataFrame:
        """Share of each transaction type in the hall's tickets (counter and kiosk).

        Columns ``transaction_type, share``; falls back to equal shares over
        ``transactions.csv`` when the hall has no ticket log.
        """
        tickets = self.tickets_of(hall_id)
        if len(tickets):
            counts = tickets[TRANSACTION_TYPE].value_counts()
        else:
            counts = pd.Series(1.0, index=list(self.transactions))
        counts = counts.reindex(list(self.transactions), fill_value=0)
        return pd.DataFrame({TRANSACTION_TYPE: counts.index,
                             "share": (counts / counts.sum()).to_numpy()})


def infer_interval_minutes(times: pd.Series) -> int:
    """The regular interval (one of :data:`~queueopt.model.INTERVAL_CHOICES`, minutes) of sorted timestamps.

    The largest allowed interval that divides every gap and every clock time.

    >>> t = pd.Series(pd.to_datetime(["2026-11-02 09:00", "2026-11-02 09:15", "2026-11-02 10:00"]))
    >>> infer_interval_minutes(t)
    15
    """
    t = pd.to_datetime(times)
    minute_of_day = (t.dt.hour * 60 + t.dt.minute).to_numpy()
    seconds = t.dt.second.to_numpy()
    if (seconds != 0).any():
        raise ValueError("interval starts must fall on whole minutes")
    for step in sorted(INTERVAL_CHOICES, reverse=True):
        if (minute_of_day % step == 0).all():
            minutes = np.sort(t.to_numpy()).astype("datetime64[m]").astype(np.int64)
            diffs: np.ndarray = np.diff(minutes).astype(np.int64)
            if len(diffs) == 0 or (diffs[diffs > 0] % step == 0).all():
                if step == 60 or len(diffs) == 0:
                    return step
                # the step must actually occur (30-min data is also 5-min aligned)
                if (diffs == step).any():
                    return step
                continue
    raise ValueError("interval starts are not on a regular 5, 10, 15, 30 or 60 minute grid")
