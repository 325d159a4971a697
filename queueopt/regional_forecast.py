"""A global model over all halls of a region: gradient-boosted trees on lag and calendar features.

One LightGBM model learns from every hall of the region at once, in the
manner of the M5 competition's leading entries (Makridakis, Spiliotis and
Assimakopoulos, "M5 accuracy competition: results, findings, and
conclusions", IJF 2022): the target is a hall's count per interval divided
by the hall's scale (its mean arrivals per interval), so halls of any size
share one model, and the features are

* the time of day (slot start, minutes), the day group (weekday the day
  follows, or holiday), the day of month, the month-end and first-days
  flags, the holiday flag and the horizon in days;
* the same weekday's counts one to four weeks before the target day (each
  on or before the forecast origin, for horizons up to a week), their mean,
  the mean smoothed over neighbouring intervals, and the mean daily total
  of those days;
* the level of the week that ends at the origin against the week before and
  against the four weeks before (a level shift shows here first);
* the hall's scale (log).

Each training day is paired with the origin ``h`` days before it, ``h`` =
1..7 cycling over the days, so the model learns every horizon. The
objective is the absolute error (L1), the error WAPE counts. Days with a gap
(NaN) or closed are neither targets nor lags. Training rows are capped at
:data:`MAX_TRAIN_ROWS` (a seeded random subset) and the model runs on one
thread, so a region of 250 halls x 16 weeks fits in seconds and the result
does not depend on the machine's cores.

Arrivals are per interval of each hall's own interval length.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from queueopt.ensemble import smooth_slots

if TYPE_CHECKING:  # forecast imports this module lazily; the import is for the type only
    from queueopt.forecast import _HallData

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

MIN_LAG_DAYS = 28
"""A training day needs four weeks before it (its four same-weekday lags)."""
MIN_TRAIN_ROWS = 2000
"""Below this many training intervals over the region no global model is fitted."""
MAX_TRAIN_ROWS = 60_000
"""Cap of the training intervals (seeded random subset): keeps a large region within seconds."""
PARAMS: Mapping[str, object] = {
    "objective": "regression_l1", "learning_rate": 0.08, "num_leaves": 15,
    "min_data_in_leaf": 40, "feature_fraction": 0.9, "bagging_fraction": 0.8,
    "bagging_freq": 1, "max_bin": 63, "num_threads": 1, "verbose": -1, "seed": 1,
    "deterministic": True,
}
"""LightGBM parameters (one thread: the same model on any machine)."""
ROUNDS = 120
"""Boosting rounds."""


def _features(data: _HallData, days: IntArray, origins: IntArray, scale: float
              ) -> FloatArray:
    """Feature rows (days x slots, flattened) for target ``days`` forecast from ``origins``."""
    cnt, seen = data.counts, data.seen
    n_d, n_s = len(days), cnt.shape[1]
    total = cnt.sum(axis=1)
    usable = (total > 0) & ~data.partial
    week = np.convolve(np.where(usable, total, 0.0), np.ones(7))[:len(total)]
    holiday = data.x[:, 7] > 0
    # the weekday a day follows (a holiday: its own weekday; the holiday flag is a feature)
    weekday = (data.first_day.weekday() + np.arange(len(data.group))) % 7
    follows = np.where(data.group == 7, weekday, data.group)
    lags = np.full((4, n_d, n_s), np.nan)
    lag_tot = np.full((4, n_d), np.nan)
    for m in range(4):
        lag = days - 7 * (m + 1)
        ok = lag >= 0
        lc = np.where(ok, lag, 0)
        # a holiday is no example of an ordinary day (a holiday may follow ordinary days)
        good = ok & usable[lc] & (~holiday[lc] | holiday[days])
        lags[m] = np.where(good[:, None] & seen[lc], cnt[lc], np.nan)
        lag_tot[m] = np.where(good, total[lc], np.nan)
    n_lag = np.isfinite(lags).sum(axis=0)
    m4 = np.where(n_lag > 0, np.nansum(lags, axis=0) / np.maximum(n_lag, 1), np.nan)
    n_tot = np.isfinite(lag_tot).sum(axis=0)
    m4t = np.where(n_tot > 0, np.nansum(lag_tot, axis=0) / np.maximum(n_tot, 1), np.nan)

    def week_at(o: IntArray) -> FloatArray:
        return np.where(o >= 6, week[np.clip(o, 0, None)], np.nan)

    w0 = week_at(origins)
    w_prev = np.stack([week_at(origins - 7 * k) for k in range(1, 5)])
    n_prev = np.isfinite(w_prev).sum(axis=0)
    w4 = np.where(n_prev > 0, np.nansum(w_prev, axis=0) / np.maximum(n_prev, 1), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        wow = w0 / w_prev[0]
        w4r = w0 / w4
    x = data.x[days]

    def per_day(v: npt.ArrayLike) -> FloatArray:
        return np.broadcast_to(np.asarray(v, dtype=float)[:, None], (n_d, n_s))

    cols = [np.broadcast_to(data.minutes[None, :].astype(float), (n_d, n_s)),
            per_day(follows[days]), per_day(x[:, 9] * 10 + 21 * x[:, 8]),
            per_day(x[:, 8]), per_day(x[:, 10]), per_day(x[:, 7]), per_day(days - origins),
            *(lags[m] / scale for m in range(4)), m4 / scale, smooth_slots(m4) / scale,
            per_day(m4t / (scale * n_s)), per_day(wow), per_day(w4r),
            np.full((n_d, n_s), np.log(scale))]
    return np.stack([np.asarray(c, dtype=float).reshape(-1) for c in cols], axis=1)


CATEGORICAL = [1]
"""Column of the day group (categorical)."""


def _scale(data: _HallData, origin: int) -> float:
    """Mean arrivals per interval of the hall's open, complete days up to ``origin``."""
    total = data.counts[:origin + 1].sum(axis=1)
    ok = (total > 0) & ~data.partial[:origin + 1]
    return float(total[ok].mean() / data.counts.shape[1]) if ok.any() else 1.0


def global_forecasts(datas: Sequence[_HallData], train_until: Sequence[int],
                     requests: Sequence[Sequence[tuple[int, IntArray]]]
                     ) -> list[list[FloatArray]] | None:
    """Fit one model on every hall's days up to ``train_until`` and forecast ``requests``.

    Parameters
    ----------
    datas:
        Each hall's dense history (``forecast._HallData``).
    train_until:
        Per hall, the last day index (inclusive) the model may learn from.
    requests:
        Per hall, ``(origin, target_days)`` pairs: forecast ``target_days``
        (day indices, at most 7 days after ``origin``) from the history up
        to ``origin`` (lags after ``origin`` are never used).

    Returns
    -------
    list or None
        Per hall and request, the mean arrivals per interval (days x slots);
        None when the region has too little history for a global model
        (fewer than :data:`MIN_TRAIN_ROWS` training intervals).
    """
    import lightgbm as lgb  # imported lazily: only the forecast needs it

    xs: list[FloatArray] = []
    ys: list[FloatArray] = []
    scales = []
    for data, last in zip(datas, train_until):
        scale = _scale(data, last)
        scales.append(scale)
        days = np.arange(MIN_LAG_DAYS, last + 1)
        if len(days) == 0:
            continue
        origins = days - (days % 7 + 1)
        total = data.counts[days].sum(axis=1)
        keep = ((total > 0) & ~data.partial[days])[:, None] & data.seen[days]
        xs.append(_features(data, days, origins, scale)[keep.reshape(-1)])
        ys.append((data.counts[days] / scale)[keep])
    n_rows = sum(len(y) for y in ys)
    if n_rows < MIN_TRAIN_ROWS:
        return None
    x = np.concatenate(xs)
    y = np.concatenate(ys)
    if len(y) > MAX_TRAIN_ROWS:
        pick = np.sort(np.random.default_rng(0).choice(len(y), MAX_TRAIN_ROWS, replace=False))
        x, y = x[pick], y[pick]
    booster = lgb.train(dict(PARAMS), lgb.Dataset(x, y, categorical_feature=CATEGORICAL,
                                                  free_raw_data=True), ROUNDS)
    # one predict call for every hall and request (a call has a fixed cost)
    blocks: list[FloatArray] = []
    shapes: list[tuple[int, int, int, float]] = []
    for h, (data, reqs) in enumerate(zip(datas, requests)):
        for origin, target in reqs:
            blocks.append(_features(data, target, np.full(len(target), origin), scales[h]))
            shapes.append((h, len(target), data.counts.shape[1], scales[h]))
    out: list[list[FloatArray]] = [[] for _ in datas]
    if not blocks:
        return out
    pred = np.asarray(booster.predict(np.concatenate(blocks)), dtype=np.float64)
    at = 0
    for h, n_d, n_s, scale in shapes:
        out[h].append(np.maximum(pred[at:at + n_d * n_s].reshape(n_d, n_s) * scale, 0.0))
        at += n_d * n_s
    return out
