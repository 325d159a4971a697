"""Staffing that holds over the whole day: counters per interval from a service target.

Units: arrival rates per minute, handling times, waits and thresholds in
minutes, one array element per interval of ``interval_minutes``; the hall
opens empty at the first interval.

Methods:

``"sipp"``
    Stationary independent period-by-period: each interval is staffed as if
    it were a steady-state queue (Erlang C with the general-service
    correction, :func:`queueopt.queueing.required_servers`). Green, Kolesar
    and Soares ("Improving the SIPP approach for staffing service systems",
    OR 2001) show it under-staffs after a rise in demand, because the queue
    built at the peak carries over into the next intervals.

``"mol"``
    SIPP on the *modified offered load* (below), formulas only.

``"simulation"``
    Start from SIPP on the *modified offered load* (Jagerman 1975;
    Massey and Whitt 1997: ``m(t) = E[λ(t - S_e)] E[S]``, the load of an
    infinite-server queue, computed here by discrete convolution of the
    arrival rate with the handling-time survival function), then check the
    plan by simulation and repair it, in the spirit of the simulation-based
    iterative staffing algorithm (Feldman, Mandelbaum, Massey and Whitt,
    Management Science 2008): every interval whose pooled simulated service
    level misses the target gets one more counter, in that interval or, when
    the interval is already at its SIPP level and the miss comes from
    carry-over, in the interval before; repeat until every interval meets
    the target with a margin. A final pass removes counters whose removal a
    re-simulation on fresh random numbers shows to be harmless. Common
    random numbers make the comparisons between iterations sharp. Every
    target is tightened by ``_Z`` = 1.25 standard errors of its own pooled
    estimate, and the figures reported with the plan come from a third,
    fresh set of random numbers.

``"auto"`` (the default) runs both and keeps the cheaper plan among those
that meet the target in every interval by simulation (SIPP when it meets it
everywhere, which it does when demand is flat).

Targets apply per interval and at once: service level (share called within
``threshold`` minutes), a cap on the mean wait, a cap on abandonment, a cap
on occupancy. Shrinkage converts counters into staff: ``staff = counters /
(1 - shrinkage)``.

This module is the array maths of one queue. :mod:`queueopt.requirements`
applies it to a hall's forecast under its peak policy (kiosk diversion,
cross-selling paused, a fast lane, a VIP counter), with the checks simulated
by the plan evaluator (:mod:`queueopt.evaluator`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from queueopt.queueing import (
    erlang_a,
    mean_wait,
    required_servers,
    service_level,
)
from queueopt.simulate import SimulationResult, simulate_day

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

METHODS: tuple[str, ...] = ("auto", "sipp", "mol", "simulation")
_CUSTOMERS_PER_CHECK = 30_000
"""Simulated customers per check when ``replications`` is ``None``."""
_Z = 1.25
"""Standard errors by which the simulated checks tighten each target.

A one-sided 1.25 standard errors is 89% confidence per interval that the
true figure meets the untightened target. It trades the staff-hours a wider
margin costs against misses on fresh random numbers: with it the default
meets the target in every interval of H01's month-end week when checked by
2,000 independent replications a day (``benchmarks/bench_staffing.py``).
"""

Simulator = Callable[[npt.NDArray[np.int64], int, int], SimulationResult]
"""A plan check: ``(counters per interval, replications, seed) -> SimulationResult``."""


@dataclass(frozen=True)
class StaffingResult:
    """Counters per interval and what the plan is predicted to achieve.

    Arrays are per interval. ``service_level``, ``mean_wait`` (minutes) and
    ``abandonment`` are the pooled simulation estimates of the plan when a
    simulation ran (``checked = True``), else the stationary formulas.
    """

    counters: IntArray
    service_level: FloatArray
    mean_wait: FloatArray
    abandonment: FloatArray
    method: str
    interval_minutes: int
    shrinkage: float = 0.0
    checked: bool = False
    iterations: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def staff(self) -> IntArray:
        """Staff needed per interval after shrinkage (counters / (1 - shrinkage), rounded up)."""
        return np.ceil(self.counters / (1.0 - self.shrinkage) - 1e-9).astype(np.int64)

    @property
    def staff_hours(self) -> float:
        """Counter-hours of the day (staff after shrinkage x interval length)."""
        return float(self.staff.sum() * self.interval_minutes / 60.0)

    def __array__(self, dtype: npt.DTypeLike | None = None, copy: bool | None = None) -> np.ndarray:
        return np.asarray(self.counters, dtype=dtype)

    def to_frame(self) -> pd.DataFrame:
        """One row per interval."""
        return pd.DataFrame({
            "interval": np.arange(len(self.counters)), "counters": self.counters,
            "staff": self.staff, "service_level": self.service_level,
            "mean_wait": self.mean_wait, "abandonment": self.abandonment,
        })


def modified_offered_load(arrival_rate: FloatArray, handle_time: float, handle_time_scv: float,
                          interval_minutes: int) -> FloatArray:
    """Offered load of the infinite-server queue per interval (Erlangs).

    ``m(t) = ∫ λ(t - u) P(S > u) du`` with a lognormal handling time of the
    given mean (minutes) and SCV; the hall opens empty. Evaluated by a
    one-minute discrete convolution at the end of each interval's middle
    minute (minute 8 of a 15-minute interval: half a minute after its midpoint).

    >>> m = modified_offered_load(np.full(40, 1.0), 4.0, 1.0, 15)
    >>> round(float(m[-1]), 2)  # steady state: λ E[S]
    4.0
    """
    lam_min = np.repeat(np.asarray(arrival_rate, float), interval_minutes)
    n = len(lam_min)
    u = np.arange(n) + 0.5
    sigma2 = np.log1p(max(handle_time_scv, 1e-9))
    mu = np.log(handle_time) - sigma2 / 2
    from scipy import stats

    surv = stats.lognorm.sf(u, s=np.sqrt(sigma2), scale=np.exp(mu))
    m = np.convolve(lam_min, surv)[:n]
    mid = np.arange(len(arrival_rate)) * interval_minutes + interval_minutes // 2
    return np.asarray(m[mid], dtype=float)


def _sipp(lam: FloatArray, s: FloatArray, scv: FloatArray, threshold: float, target: float,
          max_occupancy: float, max_mean_wait: float | None, max_abandonment: float | None,
          patience: float | None) -> IntArray:
    c = required_servers(lam, s, threshold, target, scv, max_occupancy,
                         np.inf if max_mean_wait is None else max_mean_wait)
    if max_abandonment is not None and patience is not None:
        c = c.copy()
        for _ in range(200):
            ab = erlang_a(lam, s, np.maximum(c, 1), patience).p_abandon
            over = (ab > max_abandonment) & (lam > 0)
            if not over.any():
                break
            c[over] += 1
    return np.asarray(c, dtype=np.int64)


def _ratio_se(num: FloatArray, den: FloatArray) -> FloatArray:
    """Standard error of the pooled ratio sum(num)/sum(den) over replications (axis 0).

    The delta-method variance of a ratio estimator: customers of one
    replication share one queue, so their outcomes are correlated and the
    replication, not the customer, is the independent unit.
    """
    r = num.shape[0]
    if r < 2:
        return np.zeros(num.shape[1])
    total = den.sum(0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = num.sum(0) / total
        resid = num - ratio * den
        se = np.sqrt((resid ** 2).sum(0) / (r * (r - 1))) / (total / r)
    return np.asarray(np.nan_to_num(se), dtype=float)


def _misses(res: SimulationResult, target: float, max_mean_wait: float | None,
            max_abandonment: float | None, margin: float, lam: FloatArray) -> npt.NDArray[np.bool_]:
    """Intervals whose pooled simulated figures miss a target.

    With ``margin > 0`` every target is tightened by ``margin`` and by ``_Z``
    standard errors of its own pooled estimate (between replications), so
    that a plan accepted on ``replications`` days also holds on fresh random
    numbers.
    """
    z = _Z if margin > 0 else 0.0
    a = res.arrivals.astype(float)
    sl = np.nan_to_num(res.pooled_service_level(), nan=1.0)
    miss = sl < target + (margin + z * _ratio_se(res.within.astype(float), a) if z else 0.0)
    if max_mean_wait is not None:
        w = np.nan_to_num(res.pooled_mean_wait(), nan=0.0)
        miss |= w > max_mean_wait - (z * _ratio_se(res.wait_sum, a) if z else 0.0)
    if max_abandonment is not None:
        ab = np.nan_to_num(res.pooled_abandonment(), nan=0.0)
        miss |= ab > max_abandonment - (z * _ratio_se(res.abandoned.astype(float), a) if z else 0.0)
    return np.asarray(miss & (lam > 0), dtype=bool)


def staff_requirements(arrival_rate: npt.ArrayLike, handle_time: npt.ArrayLike | float,
                       threshold: float, target: float, interval_minutes: int = 15,
                       handle_time_scv: npt.ArrayLike | float = 1.0,
                       patience: float | None = None, method: str = "auto", *,
                       max_mean_wait: float | None = None,
                       max_abandonment: float | None = None, max_occupancy: float = 1.0,
                       shrinkage: float = 0.0, max_counters: int | None = None,
                       mix: tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike] | None = None,
                       replications: int | None = None, margin: float = 0.005,
                       max_iterations: int = 40,
                       max_removals: int = 24, vip_share: float = 0.0,
                       seed: int = 20261125,
                       simulator: Simulator | None = None) -> StaffingResult:
    """Counters needed per interval of one day so that every interval meets the target.

    Parameters
    ----------
    arrival_rate:
        Arrivals per minute in each interval of the day (the hall opens empty).
    handle_time:
        Mean handling time, minutes (scalar or per interval).
    threshold:
        Service-level threshold, minutes.
    target:
        Share of customers to call within ``threshold`` (0-1).
    interval_minutes:
        Interval length, minutes.
    handle_time_scv:
        Squared coefficient of variation of the handling time.
    patience:
        Mean patience in minutes (exponential), ``None`` = nobody leaves.
    method:
        ``"auto"`` (default), ``"sipp"``, ``"mol"`` or ``"simulation"``.
    max_mean_wait:
        Cap on the mean wait per interval, minutes.
    max_abandonment:
        Cap on the share who leave per interval (needs ``patience``).
    max_occupancy:
        Cap on utilisation per interval (0-1].
    shrinkage:
        Share of paid time lost to non-break absence (0-0.95).
    max_counters:
        Physical counters: requirements above it are reported, capped plans
        are the scheduler's business; here they are only noted.
    mix:
        ``(shares, means, cvs)`` per transaction type (shares per type or
        per interval x type) for a faithful simulation of the mix; default a
        single lognormal type with ``handle_time`` and ``handle_time_scv``.
    replications:
        Simulated days per check (common random numbers across iterations);
        ``None`` sizes it to about 30,000 simulated customers per check
        (40 to 200 days): small halls get more days, because the margins
        shrink with the square root of the days.
    margin:
        Safety margin on the pooled simulated service level.
    max_iterations:
        Check-and-repair rounds at most.
    max_removals:
        Most counters the removal pass tries to take back (tested as a group,
        then narrowed down to those no miss can be blamed on).
    vip_share:
        Share of counter customers served first (non-preemptive priority) in
        the simulation checks.
    seed:
        Seed of the simulation checks.
    simulator:
        The plan check (``(counters, replications, seed) -> SimulationResult``);
        default one queue with ``mix`` (or one lognormal type) and
        ``vip_share`` by :func:`queueopt.simulate.simulate_day`. The hall
        adapter passes the plan evaluator's lane
        (:func:`queueopt.evaluator.simulate_lane`), so the repair loop
        simulates the queue the plan will be checked on.

    Returns
    -------
    StaffingResult
        ``counters`` (int array, one per interval) with the predicted service
        level, mean wait (minutes) and abandonment per interval: pooled
        simulation estimates for ``"simulation"``/``"auto"``, stationary
        formulas for ``"sipp"`` and ``"mol"``.

    Raises
    ------
    ValueError
        Naming the parameter when an input is out of range.

    Notes
    -----
    ``"mol"`` is SIPP applied to the modified offered load
    (:func:`modified_offered_load`) without a simulation check; it already
    anticipates the queue the peak leaves behind, and is the starting plan
    of ``"simulation"``.

    Examples
    --------
    Half a customer a minute, 4-minute exponential visits (SCV 1): the load
    is A = 2 Erlangs, so 2 counters never keep up. With 3, by hand: Erlang B
    is B(3, 2) = (8/6) / (1 + 2 + 4/2 + 8/6) = 4/19, Erlang C is
    C = 3 B / (3 - 2 (1 - B)) = (12/19) / (27/19) = 4/9, and the share called
    within 10 minutes is 1 - C exp(-(c - A) t / s) = 1 - 4/9 exp(-(3 - 2) 10 / 4):

    >>> import math
    >>> round(1 - 4 / 9 * math.exp(-(3 - 2) * 10 / 4), 4)
    0.9635
    >>> r = staff_requirements(np.full(4, 0.5), 4.0, 10.0, 0.8, method="sipp")
    >>> r.counters.tolist(), round(float(r.service_level[0]), 4)
    ([3, 3, 3, 3], 0.9635)

    So 3 counters meet 80% in 10 minutes and fewer cannot.
    """
    _check_arguments(method, threshold, interval_minutes, patience, max_abandonment,
                     replications, vip_share, target, shrinkage)
    lam, s, scv = _interval_arrays(arrival_rate, handle_time, handle_time_scv)
    caps = (max_occupancy, max_mean_wait, max_abandonment, patience)
    sipp = _sipp(lam, s, scv, threshold, target, *caps)
    formulas = (lam, s, scv, threshold, patience, interval_minutes, shrinkage)
    if method == "sipp":
        return _formula_result(sipp, "sipp", *formulas)
    c = _mol_start(lam, s, scv, interval_minutes, threshold, target, caps)
    if method == "mol":
        return _formula_result(c, "mol", *formulas)
    if replications is None:
        per_day = float(lam.sum()) * interval_minutes
        replications = int(np.clip(_CUSTOMERS_PER_CHECK / max(per_day, 1.0), 40, 200))
    if simulator is None:
        simulator = _single_queue(lam, s, scv, mix, interval_minutes, threshold, patience,
                                  vip_share)
    check = _Checker(simulator, replications, seed, lam,
                     (target, max_mean_wait, max_abandonment, margin))
    c, iterations, ok = _repair(check, c, sipp, max_iterations)
    c, removed = _take_back(check, c, sipp, max_removals, interval_minutes)
    if removed:  # the removals must also pass on the repair's own random numbers
        c, more, ok = _repair(check, c, sipp, max_iterations)
        iterations += more
    notes: list[str] = []
    if not ok:
        notes.append(f"check-and-repair stopped after {max_iterations} rounds")
    if max_counters is not None and (c > max_counters).any():
        notes.append(f"{int((c > max_counters).sum())} interval(s) need more than the "
                     f"{max_counters} physical counters")
    sim_result, _ = check.result(c, "simulation", iterations, interval_minutes, shrinkage, notes)
    if method == "simulation" or float(sipp.sum()) > float(c.sum()):
        return sim_result  # (SIPP costs more: no need to check it)
    sipp_result, sipp_ok = check.result(sipp.copy(), "sipp", 0, interval_minutes, shrinkage, notes)
    if sipp_ok and sipp_result.staff_hours <= sim_result.staff_hours:
        return sipp_result
    return sim_result


def _check_arguments(method: str, threshold: float, interval_minutes: int,
                     patience: float | None, max_abandonment: float | None,
                     replications: int | None, vip_share: float, target: float,
                     shrinkage: float) -> None:
    if method not in METHODS:
        raise ValueError(f"method={method!r} must be one of {METHODS}")
    if not threshold >= 0:
        raise ValueError(f"threshold={threshold} must be >= 0 (minutes)")
    if interval_minutes <= 0:
        raise ValueError(f"interval_minutes={interval_minutes} must be > 0")
    if patience is not None and not patience > 0:
        raise ValueError(f"patience={patience} must be > 0 (minutes) or None")
    if max_abandonment is not None and patience is None:
        raise ValueError("max_abandonment needs patience (customers never leave without it)")
    if replications is not None and replications < 1:
        raise ValueError(f"replications={replications} must be >= 1")
    if not 0 <= vip_share < 1:
        raise ValueError(f"vip_share={vip_share} must be in [0, 1)")
    if not 0 < target < 1:
        raise ValueError(f"target={target} must be in (0, 1)")
    if not 0 <= shrinkage < 0.95:
        raise ValueError(f"shrinkage={shrinkage} must be in [0, 0.95)")


def _interval_arrays(arrival_rate: npt.ArrayLike, handle_time: npt.ArrayLike | float,
                     handle_time_scv: npt.ArrayLike | float
                     ) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Rates (per minute), handling times (minutes) and SCVs, one per interval, checked."""
    lam = np.asarray(arrival_rate, dtype=float)
    if lam.ndim != 1 or np.any(lam < 0) or not np.all(np.isfinite(lam)):
        raise ValueError("arrival_rate must be a 1-D array of finite rates >= 0 (per minute)")
    s = np.broadcast_to(np.asarray(handle_time, dtype=float), lam.shape).copy()
    if np.any(~(s > 0)) or not np.all(np.isfinite(s)):
        raise ValueError("handle_time must be finite and > 0 (minutes) in every interval")
    scv = np.broadcast_to(np.asarray(handle_time_scv, dtype=float), lam.shape).copy()
    return lam, s, scv


def _formula_result(c: IntArray, name: str, lam: FloatArray, s: FloatArray, scv: FloatArray,
                    threshold: float, patience: float | None, interval_minutes: int,
                    shrinkage: float) -> StaffingResult:
    """The plan's figures by the stationary formulas (Erlang A with patience, else M/G/c)."""
    cc = np.maximum(c, 1)
    if patience is not None:
        ea = erlang_a(lam, s, cc, patience)
        w, ab = ea.mean_wait, ea.p_abandon
    else:
        w, ab = mean_wait(lam, s, cc, scv), np.zeros(len(lam))
    return StaffingResult(
        counters=c, service_level=service_level(lam, s, cc, threshold, scv),
        mean_wait=np.where(lam > 0, w, 0.0), abandonment=ab, method=name,
        interval_minutes=interval_minutes, shrinkage=shrinkage)


def _mol_start(lam: FloatArray, s: FloatArray, scv: FloatArray, interval_minutes: int,
               threshold: float, target: float,
               caps: tuple[float, float | None, float | None, float | None]) -> IntArray:
    """SIPP on the modified offered load, at least one counter where customers come."""
    m_load = modified_offered_load(lam, float(np.average(s, weights=lam + 1e-12)),
                                   float(np.mean(scv)), interval_minutes)
    lam_eff = np.where(s > 0, m_load / s, lam)
    c = _sipp(lam_eff, s, scv, threshold, target, *caps)
    return np.asarray(np.maximum(c, np.where(lam > 0, 1, 0)), dtype=np.int64)


def _single_queue(lam: FloatArray, s: FloatArray, scv: FloatArray,
                  mix: tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike] | None,
                  interval_minutes: int, threshold: float, patience: float | None,
                  vip_share: float) -> Simulator:
    """The default check: one queue, the mix (or one lognormal type), VIPs served first."""
    if mix is None:
        shares, means, cvs = (np.array([1.0]), np.array([float(np.mean(s))]),
                              np.sqrt(np.array([float(np.mean(scv))])))
    else:
        shares, means, cvs = (np.asarray(x, dtype=float) for x in mix)

    def run(counters: IntArray, replications: int, seed: int) -> SimulationResult:
        return simulate_day(lam, counters, shares=shares, handle_mean=means, handle_cv=cvs,
                            interval_minutes=interval_minutes, threshold=threshold,
                            patience=patience, replications=replications, rng=seed,
                            vip_share=vip_share)
    return run


@dataclass
class _Checker:
    """Simulated checks of candidate plans; a plan on the same random numbers is run once.

    ``targets`` is ``(service level, max mean wait, max abandonment, margin)``.
    """

    simulate: Simulator
    replications: int
    seed: int
    lam: FloatArray
    targets: tuple[float, float | None, float | None, float]
    cache: dict[tuple[bytes, int], SimulationResult] = field(default_factory=dict)

    def run(self, counters: IntArray, seed_offset: int = 0) -> SimulationResult:
        key = (np.asarray(counters, dtype=np.int64).tobytes(), seed_offset)
        if key not in self.cache:
            self.cache[key] = self.simulate(counters, self.replications, self.seed + seed_offset)
        return self.cache[key]

    def misses(self, counters: IntArray, seed_offset: int = 0) -> npt.NDArray[np.bool_]:
        target, max_wait, max_ab, margin = self.targets
        return _misses(self.run(counters, seed_offset), target, max_wait, max_ab, margin,
                       self.lam)

    def result(self, c: IntArray, name: str, iterations: int, interval_minutes: int,
               shrinkage: float, notes: list[str]) -> tuple[StaffingResult, bool]:
        """The plan's figures on fresh random numbers, and whether it passes the repair's check.

        Acceptance uses the repair's random numbers and margin (a fair
        comparison between plans); the reported figures come from fresh
        random numbers, so they are not biased towards the ones the plan
        was tuned on.
        """
        ok = not self.misses(c).any()
        res = self.run(c, 2)
        return StaffingResult(
            counters=c, service_level=np.nan_to_num(res.pooled_service_level(), nan=1.0),
            mean_wait=np.nan_to_num(res.pooled_mean_wait(), nan=0.0),
            abandonment=np.nan_to_num(res.pooled_abandonment(), nan=0.0), method=name,
            interval_minutes=interval_minutes, shrinkage=shrinkage, checked=True,
            iterations=iterations, notes=tuple(notes)), ok


def _repair(check: _Checker, c: IntArray, sipp: IntArray, rounds: int
            ) -> tuple[IntArray, int, bool]:
    """Add a counter wherever the check misses, until it passes or ``rounds`` run out."""
    for it in range(1, rounds + 1):
        miss = check.misses(c)
        if not miss.any():
            return c, it, True
        idx = np.flatnonzero(miss)
        c = c.copy()
        c[idx] += 1
        # a miss in an interval already above SIPP comes from the queue carried
        # over: add a counter one interval earlier too, where it drains the backlog
        carry = idx[(c[idx] > sipp[idx] + 1) & (idx > 0)]
        c[carry - 1] += 1
    return c, rounds, False


def _take_back(check: _Checker, c: IntArray, sipp: IntArray, max_removals: int,
               interval_minutes: int) -> tuple[IntArray, bool]:
    """Take back counters the repair added where fresh random numbers show they are not needed.

    Group test: take back every candidate at once, then give back the ones
    that can explain a miss (in the missing interval or the hour before it,
    as far as a queue carries over) until the rest passes: a few simulations
    instead of one per candidate.
    """
    candidates = np.array([i for i in np.argsort(-(c - sipp), kind="stable")
                           if c[i] > max(sipp[i], 1)][:max_removals], dtype=np.int64)
    reach = max(1, 60 // interval_minutes)
    for _ in range(4):
        if candidates.size == 0:
            break
        trial = c.copy()
        trial[candidates] -= 1
        miss = np.flatnonzero(check.misses(trial, 1))
        if miss.size == 0:
            return trial, True
        blamed = np.zeros(candidates.size, bool)
        for j in miss:
            blamed |= (candidates <= j) & (candidates >= j - reach)
        if not blamed.any():  # misses no removal explains: keep the plan as it is
            break
        candidates = candidates[~blamed]
    return c, False


def split_kiosk(arrival_rate: npt.ArrayLike, shares: npt.ArrayLike, kiosk_eligible: npt.ArrayLike,
                adoption: float) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Split arrivals into the counter stream and the kiosk stream.

    Parameters
    ----------
    arrival_rate:
        Arrivals per minute per interval.
    shares:
        Share of each transaction type (per type, or per interval x type).
    kiosk_eligible:
        Per type, True when a kiosk can do it.
    adoption:
        Share of kiosk-eligible customers who use a kiosk (0-1).

    Returns
    -------
    (counter_rate, kiosk_rate, counter_shares)
        Per-interval rates (per minute) and the counter stream's mix per
        interval x type.

    >>> c, k, _ = split_kiosk([1.0], [0.5, 0.5], [True, False], 0.4)
    >>> float(c[0]), float(k[0])
    (0.8, 0.2)
    """
    lam = np.asarray(arrival_rate, dtype=float)
    p = np.asarray(shares, dtype=float)
    p = np.broadcast_to(p, (len(lam), p.shape[-1])) if p.ndim == 1 else p
    p = p / p.sum(axis=1, keepdims=True)
    el = np.asarray(kiosk_eligible, dtype=bool)
    if not 0 <= adoption <= 1:
        raise ValueError(f"adoption={adoption} must be in [0, 1]")
    kiosk_share = (p * el).sum(axis=1) * adoption
    counter_p = p * np.where(el, 1 - adoption, 1.0)
    total = counter_p.sum(axis=1, keepdims=True)
    counter_p = np.divide(counter_p, total, out=np.full_like(counter_p, 1.0 / p.shape[1]),
                          where=total > 0)
    return lam * (1 - kiosk_share), lam * kiosk_share, counter_p
