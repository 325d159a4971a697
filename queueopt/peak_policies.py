"""Peak policies judged by simulation: a fast lane against pooled counters, the emergency counter.

Formulas rank these levers poorly: a fast lane splits one queue into two
(pooling is lost, but quick customers stop waiting behind 20-minute visits),
and the duty manager's emergency counter is a state-dependent rule (open a
counter when the first customer in line has waited too long, close it when
nobody waits) that no stationary model captures. So both are compared on
the same forecast by the discrete-event simulator (:mod:`queueopt.simulate`),
with the same seeds for every scenario of a day, and reported with 95%
Student-t intervals over replications (a replication is the whole horizon,
e.g. a week).

Each scenario row reports: ``staff_hours`` (counter staff, shrinkage
included, as in the requirements), ``manager_hours`` (time the emergency
counter was open), ``mean_wait`` with ``mean_wait_low``/``mean_wait_high``
(minutes, all counter customers), ``quick_mean_wait`` and
``other_mean_wait`` (fast-lane types and the rest; in one FIFO queue both
wait alike), ``service_level`` with its interval, ``abandonment``,
``share_meeting_target`` (intervals whose simulated service level meets the
target) and ``worst_interval_wait`` (minutes), and ``wait_change_low`` /
``wait_change_high``: the 95% interval of the change in mean wait against
the first scenario, paired by replication.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from queueopt.io import Dataset
from queueopt.simulate import simulate_day, t_interval
from queueopt.staffing import (
    PeakPolicy,
    hall_requirements,
    measured_vip_share,
    requirements_counter_mix,
)

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class PolicyComparison:
    """Simulated figures of several ways to run the counters on the same demand.

    ``table`` has one row per scenario (index ``scenario``) and the columns
    listed in the module docstring; ``requirements`` are the requirements
    the scenarios were staffed from.
    """

    hall_id: str
    table: pd.DataFrame
    replications: int
    requirements: pd.DataFrame


@dataclass
class ScenarioTotals:
    """Per replication x interval sums of one simulated scenario over the horizon.

    Arrays have shape (replications, intervals of all days); counts are
    customers, waits and manager time minutes.
    """

    arrivals: FloatArray
    within: FloatArray
    abandoned: FloatArray
    wait: FloatArray
    quick_arrivals: FloatArray
    quick_wait: FloatArray
    manager_minutes: FloatArray


class HallSimulator:
    """Simulates a hall's counter queues on the rates of a requirements frame.

    The counter mix is the hall's measured mix after the kiosk split implied
    by ``req`` (its kiosk share of the kiosk-eligible arrivals); handling
    times are the transaction types' (cross-selling included unless
    ``cross_sell=False``); patience, threshold and target from the policy;
    the VIP share as measured in the ticket log.

    Parameters
    ----------
    ds, hall_id:
        The hall.
    req:
        Requirements (:func:`queueopt.staffing.hall_requirements`): its
        ``counter_arrivals`` (per interval) are simulated.
    cross_sell:
        Whether counter staff cross-sell (each type's ``cross_sell_minutes``
        is added to its handling time).
    """

    def __init__(self, ds: Dataset, hall_id: str, req: pd.DataFrame, *,
                 cross_sell: bool = True) -> None:
        tt = list(ds.transactions.values())
        self.shares = requirements_counter_mix(ds, hall_id, req)
        self.means = np.array([t.mean_minutes + (t.cross_sell_minutes if cross_sell else 0.0)
                               for t in tt])
        self.cvs = np.array([t.cv for t in tt])
        self.quick = np.array([t.fast_lane for t in tt])
        self.interval = ds.policy.interval_minutes
        self.target = ds.policy.target
        self.patience = ds.policy.patience
        self.vip_share = measured_vip_share(ds.tickets_of(hall_id))

    def run(self, req: pd.DataFrame, lanes: list[tuple[npt.NDArray[np.bool_], np.ndarray]], *,
            demand_factor: float, replications: int, seed: int,
            emergency_after: float | None = None, emergency_counters: int = 1) -> ScenarioTotals:
        """Simulate every day of ``req``.

        Parameters
        ----------
        req:
            Rows ``interval_start, counter_arrivals`` (customers per interval).
        lanes:
            The counter queues: (types served as a boolean mask over the
            transaction types, counters open per interval of ``req``).
        demand_factor:
            Multiplies the arrivals.
        replications, seed:
            Simulated horizons and the seed (each day uses ``seed`` + its ordinal).
        emergency_after, emergency_counters:
            The duty manager's rule (minutes; see :func:`queueopt.simulate.simulate_day`).
        """
        parts: dict[str, list[FloatArray]] = {k: [] for k in ScenarioTotals.__dataclass_fields__}
        days = req["interval_start"].dt.date.to_numpy()
        for day in np.unique(days):
            on = days == day
            part = req[on]
            first = part["interval_start"].iloc[0]
            lam = part["counter_arrivals"].to_numpy(float) / self.interval * demand_factor
            shape = (replications, int(on.sum()))
            acc = {k: np.zeros(shape) for k in parts}
            for types, counters in lanes:
                p = np.where(types, self.shares, 0.0)
                if not p.sum() > 0:
                    continue
                lane_lam = lam * p.sum()
                res = simulate_day(
                    lane_lam, np.asarray(counters)[on], shares=p / p.sum(), handle_mean=self.means,
                    handle_cv=self.cvs, interval_minutes=self.interval,
                    start_minute=first.hour * 60 + first.minute,
                    threshold=self.target.threshold, patience=self.patience,
                    vip_share=self.vip_share, replications=replications,
                    emergency_after=emergency_after, emergency_counters=emergency_counters,
                    rng=seed + pd.Timestamp(day).toordinal())
                acc["arrivals"] += res.arrivals
                acc["within"] += res.within
                acc["abandoned"] += res.abandoned
                acc["wait"] += res.wait_sum
                acc["manager_minutes"] += res.emergency_minutes
                q_share = float(p[self.quick].sum() / p.sum())
                # within one FIFO queue a customer's wait does not depend on their own type
                acc["quick_arrivals"] += res.arrivals * q_share
                acc["quick_wait"] += res.wait_sum * q_share
            for k in parts:
                parts[k].append(acc[k])
        return ScenarioTotals(**{k: np.concatenate(v, axis=1) for k, v in parts.items()})


def _row(tot: ScenarioTotals, staff_hours: float, target: float, base: ScenarioTotals | None,
         per_week: float) -> dict[str, float]:
    with np.errstate(invalid="ignore", divide="ignore"):
        rep_wait = tot.wait.sum(1) / tot.arrivals.sum(1)
        rep_sl = tot.within.sum(1) / tot.arrivals.sum(1)
        quick = tot.quick_wait.sum() / tot.quick_arrivals.sum()
        other = ((tot.wait.sum() - tot.quick_wait.sum())
                 / (tot.arrivals.sum() - tot.quick_arrivals.sum()))
        seen = tot.arrivals.sum(0) > 0
        sl_int = tot.within.sum(0)[seen] / tot.arrivals.sum(0)[seen]
        w_int = tot.wait.sum(0)[seen] / tot.arrivals.sum(0)[seen]
    w, w_lo, w_hi = t_interval(rep_wait)
    sl, sl_lo, sl_hi = t_interval(rep_sl)
    row = {"staff_hours": staff_hours * per_week,
           "manager_hours": float(tot.manager_minutes.sum(1).mean() / 60) * per_week,
           "mean_wait": w, "mean_wait_low": w_lo, "mean_wait_high": w_hi,
           "quick_mean_wait": float(quick), "other_mean_wait": float(other),
           "service_level": sl, "service_level_low": sl_lo, "service_level_high": sl_hi,
           "abandonment": float(tot.abandoned.sum() / max(tot.arrivals.sum(), 1.0)),
           "share_meeting_target": float(np.mean(sl_int >= target)) if seen.any() else 1.0,
           "worst_interval_wait": float(w_int.max()) if seen.any() else 0.0}
    if base is None:
        row["wait_change_low"] = row["wait_change_high"] = 0.0
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            d = rep_wait - base.wait.sum(1) / base.arrivals.sum(1)
        _, row["wait_change_low"], row["wait_change_high"] = t_interval(d)
    return row


def _check(ds: Dataset, hall_id: str, forecast: pd.DataFrame, replications: int,
           demand_factor: float) -> pd.DataFrame:
    ds.hall(hall_id)
    if replications < 2:
        raise ValueError(f"replications={replications} must be >= 2 (for the intervals)")
    if not demand_factor > 0:
        raise ValueError(f"demand_factor={demand_factor} must be > 0")
    fc = forecast[forecast["hall_id"] == hall_id]
    if fc.empty:
        raise ValueError(f"the forecast has no rows for hall {hall_id}")
    return fc


def compare_fast_lane(ds: Dataset, hall_id: str, forecast: pd.DataFrame, *,
                      replications: int = 30, demand_factor: float = 1.0,
                      seed: int = 0) -> PolicyComparison:
    """A fast lane for quick transactions against pooled counters, by simulation.

    Scenarios (rows of ``table``):

    * ``pooled``: one queue, counters staffed to the target for the pooled
      queue (:func:`queueopt.staffing.hall_requirements`);
    * ``pooled, same headcount``: one queue with as many counters as the
      fast-lane design uses, so the design itself is compared, not its
      headcount;
    * ``fast lane``: the fast-lane transaction types (``fast_lane`` in
      transactions.csv) at their own counters, the rest at the general
      counters, each staffed to the target (``PeakPolicy(fast_lane=True)``).

    Parameters
    ----------
    ds, hall_id:
        The hall.
    forecast:
        ``hall_id, interval_start, arrivals`` (arrivals per interval).
    replications:
        Simulated horizons per scenario (>= 2).
    demand_factor:
        Multiplies the forecast arrivals in the simulation (e.g. 1.2 for a
        day 20% busier than forecast) while the staffing stays as planned.
    seed:
        Seed; every scenario of a day uses the same one.

    Raises
    ------
    ValueError
        No fast-lane type, or every type is fast-lane (no lane to split off).
    """
    fc = _check(ds, hall_id, forecast, replications, demand_factor)
    quick = np.array([t.fast_lane for t in ds.transactions.values()])
    if not quick.any() or quick.all():
        raise ValueError("a fast lane needs some, but not all, transaction types marked "
                         "fast_lane in transactions.csv")
    pooled = hall_requirements(ds, hall_id, fc, method="sipp")
    lane = hall_requirements(ds, hall_id, fc, method="sipp", policy=PeakPolicy(fast_lane=True))
    hall = HallSimulator(ds, hall_id, pooled)
    every = np.ones(len(quick), bool)
    fast = lane["fast_lane"].to_numpy(np.int64)
    general = lane["required"].to_numpy(np.int64) - fast - lane["vip"].to_numpy(np.int64)
    kw = dict(demand_factor=demand_factor, replications=replications, seed=seed)
    runs = {
        "pooled": (hall.run(pooled, [(every, pooled["required"].to_numpy())], **kw),
                   pooled["staff"].sum()),
        "pooled, same headcount": (hall.run(pooled, [(every, lane["required"].to_numpy())], **kw),
                                   lane["staff"].sum()),
        "fast lane": (hall.run(pooled, [(quick, fast), (~quick, general)], **kw),
                      lane["staff"].sum()),
    }
    return _comparison(hall_id, runs, hall, fc, replications, pooled)


def emergency_counter(ds: Dataset, hall_id: str, forecast: pd.DataFrame, *,
                      after_minutes: float | None = None, counters: int = 1,
                      demand_factor: float = 1.0, replications: int = 30,
                      seed: int = 0) -> PolicyComparison:
    """The duty manager's emergency counter at the planned staffing, by simulation.

    Scenarios: ``as planned`` (the counters of the requirements) and
    ``emergency counter``: the same counters, plus ``counters`` extra ones
    the duty manager opens as soon as the first customer in line has waited
    ``after_minutes`` and closes when nobody waits. ``manager_hours`` says
    how long they were open.

    Parameters
    ----------
    ds, hall_id, forecast:
        The hall and its forecast (``hall_id, interval_start, arrivals`` per interval).
    after_minutes:
        Head-of-queue wait that triggers the counter, minutes (default the
        target's threshold).
    counters:
        Counters the manager opens (>= 1).
    demand_factor:
        Multiplies the forecast arrivals in the simulation (a busier day than
        planned is when the rule earns its keep).
    replications, seed:
        Simulated horizons per scenario (>= 2) and the seed.
    """
    fc = _check(ds, hall_id, forecast, replications, demand_factor)
    if counters < 1:
        raise ValueError(f"counters={counters} must be >= 1")
    after = ds.policy.target.threshold if after_minutes is None else float(after_minutes)
    if after < 0:
        raise ValueError(f"after_minutes={after} must be >= 0")
    req = hall_requirements(ds, hall_id, fc, method="sipp")
    hall = HallSimulator(ds, hall_id, req)
    every = np.ones(len(ds.transactions), bool)
    plan = [(every, req["required"].to_numpy())]
    kw = dict(demand_factor=demand_factor, replications=replications, seed=seed)
    runs = {
        "as planned": (hall.run(req, plan, **kw), req["staff"].sum()),
        "emergency counter": (hall.run(req, plan, emergency_after=after,
                                       emergency_counters=counters, **kw), req["staff"].sum()),
    }
    return _comparison(hall_id, runs, hall, fc, replications, req)


def _comparison(hall_id: str, runs: dict[str, tuple[ScenarioTotals, float]], hall: HallSimulator,
                fc: pd.DataFrame, replications: int, req: pd.DataFrame) -> PolicyComparison:
    days = max(pd.to_datetime(fc["interval_start"]).dt.date.nunique(), 1)
    per_week = 7.0 / days
    base = None
    rows = {}
    for name, (tot, staff) in runs.items():
        rows[name] = _row(tot, float(staff) * hall.interval / 60, hall.target.service_level,
                          base, per_week)
        if base is None:
            base = tot
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "scenario"
    return PolicyComparison(hall_id=hall_id, table=table, replications=replications,
                            requirements=req)
