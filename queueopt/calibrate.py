"""Calibration from a queue-ticket log: the parameters every model needs.

From one row per ticket (README ``tickets.csv``) this module measures, per
hall:

* arrivals per interval and transaction type;
* handling time per transaction type and channel: mean (minutes) and squared
  coefficient of variation;
* kiosk adoption: the share of kiosk-eligible tickets done at a kiosk;
* abandonment: the share of tickets that left before being called, and the
  mean patience by the exponential maximum-likelihood estimate
  ``θ̂⁻¹ = Σ exposure / Σ abandonments``, where every ticket's exposure is its
  time in queue (until called, or until it left). Exposure is censored by
  service, which is why the plain mean of the abandoners' waits would be
  biased low (Brown et al., "Statistical analysis of a telephone call
  center", JASA 2005, §6);
* observed waits per interval: mean wait, share within the threshold and
  abandonment, to check the models against;
* the patience distribution itself, censored by service: the Kaplan-Meier
  survival of patience (:func:`patience_survival`), the hazard by band of
  time in queue (:func:`patience_hazard`, the piecewise-exponential maximum
  likelihood) and the exponential mean patience per class of caller
  (:func:`patience_by_class`). A caller who left after ``w`` minutes has
  patience ``w``; a caller served after ``w`` minutes has patience ``> w``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from queueopt.io import HALL_ID, INTERVAL_START, TRANSACTION_TYPE
from queueopt.model import TransactionType
from queueopt.queueing import arrival_weighted_mean


@dataclass(frozen=True)
class Calibration:
    """Measured parameters of one or many halls.

    Attributes
    ----------
    handling:
        ``hall_id, channel, transaction_type, tickets, mean_minutes, scv``.
    kiosk_adoption:
        ``hall_id -> share`` of kiosk-eligible tickets done at a kiosk (0-1).
    abandonment:
        ``hall_id -> share`` of tickets that left before being called.
    patience:
        ``hall_id -> mean patience`` in minutes (``inf`` when nobody left).
    observed:
        Per hall and arrival interval: ``arrivals, mean_wait`` (minutes, over
        everyone, abandoners up to when they left), ``within_threshold``
        (share called within the threshold) and ``abandonment``.
    """

    handling: pd.DataFrame
    kiosk_adoption: dict[str, float]
    abandonment: dict[str, float]
    patience: dict[str, float]
    observed: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """One row per hall: adoption, abandonment, patience, mean observed wait."""
        halls = sorted(self.abandonment)
        obs = self.observed
        waits = {h: arrival_weighted_mean(g["mean_wait"], g["arrivals"], empty=float("nan"))
                 for h, g in obs.groupby(HALL_ID)}
        return pd.DataFrame({
            HALL_ID: halls,
            "kiosk_adoption": [self.kiosk_adoption.get(h, 0.0) for h in halls],
            "abandonment": [self.abandonment[h] for h in halls],
            "patience_minutes": [self.patience[h] for h in halls],
            "mean_wait_minutes": [waits.get(h, float("nan")) for h in halls],
        })


def kiosk_adoption(tickets: pd.DataFrame, transactions: dict[str, TransactionType]
                   ) -> dict[str, float]:
    """``hall_id -> share`` of kiosk-eligible tickets done at a kiosk (0-1), from a ticket log."""
    eligible = [c for c, tt in transactions.items() if tt.kiosk_eligible]
    el = tickets[tickets[TRANSACTION_TYPE].isin(eligible)]
    return {str(h): float(v) for h, v in
            el.groupby(HALL_ID)["channel"].apply(lambda s: float((s == "kiosk").mean())).items()}


def _waits(t: pd.DataFrame) -> pd.Series:
    """Each ticket's time in queue (minutes): until called, or until it left (``nan`` unknown)."""
    end_wait = t["called_at"].where(~t["abandoned"], t["abandoned_at"])
    return (end_wait - t["issued_at"]).dt.total_seconds() / 60.0


def observed_waits(tickets: pd.DataFrame, *, interval_minutes: int = 15,
                   threshold: float = 10.0) -> pd.DataFrame:
    """Observed counter waits per hall and arrival interval.

    Returns ``hall_id, interval_start, arrivals, mean_wait`` (minutes, over
    everyone, abandoners up to when they left), ``within_threshold`` (share
    called within ``threshold`` minutes) and ``abandonment``.
    """
    t = tickets
    wait = _waits(t)
    counter = t["channel"] == "counter"
    slot = t["issued_at"].dt.floor(f"{interval_minutes}min")
    obs = pd.DataFrame({HALL_ID: t[HALL_ID], INTERVAL_START: slot, "w": wait.fillna(0.0),
                        "ok": ~t["abandoned"] & (wait <= threshold), "ab": t["abandoned"]})[counter]
    return obs.groupby([HALL_ID, INTERVAL_START]).agg(
        arrivals=("w", "size"), mean_wait=("w", "mean"), within_threshold=("ok", "mean"),
        abandonment=("ab", "mean")).reset_index()


def calibrate(tickets: pd.DataFrame, transactions: dict[str, TransactionType] | None = None, *,
              interval_minutes: int = 15, threshold: float = 10.0) -> Calibration:
    """Measure handling, adoption, abandonment, patience and observed waits.

    Parameters
    ----------
    tickets:
        Parsed ticket log (as :func:`queueopt.io.load_dataset` returns it).
    transactions:
        Transaction types, for the kiosk-eligible set (adoption).
    interval_minutes:
        Interval of the observed-wait table, minutes.
    threshold:
        Service-level threshold, minutes.
    """
    t = tickets
    served = ~t["abandoned"]
    handle = (t["served_end"] - t["called_at"]).dt.total_seconds() / 60.0
    hs = pd.DataFrame({HALL_ID: t[HALL_ID], "channel": t["channel"],
                       TRANSACTION_TYPE: t[TRANSACTION_TYPE], "h": handle})[served]
    g = hs.groupby([HALL_ID, "channel", TRANSACTION_TYPE])["h"]
    handling = g.agg(tickets="count", mean_minutes="mean", var="var").reset_index()
    handling["scv"] = handling["var"] / handling["mean_minutes"] ** 2
    handling = handling.drop(columns="var")

    wait = _waits(t)
    known = wait.notna()
    frame = pd.DataFrame({HALL_ID: t[HALL_ID], "ab": t["abandoned"], "w": wait, "known": known})
    abandonment = frame.groupby(HALL_ID)["ab"].mean().to_dict()
    exposure = frame[known].groupby(HALL_ID)["w"].sum()
    n_ab = frame[known & frame["ab"]].groupby(HALL_ID).size().reindex(exposure.index, fill_value=0)
    patience = {h: (float(exposure[h] / n_ab[h]) if n_ab[h] > 0 else float("inf"))
                for h in exposure.index}
    return Calibration(handling=handling,
                       kiosk_adoption=kiosk_adoption(t, transactions) if transactions else {},
                       abandonment={str(k): float(v) for k, v in abandonment.items()},
                       patience=patience,
                       observed=observed_waits(t, interval_minutes=interval_minutes,
                                               threshold=threshold))


FloatArray = npt.NDArray[np.float64]


def _censored(waits: npt.ArrayLike, abandoned: npt.ArrayLike) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """Times in queue (minutes, negatives from clock skew set to 0) and abandonment flags."""
    w = np.asarray(waits, dtype=float)
    a = np.asarray(abandoned, dtype=bool)
    if w.shape != a.shape:
        raise ValueError(f"waits ({w.shape}) and abandoned ({a.shape}) must have the same shape")
    keep = np.isfinite(w)
    return np.clip(w[keep], 0.0, None), a[keep]


@dataclass(frozen=True)
class PatienceSurvival:
    """Kaplan-Meier survival of patience: ``P(patience > t)`` just after each ``times[i]``.

    ``times`` are the distinct times in queue (minutes) at which someone left,
    ``at_risk`` how many callers were still in the queue just before then (left
    or served at that time or later) and ``events`` how many left then.
    """

    times: FloatArray
    survival: FloatArray
    at_risk: FloatArray
    events: FloatArray

    def at(self, t: npt.ArrayLike) -> FloatArray:
        """``P(patience > t)`` for ``t`` in minutes (a step function, 1 before the first leaver)."""
        k = np.searchsorted(self.times, np.asarray(t, dtype=float), side="right")
        s = np.concatenate([[1.0], self.survival])
        return np.asarray(s[k], dtype=float)


def patience_survival(waits: npt.ArrayLike, abandoned: npt.ArrayLike) -> PatienceSurvival:
    """The Kaplan-Meier estimate of the patience distribution from censored times in queue.

    Parameters
    ----------
    waits:
        Each caller's time in queue, minutes: until called, or until they left.
    abandoned:
        True for a caller who left (an observed patience), False for one
        served (patience censored: longer than the wait).

    Notes
    -----
    ``S(t) = prod over leaving times u <= t of (1 - d_u / n_u)``, ``d_u``
    callers leaving at ``u`` and ``n_u`` callers with a time in queue ``>= u``
    (a caller served at ``u`` is still at risk at ``u``).
    """
    w, a = _censored(waits, abandoned)
    times = np.unique(w[a])
    order = np.sort(w)
    at_risk = (len(order) - np.searchsorted(order, times, side="left")).astype(float)
    left = np.sort(w[a])
    events = (np.searchsorted(left, times, side="right")
              - np.searchsorted(left, times, side="left")).astype(float)
    survival = np.cumprod(1.0 - events / at_risk) if len(times) else np.zeros(0)
    return PatienceSurvival(times, np.asarray(survival, float), at_risk, events)


def patience_hazard(waits: npt.ArrayLike, abandoned: npt.ArrayLike,
                    edges: Sequence[float] = (0.0, 0.5, 1.0, 2.0, 4.0, float("inf"))
                    ) -> pd.DataFrame:
    """Hazard of leaving per band of time in queue: leavers / minutes spent waiting in the band.

    The maximum-likelihood estimate of a patience whose hazard is constant
    within each band (``edges`` in minutes). Exponential patience has the same
    hazard in every band (``1 / mean patience``); a falling hazard means many
    callers give up early and the rest are patient.

    Returns
    -------
    pandas.DataFrame
        ``from_minutes, to_minutes, left`` (callers), ``exposure`` (minutes
        waited in the band), ``hazard`` (per minute; NaN without exposure).
    """
    w, a = _censored(waits, abandoned)
    e = np.asarray(edges, dtype=float)
    if len(e) < 2 or np.any(np.diff(e) <= 0) or e[0] < 0:
        raise ValueError(f"edges={tuple(edges)} must be increasing minutes from >= 0")
    lo, hi = e[:-1], e[1:]
    left = np.array([np.sum(a & (w >= x) & (w < y)) for x, y in zip(lo, hi)], dtype=float)
    exposure = np.array([np.clip(w - x, 0.0, y - x).sum() for x, y in zip(lo, hi)])
    with np.errstate(invalid="ignore", divide="ignore"):
        hazard = np.where(exposure > 0, left / exposure, np.nan)
    return pd.DataFrame({"from_minutes": lo, "to_minutes": hi, "left": left,
                         "exposure": exposure, "hazard": hazard})


def patience_by_class(waits: npt.ArrayLike, abandoned: npt.ArrayLike,
                      classes: Sequence[Hashable], *, prior_minutes: float | None = None,
                      prior_weight: float = 1.0) -> dict[Hashable, float]:
    """Mean patience per class of caller (minutes), exponential maximum likelihood.

    ``mean = minutes waited / callers who left`` within each class. With
    ``prior_minutes`` (for example the pooled estimate) each class gets
    ``prior_weight`` pseudo-leavers who waited ``prior_weight * prior_minutes``,
    so a class with few callers stays near the pooled figure instead of
    jumping to 0 or infinity. A class where nobody left and no prior is
    given has infinite patience.
    """
    w, a = _censored(waits, abandoned)
    c = np.asarray(classes, dtype=object)[np.isfinite(np.asarray(waits, dtype=float))]
    if len(c) != len(w):
        raise ValueError("classes must have one entry per wait")
    out: dict[Hashable, float] = {}
    for k in pd.unique(c):
        sel = c == k
        left, exposure = float(a[sel].sum()), float(w[sel].sum())
        if prior_minutes is not None:
            left += prior_weight
            exposure += prior_weight * prior_minutes
        out[k] = exposure / left if left > 0 else float("inf")
    return out
