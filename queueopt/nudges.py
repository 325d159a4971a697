"""Off-peak nudges: the busy and quiet windows of each day, and messages built from them.

Signs in the hall and messages to customers show when the hall is busy and
when it is quiet (错峰引导). Everything here is computed from numbers: a
per-interval frame with ``interval_start``, ``arrivals`` (per interval) and
``mean_wait`` (minutes), from the forecast and the planned counters (e.g.
:attr:`queueopt.pipeline.HallPlan.check`) or the hall's own history.

A window is ``hours`` consecutive opening hours; the busy window has the most
arrivals, the quiet window the shortest expected wait (the fewest arrivals
when no waits are known).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from queueopt.calendar import is_month_end
from queueopt.peak import PEAK_HOURS, busiest_window
from queueopt.rules import clock


@dataclass(frozen=True, slots=True)
class Window:
    """A busy or quiet window of one day (minutes since midnight)."""

    day: dt.date
    kind: str
    start: int
    end: int
    arrivals: float
    expected_wait: float

    @property
    def label(self) -> str:
        """``HH:MM-HH:MM``."""
        return f"{clock(self.start)}-{clock(self.end)}"


def hourly(frame: pd.DataFrame) -> pd.DataFrame:
    """Arrivals and arrival-weighted expected wait per day and clock hour.

    Returns ``date, hour, arrivals, expected_wait`` (minutes).
    """
    f = frame.copy()
    f["interval_start"] = pd.to_datetime(f["interval_start"])
    f["date"] = f["interval_start"].dt.date
    f["hour"] = f["interval_start"].dt.hour
    f["ww"] = f["mean_wait"].fillna(0.0) * f["arrivals"]
    g = f.groupby(["date", "hour"], sort=True)[["arrivals", "ww"]].sum().reset_index()
    g["expected_wait"] = np.where(g["arrivals"] > 0, g["ww"] / g["arrivals"].where(g["arrivals"] > 0, 1), 0.0)
    return g.drop(columns="ww")


def windows(frame: pd.DataFrame, hours: int = PEAK_HOURS) -> list[Window]:
    """The busiest (the peak, :mod:`queueopt.peak`) and the quietest ``hours``-hour window of every day.

    >>> idx = pd.date_range("2026-11-23 09:00", periods=32, freq="15min")
    >>> f = pd.DataFrame({"interval_start": idx, "arrivals": [5] * 16 + [20] * 8 + [3] * 8,
    ...                   "mean_wait": [1.0] * 16 + [9.0] * 8 + [0.5] * 8})
    >>> [(w.kind, w.label) for w in windows(f)]
    [('busy', '13:00-15:00'), ('quiet', '15:00-17:00')]
    """
    if hours < 1:
        raise ValueError(f"hours={hours} must be >= 1")
    out: list[Window] = []
    t = pd.to_datetime(frame["interval_start"])
    step = int(t.sort_values().diff().dropna().dt.total_seconds().min() // 60) if len(t) > 1 else 15
    minute = t.dt.hour * 60 + t.dt.minute
    span = minute.groupby(t.dt.date).agg(["min", "max"])
    day_span = {d: (int(r["min"]), int(r["max"]) + step) for d, r in span.iterrows()}
    for day, part in hourly(frame).groupby("date", sort=True):
        part = part.sort_values("hour")
        if len(part) < hours:
            continue
        arr = part["arrivals"].to_numpy(float)
        wait = part["expected_wait"].to_numpy(float)
        kernel = np.ones(hours)
        sums = np.convolve(arr, kernel, "valid")
        wsum = np.convolve(arr * wait, kernel, "valid")
        mean_w = np.divide(wsum, sums, out=np.zeros_like(sums), where=sums > 0)
        h0 = part["hour"].to_numpy()
        contiguous = np.array([h0[i + hours - 1] - h0[i] == hours - 1 for i in range(len(sums))])
        # quiet = the shortest expected wait (what a customer gains by coming then);
        # without waits (all zero) the fewest arrivals
        quiet_val = mean_w + 1e-6 * sums if np.any(mean_w > 0) else sums
        quiet_key = np.where(contiguous, quiet_val, np.inf)
        b = busiest_window(arr, hours, allowed=contiguous, tiebreak=mean_w)
        # the quiet window must not overlap the busy one
        starts = np.arange(len(sums))
        quiet_key = np.where(np.abs(starts - b) >= hours, quiet_key, np.inf)
        q = int(np.argmin(quiet_key)) if np.isfinite(quiet_key).any() else b
        if q == b:
            continue
        first_open, last_close = day_span[day]
        for kind, i in (("busy", b), ("quiet", q)):
            out.append(Window(day, kind, max(int(h0[i]) * 60, first_open),
                              min(int(h0[i] + hours) * 60, last_close),
                              float(sums[i]), float(mean_w[i])))
    return out


def messages(wins: list[Window], *, hall_name: str = "", lang: str = "en") -> pd.DataFrame:
    """Short customer messages for each day, in English (``en``) or Chinese (``zh``).

    Returns ``date, language, text``. The numbers come from the windows, so a
    day whose quiet hour is as slow as its busy hour says so.
    """
    if lang not in ("en", "zh"):
        raise ValueError(f"lang={lang!r} must be 'en' or 'zh'")
    rows = []
    by_day: dict[dt.date, dict[str, Window]] = {}
    for w in wins:
        by_day.setdefault(w.day, {})[w.kind] = w
    for day, ws in sorted(by_day.items()):
        busy, quiet = ws.get("busy"), ws.get("quiet")
        if busy is None or quiet is None:
            continue
        bw, qw = max(round(busy.expected_wait), 1), max(round(quiet.expected_wait), 1)
        if qw >= bw:  # no hour is better for waiting: say so, point to the app
            if lang == "en":
                where = f"{hall_name} " if hall_name else ""
                text = (f"{day:%a %d %b}: {where}is busiest {busy.label} (about "
                        f"{busy.arrivals:.0f} customers); expect about {bw} min at any hour. "
                        "Pay and top up in the app or at a kiosk.")
            else:
                where = f"{hall_name}" if hall_name else "本厅"
                text = (f"{day.month}月{day.day}日 {where}{busy.label}最忙（约{busy.arrivals:.0f}位客户），"
                        f"全天预计等候约{bw}分钟；缴费充值请用手机营业厅或自助终端。")
            rows.append({"date": day.isoformat(), "language": lang, "text": text})
            continue
        if lang == "en":
            where = f"{hall_name} " if hall_name else ""
            text = (f"{day:%a %d %b}: {where}is busiest {busy.label} (about {busy.arrivals:.0f} "
                    f"customers, expected wait {bw} min). Come {quiet.label} and wait about "
                    f"{qw} min, or pay and top up in the app.")
        else:
            where = f"{hall_name}" if hall_name else "本厅"
            text = (f"{day.month}月{day.day}日 {where}{busy.label}最忙（约{busy.arrivals:.0f}位客户，"
                    f"预计等候{bw}分钟）。建议{quiet.label}前来，约等{qw}分钟；缴费充值可用手机营业厅。")
        rows.append({"date": day.isoformat(), "language": lang, "text": text})
    return pd.DataFrame(rows, columns=["date", "language", "text"])


def shift_demand(forecast: pd.DataFrame, share: float, *, busy_hours: int = PEAK_HOURS,
                 app_share: float = 0.25, next_day_share: float = 0.0) -> pd.DataFrame:
    """Move ``share`` of the busy window's arrivals to a quiet window of the same or the next day.

    Of the customers who move, ``app_share`` use the app instead and never
    come; of the rest, ``next_day_share`` come in the next day's quiet window
    (when the next day is in the forecast and the hall opens then; otherwise
    they stay with the same day) and the others in the same day's quiet
    window, spread in proportion to its own arrivals. Both windows lie inside
    opening hours (they are made from the open intervals), so demand never
    moves outside them.

    Parameters
    ----------
    forecast:
        ``interval_start, arrivals`` (per interval), one or more days.
    share:
        Share of busy-window customers who move (0-1).
    busy_hours:
        Length of the busy and quiet windows, hours.
    app_share:
        Share of movers who switch to the app (0-1).
    next_day_share:
        Share of the movers who still come who come the next day (0-1).

    Returns
    -------
    pandas.DataFrame
        The forecast with shifted ``arrivals``.

    Examples
    --------
    >>> idx = pd.date_range("2026-11-23 09:00", periods=8, freq="h").append(
    ...     pd.date_range("2026-11-24 09:00", periods=8, freq="h"))
    >>> f = pd.DataFrame({"interval_start": idx, "arrivals": [10.0, 10, 40, 40, 10, 5, 5, 10] * 2})
    >>> out = shift_demand(f, 0.5, app_share=0.0, next_day_share=1.0)
    >>> float(round(out["arrivals"].sum() - f["arrivals"].sum(), 6))  # the last day's movers stay
    0.0
    >>> out.groupby(out["interval_start"].dt.day)["arrivals"].sum().round(1).tolist()
    [90.0, 170.0]
    """
    for name, v in (("share", share), ("app_share", app_share), ("next_day_share", next_day_share)):
        if not 0 <= v <= 1:
            raise ValueError(f"{name}={v} must be in [0, 1]")
    out = forecast.copy()
    out["interval_start"] = pd.to_datetime(out["interval_start"])
    out["arrivals"] = out["arrivals"].astype(float)
    base = out["arrivals"].copy()  # windows and movers come from the forecast before any move
    minute = out["interval_start"].dt.hour * 60 + out["interval_start"].dt.minute
    date = out["interval_start"].dt.date
    pairs = {w_busy.day: (w_busy, w_quiet)
             for w_busy, w_quiet in _pairs(windows(out.assign(mean_wait=0.0), busy_hours))}

    def spread(win: Window, amount: float) -> None:
        mask = (date == win.day) & (minute >= win.start) & (minute < win.end)
        q = base[mask]
        weights = q / q.sum() if q.sum() > 0 else pd.Series(1.0 / len(q), index=q.index)
        out.loc[mask, "arrivals"] += amount * weights

    for day, (w_busy, w_quiet) in pairs.items():
        if w_busy.start == w_quiet.start:
            continue
        in_busy = (date == day) & (minute >= w_busy.start) & (minute < w_busy.end)
        moved = base[in_busy] * share
        out.loc[in_busy, "arrivals"] -= moved
        come = float(moved.sum()) * (1 - app_share)
        nxt = pairs.get(day + dt.timedelta(days=1))
        later = come * next_day_share if nxt is not None else 0.0
        spread(w_quiet, come - later)
        if later > 0 and nxt is not None:
            spread(nxt[1], later)
    return out


def _pairs(wins: list[Window]) -> list[tuple[Window, Window]]:
    by_day: dict[dt.date, dict[str, Window]] = {}
    for w in wins:
        by_day.setdefault(w.day, {})[w.kind] = w
    return [(d["busy"], d["quiet"]) for d in by_day.values() if "busy" in d and "quiet" in d]


def usual_waits(tickets: pd.DataFrame, forecast: pd.DataFrame, *, weeks: int = 8,
                interval_minutes: int = 15) -> pd.DataFrame:
    """The forecast with ``mean_wait`` = what customers usually waited at that weekday and time.

    Customers decide from what they experience: the mean wait observed in the
    ticket log over the last ``weeks`` weeks for the same weekday and clock
    interval (counters only, abandoners up to when they left). Intervals never
    seen get the day's mean.
    """
    from queueopt.calibrate import observed_waits

    f = forecast.copy()
    f["interval_start"] = pd.to_datetime(f["interval_start"])
    if tickets is None or tickets.empty:
        return f.assign(mean_wait=np.nan)
    end = tickets["issued_at"].max()
    recent = tickets[tickets["issued_at"] > end - pd.Timedelta(weeks=weeks)]
    obs = observed_waits(recent, interval_minutes=interval_minutes)
    obs = obs.assign(dow=obs["interval_start"].dt.day_of_week,
                     clock=obs["interval_start"].dt.hour * 60 + obs["interval_start"].dt.minute)
    typical = obs.groupby(["dow", "clock"])["mean_wait"].mean()
    key = pd.MultiIndex.from_arrays([f["interval_start"].dt.day_of_week,
                                     f["interval_start"].dt.hour * 60 + f["interval_start"].dt.minute])
    f["mean_wait"] = typical.reindex(key).to_numpy()
    day_mean = f.groupby(f["interval_start"].dt.date)["mean_wait"].transform("mean")
    f["mean_wait"] = f["mean_wait"].fillna(day_mean).fillna(0.0)
    return f


DAY_TYPES: tuple[str, ...] = ("weekday", "weekend", "month-end", "holiday")


def day_type(day: dt.date, kind: str) -> str:
    """Day type of the nudges: holiday, month-end (:func:`queueopt.calendar.is_month_end`), weekend or weekday.

    >>> day_type(dt.date(2026, 11, 28), "weekend"), day_type(dt.date(2026, 11, 10), "makeup")
    ('month-end', 'weekday')
    """
    if kind == "holiday":
        return "holiday"
    if is_month_end(day):
        return "month-end"
    return "weekend" if kind == "weekend" else "weekday"


def windows_by_day_type(frame: pd.DataFrame, kinds: dict[dt.date, str], hours: int = PEAK_HOURS
                        ) -> pd.DataFrame:
    """Busiest and quietest window of a typical day of each day type.

    Parameters
    ----------
    frame:
        ``interval_start, arrivals, mean_wait`` over many days (e.g. the
        ticket log's observed intervals, or a forecast with waits).
    kinds:
        Day kind of each date (:meth:`queueopt.calendar.HallCalendar.day_kinds`).
    hours:
        Window length, hours.

    Returns
    -------
    pandas.DataFrame
        ``day_type, kind (busy/quiet), window, arrivals_per_day, expected_wait``
        plus the hourly table's ``days`` (how many days of that type it averages).
    """
    h = hourly(frame)
    h["day_type"] = [day_type(d, kinds.get(d, "workday")) for d in h["date"]]
    rows = []
    for t, part in h.groupby("day_type", sort=False):
        n_days = part["date"].nunique()
        typical = part.groupby("hour", as_index=False).agg(
            arrivals=("arrivals", "mean"),
            expected_wait=("expected_wait", "mean"))
        start = pd.Timestamp("2000-01-03")  # a placeholder date for the typical day
        fake = pd.DataFrame({"interval_start": start + pd.to_timedelta(typical["hour"] * 60, unit="min"),
                             "arrivals": typical["arrivals"], "mean_wait": typical["expected_wait"]})
        for w in windows(fake, hours):
            rows.append({"day_type": t, "kind": w.kind, "window": w.label,
                         "arrivals_per_day": round(w.arrivals, 1),
                         "expected_wait": round(w.expected_wait, 2), "days": n_days})
    order = {t: i for i, t in enumerate(DAY_TYPES)}
    out = pd.DataFrame(rows, columns=["day_type", "kind", "window", "arrivals_per_day",
                                      "expected_wait", "days"])
    return out.sort_values(["day_type", "kind"], key=lambda s: s.map(order) if s.name == "day_type"
                           else s).reset_index(drop=True)
