"""Peak policies judged by simulation: a fast lane against pooled counters, the emergency counter.

Formulas rank these levers poorly: a fast lane splits one queue into two
(pooling is lost, but quick customers stop waiting behind 20-minute visits),
and the duty manager's emergency counter is a state-dependent rule (open a
counter when the first customer in line has waited too long, close it when
nobody waits) that no stationary model captures. So both are compared on
the same forecast by the plan evaluator (:func:`queueopt.evaluator.simulate_plan`),
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

from queueopt.evaluator import PlanTotals, simulate_plan
from queueopt.hall_inputs import HallInputs, hall_inputs
from queueopt.io import Dataset
from queueopt.requirements import PeakPolicy, requirements_for
from queueopt.simulate import t_interval

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


def _row(tot: PlanTotals, staff_hours: float, target: float, base: PlanTotals | None,
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
    inputs = hall_inputs(ds, hall_id)
    pooled = requirements_for(inputs, fc, method="sipp")
    lane_policy = PeakPolicy(fast_lane=True)
    lane = requirements_for(inputs, fc, method="sipp", policy=lane_policy)
    kw = {"demand_factor": demand_factor, "replications": replications, "seed": seed}
    runs = {
        "pooled": (simulate_plan(inputs, pooled, **kw), pooled["staff"].sum()),  # type: ignore[arg-type]
        "pooled, same headcount": (simulate_plan(inputs, pooled, counters_open=lane["required"],
                                                 **kw),  # type: ignore[arg-type]
                                   lane["staff"].sum()),
        "fast lane": (simulate_plan(inputs, lane, lane_policy, **kw),  # type: ignore[arg-type]
                      lane["staff"].sum()),
    }
    return _comparison(hall_id, runs, inputs, fc, replications, pooled)


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
    inputs = hall_inputs(ds, hall_id)
    req = requirements_for(inputs, fc, method="sipp")
    kw = {"demand_factor": demand_factor, "replications": replications, "seed": seed}
    runs = {
        "as planned": (simulate_plan(inputs, req, **kw), req["staff"].sum()),  # type: ignore[arg-type]
        "emergency counter": (simulate_plan(inputs, req, emergency_after=after,
                                            emergency_counters=counters, **kw),  # type: ignore[arg-type]
                              req["staff"].sum()),
    }
    return _comparison(hall_id, runs, inputs, fc, replications, req)


def _comparison(hall_id: str, runs: dict[str, tuple[PlanTotals, float]], inputs: HallInputs,
                fc: pd.DataFrame, replications: int, req: pd.DataFrame) -> PolicyComparison:
    days = max(pd.to_datetime(fc["interval_start"]).dt.date.nunique(), 1)
    per_week = 7.0 / days
    base = None
    rows = {}
    for name, (tot, staff) in runs.items():
        rows[name] = _row(tot, float(staff) * inputs.interval_minutes / 60,
                          inputs.target.service_level, base, per_week)
        if base is None:
            base = tot
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "scenario"
    return PolicyComparison(hall_id=hall_id, table=table, replications=replications,
                            requirements=req)
