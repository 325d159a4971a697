"""Kiosk sizing: how many kiosks a hall should add, and where in a region one more pays most.

A kiosk takes the kiosk-eligible customers who choose it (adoption) off the
counters; a kiosk is worth about two counters (DOMAIN.md). What one *more*
kiosk buys depends on congestion: customers who would wait at a full kiosk
pool past the target go to a counter instead (``PeakPolicy(kiosk_overflow=True)``,
the capacity from :func:`queueopt.queueing.max_arrival_rate`). So at the
peak an extra kiosk moves work off the counters until the pool has room for
everyone who chose it, and after that it only shortens kiosk waits.

For each kiosk count from the hall's current count up, :func:`kiosk_options`
staffs the counters to the target on the same forecast (SIPP per interval)
and reports counter staff-hours, what the kiosk pool takes and its waits.
The recommendation adds kiosks while the next one saves at least
``min_saving_hours`` counter staff-hours per week or the kiosk queue still
misses the target in some interval.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from queueopt.calibrate import kiosk_adoption
from queueopt.hall_inputs import hall_inputs
from queueopt.io import Dataset
from queueopt.queueing import arrival_weighted_mean
from queueopt.requirements import PeakPolicy, requirements_for


@dataclass(frozen=True)
class KioskPlan:
    """Kiosk options of one hall and the recommendation.

    ``table`` has one row per kiosk count: ``kiosks, kiosk_adoption,
    kiosk_customers`` (customers who use a kiosk over the horizon),
    ``overflow_to_counters`` (customers who chose a kiosk but went to a
    counter because the kiosks were full), ``counter_staff_hours``,
    ``staff_hours_saved`` (vs the current count, per week),
    ``marginal_staff_hours`` (saved by this kiosk, per week),
    ``kiosk_mean_wait`` (minutes, kiosk-customer weighted),
    ``kiosk_worst_wait`` (minutes, worst interval) and
    ``kiosk_share_meeting_target`` (share of intervals with kiosk
    customers whose kiosk service level meets the target).
    """

    hall_id: str
    current: int
    recommended: int
    reason: str
    table: pd.DataFrame

    @property
    def to_add(self) -> int:
        """Kiosks to add (0 when the current count is enough)."""
        return self.recommended - self.current


def default_adoption(ds: Dataset, hall_id: str,
                     measured: Mapping[str, float] | None = None) -> float:
    """Kiosk adoption to assume for a hall (share of kiosk-eligible customers, 0-1).

    The hall's own measured adoption when it has kiosks and a ticket log;
    otherwise the median over the region's halls that have kiosks (a hall
    without kiosks has no adoption to measure); 0.5 with no ticket log at all.
    ``measured`` (hall -> adoption, from :func:`queueopt.calibrate.kiosk_adoption`)
    saves measuring the region's ticket log again when sizing many halls.
    """
    if ds.tickets is None or not len(ds.tickets):
        return 0.5
    if measured is None:
        measured = kiosk_adoption(ds.tickets, ds.transactions)
    hall = ds.hall(hall_id)
    if hall.kiosks and measured.get(hall_id, 0.0) > 0:
        return float(measured[hall_id])
    others = [v for h, v in measured.items() if ds.halls[h].kiosks and v > 0]
    return float(np.median(others)) if others else 0.5


def kiosk_options(ds: Dataset, hall_id: str, forecast: pd.DataFrame, *, max_extra: int = 4,
                  adoption: float | None = None, min_saving_hours: float = 4.0) -> KioskPlan:
    """Counter staff-hours and kiosk waits for the current kiosk count and up to ``max_extra`` more.

    Parameters
    ----------
    ds, hall_id:
        The hall (its transaction types say which are kiosk-eligible).
    forecast:
        ``hall_id, interval_start, arrivals`` (arrivals per interval).
    max_extra:
        Most kiosks to consider adding (>= 0).
    adoption:
        Share of kiosk-eligible customers who choose a kiosk (0-1); default
        :func:`default_adoption`.
    min_saving_hours:
        Counter staff-hours per week a kiosk must save to be worth adding
        (when the kiosk queue already meets the target).

    Returns
    -------
    KioskPlan

    Raises
    ------
    ValueError
        Bad arguments, or no transaction type is kiosk-eligible.
    """
    if max_extra < 0:
        raise ValueError(f"max_extra={max_extra} must be >= 0")
    if min_saving_hours < 0:
        raise ValueError(f"min_saving_hours={min_saving_hours} must be >= 0")
    if not any(t.kiosk_eligible for t in ds.transactions.values()):
        raise ValueError("no transaction type in transactions.csv is kiosk-eligible: "
                         "kiosks cannot take any work")
    hall = ds.hall(hall_id)
    adopt = default_adoption(ds, hall_id) if adoption is None else float(adoption)
    if not 0 <= adopt <= 1:
        raise ValueError(f"adoption={adopt} must be in [0, 1]")
    target = ds.policy.target
    interval = ds.policy.interval_minutes
    fc = forecast[forecast["hall_id"] == hall_id]
    days = max(pd.to_datetime(fc["interval_start"]).dt.date.nunique(), 1)
    per_week = 7.0 / days
    policy = PeakPolicy(kiosk_adoption=adopt, kiosk_overflow=True)
    inputs = hall_inputs(ds, hall_id, adoption={hall_id: adopt})
    choosing = inputs.eligible_share() * adopt  # share of arrivals who choose a kiosk
    rows = []
    for k in range(hall.kiosks, hall.kiosks + max_extra + 1):
        req = requirements_for(inputs.with_kiosks(k), fc, method="sipp", policy=policy)
        # what chose a kiosk = eligible x adoption of all arrivals (0 without kiosks)
        chose = req["arrivals"].to_numpy(float) * (choosing if k else 0.0)
        k_cust = req["kiosk_arrivals"].to_numpy(float)
        busy = k_cust > 0
        k_wait = req["kiosk_mean_wait"].to_numpy(float)
        rows.append({
            "kiosks": k, "kiosk_adoption": adopt if k else 0.0,
            "kiosk_customers": float(k_cust.sum()),
            "overflow_to_counters": float(np.maximum(chose - k_cust, 0.0).sum()),
            "counter_staff_hours": float(req["staff"].sum() * interval / 60) * per_week,
            "kiosk_mean_wait": arrival_weighted_mean(k_wait, k_cust),
            "kiosk_worst_wait": float(k_wait[busy].max()) if busy.any() else 0.0,
            "kiosk_share_meeting_target": float(np.mean(
                req["kiosk_service_level"].to_numpy(float)[busy] >= target.service_level))
            if busy.any() else 1.0,
        })
    table = pd.DataFrame(rows)
    table["staff_hours_saved"] = table["counter_staff_hours"].iloc[0] - table["counter_staff_hours"] + 0.0
    table["marginal_staff_hours"] = -table["counter_staff_hours"].diff().fillna(0.0) + 0.0
    rec, reason = _recommend(table, hall.kiosks, min_saving_hours)
    cols = ["kiosks", "kiosk_adoption", "kiosk_customers", "overflow_to_counters",
            "counter_staff_hours", "staff_hours_saved", "marginal_staff_hours",
            "kiosk_mean_wait", "kiosk_worst_wait", "kiosk_share_meeting_target"]
    return KioskPlan(hall_id=hall_id, current=hall.kiosks, recommended=rec, reason=reason,
                     table=table[cols])


def _recommend(table: pd.DataFrame, current: int, min_saving: float) -> tuple[int, str]:
    rec = current
    why_short = ""
    for i in range(1, len(table)):
        prev, row = table.iloc[i - 1], table.iloc[i]
        short = prev["kiosks"] > 0 and (prev["kiosk_share_meeting_target"] < 1.0
                                        or prev["overflow_to_counters"] > 0.5)
        if row["marginal_staff_hours"] >= min_saving or short:
            rec = int(row["kiosks"])
            if short and not why_short:
                why_short = (f"; with {int(prev['kiosks'])} kiosk(s) "
                             f"{prev['overflow_to_counters']:.0f} kiosk customers go to a counter "
                             "because the kiosks are full")
        else:
            break
    if rec == current:
        nxt = table.iloc[1] if len(table) > 1 else None
        why = ("the current kiosks meet the target" + (
            f"; one more would save {max(nxt['marginal_staff_hours'], 0.0):.1f} counter "
            f"staff-hours a week (< {min_saving:g})" if nxt is not None else ""))
        return rec, why
    got = table.set_index("kiosks").loc[rec]
    return rec, (f"{rec - current} more kiosk(s) save {got['staff_hours_saved']:.1f} counter "
                 f"staff-hours a week; kiosk wait {got['kiosk_mean_wait']:.1f} min on average"
                 + why_short)


def region_kiosk_ranking(ds: Dataset, forecasts: pd.DataFrame, *,
                         adoption: float | None = None) -> pd.DataFrame:
    """Where in the region one more kiosk saves most counter staff-hours (then kiosk wait).

    Parameters
    ----------
    ds:
        The region.
    forecasts:
        ``hall_id, interval_start, arrivals`` for every hall to rank.
    adoption:
        Kiosk adoption to assume everywhere (default per hall,
        :func:`default_adoption`).

    Returns
    -------
    pandas.DataFrame
        One row per hall, best first: ``rank, hall_id, name, kiosks,
        staff_hours_saved`` (per week, by one more kiosk),
        ``kiosk_wait_saved`` (customer-minutes of kiosk wait saved per week; negative
        for a first kiosk, whose customers now wait at a kiosk, or when more customers use it),
        ``kiosk_mean_wait_now``, ``kiosk_mean_wait_after`` (minutes).
    """
    measured = (kiosk_adoption(ds.tickets, ds.transactions)
                if adoption is None and ds.tickets is not None and len(ds.tickets) else {})
    rows = []
    for hall_id in sorted(forecasts["hall_id"].astype(str).unique()):
        adopt = default_adoption(ds, hall_id, measured) if adoption is None else adoption
        plan = kiosk_options(ds, hall_id, forecasts, max_extra=1, adoption=adopt)
        now, after = plan.table.iloc[0], plan.table.iloc[1]
        days = max(pd.to_datetime(forecasts.loc[forecasts["hall_id"] == hall_id,
                                                "interval_start"]).dt.date.nunique(), 1)
        wait_saved = (now["kiosk_mean_wait"] * now["kiosk_customers"]
                      - after["kiosk_mean_wait"] * after["kiosk_customers"]) * 7.0 / days
        rows.append({"hall_id": hall_id, "name": ds.hall(hall_id).name,
                     "kiosks": int(now["kiosks"]),
                     "staff_hours_saved": float(after["marginal_staff_hours"]),
                     "kiosk_wait_saved": float(wait_saved),
                     "kiosk_mean_wait_now": float(now["kiosk_mean_wait"]),
                     "kiosk_mean_wait_after": float(after["kiosk_mean_wait"])})
    frame = pd.DataFrame(rows).sort_values(["staff_hours_saved", "kiosk_wait_saved"],
                                           ascending=False, ignore_index=True)
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    return frame
