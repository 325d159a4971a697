"""The peak: the one definition of a day's busiest time.

A day's **peak** is its busiest window of consecutive intervals by arrivals
(:data:`PEAK_HOURS` clock hours unless said otherwise; the earliest window on
ties). The busy window of the off-peak nudges, the hours a what-if moves
customers from, the busy hour of the regional ranking and the intervals in
which ``queueopt staff --pause-cross-sell peak`` pauses cross-selling are all
this window.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

PEAK_HOURS = 2
"""Length of a day's peak, hours."""


def busiest_window(arrivals: npt.ArrayLike, width: int, *,
                   allowed: npt.ArrayLike | None = None,
                   tiebreak: npt.ArrayLike | None = None) -> int:
    """Start index of the ``width`` consecutive elements with the most arrivals.

    Parameters
    ----------
    arrivals:
        Arrivals per interval (any unit; only sums are compared).
    width:
        Window length, intervals (shortened to the series when longer).
    allowed:
        Per window start, False to skip it (e.g. a window across a closed hour).
    tiebreak:
        Per window start, a small second key (added x 1e-6): e.g. the
        window's mean wait, so the busier-and-slower window wins a tie.

    >>> busiest_window([1, 5, 5, 2, 9, 0], 2)  # sums 6, 10, 7, 11, 9
    3
    >>> busiest_window([3, 3, 3], 2)  # a tie: the earliest
    0
    """
    a = np.asarray(arrivals, dtype=float)
    if a.size == 0:
        raise ValueError("arrivals is empty: no window to choose")
    if width < 1:
        raise ValueError(f"width={width} must be >= 1")
    sums = np.convolve(a, np.ones(min(width, a.size)), "valid")
    key = sums + (0.0 if tiebreak is None else 1e-6 * np.asarray(tiebreak, dtype=float))
    if allowed is not None:
        key = np.where(np.asarray(allowed, dtype=bool), key, -np.inf)
    return int(np.argmax(key))


def peak_mask(frame: pd.DataFrame, hours: int = PEAK_HOURS) -> npt.NDArray[np.bool_]:
    """Per row of ``interval_start, arrivals``: True inside its day's peak.

    The peak is the busiest ``hours`` consecutive clock hours of each day by
    arrivals (hours summed from the intervals; the earliest on ties).

    >>> f = pd.DataFrame({"interval_start": pd.date_range("2026-11-23 09:00", periods=6,
    ...                                                   freq="h"),
    ...                   "arrivals": [10, 30, 40, 20, 50, 5]})
    >>> peak_mask(f).tolist()  # 10:00-12:00 and 12:00-14:00 both have 70: the earliest
    [False, True, True, False, False, False]
    """
    t = pd.to_datetime(frame["interval_start"])
    arr = frame["arrivals"].to_numpy(float)
    out = np.zeros(len(frame), bool)
    day = t.dt.date.to_numpy()
    hour = t.dt.hour.to_numpy()
    for d in pd.unique(day):
        on = day == d
        hourly = pd.Series(arr[on]).groupby(hour[on]).sum()
        start = int(hourly.index[busiest_window(hourly.to_numpy(), hours)])
        out[on] = (hour[on] >= start) & (hour[on] < start + hours)
    return out
