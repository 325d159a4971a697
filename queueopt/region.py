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

import numpy as np
import pandas as pd

from queueopt.calibrate import calibrate
from queueopt.io import Dataset
from queueopt.queueing import mean_wait

CLASSES: tuple[str, ...] = ("super-busy", "busy", "normal")


def classify(mean_wait_minutes: float, busy_hour_utilisation: float) -> str:
    """Busy class of a hall from its average wait (minutes) and busy-hour utilisation.

    >>> classify(9.0, 0.5), classify(3.0, 0.85), classify(2.0, 0.5)
    ('super-busy', 'busy', 'normal')
    """
    if mean_wait_minutes >= 8.0 or busy_hour_utilisation >= 0.95:
        return "super-busy"
    if mean_wait_minutes >= 4.0 or busy_hour_utilisation >= 0.80:
        return "busy"
    return "normal"


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
    cal = calibrate(t, ds.transactions, threshold=ds.policy.target.threshold)
    rows = []
    for hall_id, hall in ds.halls.items():
        th = t[t["hall_id"] == hall_id]
        if th.empty:
            continue
        days = th["issued_at"].dt.date.nunique()
        counter = th[(th["channel"] == "counter") & ~th["abandoned"]]
        handle = float(((counter["served_end"] - counter["called_at"]).dt.total_seconds() / 60).mean())
        obs = cal.observed[cal.observed["hall_id"] == hall_id]
        w = float(np.average(obs["mean_wait"], weights=obs["arrivals"])) if len(obs) else 0.0
        within = float(np.average(obs["within_threshold"], weights=obs["arrivals"])) if len(obs) else 1.0
        # typical day: mean counter arrivals per clock slot (15 min), busiest hour
        slot = th["issued_at"].dt.hour * 4 + th["issued_at"].dt.minute // 15
        c_rate = (th["channel"] == "counter").groupby(slot).sum() / days / 15.0  # per minute
        k_rate = (th["channel"] == "kiosk").groupby(slot).sum() / days / 15.0
        hourly = c_rate.rolling(4, min_periods=1).mean()
        util = float(hourly.max() * handle / hall.counters)
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
