"""The app's cache: queueopt calls wrapped with bounded ``st.cache_data``/``st.cache_resource``.

Cached functions take small hashable arguments (the data path, a signature
of its files' sizes and modification times, a hall id, numbers) and never read
widgets, so a changed file invalidates the cache and nothing leaks between
sessions.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from queueopt.forecast import forecast_arrivals
from queueopt.io import Dataset, load_dataset
from queueopt.kiosks import kiosk_options, region_kiosk_ranking
from queueopt.nudges import messages, shift_demand, usual_waits, windows
from queueopt.pipeline import HallPlan, plan_hall
from queueopt.region import compare_halls
from queueopt.requirements import PeakPolicy, hall_requirements
from queueopt.rules import parse_roster


def signature(path: str) -> str:
    """Sizes and modification times of a data directory's files."""
    p = Path(path)
    return ";".join(f"{f.name}:{f.stat().st_size}:{f.stat().st_mtime_ns}"
                    for f in sorted(p.iterdir()) if f.is_file())


@st.cache_resource(max_entries=4, show_spinner=False)
def dataset(path: str, sig: str) -> Dataset:
    """The validated dataset (shared, never mutated by the pages)."""
    del sig
    return load_dataset(path)


@st.cache_data(max_entries=8, show_spinner=False)
def halls_table(path: str, sig: str) -> pd.DataFrame:
    """hall_id, name, region, counters, kiosks."""
    ds = dataset(path, sig)
    return pd.DataFrame([{"hall_id": h.hall_id, "name": h.name, "region": h.region,
                          "counters": h.counters, "kiosks": h.kiosks} for h in ds.halls.values()])


@st.cache_data(max_entries=64, show_spinner=False)
def week_forecast(path: str, sig: str, hall_id: str) -> pd.DataFrame:
    """Next week's forecast (the 7 days after the data ends)."""
    ds = dataset(path, sig)
    fc = forecast_arrivals(ds.footfall_for(hall_id, ds.policy.interval_minutes), 7,
                           calendar=ds.calendar, halls=ds.halls)
    names = dict(zip(fc["interval_start"].dt.date.unique(),
                     ds.calendar.holiday_names(list(fc["interval_start"].dt.date.unique()))))
    fc["holiday"] = fc["interval_start"].dt.date.map(names)
    fc["month_end"] = fc["interval_start"].dt.day >= 21
    return fc


@st.cache_data(max_entries=64, show_spinner=False)
def requirements(path: str, sig: str, hall_id: str, shift: float = 0.0,
                 adoption: float | None = None, pause: bool = False,
                 method: str = "sipp") -> pd.DataFrame:
    """Counters and predicted waits per interval for next week under the levers."""
    ds = dataset(path, sig)
    fc = week_forecast(path, sig, hall_id)
    if shift > 0:
        fc = shift_demand(fc, shift)
    policy = PeakPolicy(kiosk_adoption=adoption, cross_sell_paused="all" if pause else frozenset())
    return hall_requirements(ds, hall_id, fc, policy=policy, method=method)


@st.cache_data(max_entries=32, show_spinner=False)
def nudge_messages(path: str, sig: str, hall_id: str, lang: str) -> pd.DataFrame:
    """Busy/quiet messages for next week."""
    ds = dataset(path, sig)
    frame = (usual_waits(ds.tickets_of(hall_id), week_forecast(path, sig, hall_id))
             if len(ds.tickets_of(hall_id)) else requirements(path, sig, hall_id))
    return messages(windows(frame), hall_name=ds.hall(hall_id).name, lang=lang)


@st.cache_data(max_entries=32, show_spinner=False)
def kiosk_plan(path: str, sig: str, hall_id: str, adoption: float | None,
               max_extra: int = 4) -> tuple[int, str, pd.DataFrame]:
    """Kiosk options for next week: (recommended kiosks, reason, table)."""
    plan = kiosk_options(dataset(path, sig), hall_id, week_forecast(path, sig, hall_id),
                         max_extra=max_extra, adoption=adoption)
    return plan.recommended, plan.reason, plan.table


@st.cache_data(max_entries=4, show_spinner=False)
def region_kiosks(path: str, sig: str) -> pd.DataFrame:
    """Where one more kiosk saves most counter staff-hours next week."""
    ds = dataset(path, sig)
    fcs = pd.concat([week_forecast(path, sig, h) for h in ds.halls], ignore_index=True)
    return region_kiosk_ranking(ds, fcs)


@st.cache_data(max_entries=16, show_spinner=False)
def peak_policies(path: str, sig: str, hall_id: str, demand_factor: float,
                  after_minutes: float, replications: int = 20) -> dict[str, pd.DataFrame]:
    """Fast lane vs pooled and the emergency counter, simulated on next week's forecast."""
    from queueopt.peak_policies import compare_fast_lane, emergency_counter

    ds = dataset(path, sig)
    fc = week_forecast(path, sig, hall_id)
    out = {"emergency": emergency_counter(ds, hall_id, fc, after_minutes=after_minutes,
                                          demand_factor=demand_factor,
                                          replications=replications).table}
    try:
        out["fast_lane"] = compare_fast_lane(ds, hall_id, fc, demand_factor=demand_factor,
                                             replications=replications).table
    except ValueError:
        pass  # no fast-lane transaction types in transactions.csv
    return out


@st.cache_data(max_entries=4, show_spinner=False)
def region_table(path: str, sig: str) -> pd.DataFrame:
    """The regional comparison."""
    return compare_halls(dataset(path, sig))


def plan(path: str, sig: str, hall_id: str, locked_json: str, time_limit_s: float,
         progress: Any = None) -> HallPlan:
    """A hall-week plan (cached per hall and set of locked shifts)."""
    key = ("plan", path, sig, hall_id, locked_json, time_limit_s)
    store = st.session_state.setdefault("_plans", {})
    if key not in store:
        locked = parse_roster(pd.DataFrame(json.loads(locked_json))) if locked_json != "[]" else []
        store.clear()  # one plan per session is kept: plans are large
        store[key] = plan_hall(dataset(path, sig), hall_id, time_limit_s=time_limit_s,
                               locked=locked, progress=progress)
    return store[key]  # type: ignore[no-any-return]


def week_start(path: str, sig: str) -> dt.date:
    """The first day the app plans."""
    return dataset(path, sig).next_week_start()


@st.cache_data(max_entries=16, show_spinner=False)
def poster_files(path: str, sig: str, hall_id: str) -> dict[str, bytes]:
    """The hall's week poster as PNG and PDF bytes."""
    import tempfile

    from queueopt.poster import render_poster

    ds = dataset(path, sig)
    fc = week_forecast(path, sig, hall_id)
    frame = (usual_waits(ds.tickets_of(hall_id), fc) if len(ds.tickets_of(hall_id))
             else requirements(path, sig, hall_id))
    with tempfile.TemporaryDirectory() as tmp:
        poster = render_poster(frame[["interval_start", "arrivals", "mean_wait"]],
                               Path(tmp) / "poster", hall_name=ds.hall(hall_id).name)
        return {p.suffix[1:]: p.read_bytes() for p in poster.files}
