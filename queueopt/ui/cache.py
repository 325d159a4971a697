"""The app's cache: queueopt calls wrapped with bounded ``st.cache_data`` and a disk cache.

Cached functions take small hashable arguments (the data path, the content
hash of its files, a hall id, numbers) and never read widgets, so a changed
file invalidates the cache and nothing leaks between sessions.

Expensive results are also kept on disk (``QUEUEOPT_CACHE``, default
``~/.cache/queueopt``; ``off`` turns it off), keyed by the content hash of the
data files, the function and its arguments, and a fingerprint of the
package's code: a restarted server shows data it has seen before without
loading the data again, and a changed file or a changed package is a miss.

Heavy modules (the solver, the simulation, scipy through the forecast) are
imported inside the functions that need them, so the first page of a server
with a warm disk cache imports none of them.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pandas as pd
import streamlit as st

if TYPE_CHECKING:
    from queueopt.io import Dataset
    from queueopt.pipeline import HallPlan

F = TypeVar("F", bound=Callable[..., Any])

_MAX_FILES = 400
"""Disk cache entries kept (the oldest are removed beyond this)."""

_HASHES: dict[str, str] = {}
"""Content hash per (file names, sizes, modification times) signature: each file is read once."""


def signature(path: str) -> str:
    """Content hash (SHA-256) of a data directory's files, names included.

    Files are hashed once per size and modification time, so a rerun costs
    a few ``stat`` calls.
    """
    p = Path(path)
    files = sorted(f for f in p.iterdir() if f.is_file())
    stat_key = ";".join(f"{p}|{f.name}:{f.stat().st_size}:{f.stat().st_mtime_ns}" for f in files)
    if stat_key not in _HASHES:
        h = hashlib.sha256()
        for f in files:
            h.update(f.name.encode() + b"\0")
            with f.open("rb") as fh:
                while block := fh.read(1 << 20):
                    h.update(block)
        if len(_HASHES) > 64:
            _HASHES.clear()
        _HASHES[stat_key] = h.hexdigest()
    return _HASHES[stat_key]


def disk_dir() -> Path | None:
    """The disk cache folder (``QUEUEOPT_CACHE``), or None when it is ``off``."""
    value = os.environ.get("QUEUEOPT_CACHE", "")
    if value.lower() in ("off", "0", "none"):
        return None
    return Path(value) if value else Path.home() / ".cache" / "queueopt"


@functools.cache
def _code_fingerprint() -> str:
    """Sizes and modification times of the package's modules (a changed module is a miss)."""
    root = Path(__file__).resolve().parents[1]
    parts = sorted(f"{f.relative_to(root)}:{f.stat().st_size}:{f.stat().st_mtime_ns}"
                   for f in root.rglob("*.py"))
    return hashlib.sha256(";".join(parts).encode()).hexdigest()[:16]


def _on_disk(fn: F) -> F:
    """Keep ``fn(path, sig, ...)``'s result on disk, keyed by ``sig`` (content) and arguments."""

    @functools.wraps(fn)
    def wrapper(path: str, sig: str, *args: Any, **kwargs: Any) -> Any:
        folder = disk_dir()
        if folder is None:
            return fn(path, sig, *args, **kwargs)
        key = hashlib.sha256(repr((fn.__qualname__, sig, args, sorted(kwargs.items()),
                                   _code_fingerprint())).encode()).hexdigest()
        target = folder / f"{fn.__name__}-{key[:32]}.pkl"
        if target.exists():
            try:
                with target.open("rb") as fh:
                    return pickle.load(fh)
            except Exception:  # a truncated or stale file: recompute  # noqa: BLE001
                target.unlink(missing_ok=True)
        value = fn(path, sig, *args, **kwargs)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".tmp") as tmp:
                pickle.dump(value, tmp, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp.name, target)
            _prune(folder)
        except OSError:
            pass  # a read-only or full disk: the value is still returned
        return value

    return wrapper  # type: ignore[return-value]


def _prune(folder: Path) -> None:
    files = sorted(folder.glob("*.pkl"), key=lambda f: f.stat().st_mtime)
    for f in files[:-_MAX_FILES]:
        f.unlink(missing_ok=True)


def _first_page_imports() -> None:
    """Import the models of the first page (forecast, LightGBM, what-if): called by
    :func:`dataset` while the ticket log is read on another thread. A module that cannot
    be imported is left to the page that needs it (this is only a head start)."""
    import importlib

    for name in ("queueopt.forecast", "queueopt.regional_forecast", "lightgbm",
                 "queueopt.whatif", "queueopt.nudges"):
        try:
            importlib.import_module(name)
        except ImportError:
            pass


@st.cache_resource(max_entries=4, show_spinner=False)
def dataset(path: str, sig: str) -> Dataset:
    """The validated dataset (shared, never mutated by the pages)."""
    from queueopt.io import load_dataset

    del sig
    return load_dataset(path, meanwhile=_first_page_imports)


@st.cache_data(max_entries=8, show_spinner=False)
@_on_disk
def halls_table(path: str, sig: str) -> pd.DataFrame:
    """hall_id, name, region, counters, kiosks."""
    ds = dataset(path, sig)
    return pd.DataFrame([{"hall_id": h.hall_id, "name": h.name, "region": h.region,
                          "counters": h.counters, "kiosks": h.kiosks} for h in ds.halls.values()])


@st.cache_data(max_entries=8, show_spinner=False)
@_on_disk
def week_start(path: str, sig: str) -> dt.date:
    """The first day the app plans (the day after the data ends)."""
    return dataset(path, sig).next_week_start()


@st.cache_data(max_entries=64, show_spinner=False)
@_on_disk
def week_forecast(path: str, sig: str, hall_id: str) -> pd.DataFrame:
    """Next week's forecast (the 7 days after the data ends), with ``holiday`` names and
    ``month_end`` flags from the calendar."""
    from queueopt.calendar import is_month_end
    from queueopt.forecast import forecast_arrivals

    ds = dataset(path, sig)
    fc = forecast_arrivals(ds.footfall_for(hall_id, ds.policy.interval_minutes), 7,
                           calendar=ds.calendar, halls=ds.halls)
    days = list(fc["interval_start"].dt.date.unique())
    names = dict(zip(days, ds.calendar.holiday_names(days)))
    fc["holiday"] = fc["interval_start"].dt.date.map(names)
    fc["month_end"] = fc["interval_start"].dt.date.map(is_month_end)
    return fc


@st.cache_data(max_entries=64, show_spinner=False)
@_on_disk
def requirements(path: str, sig: str, hall_id: str) -> pd.DataFrame:
    """Counters and predicted waits per interval for next week (stationary formulas, the
    what-if's *before*)."""
    from queueopt.requirements import hall_requirements

    return hall_requirements(dataset(path, sig), hall_id, week_forecast(path, sig, hall_id),
                             method="sipp")


@st.cache_data(max_entries=64, show_spinner=False)
@_on_disk
def peak_windows(path: str, sig: str, hall_id: str) -> pd.DataFrame:
    """Each day's peak (:func:`queueopt.nudges.windows`, busy kind) with its expected wait:
    ``day, start, end, arrivals, expected_wait``; minutes since midnight, in day order."""
    from queueopt.nudges import windows

    req = requirements(path, sig, hall_id)
    rows = [{"day": w.day, "start": w.start, "end": w.end, "arrivals": w.arrivals,
             "expected_wait": w.expected_wait}
            for w in windows(req[["interval_start", "arrivals", "mean_wait"]]) if w.kind == "busy"]
    return pd.DataFrame(rows, columns=["day", "start", "end", "arrivals", "expected_wait"])


@st.cache_data(max_entries=64, show_spinner=False)
@_on_disk
def hourly_waits(path: str, sig: str, hall_id: str) -> pd.DataFrame:
    """``date, hour, arrivals, expected_wait`` (minutes) of next week's requirements."""
    from queueopt.nudges import hourly

    req = requirements(path, sig, hall_id)
    return hourly(req[["interval_start", "arrivals", "mean_wait"]])


def week_mean_wait(path: str, sig: str, hall_id: str) -> float:
    """Next week's arrival-weighted mean counter wait at the required counters (minutes): the
    what-if's *before* figure (:func:`queueopt.whatif.evaluate`), one owner for both pages."""
    return float(whatif(path, sig, hall_id, 0.0, None, False).loc["mean_wait", "before"])


@st.cache_data(max_entries=64, show_spinner=False)
@_on_disk
def measured_adoption(path: str, sig: str, hall_id: str) -> float:
    """The hall's kiosk adoption as its inputs measure it (the what-if's *before*, 0-1)."""
    from queueopt.hall_inputs import hall_inputs

    return hall_inputs(dataset(path, sig), hall_id).kiosk_adoption


@st.cache_data(max_entries=64, show_spinner=False)
@_on_disk
def whatif(path: str, sig: str, hall_id: str, shift: float, adoption: float | None,
           pause: bool) -> pd.DataFrame:
    """:func:`queueopt.whatif.evaluate` on next week's forecast: rows the figures, columns
    ``before, after, change`` (what ``queueopt whatif`` prints). The before requirements
    are :func:`requirements` (the same SIPP call: computed once for both)."""
    from queueopt.whatif import evaluate

    res = evaluate(dataset(path, sig), hall_id, week_forecast(path, sig, hall_id), shift=shift,
                   kiosk_adoption=adoption, pause_cross_sell=pause,
                   requirements_before=requirements(path, sig, hall_id))
    return res.to_frame()


@st.cache_data(max_entries=32, show_spinner=False)
@_on_disk
def nudge_messages(path: str, sig: str, hall_id: str, lang: str) -> pd.DataFrame:
    """Busy/quiet messages for next week."""
    from queueopt.nudges import messages, usual_waits, windows

    ds = dataset(path, sig)
    frame = (usual_waits(ds.tickets_of(hall_id), week_forecast(path, sig, hall_id))
             if len(ds.tickets_of(hall_id)) else requirements(path, sig, hall_id))
    return messages(windows(frame), hall_name=ds.hall(hall_id).name, lang=lang)


@st.cache_data(max_entries=32, show_spinner=False)
@_on_disk
def kiosk_plan(path: str, sig: str, hall_id: str, adoption: float | None,
               max_extra: int = 4) -> tuple[int, str, pd.DataFrame]:
    """Kiosk options for next week: (recommended kiosks, reason, table)."""
    from queueopt.kiosks import kiosk_options

    plan = kiosk_options(dataset(path, sig), hall_id, week_forecast(path, sig, hall_id),
                         max_extra=max_extra, adoption=adoption)
    return plan.recommended, plan.reason, plan.table


@st.cache_data(max_entries=4, show_spinner=False)
@_on_disk
def region_kiosks(path: str, sig: str) -> pd.DataFrame:
    """Where one more kiosk saves most counter staff-hours next week."""
    from queueopt.kiosks import region_kiosk_ranking

    ds = dataset(path, sig)
    fcs = pd.concat([week_forecast(path, sig, h) for h in ds.halls], ignore_index=True)
    return region_kiosk_ranking(ds, fcs)


@st.cache_data(max_entries=16, show_spinner=False)
@_on_disk
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


REGION_METHOD = "sipp"
"""How the Region page's quick prediction of next week's waits is made (named on the page);
the plan's own method (:data:`queueopt.region.PLAN_METHOD`) is behind a toggle."""


@st.cache_data(max_entries=4, show_spinner=False)
@_on_disk
def region_table(path: str, sig: str) -> pd.DataFrame:
    """The regional comparison with next week's predicted mean wait per hall (formulas)."""
    from queueopt.region import compare_halls, next_week_mean_wait

    ds = dataset(path, sig)
    table = compare_halls(ds)
    predicted = next_week_mean_wait(ds, method=REGION_METHOD)
    return table.merge(predicted[["hall_id", "predicted_mean_wait"]], on="hall_id", how="left")


@st.cache_data(max_entries=4, show_spinner=False)
@_on_disk
def region_plan_waits(path: str, sig: str) -> pd.DataFrame:
    """``hall_id, predicted_mean_wait`` (minutes) of next week the way the plan computes it
    (:data:`queueopt.region.PLAN_METHOD`: simulation-repaired counters; about a minute)."""
    from queueopt.region import next_week_mean_wait

    return next_week_mean_wait(dataset(path, sig))[["hall_id", "predicted_mean_wait"]]


@st.cache_data(max_entries=16, show_spinner=False)
def model_check(path: str, sig: str, hall_id: str) -> dict[str, Any]:
    """:func:`queueopt.modelcheck.hall_model_check` of one hall as the page shows it (the
    figures ``queueopt modelcheck`` writes): ``hour`` and ``day`` score frames, the fitted
    correction, the noise floor and the held-out days; ``error`` when the log cannot be
    checked (no agent or counter named, too little history)."""
    from queueopt.modelcheck import hall_model_check, summary_frame

    try:
        check = hall_model_check(dataset(path, sig), hall_id)
    except ValueError as err:
        return {"error": str(err)}
    return {"hour": summary_frame(check), "day": summary_frame(check, "day"),
            "handle_factor": check.correction.handle_factor,
            "patience": check.correction.patience,
            "fitted": (check.correction.fitted_from, check.correction.fitted_to),
            "holdout": check.holdout, "noise_floor": dict(check.noise_floor)}


def plan(path: str, sig: str, hall_id: str, locked_json: str, time_limit_s: float,
         progress: Any = None) -> HallPlan:
    """A hall-week plan (cached per hall and set of locked shifts)."""
    from queueopt.pipeline import plan_hall
    from queueopt.rules import parse_roster

    key = ("plan", path, sig, hall_id, locked_json, time_limit_s)
    store = st.session_state.setdefault("_plans", {})
    if key not in store:
        locked = parse_roster(pd.DataFrame(json.loads(locked_json))) if locked_json != "[]" else []
        store.clear()  # one plan per session is kept: plans are large
        store[key] = plan_hall(dataset(path, sig), hall_id, time_limit_s=time_limit_s,
                               locked=locked, progress=progress)
    return store[key]  # type: ignore[no-any-return]


@st.cache_data(max_entries=16, show_spinner=False)
@_on_disk
def poster_files(path: str, sig: str, hall_id: str) -> dict[str, bytes]:
    """The hall's week poster as PNG and PDF bytes."""
    from queueopt.nudges import usual_waits
    from queueopt.poster import render_poster

    ds = dataset(path, sig)
    fc = week_forecast(path, sig, hall_id)
    frame = (usual_waits(ds.tickets_of(hall_id), fc) if len(ds.tickets_of(hall_id))
             else requirements(path, sig, hall_id))
    with tempfile.TemporaryDirectory() as tmp:
        poster = render_poster(frame[["interval_start", "arrivals", "mean_wait"]],
                               Path(tmp) / "poster", hall_name=ds.hall(hall_id).name)
        return {p.suffix[1:]: p.read_bytes() for p in poster.files}
