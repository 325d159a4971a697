"""The one plan evaluator: a hall's counters under its full peak policy, simulated.

"Simulate this plan" means one thing everywhere (the staffing's repair loop,
the plan's check behind ``predicted_service_level``, the peak policies and
the what-ifs): the counter customers of a requirements frame, split into the
queues the :class:`PeakPolicy` creates, each queue run by
:func:`queueopt.simulate.simulate_day`:

* **VIP**: with a VIP counter, VIP customers (the hall's measured share) have
  their own queue at the VIP counters; otherwise they are served first
  (non-preemptive) in whichever queue they join;
* **fast lane**: the fast-lane transaction types have their own queue at the
  fast-lane counters, the rest queue at the general counters;
* **cross-selling**: in an interval where it is paused, the customers who
  arrive then are served without each type's ``cross_sell_minutes`` (a
  simulated type is a (type, cross-selling on/off) pair, so a pause in some
  intervals is exact for the customers who arrive in them);
* **kiosks**: the counter stream is what the kiosk split (and, with
  ``kiosk_overflow``, the kiosk pool's overflow) leaves; the kiosk pool can be
  simulated as its own queue;
* **emergency counter**: the duty manager's rule on the general queue.

:func:`policy_lanes` is the one place the policy becomes queues (the staffing
staffs each lane; the check simulates each lane at its counters);
:func:`simulate_lane` is the one place a lane becomes a simulation;
:func:`simulate_plan` runs a whole requirements frame. Units: arrival rates
per minute, handling times and waits in minutes, counts per interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt
import pandas as pd

from queueopt.hall_inputs import KIOSK_CV, HallInputs
from queueopt.simulate import SimulationResult, simulate_day

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


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

    def paused(self, starts: Sequence[pd.Timestamp]) -> BoolArray:
        """True in the intervals (by start) where cross-selling is paused."""
        if self.cross_sell_paused == "all":
            return np.ones(len(starts), bool)
        return np.array([s in self.cross_sell_paused for s in starts], bool)

    def vip_share_of(self, inputs: HallInputs) -> float:
        """The VIP share this policy assumes (its own, else the hall's measured one)."""
        return inputs.vip_share if self.vip_share is None else self.vip_share


@dataclass(frozen=True)
class Lane:
    """One counter queue of a day: its customers per interval and their mix.

    ``lam`` is per minute per interval; ``shares`` is intervals x simulated
    types (each type twice: cross-selling on, then paused); ``priority``
    the share of its customers served first (VIPs); ``floor`` counters it
    keeps while it has customers (the hall's VIP counters).
    """

    name: str
    lam: FloatArray
    shares: FloatArray
    priority: float
    floor: int = 0


def sim_types(inputs: HallInputs) -> tuple[FloatArray, FloatArray, BoolArray]:
    """Means (minutes), cvs and quick mask of the simulated types: cross-selling on, then paused."""
    means = np.r_[inputs.handle_minutes(True), inputs.handle_minutes(False)]
    return means, np.r_[inputs.cv, inputs.cv], np.r_[inputs.fast_lane, inputs.fast_lane]


def policy_lanes(inputs: HallInputs, counter_rate: FloatArray, counter_shares: FloatArray,
                 paused: BoolArray, policy: PeakPolicy) -> list[Lane]:
    """The counter queues the policy makes of one day's counter stream.

    Parameters
    ----------
    inputs:
        The hall.
    counter_rate:
        Counter arrivals per minute per interval (after the kiosk split).
    counter_shares:
        Counter mix per interval x type (rows sum to 1, or 0 without customers).
    paused:
        Per interval, True when cross-selling is paused.
    policy:
        The peak policy.

    Returns
    -------
    list of Lane
        ``vip`` (with a VIP counter and VIP customers), ``fast lane`` (with a
        fast lane and both quick and other types), ``general``; lanes in that
        order, the general one always last.
    """
    shares = np.hstack([counter_shares * ~paused[:, None], counter_shares * paused[:, None]])
    vip = policy.vip_share_of(inputs)
    lanes: list[Lane] = []
    lam, priority = counter_rate, vip
    if policy.vip_counter and vip > 0:
        lanes.append(Lane("vip", counter_rate * vip, shares, 0.0, inputs.vip_counters))
        lam, priority = counter_rate * (1 - vip), 0.0
    quick = np.r_[inputs.fast_lane, inputs.fast_lane]
    if policy.fast_lane and quick.any() and (~quick).any():
        q = shares * quick
        lanes.append(Lane("fast lane", lam * q.sum(axis=1), q, priority))
        shares = shares * ~quick
        lam = lam * shares.sum(axis=1)
    lanes.append(Lane("general", lam, shares, priority))
    return lanes


def simulate_lane(inputs: HallInputs, lane: Lane, counters: npt.ArrayLike, *,
                  replications: int, rng: np.random.Generator | int | None,
                  start_minute: float = 0.0, emergency_after: float | None = None,
                  emergency_counters: int = 1) -> SimulationResult:
    """Simulate one lane of one day at ``counters`` open per interval.

    Intervals without customers get an arbitrary mix (nobody arrives then);
    emergency counters follow :func:`queueopt.simulate.simulate_day`.
    """
    means, cvs, _ = sim_types(inputs)
    shares = np.where(lane.shares.sum(axis=1, keepdims=True) > 0, lane.shares, 1.0)
    patience = inputs.counter_patience()  # per type once a correction fitted it (modelcheck)
    if isinstance(patience, np.ndarray):
        patience = np.r_[patience, patience]  # the types with cross-selling on, then paused
    return simulate_day(lane.lam, np.asarray(counters, np.int64), shares=shares,
                        handle_mean=means, handle_cv=cvs,
                        interval_minutes=inputs.interval_minutes, start_minute=start_minute,
                        threshold=inputs.target.threshold, patience=patience,
                        vip_share=lane.priority, replications=replications, rng=rng,
                        emergency_after=emergency_after, emergency_counters=emergency_counters)


def counter_mix(inputs: HallInputs, arrivals: FloatArray, kiosk_arrivals: FloatArray) -> FloatArray:
    """Counter mix per interval x type behind a requirements frame's rows.

    The kiosk stream is made of kiosk-eligible types in the mix's own
    proportions (both the adoption split and the overflow keep them), so the
    counter customers of each type are its arrivals less its part of the
    kiosk arrivals.
    """
    p = inputs.shares
    el = np.where(inputs.kiosk_eligible, p, 0.0)
    el = el / el.sum() if el.sum() > 0 else el
    c = np.maximum(arrivals[:, None] * p[None, :] - kiosk_arrivals[:, None] * el[None, :], 0.0)
    total = c.sum(axis=1, keepdims=True)
    return np.asarray(np.divide(c, total, out=np.zeros_like(c), where=total > 0), dtype=float)


@dataclass
class PlanTotals:
    """Per replication x interval sums of a simulated plan over its horizon.

    Arrays have shape (replications, intervals of all days); counts are
    customers, waits and manager time minutes; ``quick_*`` are the
    fast-lane types' share of each lane's figures, ``vip_*`` the VIP
    customers' (in the VIP lane, or served first in the others).
    """

    arrivals: FloatArray
    within: FloatArray
    abandoned: FloatArray
    wait: FloatArray
    queue_end: FloatArray
    quick_arrivals: FloatArray
    quick_wait: FloatArray
    manager_minutes: FloatArray
    kiosk_arrivals: FloatArray
    kiosk_wait: FloatArray
    vip_arrivals: FloatArray
    vip_wait: FloatArray

    def pooled(self, name: str) -> FloatArray:
        """Per interval, ``name`` (``within``, ``wait``, ``abandoned``) per counter arrival."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(getattr(self, name).sum(0) / self.arrivals.sum(0), dtype=float)

    def day_mean_wait(self) -> FloatArray:
        """Mean counter wait of each replication's whole horizon (minutes)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(self.wait.sum(1) / self.arrivals.sum(1), dtype=float)


def lane_counters(requirements: pd.DataFrame, lanes: Sequence[Lane],
                  counters_open: npt.ArrayLike | None) -> dict[str, IntArray]:
    """Counters of each lane per interval.

    Without ``counters_open`` each lane gets what the requirements staffed it
    with (``vip``, ``fast_lane``, the rest of ``required``). With the
    counters a roster actually opens, the VIP lane gets its required
    counters first, then the fast lane, and the general lane the rest (never
    fewer than 0).
    """
    vip = requirements["vip"].to_numpy(np.int64) if "vip" in requirements else 0
    fast = requirements["fast_lane"].to_numpy(np.int64) if "fast_lane" in requirements else 0
    names = {lane.name for lane in lanes}
    vip = vip * ("vip" in names)
    fast = fast * ("fast lane" in names)
    total = (requirements["required"].to_numpy(np.int64) if counters_open is None
             else np.maximum(np.asarray(counters_open, np.int64), 0))
    v = np.minimum(vip, total)
    f = np.minimum(fast, total - v)
    return {"vip": np.asarray(v, np.int64), "fast lane": np.asarray(f, np.int64),
            "general": np.asarray(total - v - f, np.int64)}


def simulate_plan(inputs: HallInputs, requirements: pd.DataFrame, policy: PeakPolicy | None = None,
                  *, counters_open: npt.ArrayLike | None = None, replications: int = 30,
                  seed: int = 0, demand_factor: float = 1.0,
                  emergency_after: float | None = None, emergency_counters: int = 1,
                  kiosks: bool = False) -> PlanTotals:
    """Simulate a hall's plan over every day of a requirements frame.

    Parameters
    ----------
    inputs:
        The hall (the mix the requirements were computed with).
    requirements:
        Rows ``interval_start, arrivals, counter_arrivals, kiosk_arrivals``
        (customers per interval) and ``required`` (plus ``fast_lane`` and
        ``vip`` when the policy has those lanes), as
        :func:`queueopt.requirements.hall_requirements` returns them.
    policy:
        The peak policy the plan runs under (default: none).
    counters_open:
        Counters a roster opens per row (default the requirements' own).
    replications, seed:
        Simulated horizons; every day of every scenario uses ``seed`` plus
        the day's ordinal, so scenarios compare on common random numbers.
    demand_factor:
        Multiplies the arrivals (a busier or quieter horizon than forecast).
    emergency_after, emergency_counters:
        The duty manager's rule on the general queue (minutes; see
        :func:`queueopt.simulate.simulate_day`).
    kiosks:
        Also simulate the kiosk pool (``kiosk_arrivals`` at the hall's kiosks).
    """
    pol = policy or PeakPolicy()
    if not demand_factor > 0:
        raise ValueError(f"demand_factor={demand_factor} must be > 0")
    _, _, quick = sim_types(inputs)
    keys = [f.name for f in fields(PlanTotals)]
    parts: dict[str, list[FloatArray]] = {k: [] for k in keys}
    days = pd.to_datetime(requirements["interval_start"]).dt.date.to_numpy()
    for day in pd.unique(days):
        on = days == day
        part = requirements[on]
        acc = _simulate_day(inputs, part, pol, quick, None if counters_open is None
                            else np.asarray(counters_open)[on], replications=replications,
                            seed=seed + pd.Timestamp(day).toordinal(), factor=demand_factor,
                            emergency=(emergency_after, emergency_counters), kiosks=kiosks)
        for k in keys:
            parts[k].append(acc[k])
    return PlanTotals(**{k: np.concatenate(v, axis=1) for k, v in parts.items()})


def _simulate_day(inputs: HallInputs, part: pd.DataFrame, policy: PeakPolicy, quick: BoolArray,
                  counters_open: npt.ArrayLike | None, *, replications: int, seed: int,
                  factor: float, emergency: tuple[float | None, int], kiosks: bool
                  ) -> dict[str, FloatArray]:
    starts = pd.DatetimeIndex(pd.to_datetime(part["interval_start"]))
    first = starts[0]
    start = first.hour * 60 + first.minute
    interval = inputs.interval_minutes
    arrivals = part["arrivals"].to_numpy(float)
    k_arr = part["kiosk_arrivals"].to_numpy(float)
    lam = part["counter_arrivals"].to_numpy(float) / interval * factor
    lanes = policy_lanes(inputs, lam, counter_mix(inputs, arrivals, k_arr),
                         policy.paused(starts), policy)
    open_by_lane = lane_counters(part, lanes, counters_open)
    shape = (replications, len(part))
    acc = {f.name: np.zeros(shape) for f in fields(PlanTotals)}
    for lane in lanes:
        if not np.any(lane.lam > 0):
            continue
        em_after, em_n = emergency if lane.name == "general" else (None, 1)
        res = simulate_lane(inputs, lane, open_by_lane[lane.name], replications=replications,
                            rng=seed, start_minute=start, emergency_after=em_after,
                            emergency_counters=em_n)
        tot = lane.shares.sum(axis=1)
        q_share = np.divide((lane.shares * quick).sum(axis=1), tot, out=np.zeros(len(tot)),
                            where=tot > 0)
        acc["arrivals"] += res.arrivals
        acc["within"] += res.within
        acc["abandoned"] += res.abandoned
        acc["wait"] += res.wait_sum
        acc["queue_end"] += res.queue_end
        acc["manager_minutes"] += res.emergency_minutes
        # a customer's wait in a lane does not depend on their own type
        acc["quick_arrivals"] += res.arrivals * q_share
        acc["quick_wait"] += res.wait_sum * q_share
        everyone = lane.name == "vip"
        acc["vip_arrivals"] += res.arrivals if everyone else res.vip_arrivals
        acc["vip_wait"] += res.wait_sum if everyone else res.vip_wait_sum
    if kiosks and inputs.kiosks and np.any(k_arr > 0):
        res = _simulate_kiosks(inputs, k_arr * factor / interval, replications, seed, start)
        acc["kiosk_arrivals"] += res.arrivals
        acc["kiosk_wait"] += res.wait_sum
    return acc


def _simulate_kiosks(inputs: HallInputs, kiosk_rate: FloatArray, replications: int, seed: int,
                     start: float) -> SimulationResult:
    """The kiosk pool as its own queue: eligible types at kiosk handling times, all kiosks open."""
    el = np.where(inputs.kiosk_eligible, inputs.shares, 0.0)
    return simulate_day(kiosk_rate, np.full(len(kiosk_rate), inputs.kiosks, np.int64),
                        shares=el, handle_mean=inputs.kiosk_minutes,
                        handle_cv=np.full(len(el), KIOSK_CV),
                        interval_minutes=inputs.interval_minutes, start_minute=start,
                        threshold=inputs.target.threshold, patience=inputs.patience,
                        replications=replications, rng=seed + 1)
