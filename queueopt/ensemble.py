"""The forecast combination: simple local models, their weights per hall, and calibration.

Single forecasting models win on some series and lose on others; their
combination is more reliable than any one of them (Bates and Granger, 1969;
the M4 and M5 competitions; Hyndman and Athanasopoulos, *FPP3* ch. 13.4).
queueopt combines, per hall,

* ``S``: the structural model (daily total x intraday profile, ``forecast``);
* ``R``: the four same weekdays before, rescaled by the structural model's
  calendar ratio (month-end, holidays, trend);
* ``M``: the four-week mean (same weekday and interval) times the hall's
  recent level: the median over the last seven open days of the day's
  actual total over its own four-week-mean forecast, half-way shrunk to 1
  (a median, so one odd day does not move it);
* ``E``: per-interval exponential smoothing (simple exponential smoothing,
  ``alpha`` = 0.3, over the same weekday's counts at that time of day,
  skipping gaps, closed and outlier days: ETS(A,N,N) per slot);
* ``G``: the global gradient-boosted model over all halls of the region
  (:mod:`queueopt.regional_forecast`), where the region has history enough.

The weights are chosen per hall on its own recent weeks (rolling origins,
out of sample): the equal-weight mean of the candidates, their median, and
every weighting on a 0.25 grid are scored by WAPE over the inner folds, with
and without smoothing over neighbouring intervals (1-2-1 weights: at small
counts the noise of a few weeks' means is larger than the profile's
curvature). The equal-weight mean is kept unless another option is better by
more than :data:`KEEP_MEAN_MARGIN` (a choice made on a few weeks is itself
noisy). Without an inner fold the equal-weight mean of ``S``, ``R``, ``M``
and ``E`` is used.

Arrays are days x slots of one hall; values are arrivals per interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

CANDIDATES: tuple[str, ...] = ("S", "R", "M", "E", "G")
"""Candidate models, in the order of the stacks (see the module docstring)."""
SES_ALPHA = 0.3
"""Smoothing weight of the per-slot exponential smoothing ``E``."""
LEVEL_SHRINK = 0.5
"""Share of the recent level ratio that ``M`` applies (robust level adjustment)."""
WEIGHT_POWER = 6.0
"""A candidate's weight is its inner WAPE to the power ``-WEIGHT_POWER``."""


def four_week_mean(counts: FloatArray, seen: BoolArray, usable: BoolArray, group: IntArray,
                   origin: int | IntArray, target: IntArray) -> FloatArray:
    """Mean of the same weekday (same day group) 1-4 weeks before each target day.

    Only days on or before ``origin`` (one per target day, or one for all)
    that are ``usable`` (open, no gap, not an outlier) count; NaN where
    none. Arrivals per interval (days x slots).
    """
    origin = np.broadcast_to(np.asarray(origin), target.shape)
    first_lag = np.maximum(-(-(target - origin) // 7), 1)
    acc = np.zeros((len(target), counts.shape[1]))
    n = np.zeros_like(acc)
    for m in range(4):
        lag = target - 7 * (first_lag + m)
        ok = (lag >= 0) & (lag <= origin)
        lc = np.where(ok, lag, 0)
        good = ok & usable[lc] & (group[lc] == group[target])
        w = good[:, None] & seen[lc]
        acc += np.where(w, counts[lc], 0.0)
        n += w
    return np.where(n > 0, acc / np.maximum(n, 1), np.nan)


def recent_level(counts: FloatArray, seen: BoolArray, usable: BoolArray, group: IntArray,
                 origin: int) -> float:
    """Level of the last seven days against their own four-week means (median ratio, shrunk).

    1 means the hall runs at its four-week level; 1.1 ten percent above.
    """
    days = np.arange(max(origin - 6, 0), origin + 1)
    days = days[usable[days]]
    if len(days) == 0:
        return 1.0
    f = four_week_mean(counts, seen, usable, group, days - 1, days)
    ok = np.isfinite(f) & seen[days]
    den = np.where(ok, f, 0.0).sum(axis=1)
    num = np.where(ok, counts[days], 0.0).sum(axis=1)
    ratios = num[den > 0] / den[den > 0]
    if len(ratios) == 0:
        return 1.0
    return float(1.0 + LEVEL_SHRINK * (np.median(ratios) - 1.0))


def slot_smoothing(counts: FloatArray, seen: BoolArray, usable: BoolArray, group: IntArray,
                   origin: int, target: IntArray, alpha: float = SES_ALPHA) -> FloatArray:
    """Per-slot simple exponential smoothing over the same day group, up to ``origin``.

    The level of each (day group, slot) starts at its first usable count and
    moves ``alpha`` of the way to each later one, so a count followed by
    ``m`` later ones weighs ``alpha (1 - alpha)^m`` and the first one
    ``(1 - alpha)^m``; NaN where never seen.
    """
    n_g = int(max(group.max(), 7)) + 1
    level = np.full((n_g, counts.shape[1]), np.nan)
    days = np.flatnonzero(usable[:origin + 1])
    for g in np.unique(group[target]):
        d = days[group[days] == g]
        if len(d) == 0:
            continue
        sn = seen[d]
        later = np.cumsum(sn[::-1], axis=0)[::-1] - sn  # later seen days of the slot
        first = sn & (np.cumsum(sn, axis=0) == 1)
        w = np.where(sn, np.where(first, 1.0, alpha) * (1 - alpha) ** later, 0.0)
        any_seen = sn.any(axis=0)
        level[g] = np.where(any_seen, (w * np.where(sn, counts[d], 0.0)).sum(axis=0), np.nan)
    return level[group[target]]


def smooth_slots(v: FloatArray) -> FloatArray:
    """1-2-1 weights over neighbouring intervals of each day (NaN and zeros left out)."""
    ok = np.isfinite(v) & (v > 0)
    val = np.where(ok, v, 0.0)
    num = 2 * val
    den = 2 * ok.astype(float)
    num[..., 1:] += val[..., :-1]
    den[..., 1:] += ok[..., :-1]
    num[..., :-1] += val[..., 1:]
    den[..., :-1] += ok[..., 1:]
    return np.where(ok, num / np.maximum(den, 1e-12), v)


@dataclass(frozen=True, slots=True)
class Combination:
    """How one hall's candidates are combined.

    Attributes
    ----------
    weights:
        Weight of each of :data:`CANDIDATES` (sum 1; renormalised over the
        candidates available on a day); ignored when ``median``.
    median:
        The median of the available candidates instead of a weighted mean.
    smooth:
        1-2-1 smoothing over neighbouring intervals after combining.
    folds:
        Inner folds the choice was made on (0: the default).
    inner_wape:
        WAPE of the chosen combination over those folds (NaN without folds).
    """

    weights: tuple[float, ...]
    median: bool
    smooth: bool
    folds: int
    inner_wape: float


DEFAULT = Combination(weights=(0.25, 0.25, 0.25, 0.25, 0.0), median=False, smooth=False,
                      folds=0, inner_wape=float("nan"))


def combine(stack: FloatArray, comb: Combination) -> FloatArray:
    """Combined forecast (days x slots) of a candidate stack (candidates x days x slots).

    A candidate that is NaN somewhere drops out there (weights renormalised);
    NaN where every candidate is NaN.
    """
    ok = np.isfinite(stack)
    if comb.median:
        with np.errstate(all="ignore"):
            out = np.nanmedian(np.where(ok, stack, np.nan), axis=0) if ok.any() else \
                np.full(stack.shape[1:], np.nan)
    else:
        w = np.asarray(comb.weights, dtype=float)[:len(stack)].reshape(-1, *([1] * (stack.ndim - 1)))
        wsum = (w * ok).sum(axis=0)
        num = (w * np.where(ok, stack, 0.0)).sum(axis=0)
        fallback = np.where(ok, stack, 0.0).sum(axis=0) / np.maximum(ok.sum(axis=0), 1)
        out = np.where(wsum > 0, num / np.where(wsum > 0, wsum, 1.0), fallback)
        out = np.where(ok.any(axis=0), out, np.nan)
    return smooth_slots(out) if comb.smooth else out


def smoothing_helps(counts: FloatArray, seen: BoolArray, usable: BoolArray, group: IntArray,
                    origin: int) -> bool:
    """Whether 1-2-1 smoothing over neighbouring intervals lowers the error of a weeks' mean.

    Leave-one-day-out over the history up to ``origin``: each usable day is
    forecast by the mean of the other usable days of its day group within
    four weeks either side, with and without smoothing (a question about
    the noise of the counts, not about time, so both directions serve). Used
    when a hall has no inner fold to decide on.
    """
    err = np.zeros(2)
    for d in np.flatnonzero(usable[:origin + 1]):
        others = [d + 7 * k for k in (-4, -3, -2, -1, 1, 2, 3, 4)
                  if 0 <= d + 7 * k <= origin and usable[d + 7 * k]
                  and group[d + 7 * k] == group[d]]
        if not others:
            continue
        w = seen[others]
        n = w.sum(axis=0)
        mean = np.where(n > 0, np.where(w, counts[others], 0.0).sum(axis=0) / np.maximum(n, 1),
                        np.nan)
        rows = seen[d] & np.isfinite(mean)
        for j, pred in enumerate((mean, smooth_slots(mean))):
            err[j] += float(np.abs(counts[d][rows] - np.nan_to_num(pred[rows])).sum())
    return bool(err[1] < err[0])


def choose(folds: list[tuple[FloatArray, FloatArray, BoolArray, FloatArray]],
           smooth_default: bool = False) -> Combination:
    """Weights from the candidates' inner-fold WAPE, and whether to smooth.

    ``folds``: per inner fold ``(stack, actual, rows, weight)``: the
    candidate stack (candidates x days x slots), the actual counts (days x
    slots), which intervals count (seen and forecast) and each day's weight
    (its typicality, 0..1). Each candidate's weight is proportional to
    ``WAPE ** -WEIGHT_POWER`` over the inner intervals it forecast (a
    candidate twice as wrong weighs 1/64); smoothing is kept when it lowers the
    combination's inner WAPE. Without folds: the equal-weight mean of ``S``,
    ``R``, ``M``, ``E``, smoothed when ``smooth_default``.
    """
    if not folds:
        return Combination(weights=DEFAULT.weights, median=False, smooth=smooth_default,
                           folds=0, inner_wape=float("nan"))
    stack = np.concatenate([f[0] for f in folds], axis=1)  # candidates x all inner days x slots
    y = np.concatenate([f[1] for f in folds])
    rows = np.concatenate([f[2] for f in folds])
    wt = np.broadcast_to(np.concatenate([f[3] for f in folds])[:, None], y.shape)
    weights = np.zeros(len(CANDIDATES))
    have = [k for k in range(len(stack)) if (rows & np.isfinite(stack[k])).any()]
    # judge every candidate on the same intervals (the global model forecasts fewer folds)
    common = rows & np.isfinite(stack[have]).all(axis=0) if have else rows
    for k in range(len(stack)):
        ok = common & np.isfinite(stack[k])
        act = float((wt * y)[ok].sum())
        if ok.any() and act > 0:
            wape = float((wt * np.abs(y - np.nan_to_num(stack[k])))[ok].sum()) / act
            weights[k] = max(wape, 1e-6) ** -WEIGHT_POWER
    if weights.sum() <= 0:
        return DEFAULT
    weights = weights / weights.sum()
    act = float((wt * y)[rows].sum())
    scores = []
    for smooth in (False, True):
        comb = Combination(tuple(float(w) for w in weights), False, smooth, len(folds),
                           float("nan"))
        pred = np.nan_to_num(combine(stack, comb), nan=0.0)
        scores.append(float((wt * np.abs(y - pred))[rows].sum()) / act if act > 0 else np.inf)
    smooth = bool(scores[1] < scores[0])
    return Combination(tuple(float(w) for w in weights), False, smooth, len(folds),
                       float(min(scores)))
