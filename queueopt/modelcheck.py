"""The wait model checked against what happened, and a per-hall correction fitted to it.

For each interval of a hall's ticket log (counter tickets only) the log gives
the arrivals, the mean handling time, the staff on duty (:mod:`queueopt.observed`,
runs of each agent's work broken by an idle gap over 15 minutes while customers
waited) and what customers lived through: the mean wait (time in queue of every arrival, leavers
included, minutes), the service level (share called within the policy's
threshold; leavers count as not called) and the abandonment (share who left).
Each model predicts the same three figures from the same arrivals, handling
time and staff:

* ``erlang_c``: M/M/c without abandonment (what ``region.py`` uses);
* ``erlang_a``: M/M/c+M with one patience for everyone, measured on the
  training weeks;
* ``erlang_a_corrected``: the same after the hall's **correction** (the
  stationary formula staffing starts from);
* ``simulation_corrected``: the simulation staffing checks and repairs every
  plan with, after the same correction, replayed on the observed days
  (:mod:`queueopt.modelcheck_sim`: the policy's interval, the queue carried
  from interval to interval, lognormal handling, VIP customers first). Its
  figures are those a plan shows, so it is the one the targets judge
  (:data:`STAFFING_MODEL`).

**The correction** has two parts, both fitted on the weeks before the hold-out:

* the patience per transaction type (:func:`queueopt.calibrate.patience_by_class`,
  exponential maximum likelihood, each type shrunk towards the pooled figure
  by :data:`PATIENCE_PRIOR_WEIGHT` pseudo-leavers): callers of different
  types give up at different rates (on the bank log prospective customers,
  type NW, after 3.5 minutes on average, stock-exchange callers after 12.5),
  so an interval's callers leave at the mean hazard of its own mix of types;
* the handling-time factor ``f``: on-duty staff are not serving the queue all
  the time (idle, wrap-up, other work), so the queue sees each call take
  ``f`` times its recorded handling time, fitted (0.70-2.50, step 0.01, by
  bisection, with the patience above) so that the arrival-weighted mean wait
  predicted matches the one observed. It is fitted with the model that is
  judged and that staffing checks every plan with, the simulation replayed on
  the training days (the last :data:`FIT_MAX_DAYS`) with the same staffing
  input (:func:`fit_handle_factor_simulated`,
  the same random numbers at every trial factor, so the fit is deterministic);
  a factor fitted with the stationary formula overstates the waits of a queue
  that starts empty every day and changes every half-hour, and shortened the
  simulation's handling times by 4-17% where the truth was known (the
  synthetic sample).

Both are judged on the last ``holdout_days`` days, which no fitting has seen.
Staffing applies them through :func:`queueopt.hall_inputs.hall_inputs` (handling
time times ``f``, patience of the hall's mix by
:meth:`queueopt.model.HallCorrection.patience_for`) and says so.

A fractional staff count ``c`` (an agent on duty half the interval counts
0.5) is interpolated linearly between the models at ``floor(c)`` and
``floor(c) + 1`` servers. Intervals with fewer than ``MIN_ARRIVALS`` arrivals
or no staff are left out (a share of 3 customers means little) and counted.

Scores (:func:`scores`), per model and figure, over the held-out intervals:
``bias`` (mean wait: arrival-weighted predicted / observed - 1; service level
and abandonment: mean predicted - observed, points), ``mae`` (minutes or
points) and ``corr`` (Pearson, across intervals). ``noise_floor_mae`` is the
mean absolute error a *perfect* model would still show on a share measured
from ``n`` customers, ``sqrt(2/pi) sqrt(p (1 - p) / n)`` (binomial, normal
approximation): a target below it cannot be met at that level, so the
figures are also given per day (``level = "day"``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from queueopt import queueing
from queueopt.calibrate import patience_by_class
from queueopt.model import HallCorrection
from queueopt.observed import IDLE_GAP_MINUTES, observed_staffing

FloatArray = npt.NDArray[np.float64]

MODELS: tuple[str, ...] = ("erlang_c", "erlang_a", "erlang_a_corrected", "simulation_corrected")
STAFFING_MODEL = "simulation_corrected"
"""The model whose figures a plan shows (staffing's check-and-repair simulation)."""
FORMULA_MODELS: tuple[str, ...] = MODELS[:3]
FIGURES: tuple[str, ...] = ("mean_wait", "service_level", "abandonment")
CSV_COLUMNS: tuple[str, ...] = (
    "model", "interval_start", "arrivals", "staff_observed", "handle_minutes",
    "observed_mean_wait", "predicted_mean_wait", "observed_service_level",
    "predicted_service_level", "observed_abandonment", "predicted_abandonment")
MIN_ARRIVALS = 5
"""Intervals with fewer arrivals are left out of the check (and counted)."""
FACTOR_GRID: FloatArray = np.round(np.arange(0.70, 2.5001, 0.01), 2)
CORRECTIONS_FILE = "corrections.json"
PATIENCE_PRIOR_WEIGHT = 5.0
"""Pseudo-leavers at the pooled patience added to each transaction type's patience fit."""
FIT_MAX_DAYS = 28
"""The simulation fits the factor on the last this many days before the hold-out (the recent
weeks; the formula's first guess and the patience use every training day)."""
FIT_REPLICATIONS = 10
"""Simulated copies of each training day per trial factor of the fit (the same random numbers
each time): on the bank log's 21 training days the fitted factor's sd over seeds is 0.004
with 10 copies, 0.0075 with 5."""


def interval_table(tickets: pd.DataFrame, threshold: float, interval_minutes: int = 60,
                   idle_gap: float = IDLE_GAP_MINUTES,
                   staff: pd.DataFrame | None = None) -> pd.DataFrame:
    """What happened per interval: arrivals, handling, staff and the three figures.

    Parameters
    ----------
    tickets:
        One hall's ticket log (counter tickets are used; kiosks are another queue).
    threshold:
        Service-level threshold, minutes.
    interval_minutes:
        Interval length, minutes.
    idle_gap:
        Idle minutes that end an agent's run (:mod:`queueopt.observed`).
    staff:
        Known staffing instead of the observed one: ``interval_start, open``
        (counters open, any finer interval; averaged per interval). Where the
        truth is known (the synthetic sample) this separates the error of the
        queueing model from the error of the observed-staffing rule.

    Returns
    -------
    pandas.DataFrame
        ``interval_start, arrivals, staff_observed, handle_minutes,
        observed_mean_wait`` (minutes), ``observed_service_level``,
        ``observed_abandonment`` (0-1), ``queued_minutes`` (time in queue of
        all arrivals, for the patience).
    """
    t = _counter_waits(tickets, threshold, interval_minutes)
    g = t.groupby("slot")
    frame = pd.DataFrame({
        "arrivals": g.size(), "handle_minutes": g["handle"].mean(),
        "observed_mean_wait": g["wait"].mean(), "observed_service_level": g["in_time"].mean(),
        "observed_abandonment": g["abandoned"].mean(),
        "abandoned": g["abandoned"].sum(), "queued_minutes": g["wait"].apply(
            lambda w: float(w.clip(lower=0).sum()))})
    if staff is None:
        seen = observed_staffing(t, interval_minutes, idle_gap).frame.set_index("interval_start")
        on_duty = seen["staff_on_duty"]
    else:
        slot = pd.to_datetime(staff["interval_start"]).dt.floor(f"{interval_minutes}min")
        on_duty = staff["open"].astype(float).groupby(slot).mean()
    frame = frame.join(on_duty.rename("staff_observed"), how="left")
    frame["staff_observed"] = frame["staff_observed"].fillna(0.0)
    frame.index.name = "interval_start"
    return frame.reset_index()


def _counter_waits(tickets: pd.DataFrame, threshold: float, interval_minutes: int
                   ) -> pd.DataFrame:
    """Counter tickets with ``wait`` and ``handle`` (minutes), ``in_time`` and ``slot``."""
    t = tickets[tickets["channel"] == "counter"] if "channel" in tickets else tickets
    t = t[t["issued_at"].notna()].copy()
    abandoned = t["abandoned"].astype(bool)
    end = t["called_at"].where(~abandoned, t["abandoned_at"])
    t["wait"] = (end - t["issued_at"]).dt.total_seconds() / 60
    t["handle"] = (t["served_end"] - t["called_at"]).dt.total_seconds() / 60
    t["in_time"] = ~abandoned & (t["wait"] <= threshold + 1e-9)
    t["slot"] = t["issued_at"].dt.floor(f"{interval_minutes}min")
    return t


def fit_patience_by_type(tickets: pd.DataFrame, pooled: float) -> dict[str, float]:
    """Mean patience per transaction type (minutes) from a ticket log, shrunk towards ``pooled``.

    See :func:`queueopt.calibrate.patience_by_class`; the prior is
    :data:`PATIENCE_PRIOR_WEIGHT` pseudo-leavers at ``pooled`` minutes.
    """
    t = _counter_waits(tickets, 0.0, 60)
    t = t[t["wait"].notna()]
    if "transaction_type" not in t or not np.isfinite(pooled):
        return {}
    got = patience_by_class(t["wait"].to_numpy(float), t["abandoned"].to_numpy(bool),
                            t["transaction_type"].astype(str).tolist(), prior_minutes=pooled,
                            prior_weight=PATIENCE_PRIOR_WEIGHT)
    return {str(k): float(v) for k, v in sorted(got.items(), key=lambda kv: str(kv[0]))}


def interval_patience(tickets: pd.DataFrame, correction: HallCorrection,
                      interval_minutes: int = 60) -> pd.Series:
    """Each interval's mean patience (minutes) by the correction, from its mix of types.

    Returns a Series indexed by ``interval_start``:
    ``correction.patience_for`` of the interval's arrivals' transaction types.
    """
    t = _counter_waits(tickets, 0.0, interval_minutes)
    by_type = dict(correction.patience_by_type)
    if not by_type or "transaction_type" not in t:
        return pd.Series(correction.patience, index=pd.Index(t["slot"].unique(),
                                                             name="interval_start"), dtype=float)
    hazard = 1.0 / t["transaction_type"].astype(str).map(by_type).fillna(correction.patience)
    return (1.0 / hazard.groupby(t["slot"]).mean()).rename_axis("interval_start")


def _interp(fun: Any, servers: FloatArray) -> FloatArray:
    """A model's figure at a fractional number of servers (linear between whole numbers)."""
    lo = np.maximum(np.floor(servers), 1.0)
    w = np.clip(servers - lo, 0.0, 1.0)
    return np.asarray((1 - w) * fun(lo) + w * fun(lo + 1), dtype=float)


def predict(table: pd.DataFrame, model: str, *, threshold: float,
            patience: float | npt.ArrayLike, handle_factor: float = 1.0,
            interval_minutes: int = 60) -> pd.DataFrame:
    """The model's mean wait (minutes), service level and abandonment (0-1) per interval.

    ``patience`` is the mean patience in minutes (one for all intervals or one
    per row of ``table``); ``handle_factor`` multiplies the handling time (the
    correction; 1 = none).
    """
    patience = np.broadcast_to(np.asarray(patience, dtype=float), (len(table),))
    lam = table["arrivals"].to_numpy(float) / interval_minutes
    s = table["handle_minutes"].to_numpy(float) * handle_factor
    c = table["staff_observed"].to_numpy(float)
    if model == "erlang_c":
        with np.errstate(divide="ignore", invalid="ignore"):
            w = _interp(lambda k: queueing.mean_wait(lam, s, k), c)
            sl = _interp(lambda k: queueing.service_level(lam, s, k, threshold), c)
        ab = np.zeros(len(lam))
    elif model in ("erlang_a", "erlang_a_corrected"):
        def wait(k: FloatArray) -> FloatArray:
            return queueing.erlang_a(lam, s, k, patience).mean_wait

        def aband(k: FloatArray) -> FloatArray:
            return queueing.erlang_a(lam, s, k, patience).p_abandon

        w = _interp(wait, c)
        ab = _interp(aband, c)
        sl = _interp(lambda k: queueing.erlang_a_service_level(lam, s, k, patience, threshold), c)
    else:
        raise ValueError(f"model={model!r} must be one of {MODELS}")
    return pd.DataFrame({"predicted_mean_wait": w, "predicted_service_level": sl,
                         "predicted_abandonment": ab}, index=table.index)


def usable(table: pd.DataFrame) -> pd.Series:
    """Intervals the check uses: at least :data:`MIN_ARRIVALS` arrivals, staff seen, handling known."""
    return ((table["arrivals"] >= MIN_ARRIVALS) & (table["staff_observed"] >= 0.5)
            & table["handle_minutes"].notna() & (table["handle_minutes"] > 0))


def fit_patience(table: pd.DataFrame) -> float:
    """Exponential maximum-likelihood patience, minutes: time in queue / abandonments."""
    n = float(table["abandoned"].sum())
    return float(table["queued_minutes"].sum() / n) if n > 0 else float("inf")


def _bisect_factor(gap: Any, near: float | None = None, width: float = 0.2) -> float:
    """The :data:`FACTOR_GRID` point where ``gap`` (predicted - observed, rising) crosses 0.

    A bisection on the grid's indices, first within ``near +- width`` when a
    starting guess is given (the bracket widens to the whole grid when the
    crossing is outside it); the ends are returned when ``gap`` does not
    change sign, and of the two neighbours around the crossing the one with
    the smaller ``|gap|``.
    """
    last = len(FACTOR_GRID) - 1
    lo, hi = 0, last
    if near is not None:
        lo = int(np.clip(np.searchsorted(FACTOR_GRID, near - width - 1e-9), 0, last))
        hi = int(np.clip(np.searchsorted(FACTOR_GRID, near + width - 1e-9), 0, last))
    g_lo, g_hi = gap(lo), gap(hi)
    if g_lo >= 0 and lo > 0:
        lo, hi, g_hi = 0, lo, g_lo
        g_lo = gap(lo)
    elif g_hi <= 0 and hi < last:
        lo, hi, g_lo = hi, last, g_hi
        g_hi = gap(hi)
    if g_lo >= 0:
        return float(FACTOR_GRID[lo])
    if g_hi <= 0:
        return float(FACTOR_GRID[hi])
    while hi - lo > 1:  # gap(lo) < 0 < gap(hi)
        mid = (lo + hi) // 2
        g_mid = gap(mid)
        if g_mid < 0:
            lo, g_lo = mid, g_mid
        else:
            hi, g_hi = mid, g_mid
    return float(FACTOR_GRID[lo] if -g_lo <= g_hi else FACTOR_GRID[hi])


def fit_handle_factor(table: pd.DataFrame, *, threshold: float,
                      patience: float | npt.ArrayLike, interval_minutes: int = 60) -> float:
    """The factor at which stationary Erlang A's arrival-weighted mean wait matches the observed one.

    The predicted mean wait grows with the factor, so a bisection on
    :data:`FACTOR_GRID` (0.70-2.50, step 0.01) finds the grid point closest
    to the observed arrival-weighted mean wait. (The correction itself is
    fitted with the simulation, :func:`fit_handle_factor_simulated`; this is
    the stationary formula's own fit, kept to show what it would be.)
    """
    arrivals = table["arrivals"].to_numpy(float)
    obs = float(np.sum(arrivals * table["observed_mean_wait"].to_numpy(float)))

    def gap(i: int) -> float:
        p = predict(table, "erlang_a", threshold=threshold, patience=patience,
                    handle_factor=float(FACTOR_GRID[i]),
                    interval_minutes=interval_minutes)["predicted_mean_wait"].to_numpy()
        return float(np.sum(np.where(np.isfinite(p), arrivals * p, 0.0))) - obs

    return _bisect_factor(gap)


def _score(obs: FloatArray, pred: FloatArray, weight: FloatArray, relative: bool
           ) -> dict[str, float]:
    ok = np.isfinite(pred) & np.isfinite(obs)
    o, p, w = obs[ok], pred[ok], weight[ok]
    if len(o) < 2:
        return {"bias": float("nan"), "mae": float("nan"), "corr": float("nan"), "n": int(len(o))}
    bias = (float(np.sum(w * p) / np.sum(w * o)) - 1.0 if relative
            else float(np.mean(p - o)))
    corr = float(np.corrcoef(p, o)[0, 1]) if np.std(p) > 0 and np.std(o) > 0 else float("nan")
    return {"bias": bias, "mae": float(np.mean(np.abs(p - o))), "corr": corr, "n": int(len(o)),
            "unstable": int((~ok).sum())}


def noise_floor_mae(share: FloatArray, n: FloatArray) -> float:
    """Mean absolute error of a perfect model on shares measured from ``n`` customers (0-1)."""
    p = np.clip(share, 0.0, 1.0)
    return float(np.mean(np.sqrt(2 / np.pi) * np.sqrt(p * (1 - p) / np.maximum(n, 1))))


def scores(frame: pd.DataFrame) -> dict[str, dict[str, dict[str, float]]]:
    """Bias, MAE and correlation per model and figure (``frame`` as in modelcheck.csv)."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    for model, part in frame.groupby("model", sort=False):
        w = part["arrivals"].to_numpy(float)
        out[str(model)] = {fig: _score(part[f"observed_{fig}"].to_numpy(float),
                                       part[f"predicted_{fig}"].to_numpy(float), w,
                                       relative=(fig == "mean_wait"))
                           for fig in FIGURES}
    return out


def by_day(frame: pd.DataFrame) -> pd.DataFrame:
    """The same columns summed up per day (arrival-weighted means): the daily level."""
    f = frame.copy()
    f["day"] = pd.to_datetime(f["interval_start"]).dt.normalize()
    cols = [c for c in f.columns if c.startswith(("observed_", "predicted_"))]
    for c in cols:
        f[c] = f[c] * f["arrivals"]
    g = f.groupby(["model", "day"], sort=False)
    out = g[cols + ["arrivals"]].sum()
    for c in cols:
        out[c] = out[c] / out["arrivals"]
    out = out.reset_index().rename(columns={"day": "interval_start"})
    return out


@dataclass(frozen=True)
class ModelCheck:
    """The check of one hall: per-interval frame, scores, the correction and what was left out."""

    hall_id: str
    frame: pd.DataFrame
    scores: dict[str, dict[str, dict[str, float]]]
    daily_scores: dict[str, dict[str, dict[str, float]]]
    correction: HallCorrection
    holdout: tuple[dt.date, dt.date]
    intervals_left_out: int
    noise_floor: dict[str, float]
    idle_while_waiting_share: float
    idle_agents_while_waiting: float = 0.0
    formula_factor: float = float("nan")
    """The factor stationary Erlang A alone would have fitted on the same weeks (for comparison)."""

    def to_json(self) -> dict[str, Any]:
        """``modelcheck.json``: every figure with its definition."""
        return {
            "hall_id": self.hall_id,
            "holdout": [d.isoformat() for d in self.holdout],
            "interval_minutes": self.correction.interval_minutes,
            "models": list(MODELS),
            "staffing_model": STAFFING_MODEL,
            "definitions": {
                "mean_wait.bias": "arrival-weighted predicted / observed - 1",
                "service_level.bias": "mean of predicted - observed (share 0-1)",
                "abandonment.bias": "mean of predicted - observed (share 0-1)",
                "mae": "mean absolute error per interval (minutes or share 0-1)",
                "corr": "Pearson correlation across intervals",
                "noise_floor_mae": "MAE a perfect model still shows on shares from n customers",
            },
            "scores": self.scores,
            "daily_scores": self.daily_scores,
            "noise_floor_mae": self.noise_floor,
            "correction": correction_doc(self.correction),
            "formula_factor": self.formula_factor,
            "intervals_left_out": self.intervals_left_out,
            "idle_while_waiting_share": self.idle_while_waiting_share,
            "idle_agents_while_waiting": self.idle_agents_while_waiting,
        }


def model_check(tickets: pd.DataFrame, hall_id: str, *, threshold: float,
                holdout_days: int = 7, interval_minutes: int = 60,
                idle_gap: float = IDLE_GAP_MINUTES,
                staff: pd.DataFrame | None = None, staffing_minutes: int | None = None,
                replications: int = 100, seed: int = 20261204,
                factor_fit: str = "simulation") -> ModelCheck:
    """Fit the correction on the weeks before the last ``holdout_days`` days and judge all models.

    Parameters
    ----------
    tickets:
        The hall's ticket log (needs ``server_id``).
    hall_id:
        The hall.
    threshold:
        Service-level threshold, minutes (the policy's).
    holdout_days:
        Last days held out from every fit.
    interval_minutes:
        Interval of the check, minutes (60: the hours of the held-out week).
    idle_gap:
        Idle minutes that end an agent's run.
    staff:
        Known staffing (``interval_start, open``) instead of the observed one
        (see :func:`interval_table`).
    staffing_minutes:
        The staffing interval of the simulation, minutes (the policy's; a
        divisor of ``interval_minutes``; default ``interval_minutes``).
    replications:
        Simulated copies of each held-out day.
    seed:
        Seed of the simulation (the fit's and the judgement's).
    factor_fit:
        ``"simulation"`` (the default: the handling-time factor fitted with the
        simulation that is judged, :func:`fit_handle_factor_simulated`) or
        ``"formula"`` (fitted with stationary Erlang A, :func:`fit_handle_factor`;
        kept to show the difference).

    Raises
    ------
    ValueError
        No agent named in the log, or too little data before the hold-out.
    """
    if not len(tickets) or not tickets["server_id"].astype(str).ne("").any():
        raise ValueError(f"hall {hall_id}: the ticket log names no agent or counter "
                         "(server_id): staffing cannot be observed")
    table = interval_table(tickets, threshold, interval_minutes, idle_gap, staff)
    last = pd.Timestamp(table["interval_start"].max()).normalize()
    cut = last - pd.Timedelta(days=holdout_days - 1)
    ok = usable(table)
    train = table[(table["interval_start"] < cut)]
    if int((ok & (table["interval_start"] < cut)).sum()) < 20:
        raise ValueError(f"hall {hall_id}: fewer than 20 usable intervals before the last "
                         f"{holdout_days} days; a longer log is needed to fit and judge")
    patience = fit_patience(train)
    first = pd.Timestamp(train["interval_start"].min()).date()
    by_type = fit_patience_by_type(tickets[tickets["issued_at"] < cut], patience)
    unfitted = HallCorrection(handle_factor=1.0, patience=patience, fitted_from=first,
                              fitted_to=(cut - pd.Timedelta(days=1)).date(), idle_gap=idle_gap,
                              interval_minutes=interval_minutes,
                              patience_by_type=tuple(by_type.items()))
    mixed = interval_patience(tickets, unfitted, interval_minutes)
    table["patience_mix"] = table["interval_start"].map(mixed).fillna(patience)
    train = table[(table["interval_start"] < cut)]
    fit_rows = train[usable(train)]
    formula_factor = fit_handle_factor(fit_rows, threshold=threshold,
                                       patience=fit_rows["patience_mix"].to_numpy(float),
                                       interval_minutes=interval_minutes)
    sim_minutes = staffing_minutes or interval_minutes
    before, after = tickets[tickets["issued_at"] < cut], tickets[tickets["issued_at"] >= cut]
    if factor_fit == "simulation":
        recent = cut - pd.Timedelta(days=FIT_MAX_DAYS)
        factor = fit_handle_factor_simulated(
            fit_rows[fit_rows["interval_start"] >= recent],
            replay(before[before["issued_at"] >= recent], before, unfitted, threshold=threshold,
                   idle_gap=idle_gap, staff=staff, staffing_minutes=sim_minutes),
            threshold=threshold, check_minutes=interval_minutes, seed=seed, near=formula_factor)
    elif factor_fit == "formula":
        factor = formula_factor
    else:
        raise ValueError(f"factor_fit={factor_fit!r} must be 'simulation' or 'formula'")
    hold = table[(table["interval_start"] >= cut) & ok].reset_index(drop=True)
    correction = dataclasses.replace(unfitted, handle_factor=factor)
    parts = []
    for model in MODELS:
        corrected = model == "erlang_a_corrected"
        if model == STAFFING_MODEL:
            pred = replay(after, before, correction, threshold=threshold, idle_gap=idle_gap,
                          staff=staff, staffing_minutes=sim_minutes).predict(
                hold, factor, threshold=threshold, check_minutes=interval_minutes,
                replications=replications, seed=seed)
        else:
            pred = predict(hold, model, threshold=threshold,
                           patience=hold["patience_mix"].to_numpy(float) if corrected else patience,
                           handle_factor=factor if corrected else 1.0,
                           interval_minutes=interval_minutes)
        part = pd.concat([hold, pred], axis=1)
        part.insert(0, "model", model)
        parts.append(part)
    frame = pd.concat(parts, ignore_index=True)[list(CSV_COLUMNS)]
    n = hold["arrivals"].to_numpy(float)
    floor = {"service_level": noise_floor_mae(hold["observed_service_level"].to_numpy(float), n),
             "abandonment": noise_floor_mae(hold["observed_abandonment"].to_numpy(float), n)}
    daily = by_day(frame)
    obs = observed_staffing(tickets[tickets["issued_at"] >= cut], interval_minutes, idle_gap)
    left_out = int((~ok & (table["interval_start"] >= cut)).sum())
    return ModelCheck(hall_id, frame, scores(frame), scores(daily), correction,
                      (cut.date(), last.date()), left_out, floor, obs.idle_while_waiting_share,
                      obs.idle_agents_while_waiting, formula_factor)


@dataclass(frozen=True)
class Replay:
    """:data:`STAFFING_MODEL`'s inputs on some observed days, made once, replayed at any factor.

    ``fine`` is what happened per staffing interval (:func:`interval_table` at
    ``sim_minutes``: arrivals, handling, staff), ``mix`` the arrivals per
    staffing interval and transaction type (``None``: one type);
    ``patience`` (minutes, per type or one), ``handle_cv`` and ``vip_share``
    come from the training weeks only.
    """

    fine: pd.DataFrame
    mix: pd.DataFrame | None
    patience: float | dict[str, float]
    handle_cv: float
    vip_share: float
    sim_minutes: int

    def predict(self, rows: pd.DataFrame, handle_factor: float, *, threshold: float,
                check_minutes: int, replications: int, seed: int) -> pd.DataFrame:
        """The simulation's three figures on ``rows`` (their ``interval_start``, ``check_minutes``)."""
        from queueopt.modelcheck_sim import simulate_observed

        sim = simulate_observed(self.fine, sim_minutes=self.sim_minutes,
                                check_minutes=check_minutes, handle_factor=handle_factor,
                                handle_cv=self.handle_cv, patience=self.patience, mix=self.mix,
                                vip_share=self.vip_share, threshold=threshold,
                                replications=replications, seed=seed)
        got = sim.reindex(pd.to_datetime(rows["interval_start"]))
        return pd.DataFrame({c: got[c].to_numpy(float) for c in got.columns}, index=rows.index)


def replay(days: pd.DataFrame, before: pd.DataFrame, correction: HallCorrection, *,
           threshold: float, idle_gap: float, staff: pd.DataFrame | None,
           staffing_minutes: int) -> Replay:
    """The simulation's inputs to replay the tickets ``days``, fitted on the tickets ``before``.

    ``before`` gives the handling times' coefficient of variation, the VIP
    share and (without transaction types) the mix; ``correction`` the
    patience. Staffing is observed in ``days`` by the same rule as when judged
    (or ``staff``, known counters).
    """
    from queueopt.hall_inputs import measured_vip_share

    earlier = _counter_waits(before, threshold, staffing_minutes)
    handle = earlier["handle"][~earlier["abandoned"].astype(bool)].dropna()
    cv = float(handle.std() / handle.mean()) if len(handle) > 1 and handle.mean() > 0 else 1.0
    mix = (earlier["transaction_type"].astype(str).value_counts(normalize=True)
           if "transaction_type" in earlier else pd.Series(dtype=float))
    fine = interval_table(days, threshold, staffing_minutes, idle_gap, staff)
    by_type = dict(correction.patience_by_type)
    types = _counter_waits(days, threshold, staffing_minutes)
    arrivals_by_type = (types.groupby(["slot", types["transaction_type"].astype(str)]).size()
                        .unstack(fill_value=0) if by_type and "transaction_type" in types
                        else None)
    patience: float | dict[str, float] = (
        by_type if arrivals_by_type is not None
        else correction.patience_for(list(mix.index), mix.tolist()))
    return Replay(fine, arrivals_by_type, patience, cv, measured_vip_share(before),
                  staffing_minutes)


def fit_handle_factor_simulated(rows: pd.DataFrame, days: Replay, *, threshold: float,
                                check_minutes: int, replications: int = FIT_REPLICATIONS,
                                seed: int = 20261204, near: float | None = None) -> float:
    """The factor at which :data:`STAFFING_MODEL`'s arrival-weighted mean wait matches the observed.

    The same simulation that is judged (and that checks every plan) is run on
    the training days ``days`` at each trial factor, with the **same random
    numbers** every time (``seed``: the arrivals, the types, the patience
    draws and the handling-time draws, which a factor only scales), so the
    total simulated wait is a smooth, rising function of the factor and the
    fit is deterministic. ``rows`` are the usable training intervals
    (``interval_start``, ``arrivals``, ``observed_mean_wait``): the gap is
    ``sum(arrivals * predicted) - sum(arrivals * observed)`` over them, and a
    bisection on :data:`FACTOR_GRID` finds where it crosses 0. ``replications``
    (copies of each day, :data:`FIT_REPLICATIONS`) sets the simulation's
    noise in the fit; ``near`` (a first guess, such as the
    formula's factor) narrows the first bracket of the bisection.
    """
    arrivals = rows["arrivals"].to_numpy(float)
    observed = rows["observed_mean_wait"].to_numpy(float)

    def gap(i: int) -> float:
        p = days.predict(rows, float(FACTOR_GRID[i]), threshold=threshold,
                         check_minutes=check_minutes, replications=replications,
                         seed=seed)["predicted_mean_wait"].to_numpy(float)
        ok = np.isfinite(p)
        return float(np.sum(arrivals[ok] * p[ok]) - np.sum(arrivals[ok] * observed[ok]))

    return _bisect_factor(gap, near)


def correction_doc(correction: HallCorrection) -> dict[str, Any]:
    """The correction as saved in ``corrections.json`` (dates as ISO text, patience per type a map)."""
    doc: dict[str, Any] = json.loads(json.dumps(asdict(correction), default=str))
    doc["patience_by_type"] = dict(correction.patience_by_type)
    return doc


def write_modelcheck(check: ModelCheck, out: str | Path) -> list[Path]:
    """Write ``modelcheck.csv`` and ``modelcheck.json`` into ``out``."""
    from queueopt.export import write_csv

    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    frame = check.frame.copy()
    frame["interval_start"] = pd.to_datetime(frame["interval_start"]).dt.strftime("%Y-%m-%d %H:%M")
    write_csv(frame.round(6), root / "modelcheck.csv", index=False)
    (root / "modelcheck.json").write_text(json.dumps(check.to_json(), indent=2, default=str) + "\n",
                                          encoding="utf-8")
    return [root / "modelcheck.csv", root / "modelcheck.json"]


def save_correction(check: ModelCheck, data_dir: str | Path) -> Path:
    """Add (or replace) the hall's correction in ``data_dir/corrections.json``."""
    path = Path(data_dir) / CORRECTIONS_FILE
    doc: dict[str, Any] = {}
    if path.is_file():
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            doc = {}
    doc[check.hall_id] = correction_doc(check.correction)
    path.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path


def hall_model_check(ds: Any, hall_id: str, *, holdout_days: int = 7, interval_minutes: int = 60,
                     idle_gap: float = IDLE_GAP_MINUTES) -> ModelCheck:
    """:func:`model_check` of one hall of a :class:`queueopt.io.Dataset` (the CLI's and the app's).

    The threshold is the policy's; ``holdout_days``, ``interval_minutes`` and
    ``idle_gap`` as in :func:`model_check`.
    """
    staffing = ds.policy.interval_minutes
    return model_check(ds.tickets_of(hall_id), hall_id, threshold=ds.policy.target.threshold,
                       holdout_days=holdout_days, interval_minutes=interval_minutes,
                       idle_gap=idle_gap,
                       staffing_minutes=staffing if interval_minutes % staffing == 0
                       else interval_minutes)


def summary_frame(check: ModelCheck, level: str = "hour") -> pd.DataFrame:
    """One row per model: the figures of ``modelcheck.json`` for a page or a report.

    Columns ``model, mean_wait_bias`` (share, arrival-weighted), ``mean_wait_corr``,
    ``service_level_mae``, ``abandonment_mae`` (shares 0-1), ``intervals``;
    ``level`` is ``"hour"`` (the check's intervals) or ``"day"``.
    """
    sc = check.scores if level == "hour" else check.daily_scores
    return pd.DataFrame([{
        "model": m, "mean_wait_bias": sc[m]["mean_wait"]["bias"],
        "mean_wait_corr": sc[m]["mean_wait"]["corr"],
        "service_level_mae": sc[m]["service_level"]["mae"],
        "abandonment_mae": sc[m]["abandonment"]["mae"],
        "intervals": sc[m]["service_level"]["n"]} for m in MODELS])
