"""Intraday update: the rest of today's forecast moves towards the level seen so far.

The series are Poisson counts with a known intraday profile and a day level
that varies from day to day (lognormal, sd 0.25): the level seen in the
morning then says something about the afternoon, which the update must use;
its interval must keep its coverage at every time of day.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from queueopt.forecast import forecast_arrivals
from queueopt.intraday import IntradayFit, fit_intraday, update_forecast

SLOTS = np.arange(8 * 60, 20 * 60, 30)  # 08:00-20:00, half-hourly
PROFILE = np.exp(-0.5 * ((SLOTS - 13 * 60) / 180.0) ** 2)
PROFILE = PROFILE / PROFILE.sum()
DAY_TOTAL = 3000.0


def _days(start: dt.date, n: int, rng: np.random.Generator, level_sd: float = 0.25
          ) -> pd.DataFrame:
    rows = []
    for k in range(n):
        d = pd.Timestamp(start + dt.timedelta(days=k))
        level = float(np.exp(rng.normal(0.0, level_sd)))
        counts = rng.poisson(DAY_TOTAL * level * PROFILE)
        rows += [("H1", d + pd.Timedelta(minutes=int(s)), float(c)) for s, c in zip(SLOTS, counts)]
    return pd.DataFrame(rows, columns=["hall_id", "interval_start", "arrivals"])


def _truth_forecast(day: dt.date) -> pd.DataFrame:
    d = pd.Timestamp(day)
    mean = DAY_TOTAL * np.exp(0.25 ** 2 / 2) * PROFILE
    return pd.DataFrame({"hall_id": "H1", "interval_start": d + pd.to_timedelta(SLOTS, unit="min"),
                         "arrivals": mean, "lo80": 0.0, "hi80": 0.0})


def test_busy_morning_raises_the_afternoon() -> None:
    """A morning 50% above the forecast: the rest of the day is revised up, not by all 50%
    at 10:00 (little seen yet) and by more at 15:00 (more seen)."""
    rng = np.random.default_rng(1)
    hist = _days(dt.date(2026, 1, 5), 70, rng)
    fits = fit_intraday(hist, country="CN")
    assert fits["H1"].days > 50
    today = dt.date(2026, 3, 16)
    fc = _truth_forecast(today)
    seen = fc[["hall_id", "interval_start"]].copy()
    seen["arrivals"] = 1.5 * fc["arrivals"]
    factors = []
    for hour in (10, 15):
        now = pd.Timestamp(today) + pd.Timedelta(hours=hour)
        out = update_forecast(fc, seen[seen["interval_start"] < now], now, fits)
        later = out["interval_start"] >= now
        assert out.loc[later, "updated"].all() and not out.loc[~later, "updated"].any()
        f = out.loc[later, "level_factor"].iloc[0]
        np.testing.assert_allclose(out.loc[later, "arrivals"], f * fc.loc[later, "arrivals"])
        factors.append(f)
    assert 1.1 < factors[0] < factors[1] <= 1.5


def test_update_beats_the_morning_and_covers_by_hour() -> None:
    """On 40 new days the rest-of-day error from 13:00 falls by >= 15% against the
    morning forecast (queueopt's own, from ten weeks of history), and the 80% interval
    covers 72-88% at 10, 13 and 16 o'clock."""
    rng = np.random.default_rng(7)
    hist = _days(dt.date(2026, 1, 5), 70, rng)
    fits = fit_intraday(hist, country="CN")
    week = forecast_arrivals(hist, 7)  # every day of the simulation is alike: one week serves
    shape = week[week["interval_start"].dt.date == dt.date(2026, 3, 16)]
    new = _days(dt.date(2026, 3, 16), 40, rng)
    err = {"upd": 0.0, "morning": 0.0}
    inside: dict[int, list[bool]] = {10: [], 13: [], 16: []}
    for day, actual in new.groupby(new["interval_start"].dt.date):
        fc = shape.assign(interval_start=pd.Timestamp(day) + pd.to_timedelta(SLOTS, unit="min")
                          ).reset_index(drop=True)
        for hour in inside:
            now = pd.Timestamp(day) + pd.Timedelta(hours=hour)
            out = update_forecast(fc, actual[actual["interval_start"] < now], now, fits)
            rest = out["interval_start"] >= now
            y = actual["arrivals"].to_numpy()[rest.to_numpy()]
            inside[hour] += list((y >= out.loc[rest, "lo80"]) & (y <= out.loc[rest, "hi80"]))
            if hour == 13:
                err["upd"] += float(np.abs(y - out.loc[rest, "arrivals"]).sum())
                err["morning"] += float(np.abs(y - fc.loc[rest, "arrivals"]).sum())
    assert err["upd"] <= 0.85 * err["morning"]
    for hour, hits in inside.items():
        assert 0.72 <= np.mean(hits) <= 0.88, (hour, np.mean(hits))


def test_missing_intervals_are_gaps_not_zeros() -> None:
    """Half the morning's intervals were not logged: the level comes from the ones that were
    (a flat prior: the day's level is the precision-weighted mean of the seen log ratios)."""
    fits = {"H1": IntradayFit(level_var=1e6, ar_var=0.0, ar_coef=0.0, noise_var=0.0,
                              cut_minutes=np.array([0]), phi=np.array([0.0]), days=10)}
    today = dt.date(2026, 3, 16)
    fc = _truth_forecast(today)
    now = pd.Timestamp(today) + pd.Timedelta(hours=12)
    seen = fc[fc["interval_start"] < now][["hall_id", "interval_start"]].iloc[::2].copy()
    f = fc.loc[seen.index, "arrivals"].to_numpy()
    seen["arrivals"] = 2.0 * f
    out = update_forecast(fc, seen, now, fits)
    z = np.log((2.0 * f + 0.5) / (f + 0.5))
    expected = np.exp(np.sum(z * (f + 0.5)) / np.sum(f + 0.5))
    assert out.loc[out["updated"], "level_factor"].iloc[0] == pytest.approx(expected, rel=1e-4)
    assert expected > 1.9  # (not the ~1.0 that gaps read as zeros would give)


def test_forecast_arrivals_option_and_errors() -> None:
    rng = np.random.default_rng(3)
    hist = _days(dt.date(2026, 1, 5), 42, rng)
    today = dt.date(2026, 2, 16)
    actual = _days(today, 1, rng, level_sd=0.0)
    now = pd.Timestamp(today) + pd.Timedelta(hours=14)
    out = forecast_arrivals(hist, 2, observed_today=actual[actual["interval_start"] < now],
                            now=now)
    assert out.loc[out["interval_start"] >= now, "updated"].sum() == (SLOTS >= 14 * 60).sum()
    assert not out.loc[out["interval_start"] >= now + pd.Timedelta(days=1), "updated"].any()
    assert (out["lo80"] <= out["arrivals"] + 1).all() and (out["arrivals"] <= out["hi80"] + 1).all()
    with pytest.raises(ValueError, match="give both or neither"):
        forecast_arrivals(hist, 1, now=now)
    with pytest.raises(ValueError, match="negative"):
        update_forecast(out, actual.assign(arrivals=-1.0), now)
