"""Rolling-origin backtests of the footfall forecast against two baselines.

For each fold the history is cut at an origin, the model forecasts the next
``horizon_days`` days, and the forecast is scored against what happened.
Origins step back ``horizon_days`` at a time from the end of the history, so
no fold ever sees its own future (Tashman, "Out-of-sample tests of forecasting
accuracy", IJF 2000).

Metrics, over all intervals of all folds (and per fold):

* **WAPE** = Σ|actual - forecast| / Σ actual;
* **bias** = Σ(forecast - actual) / Σ actual (positive = over-forecast);
* **coverage** = share of actual counts inside the 80% interval (queueopt's
  model only: the baselines give no interval);
* **day_coverage** = share of actual daily totals inside the daily 80%
  interval (``day_lo80``, ``day_hi80``; days with a gap left out).

Baselines: **seasonal naive** (the same weekday and time one week earlier)
and **mean of the last four same weekdays** at the same time (of those in the
history: a short history has fewer; a gap is skipped).

Gaps (NaN arrivals) are never scored; a history shorter than the folds asked
for gets fewer folds (at least :data:`MIN_TRAIN_DAYS` days before the first
origin) rather than a refusal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from queueopt.calendar import HallCalendar
from queueopt.forecast import forecast_arrivals
from queueopt.io import ARRIVALS, HALL_ID, INTERVAL_START

METHODS: tuple[str, ...] = ("queueopt", "seasonal_naive", "mean_4_weekdays")
MIN_TRAIN_DAYS = 14
"""Days of history before the first origin: a short history gets fewer folds, not a refusal."""


@dataclass(frozen=True)
class BacktestResult:
    """Scores of every method; ``scores`` has one row per (method, fold) plus ``fold = "all"``."""

    scores: pd.DataFrame
    horizon_days: int
    folds: int
    requested_folds: int = 0
    gap_intervals: int = 0

    def summary(self) -> pd.DataFrame:
        """One row per method over all folds: wape, bias, coverage, day_coverage, wape_vs_naive."""
        s = self.scores[self.scores["fold"] == "all"].set_index("method")
        s = s[["wape", "bias", "coverage", "day_coverage", "intervals"]].copy()
        s["wape_vs_naive"] = s["wape"] / s.loc["seasonal_naive", "wape"]
        return s.reset_index()

    def to_frame(self) -> pd.DataFrame:
        """All scores (per fold and overall)."""
        return self.scores.copy()


def _baselines(history: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Seasonal naive and 4-weekday mean for the ``targets`` rows from ``history``."""
    h = history.set_index([HALL_ID, INTERVAL_START])[ARRIVALS]
    out = targets[[HALL_ID, INTERVAL_START]].copy()
    lags = []
    for weeks in (1, 2, 3, 4):
        key = pd.MultiIndex.from_arrays([out[HALL_ID], out[INTERVAL_START] - pd.Timedelta(weeks=weeks)])
        lags.append(h.reindex(key).to_numpy(dtype=float))
    # the horizon is at most a week, so lag 1 week is always in the history
    out["seasonal_naive"] = np.nan_to_num(lags[0], nan=0.0)
    stacked = np.vstack(lags)
    seen = (~np.isnan(stacked)).sum(axis=0)
    mean4 = np.where(seen > 0, np.nansum(stacked, axis=0) / np.maximum(seen, 1), np.nan)
    out["mean_4_weekdays"] = np.nan_to_num(mean4, nan=0.0)
    return out


def _score(actual: np.ndarray, pred: np.ndarray, lo: np.ndarray | None,
           hi: np.ndarray | None) -> dict[str, float]:
    total = float(actual.sum())
    return {
        "wape": float(np.abs(actual - pred).sum() / total) if total else float("nan"),
        "bias": float((pred - actual).sum() / total) if total else float("nan"),
        "coverage": (float(((actual >= lo) & (actual <= hi)).mean())
                     if lo is not None and hi is not None and len(actual) else float("nan")),
        "intervals": float(len(actual)),
    }


def _day_hits(test: pd.DataFrame, fc: pd.DataFrame) -> np.ndarray:
    """Whether each (hall, day) total of ``test`` lies in the forecast's daily 80% interval.

    A day with a gap (a NaN row) is left out: its total is unknown.
    """
    if "day_lo80" not in fc.columns or test.empty:
        return np.zeros(0, dtype=bool)
    t = test.assign(day=test[INTERVAL_START].dt.normalize())
    g = t.groupby([HALL_ID, "day"])[ARRIVALS]
    days = pd.DataFrame({"actual": g.sum(), "gap": g.apply(lambda a: bool(a.isna().any()))})
    f = fc.assign(day=pd.to_datetime(fc[INTERVAL_START]).dt.normalize())
    band = f.groupby([HALL_ID, "day"])[["day_lo80", "day_hi80"]].first()
    days = days[~days["gap"]].join(band, how="inner")
    return ((days["actual"] >= days["day_lo80"]) & (days["actual"] <= days["day_hi80"])).to_numpy()


def backtest(history: pd.DataFrame, horizon_days: int = 7, folds: int = 4, *,
             calendar: HallCalendar | None = None, country: str = "CN") -> BacktestResult:
    """Rolling-origin backtest of :func:`forecast_arrivals` and the two baselines.

    Parameters
    ----------
    history:
        ``hall_id, interval_start, arrivals`` (any regular interval).
    horizon_days:
        Days forecast from each origin (1-7: the baselines look one week back).
    folds:
        Number of origins, each ``horizon_days`` earlier than the next; a
        history too short for them all gets as many as fit with at least
        :data:`MIN_TRAIN_DAYS` days before the first origin
        (``BacktestResult.folds`` says how many ran).
    calendar, country:
        Official calendar for holidays and make-up days.

    Returns
    -------
    BacktestResult

    Raises
    ------
    ValueError
        When the history is too short for even one fold.

    Gaps (NaN arrivals) are neither forecast targets nor scored; their count
    is ``BacktestResult.gap_intervals``.
    """
    if not 1 <= horizon_days <= 7:
        raise ValueError(f"horizon_days={horizon_days} must be between 1 and 7")
    if folds < 1:
        raise ValueError(f"folds={folds} must be >= 1")
    hist = history[[HALL_ID, INTERVAL_START, ARRIVALS]].copy()
    hist[INTERVAL_START] = pd.to_datetime(hist[INTERVAL_START])
    hist[ARRIVALS] = pd.to_numeric(hist[ARRIVALS], errors="coerce")
    gaps = int(hist[ARRIVALS].isna().sum())
    last = hist[INTERVAL_START].max().normalize()
    first = hist[INTERVAL_START].min().normalize()
    span = (last - first).days + 1
    requested = folds
    folds = min(folds, (span - MIN_TRAIN_DAYS) // horizon_days)
    if folds < 1:
        raise ValueError(
            f"history covers {span} days; one fold of {horizon_days} days needs at least "
            f"{MIN_TRAIN_DAYS + horizon_days} ({MIN_TRAIN_DAYS} before the origin)")
    cal = calendar or HallCalendar(country)
    rows = []
    pooled: dict[str, list[np.ndarray]] = {m: [] for m in METHODS}
    pooled_actual: list[np.ndarray] = []
    pooled_lo: list[np.ndarray] = []
    pooled_hi: list[np.ndarray] = []
    pooled_days: list[np.ndarray] = []
    for fold in range(folds):
        origin = last - pd.Timedelta(days=horizon_days * (fold + 1))  # last day of training
        train = hist[hist[INTERVAL_START] < origin + pd.Timedelta(days=1)]
        test = hist[(hist[INTERVAL_START] >= origin + pd.Timedelta(days=1))
                    & (hist[INTERVAL_START] < origin + pd.Timedelta(days=1 + horizon_days))]
        fc = forecast_arrivals(train, horizon_days, calendar=cal)
        day_hits = _day_hits(test, fc)
        pooled_days.append(day_hits)
        test = test[test[ARRIVALS].notna()]  # a gap is not scored
        merged = test.merge(fc, on=[HALL_ID, INTERVAL_START], how="left", suffixes=("", "_fc"))
        merged = merged.merge(_baselines(train, test), on=[HALL_ID, INTERVAL_START], how="left")
        actual = merged[ARRIVALS].to_numpy(float)
        pred = merged[f"{ARRIVALS}_fc"].fillna(0.0).to_numpy(float)
        lo = merged["lo80"].fillna(0.0).to_numpy(float)
        hi = merged["hi80"].fillna(0.0).to_numpy(float)
        preds = {"queueopt": pred, "seasonal_naive": merged["seasonal_naive"].to_numpy(float),
                 "mean_4_weekdays": merged["mean_4_weekdays"].to_numpy(float)}
        for m in METHODS:
            sc = _score(actual, preds[m], lo if m == "queueopt" else None,
                        hi if m == "queueopt" else None)
            rows.append({"method": m, "fold": str(fold + 1),
                         "origin": (origin + pd.Timedelta(days=1)).date(), **sc,
                         "day_coverage": (float(day_hits.mean()) if m == "queueopt"
                                          and len(day_hits) else float("nan"))})
            pooled[m].append(preds[m])
        pooled_actual.append(actual)
        pooled_lo.append(lo)
        pooled_hi.append(hi)
    actual = np.concatenate(pooled_actual)
    for m in METHODS:
        sc = _score(actual, np.concatenate(pooled[m]),
                    np.concatenate(pooled_lo) if m == "queueopt" else None,
                    np.concatenate(pooled_hi) if m == "queueopt" else None)
        hits = np.concatenate(pooled_days)
        rows.append({"method": m, "fold": "all", "origin": None, **sc,
                     "day_coverage": (float(hits.mean()) if m == "queueopt" and len(hits)
                                      else float("nan"))})
    return BacktestResult(scores=pd.DataFrame(rows), horizon_days=horizon_days, folds=folds,
                          requested_folds=requested, gap_intervals=gaps)
