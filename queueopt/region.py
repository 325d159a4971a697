"""The regional view: rank halls as super-busy, busy or normal, and where capacity helps most.

Operators located their busy halls from five measures (``shared/DOMAIN.md``):
counters, customers served, self-service devices, average wait and average
handling time. :func:`compare_halls` computes all five from each hall's ticket
log (last four weeks) and classifies transparently:

* **utilisation** at the busy hour = counter work (customers x handling
  minutes) in the hall's busiest hour of a typical day / (counters x 60);
* **super-busy**: average wait >= 8 minutes (the city's average before its
  improvement programme, 8.34 min) or busy-hour utilisation >= 0.95;
* **busy**: average wait >= 4 minutes or busy-hour utilisation >= 0.80;
* **normal** otherwise.

*Where one more counter or kiosk helps most*: the wait a typical day saves,
in customer-minutes, when one more counter opens next to those the hall ran
in each interval (counted from the ticket log), or when one more kiosk joins the
kiosk pool (Erlang C with the general-service correction on the typical day's
loads; one kiosk handles about as much as two counters, DOMAIN.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from queueopt.calibrate import observed_waits
from queueopt.hall_inputs import hall_inputs
from queueopt.io import Dataset
from queueopt.model import Hall
from queueopt.peak import busiest_window
from queueopt.queueing import arrival_weighted_mean, mean_wait
from queueopt.requirements import requirements_for

CLASSES: tuple[str, ...] = ("super-busy", "busy", "normal")

BUSY_THRESHOLDS: dict[str, tuple[float, float]] = {"super-busy": (8.0, 0.95), "busy": (4.0, 0.80)}
"""Class -> (average wait in minutes, busy-hour utilisation) from which a hall is in it."""


def busy_class_rule() -> str:
    """The classification rule in words (for captions), from :data:`BUSY_THRESHOLDS`.

    >>> busy_class_rule()
    'super-busy: mean wait ≥ 8 min or busy-hour utilisation ≥ 0.95; busy: ≥ 4 min or ≥ 0.80'
    """
    (w1, u1), (w2, u2) = BUSY_THRESHOLDS["super-busy"], BUSY_THRESHOLDS["busy"]
    return (f"super-busy: mean wait ≥ {w1:g} min or busy-hour utilisation ≥ {u1:.2f}; "
            f"busy: ≥ {w2:g} min or ≥ {u2:.2f}")


def classify(mean_wait_minutes: float, busy_hour_utilisation: float) -> str:
    """Busy class of a hall from its average wait (minutes) and busy-hour utilisation.

    >>> classify(9.0, 0.5), classify(3.0, 0.85), classify(2.0, 0.5)
    ('super-busy', 'busy', 'normal')
    >>> classify(8.0, 0.0), classify(7.99, 0.95), classify(3.99, 0.7999)  # the edges
    ('super-busy', 'super-busy', 'normal')
    """
    for name in ("super-busy", "busy"):
        wait, util = BUSY_THRESHOLDS[name]
        if mean_wait_minutes >= wait or busy_hour_utilisation >= util:
            return name
    return "normal"


PLAN_METHOD = "auto"
"""The staffing method of a plan (:func:`queueopt.pipeline.plan_hall`'s default)."""


def plan_week_forecasts(ds: Dataset, hall_ids: Sequence[str] | None = None) -> pd.DataFrame:
    """Each hall's forecast of the week a plan covers by default (:meth:`Dataset.next_week_start`).

    Forecast from the data's end through that week (as
    :func:`queueopt.pipeline.plan_hall` does), keeping the week's seven days:
    ``hall_id, interval_start, arrivals`` (per interval) and the forecast's
    other columns.
    """
    from queueopt.forecast import forecast_arrivals

    start = ds.next_week_start()
    week = {start + dt.timedelta(days=k) for k in range(7)}
    horizon = (start - ds.last_day()).days + 6
    parts = []
    for hall_id in sorted(ds.halls) if hall_ids is None else hall_ids:
        fc = forecast_arrivals(ds.footfall_for(hall_id, ds.policy.interval_minutes), horizon,
                               calendar=ds.calendar, halls=ds.halls)
        parts.append(fc[fc["interval_start"].dt.date.isin(week)])
    return pd.concat(parts, ignore_index=True)


def next_week_mean_wait(ds: Dataset, forecasts: pd.DataFrame | None = None, *,
                        method: str = PLAN_METHOD, replications: int | None = None
                        ) -> pd.DataFrame:
    """Next week's predicted mean counter wait per hall, the way the plan computes it.

    The one owner of the Region page's "predicted (next week's plan)" wait:
    the requirements of each hall's forecast by ``method`` (the plan's own,
    ``"auto"``: counters repaired by simulation, waits from the simulated
    check of those counters; ``"sipp"``: stationary formulas at SIPP counters,
    much faster, for tests) and their arrival-weighted mean wait over the
    counter customers (:func:`queueopt.queueing.arrival_weighted_mean`).

    Parameters
    ----------
    ds:
        The region.
    forecasts:
        ``hall_id, interval_start, arrivals`` (per interval) for the halls to
        report; default :func:`plan_week_forecasts` of every hall.
    method, replications:
        Staffing method and simulated days per check
        (:func:`queueopt.staffing.staff_requirements`).

    Returns
    -------
    pandas.DataFrame
        ``hall_id, predicted_mean_wait`` (minutes), ``method``; one row per
        hall of ``forecasts``, sorted by hall.
    """
    if forecasts is None:
        forecasts = plan_week_forecasts(ds)
    rows = []
    for hall_id in sorted(forecasts["hall_id"].astype(str).unique()):
        req = requirements_for(hall_inputs(ds, hall_id), forecasts, method=method,
                               replications=replications)
        rows.append({"hall_id": hall_id,
                     "predicted_mean_wait": arrival_weighted_mean(req["mean_wait"],
                                                                  req["counter_arrivals"]),
                     "method": method})
    return pd.DataFrame(rows, columns=["hall_id", "predicted_mean_wait", "method"])


def compare_halls(ds: Dataset, *, weeks: int = 4, plans: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per hall, ranked busiest first.

    Parameters
    ----------
    ds:
        The region's data (ticket log needed for observed figures).
    weeks:
        Weeks of history to measure.
    plans:
        Optional per-hall plan summaries (``hall_id`` plus e.g. ``staff_hours``,
        ``predicted_mean_wait_minutes``, ``predicted_service_level``) merged in.

    Returns
    -------
    pandas.DataFrame
        ``hall_id, name, region, kind, counters, kiosks, customers_per_day,
        mean_handle_minutes, observed_mean_wait, observed_within_threshold,
        abandonment, busy_hour_utilisation, busy_class, counter_gain_minutes,
        kiosk_gain_minutes, best_lever, rank``.
    """
    if ds.tickets is None or ds.tickets.empty:
        raise ValueError("the regional comparison needs a ticket log (tickets.csv)")
    end = pd.Timestamp(ds.last_day()) + pd.Timedelta(days=1)
    t = ds.tickets[ds.tickets["issued_at"] >= end - pd.Timedelta(weeks=weeks)]
    observed = observed_waits(t, interval_minutes=15, threshold=ds.policy.target.threshold)
    rows = []
    for hall_id, hall in ds.halls.items():
        th = t[t["hall_id"] == hall_id]
        if th.empty:
            continue
        days = th["issued_at"].dt.date.nunique()
        counter = th[(th["channel"] == "counter") & ~th["abandoned"]]
        handle = float(((counter["served_end"] - counter["called_at"]).dt.total_seconds() / 60).mean())
        obs = observed[observed["hall_id"] == hall_id]
        w = arrival_weighted_mean(obs["mean_wait"], obs["arrivals"])
        within = arrival_weighted_mean(obs["within_threshold"], obs["arrivals"], empty=1.0)
        util, counter_gain, kiosk_gain = _levers(th, obs, hall, handle, days)
        rows.append({
            "hall_id": hall_id, "name": hall.name, "region": hall.region, "kind": hall.kind,
            "counters": hall.counters, "kiosks": hall.kiosks,
            "customers_per_day": round(len(th) / days, 1),
            "mean_handle_minutes": round(handle, 2), "observed_mean_wait": round(w, 2),
            "observed_within_threshold": round(within, 3),
            "abandonment": round(float(th["abandoned"].mean()), 3),
            "busy_hour_utilisation": round(util, 3), "busy_class": classify(w, util),
            "counter_gain_minutes": round(counter_gain, 1),
            "kiosk_gain_minutes": round(kiosk_gain, 1),
        })
    frame = pd.DataFrame(rows)
    frame["best_lever"] = np.where(frame["kiosk_gain_minutes"] > frame["counter_gain_minutes"],
                                   "one more kiosk", "one more counter")
    order = {c: i for i, c in enumerate(CLASSES)}
    frame = frame.sort_values(
        by=["busy_class", "observed_mean_wait"], key=lambda s: s.map(order) if s.name == "busy_class" else -s
    ).reset_index(drop=True)
    frame["rank"] = np.arange(1, len(frame) + 1)
    if plans is not None and len(plans):
        frame = frame.merge(plans, on="hall_id", how="left")
    return frame


def _levers(th: pd.DataFrame, obs: pd.DataFrame, hall: Hall, handle: float, days: int
            ) -> tuple[float, float, float]:
    """Busy-hour utilisation and the customer-minutes a typical day saves with one more
    counter or one more kiosk, from one hall's tickets ``th`` and observed waits ``obs``
    (``handle``: mean counter handling time, minutes; ``days``: days in the log)."""
    # typical day: mean counter arrivals per clock slot (15 min), busiest hour
    slot = th["issued_at"].dt.hour * 4 + th["issued_at"].dt.minute // 15
    c_rate = (th["channel"] == "counter").groupby(slot).sum() / days / 15.0  # per minute
    k_rate = (th["channel"] == "kiosk").groupby(slot).sum() / days / 15.0
    rate = c_rate.to_numpy(float)
    busy = busiest_window(rate, 4)  # the peak hour: four 15-minute slots
    util = float(rate[busy:busy + 4].mean() * handle / hall.counters)
    lam = c_rate.to_numpy(float)
    # counters the hall actually ran per slot: distinct counters that called a ticket
    served = th[(th["channel"] == "counter") & ~th["abandoned"]]
    # (per hour: a counter busy with a long visit calls no ticket for a while)
    day_hour = [served["called_at"].dt.date, served["called_at"].dt.hour]
    running = served.groupby(day_hour)["server_id"].nunique().groupby(level=1).mean()
    hours_of_slot = pd.Index(c_rate.index // 4)
    c_open = np.maximum(np.round(running.reindex(hours_of_slot).fillna(1).to_numpy()), 1)
    # waits at the counters it ran vs one more (never past the physical counters)
    base = mean_wait(lam, handle, c_open, 1.0)
    more = mean_wait(lam, handle, np.minimum(c_open + 1, hall.counters), 1.0)
    # the model gives the relative cut; the ticket log gives the wait it applies to
    wslot = (obs.assign(slot=obs["interval_start"].dt.hour * 4 + obs["interval_start"].dt.minute // 15)
             .groupby("slot")["mean_wait"].mean().reindex(c_rate.index).fillna(0.0).to_numpy())
    with np.errstate(invalid="ignore", divide="ignore"):
        cut = np.where(np.isfinite(base) & (base > 0), 1.0 - more / base, 1.0)
        counter_gain = float(np.nansum(np.clip(cut, 0, 1) * wslot * lam * 15))
    kiosk_gain = 0.0
    kt = th[th["channel"] == "kiosk"]
    if hall.kiosks and len(kt) and (~kt["abandoned"]).any():
        kserved = kt[~kt["abandoned"]]
        kh = float(((kserved["served_end"] - kserved["called_at"]).dt.total_seconds() / 60).mean())
        kl = k_rate.to_numpy(float)
        kb = mean_wait(kl, kh, hall.kiosks, 0.25)
        km = mean_wait(kl, kh, hall.kiosks + 1, 0.25)
        with np.errstate(invalid="ignore"):
            kiosk_gain = float(np.nansum(np.where(np.isfinite(kb), kb - km, 0.0) * kl * 15))
    else:
        # a first kiosk takes over the kiosk-eligible share it attracts from the counters:
        # count it as two counters' worth of capacity at the busy hours (DOMAIN.md)
        two = mean_wait(lam, handle, c_open + 2, 1.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            cut2 = np.where(np.isfinite(base) & (base > 0), 1.0 - two / base, 1.0)
            kiosk_gain = 0.5 * float(np.nansum(np.clip(cut2, 0, 1) * wslot * lam * 15))
    return util, counter_gain, kiosk_gain
