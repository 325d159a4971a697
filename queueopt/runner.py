"""Plan many halls in one run: processes by default, a Dask cluster on request.

Each hall is an independent task (:func:`plan_one`): it loads the data
directory (once per worker process), plans the hall-week with
:func:`queueopt.pipeline.plan_hall` and writes its files under
``OUT/<hall_id>/`` with a ``manifest.json`` holding a hash of everything the
plan depends on (the hall's own rows of every file, the policy, the week, the
time limit and queueopt's version). Rerunning skips halls whose manifest
matches and redoes the rest, so an interrupted overnight run resumes where it
stopped. A hall that fails is reported with its error and never stops the
others.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import functools
import hashlib
import json
import multiprocessing as mp
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from queueopt import __version__
from queueopt.schema import output_dir

STATUSES: tuple[str, ...] = ("planned", "skipped", "failed")


@dataclass(frozen=True, slots=True)
class HallOutcome:
    """What happened to one hall."""

    hall_id: str
    status: str
    seconds: float
    error: str = ""
    summary: dict[str, Any] = field(default_factory=dict)


@functools.lru_cache(maxsize=2)
def _dataset(path: str) -> Any:
    from queueopt.io import load_dataset

    return load_dataset(path)


def inputs_hash(data: str, hall_id: str, week: str | None, time_limit_s: float) -> str:
    """Hash of everything a hall's plan depends on (its rows, the policy, the week, the code)."""
    ds = _dataset(data)
    h = hashlib.sha256()
    h.update(repr((hall_id, week, time_limit_s, __version__)).encode())
    h.update(repr(ds.hall(hall_id)).encode())
    h.update(repr(sorted(ds.transactions.items())).encode())
    h.update(repr(ds.policy).encode())
    # frozenset order changes between processes (hash randomisation): sort the skills
    h.update(repr([(s.staff_id, s.name, sorted(s.skills), s.min_hours_week, s.max_hours_week,
                    s.unavailable, s.preferences) for s in ds.staff_of(hall_id)]).encode())
    t = ds.tickets_of(hall_id)
    if len(t):
        h.update(pd.util.hash_pandas_object(t, index=False).to_numpy().tobytes())
    if ds.footfall is not None:
        f = ds.footfall[ds.footfall["hall_id"] == hall_id]
        h.update(pd.util.hash_pandas_object(f, index=False).to_numpy().tobytes())
    return h.hexdigest()


def plan_one(data: str, hall_id: str, out: str, week: str | None = None,
             time_limit_s: float = 18.0) -> HallOutcome:
    """Plan one hall into ``out/<hall_id>/`` unless its manifest shows the same inputs.

    Never raises: a failure comes back as ``status="failed"`` with the error.
    """
    t0 = time.perf_counter()
    try:
        target = output_dir(out, hall_id)  # a hall id is data, never a path
        digest = inputs_hash(data, hall_id, week, time_limit_s)
        manifest = target / "manifest.json"
        if manifest.is_file():
            old = json.loads(manifest.read_text(encoding="utf-8"))
            if old.get("inputs") == digest and old.get("status") == "planned":
                return HallOutcome(hall_id, "skipped", time.perf_counter() - t0,
                                   summary=old.get("summary", {}))
        from queueopt.pipeline import plan_hall

        plan = plan_hall(_dataset(data), hall_id,
                         dt.date.fromisoformat(week) if week else None, time_limit_s=time_limit_s)
        plan.write(target)
        summary = plan.summary.to_dict()
        manifest.write_text(json.dumps({"inputs": digest, "status": "planned", "summary": summary,
                                        "queueopt": __version__}, indent=2), encoding="utf-8")
        return HallOutcome(hall_id, "planned", time.perf_counter() - t0, summary=summary)
    except Exception as err:  # one hall's failure is reported, never raised
        last = traceback.extract_tb(err.__traceback__)[-1] if err.__traceback__ else None
        where = f" ({Path(last.filename).name}:{last.lineno})" if last else ""
        return HallOutcome(hall_id, "failed", time.perf_counter() - t0,
                           error=f"{type(err).__name__}: {err}{where}")


def run_halls(data: str | Path, hall_ids: Sequence[str], out: str | Path, *,
              week: str | None = None, time_limit_s: float = 18.0, workers: int | None = None,
              scheduler: str | None = None,
              progress: Callable[[int, int, HallOutcome], None] | None = None,
              task: Callable[..., HallOutcome] = plan_one) -> list[HallOutcome]:
    """Plan every hall of ``hall_ids``; outcomes in completion order.

    Parameters
    ----------
    data:
        Data directory (validated by each worker).
    hall_ids:
        Halls to plan.
    out:
        Output directory (one folder per hall, plus the manifests that make
        reruns resume).
    week:
        First day of the week (ISO date) or ``None`` for the week after the data.
    time_limit_s:
        Roster solver seconds per hall.
    workers:
        Worker processes (default: the machine's cores); 1 runs in this process.
    scheduler:
        ``tcp://HOST:PORT`` of a Dask scheduler: run there instead (needs the
        ``dask`` extra: ``pip install queueopt[dask]``).
    progress:
        Called ``(done, total, outcome)`` after each hall.
    task:
        The per-hall function (``plan_one`` by default).
    """
    data, out = str(data), str(out)
    Path(out).mkdir(parents=True, exist_ok=True)
    total = len(hall_ids)
    results: list[HallOutcome] = []

    def done(outcome: HallOutcome) -> None:
        results.append(outcome)
        if progress:
            progress(len(results), total, outcome)

    args = [(data, h, out, week, time_limit_s) for h in hall_ids]
    if scheduler:
        try:
            from dask.distributed import Client, as_completed
        except ImportError as err:  # pragma: no cover - depends on the environment
            raise ValueError("--scheduler needs Dask: pip install 'queueopt[dask]'") from err
        with Client(scheduler) as client:
            futures = [client.submit(task, *a, key=f"plan-{a[1]}-{i}", pure=False)
                       for i, a in enumerate(args)]
            for fut in as_completed(futures):
                try:
                    done(fut.result())
                except Exception as err:  # a lost worker, not a planning error
                    done(HallOutcome("?", "failed", 0.0, error=f"{type(err).__name__}: {err}"))
        return results
    n = workers or mp.cpu_count()
    if n <= 1:
        for a in args:
            done(task(*a))
        return results
    with cf.ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context("spawn")) as pool:
        halls = {pool.submit(task, *a): a[1] for a in args}
        for fut in cf.as_completed(halls):
            try:
                done(fut.result())
            except Exception as err:  # the worker process died
                done(HallOutcome(halls[fut], "failed", 0.0, error=f"{type(err).__name__}: {err}"))
    return results


def outcomes_frame(outcomes: Sequence[HallOutcome]) -> pd.DataFrame:
    """One row per hall with the plan summary's main figures."""
    rows = []
    for o in outcomes:
        row = {k: v for k, v in asdict(o).items() if k != "summary"}
        for key in ("staff_hours", "lower_bound_hours", "gap", "solver_status",
                    "predicted_service_level", "predicted_mean_wait_minutes",
                    "share_intervals_meeting_target", "shortfall_staff_minutes"):
            row[key] = o.summary.get(key)
        rows.append(row)
    return pd.DataFrame(rows).sort_values("hall_id").reset_index(drop=True)
