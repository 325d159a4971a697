"""A hall's requirements: counters, kiosks and predicted waits per interval of its forecast.

The hall adapter of :mod:`queueopt.staffing`. The hall's customers are split
into the kiosk stream (kiosk-eligible share x adoption, plus the kiosk
pool's overflow with ``kiosk_overflow``) and the counter stream; the peak
policy turns the counter stream into queues (:func:`queueopt.evaluator.policy_lanes`:
a VIP counter, a fast lane, the general counters), each staffed per day with
:func:`queueopt.staffing.staff_requirements` and the hall's target, its
simulated checks run by the plan evaluator's lane
(:func:`queueopt.evaluator.simulate_lane`). Kiosks are fixed (open all
day): their predicted wait is Erlang A (Erlang C without patience), and
``kiosks_needed`` is the fewest kiosks that would meet the target on their
own. Units: arrivals per interval in frames, per minute in arrays; handling
times and waits in minutes.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
import pandas as pd

from queueopt.dataset import Dataset
from queueopt.evaluator import Lane, PeakPolicy, policy_lanes, sim_types, simulate_lane
from queueopt.hall_inputs import KIOSK_CV, HallInputs, hall_inputs
from queueopt.queueing import (
    erlang_a,
    max_arrival_rate,
    mean_wait,
    mix_moments,
    required_servers,
    service_level,
)
from queueopt.simulate import SimulationResult
from queueopt.staffing import StaffingResult, split_kiosk, staff_requirements

__all__ = ["PeakPolicy", "hall_requirements", "requirements_for"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

COLUMNS: tuple[str, ...] = (
    "hall_id", "interval_start", "arrivals", "counter_arrivals", "kiosk_arrivals",
    "handle_minutes", "required", "staff", "fast_lane", "vip", "kiosks", "kiosks_needed",
    "service_level", "mean_wait", "abandonment", "kiosk_service_level", "kiosk_mean_wait",
    "method")
"""Columns of a requirements frame (see :func:`requirements_for`)."""


def hall_requirements(dataset: Dataset, hall_id: str, forecast: pd.DataFrame, *,
                      mix: pd.DataFrame | None = None, policy: PeakPolicy | None = None,
                      method: str = "auto", replications: int | None = None,
                      seed: int = 20261125) -> pd.DataFrame:
    """Requirements of a hall from a :class:`queueopt.io.Dataset` (the edge: unpacks it once).

    Builds the hall's :class:`~queueopt.hall_inputs.HallInputs` (``mix``:
    ``transaction_type, share`` over the whole horizon, default the measured
    mix) and calls :func:`requirements_for`; the other arguments are its own.
    """
    return requirements_for(hall_inputs(dataset, hall_id, mix=mix), forecast, policy=policy,
                            method=method, replications=replications, seed=seed)


@dataclass(frozen=True)
class _Kiosks:
    """The kiosk pool's handling-time moments (minutes) and what it serves to the target."""

    mean: float
    scv: float
    capacity: float  # per minute; inf = no overflow to the counters


def _kiosk_pool(inputs: HallInputs, policy: PeakPolicy) -> _Kiosks:
    el = inputs.kiosk_eligible
    if not el.any():
        return _Kiosks(1.0, 1.0, np.inf)
    mean, scv = mix_moments(np.where(el, inputs.shares, 0.0), inputs.kiosk_minutes,
                            np.full(len(el), KIOSK_CV))
    t = inputs.target
    cap = (float(max_arrival_rate(mean, inputs.kiosks, t.threshold, t.service_level, scv))
           if policy.kiosk_overflow and inputs.kiosks else np.inf)
    return _Kiosks(float(mean), float(scv), cap)


def requirements_for(inputs: HallInputs, forecast: pd.DataFrame, *,
                     policy: PeakPolicy | None = None, method: str = "auto",
                     replications: int | None = None, seed: int = 20261125) -> pd.DataFrame:
    """Counters, kiosks and predicted waits per interval for a hall's forecast.

    Parameters
    ----------
    inputs:
        The hall (:func:`queueopt.hall_inputs.hall_inputs`).
    forecast:
        ``hall_id, interval_start, arrivals`` (mean arrivals per interval),
        e.g. from :func:`queueopt.forecast.forecast_arrivals`; one or more days.
    policy:
        Peak levers (kiosk adoption, cross-selling pause, fast lane, VIP counter).
    method:
        Staffing method per day (see :func:`queueopt.staffing.staff_requirements`).
    replications, seed:
        Simulated days per check (``None``: sized to the day's volume) and
        the seed of the checks (one per day: ``seed`` + the day's ordinal).

    Returns
    -------
    pandas.DataFrame
        One row per interval, columns :data:`COLUMNS`. Arrivals are per
        interval, handling and waits minutes; ``required`` counts every
        counter (general + fast lane + VIP) and ``staff`` adds shrinkage.
        ``service_level``, ``mean_wait`` and ``abandonment`` are over all
        counter customers.

    Raises
    ------
    ValueError
        When the forecast has no rows for the hall, a column is missing or
        arrivals are negative or missing.
    """
    missing = {"hall_id", "interval_start", "arrivals"} - set(forecast.columns)
    if missing:
        raise ValueError(f"the forecast lacks column(s) {sorted(missing)}")
    pol = policy or PeakPolicy()
    if pol.kiosk_adoption is not None:
        inputs = replace(inputs, kiosk_adoption=pol.kiosk_adoption)
    if inputs.kiosks == 0:
        inputs = replace(inputs, kiosk_adoption=0.0)
    f = forecast[forecast["hall_id"] == inputs.hall_id].sort_values("interval_start")
    if f.empty:
        raise ValueError(f"the forecast has no rows for hall {inputs.hall_id}")
    pool = _kiosk_pool(inputs, pol)
    out = [_day_requirements(inputs, part, pol, pool, method=method,
                             replications=replications,
                             seed=seed + int(pd.Timestamp(day).toordinal()))
           for day, part in f.groupby(f["interval_start"].dt.date, sort=True)]
    frame = pd.concat(out, ignore_index=True)
    frame.insert(0, "hall_id", inputs.hall_id)
    return frame


def _split(inputs: HallInputs, lam: FloatArray, pool: _Kiosks
           ) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Counter rate, kiosk rate (per minute) and counter mix per interval, after any overflow."""
    shares, el = inputs.shares, inputs.kiosk_eligible
    c_lam, k_lam, c_shares = split_kiosk(lam, shares, el, inputs.kiosk_adoption)
    over = (np.maximum(k_lam - pool.capacity, 0.0) if np.isfinite(pool.capacity)
            else np.zeros_like(k_lam))
    if np.any(over):
        el_mix = np.where(el, shares, 0.0) / max(float(shares[el].sum()), 1e-12)
        den = np.maximum(c_lam + over, 1e-300)[:, None]
        c_shares = np.where(den > 1e-300, (c_lam[:, None] * c_shares
                                           + over[:, None] * el_mix) / den, c_shares)
        c_lam, k_lam = c_lam + over, k_lam - over
    return c_lam, k_lam, c_shares


def _staff_lane(inputs: HallInputs, lane: Lane, *, method: str, replications: int | None,
                seed: int) -> StaffingResult | None:
    """Staff one lane of a day; ``None`` when nobody comes to it."""
    if not np.any(lane.lam > 0):
        return None
    means, cvs, _ = sim_types(inputs)
    p = lane.shares
    total = p.sum(axis=1, keepdims=True)
    p = np.divide(p, total, out=np.full_like(p, 1.0 / p.shape[1]), where=total > 0)
    mean, scv = mix_moments(p, np.broadcast_to(means, p.shape), np.broadcast_to(cvs, p.shape),
                            axis=-1)
    mean = np.where(np.isfinite(mean), mean, float(np.nanmean(mean)))
    scv = np.where(np.isfinite(scv), scv, 1.0)
    t, patience = inputs.target, inputs.patience

    def check(counters: IntArray, reps: int, rng: int) -> SimulationResult:
        return simulate_lane(inputs, lane, counters, replications=reps, rng=rng)

    r = staff_requirements(
        lane.lam, mean, t.threshold, t.service_level, inputs.interval_minutes, scv, patience,
        method, max_mean_wait=t.max_mean_wait,
        max_abandonment=t.max_abandonment if patience else None,
        max_occupancy=t.max_occupancy, shrinkage=t.shrinkage, replications=replications,
        vip_share=lane.priority, seed=seed, simulator=check)
    if lane.floor > 0:
        c = np.maximum(r.counters, lane.floor)
        c[lane.lam <= 0] = 0
        r = replace(r, counters=c)
    return r


def _kiosk_figures(inputs: HallInputs, k_lam: FloatArray, pool: _Kiosks
                   ) -> tuple[FloatArray, FloatArray, IntArray]:
    """Kiosk mean wait (minutes), service level and kiosks needed per interval."""
    n, t = len(k_lam), inputs.target
    if not (inputs.kiosks and np.any(k_lam > 0)):
        return np.zeros(n), np.ones(n), np.zeros(n, np.int64)
    if inputs.patience:  # Erlang A keeps an overload finite
        k_wait = erlang_a(k_lam, pool.mean, inputs.kiosks, inputs.patience).mean_wait
    else:
        k_wait = mean_wait(k_lam, pool.mean, inputs.kiosks, pool.scv)
    k_sl = service_level(k_lam, pool.mean, inputs.kiosks, t.threshold, pool.scv)
    k_need = required_servers(k_lam, pool.mean, t.threshold, t.service_level, pool.scv, 1.0,
                              np.inf if t.max_mean_wait is None else t.max_mean_wait)
    return (np.where(k_lam > 0, k_wait, 0.0), np.where(k_lam > 0, k_sl, 1.0),
            np.asarray(k_need, np.int64))


def _day_requirements(inputs: HallInputs, part: pd.DataFrame, policy: PeakPolicy,
                      pool: _Kiosks, *, method: str, replications: int | None,
                      seed: int) -> pd.DataFrame:
    """One day's rows of the requirements frame (without ``hall_id``)."""
    starts = pd.DatetimeIndex(part["interval_start"])
    n, interval = len(starts), inputs.interval_minutes
    lam = part["arrivals"].to_numpy(float) / interval
    if np.any(lam < 0) or not np.all(np.isfinite(lam)):
        raise ValueError(f"the forecast for hall {inputs.hall_id} on {starts[0].date()} has "
                         "negative or missing arrivals")
    c_lam, k_lam, c_shares = _split(inputs, lam, pool)
    lanes = policy_lanes(inputs, c_lam, c_shares, policy.paused(starts), policy)
    staffed = {lane.name: (lane, _staff_lane(inputs, lane, method=method,
                                             replications=replications, seed=seed))
               for lane in lanes}
    parts = [(r, lane.lam) for lane, r in staffed.values() if r is not None]
    zeros = np.zeros(n, np.int64)
    lane_c = {k: (r.counters if r is not None else zeros) for k, (_, r) in staffed.items()}
    general_lane, general = staffed["general"]
    used = general.method if general is not None else (parts[0][0].method if parts else method)
    h_mean = _lane_mean(inputs, general_lane) if general is not None else np.zeros(n)
    k_wait, k_sl, k_need = _kiosk_figures(inputs, k_lam, pool)
    return pd.DataFrame({
        "interval_start": starts, "arrivals": part["arrivals"].to_numpy(float),
        "counter_arrivals": c_lam * interval, "kiosk_arrivals": k_lam * interval,
        "handle_minutes": np.where(c_lam > 0, np.nan_to_num(h_mean), 0.0),
        "required": sum((r.counters for r, _ in parts), zeros),
        "staff": sum((r.staff for r, _ in parts), zeros),
        "fast_lane": lane_c.get("fast lane", zeros), "vip": lane_c.get("vip", zeros),
        "kiosks": inputs.kiosks, "kiosks_needed": k_need,
        "service_level": _pooled(parts, "service_level", 1.0, c_lam),
        "mean_wait": _pooled(parts, "mean_wait", 0.0, c_lam),
        "abandonment": _pooled(parts, "abandonment", 0.0, c_lam), "kiosk_service_level": k_sl,
        "kiosk_mean_wait": k_wait, "method": used,
    })


def _pooled(parts: list[tuple[StaffingResult, FloatArray]], attr: str, empty: float,
            c_lam: FloatArray) -> FloatArray:
    """A figure over all counter customers: the lanes' figures weighted by their rates."""
    n = len(c_lam)
    if not parts:
        return np.full(n, empty)
    tot = np.maximum(sum((w for _, w in parts), np.zeros(n)), 1e-12)
    v = sum(w * getattr(r, attr) for r, w in parts) / tot
    return np.asarray(np.where(c_lam > 0, v, empty), dtype=float)


def _lane_mean(inputs: HallInputs, lane: Lane) -> FloatArray:
    """Mean handling time (minutes) per interval of a lane's mix (``nan`` without customers)."""
    means, cvs, _ = sim_types(inputs)
    p = lane.shares
    total = p.sum(axis=1, keepdims=True)
    p = np.divide(p, total, out=np.full_like(p, 1.0 / p.shape[1]), where=total > 0)
    mean, _ = mix_moments(p, np.broadcast_to(means, p.shape), np.broadcast_to(cvs, p.shape),
                          axis=-1)
    return np.asarray(mean, dtype=float)
