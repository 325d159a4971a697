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
    target is tightened by 1.5 standard errors of its own pooled estimate,
    and the figures reported with the plan come from a third, fresh set of
    random numbers.

``"auto"`` (the default) runs both and keeps the cheaper plan among those
that meet the target in every interval by simulation (SIPP when it meets it
everywhere, which it does when demand is flat).

Targets apply per interval and at once: service level (share called within
``threshold`` minutes), a cap on the mean wait, a cap on abandonment, a cap
on occupancy. Shrinkage converts counters into staff: ``staff = counters /
(1 - shrinkage)``.

:func:`hall_requirements` applies this to a hall's forecast: kiosk
diversion (eligible share x adoption goes to the kiosk queue), cross-selling
paused in chosen intervals, a fast-lane counter and a VIP counter, one row
per interval with counters, kiosks and predicted waits.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from queueopt.queueing import (
    erlang_a,
    max_arrival_rate,
    mean_wait,
    mix_moments,
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
"""Standard errors by which the simulated checks tighten each target."""


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

    def __array__(self, dtype: npt.DTypeLike = None, copy: bool | None = None) -> np.ndarray:
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
    given mean (minutes) and SCV; the hall opens empty. Evaluated at each
    interval's midpoint by a one-minute discrete convolution.

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


@dataclass(frozen=True)
class _DayModel:
    lam: FloatArray
    shares: FloatArray
    means: FloatArray
    cvs: FloatArray
    threshold: float
    patience: float | None
    interval: int
    replications: int
    seed: int
    kwargs: dict[str, object]
    cache: dict[tuple[bytes, int], SimulationResult] = field(default_factory=dict)

    def run(self, counters: IntArray, seed_offset: int = 0) -> SimulationResult:
        """Simulate the plan; the same plan on the same random numbers is simulated once."""
        key = (np.asarray(counters, dtype=np.int64).tobytes(), seed_offset)
        if key not in self.cache:
            self.cache[key] = self._run(counters, seed_offset)
        return self.cache[key]

    def _run(self, counters: IntArray, seed_offset: int) -> SimulationResult:
        return simulate_day(self.lam, counters, shares=self.shares, handle_mean=self.means,
                            handle_cv=self.cvs, interval_minutes=self.interval,
                            threshold=self.threshold, patience=self.patience,
                            replications=self.replications, rng=self.seed + seed_offset,
                            **self.kwargs)  # type: ignore[arg-type]


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

    With ``margin > 0`` every target is tightened by ``margin`` and by 1.5
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
                       seed: int = 20261125) -> StaffingResult:
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
    >>> lam = np.r_[np.full(8, 0.5), np.full(8, 2.0), np.full(8, 0.5)]
    >>> r = staff_requirements(lam, 4.0, 10.0, 0.8, method="sipp")
    >>> r.counters[:9].tolist()
    [3, 3, 3, 3, 3, 3, 3, 3, 9]
    """
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
    lam = np.asarray(arrival_rate, dtype=float)
    if lam.ndim != 1 or np.any(lam < 0) or not np.all(np.isfinite(lam)):
        raise ValueError("arrival_rate must be a 1-D array of finite rates >= 0 (per minute)")
    s = np.broadcast_to(np.asarray(handle_time, dtype=float), lam.shape).copy()
    if np.any(~(s > 0)) or not np.all(np.isfinite(s)):
        raise ValueError("handle_time must be finite and > 0 (minutes) in every interval")
    scv = np.broadcast_to(np.asarray(handle_time_scv, dtype=float), lam.shape).copy()
    sipp = _sipp(lam, s, scv, threshold, target, max_occupancy, max_mean_wait,
                 max_abandonment, patience)
    notes: list[str] = []

    def formula_result(c: IntArray, name: str) -> StaffingResult:
        cc = np.maximum(c, 1)
        if patience is not None:
            ea = erlang_a(lam, s, cc, patience)
            w, ab = ea.mean_wait, ea.p_abandon
        else:
            w, ab = mean_wait(lam, s, cc, scv), np.zeros(len(lam))
        return StaffingResult(
            counters=c, service_level=service_level(lam, s, cc, threshold, scv),
            mean_wait=np.where(lam > 0, w, 0.0), abandonment=ab, method=name,
            interval_minutes=interval_minutes, shrinkage=shrinkage, notes=tuple(notes))

    if method == "sipp":
        return formula_result(sipp, "sipp")

    if mix is None:
        shares, means, cvs = np.array([1.0]), np.array([float(np.mean(s))]), np.sqrt(
            np.array([float(np.mean(scv))]))
    else:
        shares, means, cvs = (np.asarray(x, dtype=float) for x in mix)
    if replications is None:
        per_day = float(lam.sum()) * interval_minutes
        replications = int(np.clip(_CUSTOMERS_PER_CHECK / max(per_day, 1.0), 40, 200))
    model = _DayModel(lam=lam, shares=shares, means=means, cvs=cvs, threshold=threshold,
                      patience=patience, interval=interval_minutes, replications=replications,
                      seed=seed, kwargs={"vip_share": vip_share})

    def checked(c: IntArray, name: str, iterations: int) -> tuple[StaffingResult, bool]:
        # acceptance uses the repair's random numbers and margin (a fair comparison
        # between plans); the reported figures come from fresh random numbers, so
        # they are not biased towards the ones the plan was tuned on
        ok = not _misses(model.run(c), target, max_mean_wait, max_abandonment, margin,
                         lam).any()
        res = model.run(c, 2)
        return StaffingResult(
            counters=c, service_level=np.nan_to_num(res.pooled_service_level(), nan=1.0),
            mean_wait=np.nan_to_num(res.pooled_mean_wait(), nan=0.0),
            abandonment=np.nan_to_num(res.pooled_abandonment(), nan=0.0), method=name,
            interval_minutes=interval_minutes, shrinkage=shrinkage, checked=True,
            iterations=iterations, notes=tuple(notes)), ok

    # modified offered load as the starting point
    m_load = modified_offered_load(lam, float(np.average(s, weights=lam + 1e-12)),
                                   float(np.mean(scv)), interval_minutes)
    lam_eff = np.where(s > 0, m_load / s, lam)
    c = np.maximum(_sipp(lam_eff, s, scv, threshold, target, max_occupancy, max_mean_wait,
                         max_abandonment, patience), np.where(lam > 0, 1, 0))
    if method == "mol":
        return formula_result(c, "mol")
    def repair(c: IntArray, rounds: int) -> tuple[IntArray, int, bool]:
        for it in range(1, rounds + 1):
            miss = _misses(model.run(c), target, max_mean_wait, max_abandonment, margin, lam)
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

    c, iterations, ok = repair(c, max_iterations)
    # removal pass: take back counters the repair added where fresh random numbers
    # (not the ones the repair was tuned on) show the plan still meets the target
    # Group test: take back every candidate at once, then give back the ones that
    # can explain a miss (in the missing interval or the hour before it, as far
    # as a queue carries over) until the rest passes: a few simulations instead
    # of one per candidate.
    candidates = np.array([i for i in np.argsort(-(c - sipp), kind="stable")
                           if c[i] > max(sipp[i], 1)][:max_removals], dtype=np.int64)
    removed = False
    reach = max(1, 60 // interval_minutes)
    for _ in range(4):
        if candidates.size == 0:
            break
        trial = c.copy()
        trial[candidates] -= 1
        miss = np.flatnonzero(_misses(model.run(trial, 1), target, max_mean_wait,
                                      max_abandonment, margin, lam))
        if miss.size == 0:
            c, removed = trial, True
            break
        blamed = np.zeros(candidates.size, bool)
        for j in miss:
            blamed |= (candidates <= j) & (candidates >= j - reach)
        if not blamed.any():  # misses no removal explains: keep the plan as it is
            break
        candidates = candidates[~blamed]
    if removed:  # the removals must also pass on the repair's own random numbers
        c, more, ok = repair(c, max_iterations)
        iterations += more
    if not ok:
        notes.append(f"check-and-repair stopped after {max_iterations} rounds")
    sim_result, sim_ok = checked(c, "simulation", iterations)
    if max_counters is not None and (c > max_counters).any():
        notes.append(f"{int((c > max_counters).sum())} interval(s) need more than the "
                     f"{max_counters} physical counters")
    if method == "simulation":
        return sim_result
    if float(sipp.sum()) > float(c.sum()):  # SIPP costs more: no need to check it
        return sim_result
    sipp_result, sipp_ok = checked(sipp.copy(), "sipp", 0)
    if sipp_ok and sipp_result.staff_hours <= sim_result.staff_hours:
        return sipp_result
    return sim_result


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


def measured_vip_share(tickets: pd.DataFrame) -> float:
    """Share of a ticket log's counter tickets with tier ``vip`` (0 without tickets or tiers)."""
    if not len(tickets) or "tier" not in tickets.columns:
        return 0.0
    counter_t = tickets[tickets["channel"] == "counter"] if "channel" in tickets else tickets
    return float((counter_t["tier"] == "vip").mean()) if len(counter_t) else 0.0


def requirements_counter_mix(dataset: Any, hall_id: str, requirements: pd.DataFrame) -> FloatArray:
    """The counter customers' transaction mix behind a requirements frame (shares per type).

    The hall's measured mix (:meth:`queueopt.io.Dataset.mix_for`, equal shares
    when empty) after the kiosk split at the adoption the frame implies: its
    kiosk arrivals over its kiosk-eligible arrivals.
    """
    types = list(dataset.transactions)
    mix = dataset.mix_for(hall_id).set_index("transaction_type")["share"]
    shares = mix.reindex(types, fill_value=0.0).to_numpy(float)
    if not shares.sum() > 0:
        shares = np.full(len(types), 1.0 / len(types))
    eligible = np.array([dataset.transactions[c].kiosk_eligible for c in types])
    total = float(requirements["arrivals"].sum())
    el = float(shares[eligible].sum())
    adoption = (float(requirements["kiosk_arrivals"].sum()) / (total * el)
                if total > 0 and el > 0 else 0.0)
    _, _, counter = split_kiosk(np.ones(1), shares, eligible, min(max(adoption, 0.0), 1.0))
    return np.asarray(counter[0], dtype=float)


def mix_per_interval(shares: FloatArray, means: FloatArray, cvs: FloatArray
                     ) -> tuple[FloatArray, FloatArray]:
    """Mean handling time (minutes) and SCV per interval for per-interval shares."""
    return mix_moments(shares, np.broadcast_to(means, shares.shape),
                       np.broadcast_to(cvs, shares.shape), axis=-1)


def required_counters(arrival_rate: npt.ArrayLike, handle_time: npt.ArrayLike | float,
                      threshold: float, target: float, **kwargs: object) -> IntArray:
    """Counters per interval as a plain integer array (see :func:`staff_requirements`).

    >>> required_counters([0.0, 1.0, 1.0], 3.0, 10.0, 0.8, method="sipp").tolist()
    [0, 4, 4]
    """
    res = staff_requirements(arrival_rate, handle_time, threshold, target, **kwargs)  # type: ignore[arg-type]
    return np.asarray(res.counters, dtype=np.int64)


@dataclass(frozen=True)
class PeakPolicy:
    """Levers that change the counter workload.

    Parameters
    ----------
    kiosk_adoption:
        Share of kiosk-eligible customers who use a kiosk (``None`` = as
        measured in the hall's ticket log, 0 without kiosks).
    cross_sell_paused:
        Interval starts in which counter staff stop cross-selling (handling
        time of each type drops by its ``cross_sell_minutes``); ``"all"``
        pauses it all day.
    fast_lane:
        Serve fast-lane transaction types at their own counter(s), staffed
        separately with the same target.
    vip_counter:
        VIP customers go to dedicated counter(s) staffed separately (at least
        the hall's ``vip_counters`` while it is open); otherwise they are
        served first in the common queue.
    vip_share:
        Share of counter customers who are VIP (``None`` = as measured in the
        ticket log's ``tier`` column, else 0).
    kiosk_overflow:
        Kiosk customers whom the kiosk pool cannot serve to the target (in an
        interval where the kiosk arrivals exceed what the kiosks handle
        within the threshold, :func:`queueopt.queueing.max_arrival_rate`) go
        to the counters instead of queueing at the kiosks. Off by default
        (everyone who chooses a kiosk waits for it); the kiosk sizing turns
        it on, since more kiosks then take work off the counters at the peak.
    """

    kiosk_adoption: float | None = None
    cross_sell_paused: frozenset[pd.Timestamp] | str = frozenset()
    fast_lane: bool = False
    vip_counter: bool = False
    vip_share: float | None = None
    kiosk_overflow: bool = False

    def __post_init__(self) -> None:
        if self.kiosk_adoption is not None and not 0 <= self.kiosk_adoption <= 1:
            raise ValueError(f"kiosk_adoption={self.kiosk_adoption} must be in [0, 1]")
        if self.vip_share is not None and not 0 <= self.vip_share < 1:
            raise ValueError(f"vip_share={self.vip_share} must be in [0, 1)")
        if isinstance(self.cross_sell_paused, str) and self.cross_sell_paused != "all":
            raise ValueError(f"cross_sell_paused={self.cross_sell_paused!r} must be 'all' "
                             "or a set of interval starts")


@dataclass(frozen=True)
class _Stream:
    """Counter workload of one queue for one day: rate per interval and its mix."""

    lam: FloatArray          # per minute, per interval
    shares: FloatArray       # intervals x sim types
    means: FloatArray        # sim types, minutes
    cvs: FloatArray          # sim types

    def moments(self) -> tuple[FloatArray, FloatArray]:
        """Mean handling time (minutes) and SCV per interval."""
        p = self.shares
        total = p.sum(axis=1, keepdims=True)
        p = np.divide(p, total, out=np.full_like(p, 1.0 / p.shape[1]), where=total > 0)
        return mix_moments(p, np.broadcast_to(self.means, p.shape),
                           np.broadcast_to(self.cvs, p.shape), axis=-1)

    def subset(self, keep: npt.NDArray[np.bool_]) -> _Stream:
        """The customers of the types in ``keep`` (sim types) as their own stream."""
        part = self.shares * keep
        share = part.sum(axis=1)
        return _Stream(self.lam * share, part, self.means, self.cvs)


def _staff_stream(stream: _Stream, floor: int, common: dict[str, object]) -> StaffingResult | None:
    if not np.any(stream.lam > 0):
        return None
    mean, scv = stream.moments()
    mean = np.where(np.isfinite(mean), mean, float(np.nanmean(mean)))
    scv = np.where(np.isfinite(scv), scv, 1.0)
    shares = np.where(stream.shares.sum(axis=1, keepdims=True) > 0, stream.shares, 1.0)
    r = staff_requirements(stream.lam, mean, handle_time_scv=scv,
                           mix=(shares, stream.means, stream.cvs), **common)  # type: ignore[arg-type]
    if floor > 0:
        c = np.maximum(r.counters, floor)
        r = replace(r, counters=c)
    return r


def hall_requirements(dataset: object, hall_id: str, forecast: pd.DataFrame, *,
                      mix: pd.DataFrame | None = None, policy: PeakPolicy | None = None,
                      method: str = "auto", replications: int | None = None,
                      seed: int = 20261125) -> pd.DataFrame:
    """Counters, kiosks and predicted waits per interval for a hall's forecast.

    The hall's customers are split into the kiosk stream (kiosk-eligible
    share x adoption) and the counter stream; with the peak levers the
    counter stream splits further into a fast lane (quick transaction types)
    and a VIP counter. Each counter queue is staffed per day with
    :func:`staff_requirements` and the hall's target from ``policy.toml``;
    cross-selling paused in an interval shortens the handling time of its
    customers by each type's ``cross_sell_minutes``. Kiosks are fixed
    (open all day): their predicted wait is Erlang A (Erlang C without
    patience), and ``kiosks_needed`` is the fewest kiosks that would meet the
    target on their own.

    Parameters
    ----------
    dataset:
        A :class:`queueopt.io.Dataset` (hall, transaction types, policy, tickets).
    hall_id:
        The hall.
    forecast:
        ``hall_id, interval_start, arrivals`` (mean arrivals per interval),
        e.g. from :func:`queueopt.forecast.forecast_arrivals`; one or more days.
    mix:
        ``transaction_type, share`` (whole horizon), default the hall's
        measured mix (:meth:`Dataset.mix_for`).
    policy:
        Peak levers (kiosk adoption, cross-selling pause, fast lane, VIP counter).
    method:
        Staffing method per day (see :func:`staff_requirements`).
    replications, seed:
        Simulated days per check (``None``: sized to the day's volume, see
        :func:`staff_requirements`) and the seed of the checks (one per day).

    Returns
    -------
    pandas.DataFrame
        One row per interval: ``hall_id, interval_start, arrivals,
        counter_arrivals, kiosk_arrivals, handle_minutes, required, staff,
        fast_lane, vip, kiosks, kiosks_needed, service_level, mean_wait,
        abandonment, kiosk_service_level, kiosk_mean_wait, method``.
        Arrivals are per interval, handling and waits minutes; ``required``
        counts every counter (general + fast lane + VIP) and ``staff`` adds
        shrinkage. ``service_level``, ``mean_wait`` and ``abandonment`` are
        over all counter customers.

    Raises
    ------
    ValueError
        When the forecast has no rows for the hall or a column is missing.
    """
    from queueopt.calibrate import calibrate
    from queueopt.io import Dataset

    if not isinstance(dataset, Dataset):
        raise TypeError("dataset must be a queueopt.io.Dataset")
    missing = {"hall_id", "interval_start", "arrivals"} - set(forecast.columns)
    if missing:
        raise ValueError(f"the forecast lacks column(s) {sorted(missing)}")
    ds = dataset
    hall = ds.hall(hall_id)
    pol = policy or PeakPolicy()
    target = ds.policy.target
    interval = ds.policy.interval_minutes
    types = list(ds.transactions)
    tt = [ds.transactions[c] for c in types]
    n_t = len(types)
    base_mean = np.array([t.mean_minutes for t in tt])
    cross = np.array([t.cross_sell_minutes for t in tt])
    cvs = np.array([t.cv for t in tt])
    eligible = np.array([t.kiosk_eligible for t in tt])
    quick = np.array([t.fast_lane for t in tt])
    kiosk_mean = np.array([t.kiosk_minutes for t in tt])
    m = (mix if mix is not None else ds.mix_for(hall_id)).set_index("transaction_type")["share"]
    shares = m.reindex(types, fill_value=0.0).to_numpy(float)
    if not shares.sum() > 0:
        shares = np.full(n_t, 1.0 / n_t)
    tickets = ds.tickets_of(hall_id)
    adoption = pol.kiosk_adoption
    if adoption is None:
        adoption = (calibrate(tickets, ds.transactions).kiosk_adoption.get(hall_id, 0.0)
                    if len(tickets) else 0.0)
    if hall.kiosks == 0:
        adoption = 0.0
    vip_share = pol.vip_share
    if vip_share is None:
        vip_share = measured_vip_share(tickets)
    patience = ds.policy.patience
    f = forecast[forecast["hall_id"] == hall_id].sort_values("interval_start")
    if f.empty:
        raise ValueError(f"the forecast has no rows for hall {hall_id}")
    # a simulated "type" is a (type, cross-selling on/off) pair, so a pause in
    # some intervals is exact for the customers who arrive in them
    sim_means = np.r_[base_mean + cross, base_mean]
    sim_cvs = np.r_[cvs, cvs]
    sim_quick = np.r_[quick, quick]
    common = dict(threshold=target.threshold, target=target.service_level,
                  interval_minutes=interval, patience=patience, method=method,
                  max_mean_wait=target.max_mean_wait,
                  max_abandonment=target.max_abandonment if patience else None,
                  max_occupancy=target.max_occupancy, shrinkage=target.shrinkage,
                  replications=replications)
    k_mean, k_scv = mix_moments(np.where(eligible, shares, 0.0), kiosk_mean,
                                np.full(n_t, 0.5)) if eligible.any() else (1.0, 1.0)
    # what the kiosk pool serves to the target (per minute); the rest goes to the counters
    k_cap = (float(max_arrival_rate(k_mean, hall.kiosks, target.threshold,
                                    target.service_level, k_scv))
             if pol.kiosk_overflow and hall.kiosks and eligible.any() else np.inf)
    out = []
    for day, part in f.groupby(f["interval_start"].dt.date, sort=True):
        starts = pd.DatetimeIndex(part["interval_start"])
        n = len(starts)
        lam = part["arrivals"].to_numpy(float) / interval
        if np.any(lam < 0) or not np.all(np.isfinite(lam)):
            raise ValueError(f"the forecast for hall {hall_id} on {day} has negative or "
                             "missing arrivals")
        c_lam, k_lam, c_shares = split_kiosk(lam, shares, eligible, adoption)
        if np.isfinite(k_cap):
            over = np.maximum(k_lam - k_cap, 0.0)
            if over.any():
                el_mix = np.where(eligible, shares, 0.0) / max(float(shares[eligible].sum()), 1e-12)
                den = np.maximum(c_lam + over, 1e-300)[:, None]
                c_shares = np.where(den > 1e-300, (c_lam[:, None] * c_shares
                                                   + over[:, None] * el_mix) / den, c_shares)
                c_lam, k_lam = c_lam + over, k_lam - over
        paused = (np.ones(n, bool) if pol.cross_sell_paused == "all" else
                  np.array([s in pol.cross_sell_paused for s in starts], bool))
        sim_shares = np.hstack([c_shares * ~paused[:, None], c_shares * paused[:, None]])
        stream = _Stream(c_lam, sim_shares, sim_means, sim_cvs)
        day_common = dict(common, seed=seed + int(pd.Timestamp(day).toordinal()))
        parts: list[tuple[StaffingResult, FloatArray]] = []
        vip = np.zeros(n, np.int64)
        fast = np.zeros(n, np.int64)
        main_vip = 0.0
        if pol.vip_counter and vip_share > 0:
            v_stream = _Stream(c_lam * vip_share, sim_shares, sim_means, sim_cvs)
            stream = _Stream(c_lam * (1 - vip_share), sim_shares, sim_means, sim_cvs)
            rv = _staff_stream(v_stream, hall.vip_counters, day_common)
            if rv is not None:
                vip = rv.counters.copy()
                vip[v_stream.lam <= 0] = 0
                parts.append((replace(rv, counters=vip), v_stream.lam))
        else:
            main_vip = vip_share
        if pol.fast_lane and quick.any() and (~quick).any():
            q_stream = stream.subset(sim_quick)
            stream = stream.subset(~sim_quick)
            rq = _staff_stream(q_stream, 0, dict(day_common, vip_share=main_vip))
            if rq is not None:
                fast = rq.counters
                parts.append((rq, q_stream.lam))
        rs = _staff_stream(stream, 0, dict(day_common, vip_share=main_vip))
        if rs is not None:
            parts.append((rs, stream.lam))
        counters = sum((r.counters for r, _ in parts), np.zeros(n, np.int64))
        staff = sum((r.staff for r, _ in parts), np.zeros(n, np.int64))
        tot = np.maximum(sum((w for _, w in parts), np.zeros(n)), 1e-12)

        def pooled(attr: str, empty: float) -> FloatArray:
            if not parts:
                return np.full(n, empty)
            v = sum(w * getattr(r, attr) for r, w in parts) / tot
            return np.asarray(np.where(c_lam > 0, v, empty), dtype=float)

        used = rs.method if rs is not None else (parts[0][0].method if parts else method)
        h_mean, _ = stream.moments() if rs is not None else (np.zeros(n), None)
        # kiosks: a fixed pool open all day; Erlang A keeps an overload finite
        if hall.kiosks and np.any(k_lam > 0):
            if patience:
                ea = erlang_a(k_lam, k_mean, hall.kiosks, patience)
                k_wait = ea.mean_wait
            else:
                k_wait = mean_wait(k_lam, k_mean, hall.kiosks, k_scv)
            k_sl = service_level(k_lam, k_mean, hall.kiosks, target.threshold, k_scv)
            k_need = required_servers(k_lam, k_mean, target.threshold, target.service_level,
                                      k_scv, 1.0, np.inf if target.max_mean_wait is None
                                      else target.max_mean_wait)
        else:
            k_wait, k_sl, k_need = np.zeros(n), np.ones(n), np.zeros(n, np.int64)
        out.append(pd.DataFrame({
            "interval_start": starts, "arrivals": part["arrivals"].to_numpy(float),
            "counter_arrivals": c_lam * interval, "kiosk_arrivals": k_lam * interval,
            "handle_minutes": np.where(c_lam > 0, np.nan_to_num(h_mean), 0.0),
            "required": counters, "staff": staff, "fast_lane": fast, "vip": vip,
            "kiosks": hall.kiosks, "kiosks_needed": k_need,
            "service_level": pooled("service_level", 1.0),
            "mean_wait": pooled("mean_wait", 0.0), "abandonment": pooled("abandonment", 0.0),
            "kiosk_service_level": np.where(k_lam > 0, k_sl, 1.0),
            "kiosk_mean_wait": np.where(k_lam > 0, k_wait, 0.0), "method": used,
        }))
    frame = pd.concat(out, ignore_index=True)
    frame.insert(0, "hall_id", hall_id)
    return frame
