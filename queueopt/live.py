"""Live hall mode: today's queue, the waits to announce and the advice, from the log so far.

The orchestration of :mod:`queueopt.queue_state`, :mod:`queueopt.delay`,
:mod:`queueopt.announce` and :mod:`queueopt.advice`. What the hall knew
before today (handling times per type, patience, the previous days'
predictions and waits) is a :class:`HallHistory`, built once a day from the
ticket log; a live update only reads today's tickets.

Units: minutes, minutes since midnight for clock times.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from queueopt.announce import (
    Announced,
    AnnounceRules,
    DayFeatures,
    accuracy,
    announce_day,
    announce_now,
    day_features,
)
from queueopt.calibrate import calibrate
from queueopt.dataset import Dataset
from queueopt.delay import DelayPriors, Handling, Schedule
from queueopt.queue_state import QueueRules, snapshot, ticket_log

HISTORY_DAYS = 7
"""Previous open days the announcement learns from."""


@dataclass(frozen=True)
class HallHistory:
    """What a hall knew before ``day``: priors, handling model and replayed previous days."""

    day: dt.date
    priors: DelayPriors
    handling: Handling
    days: tuple[DayFeatures, ...]
    rules: QueueRules
    arules: AnnounceRules
    kiosks: int | None


def handling_model(tickets: pd.DataFrame, types: tuple[str, ...]) -> Handling:
    """Lognormal handling time per type and channel measured from a ticket log (minutes).

    Types a channel never served fall back to the channel's overall mean and
    coefficient of variation (3 minutes, cv 1, without any service).
    """
    served = tickets[~tickets["abandoned"].astype(bool)]
    table = calibrate(served).handling if len(served) else None
    out: dict[str, tuple[np.ndarray, np.ndarray, tuple[float, float]]] = {}
    for ch in ("counter", "kiosk"):
        sub = served[served["channel"] == ch]
        h = (sub["served_end"] - sub["called_at"]).dt.total_seconds() / 60.0
        dm = float(h.mean()) if len(h) else 3.0
        dc = float(h.std() / h.mean()) if len(h) > 1 and h.mean() > 0 else 1.0
        if table is not None:
            g = table[table["channel"] == ch].groupby("transaction_type")[["mean_minutes", "scv"]].mean()
        else:
            g = pd.DataFrame(columns=["mean_minutes", "scv"])
        mean = g["mean_minutes"].reindex(list(types)).fillna(dm).to_numpy(float)
        cv = np.sqrt(g["scv"].reindex(list(types))).fillna(dc).to_numpy(float)
        out[ch] = (np.maximum(mean, 1e-3), np.nan_to_num(cv, nan=dc), (max(dm, 1e-3), dc))
    return Handling(types=types, counter_mean=out["counter"][0], counter_cv=out["counter"][1],
                    kiosk_mean=out["kiosk"][0], kiosk_cv=out["kiosk"][1],
                    default_counter=out["counter"][2], default_kiosk=out["kiosk"][2])


def hall_history(tickets: pd.DataFrame, day: dt.date, types: tuple[str, ...], *,
                 patience: float | None = None, kiosks: int | None = None,
                 rules: QueueRules | None = None, arules: AnnounceRules | None = None,
                 days: int = HISTORY_DAYS, seed: int = 0,
                 schedules: Mapping[dt.date, Schedule] | None = None) -> HallHistory:
    """Priors and the replayed previous ``days`` open days of a hall, from its log before ``day``.

    Parameters
    ----------
    tickets:
        The hall's ticket log (parsed); only tickets issued before ``day`` are read.
    day:
        Today.
    types:
        Transaction type codes.
    patience:
        Mean patience (minutes) when the log shows no abandonment to measure
        (``None``: nobody leaves); measured from the log otherwise.
    kiosks:
        Kiosks in the hall (open all day).
    rules, arules, days, seed:
        Queue reading, announcement learning, previous days replayed, seed.
    schedules:
        Counters the roster opened per interval on past days (default inferred).
    """
    r = rules or QueueRules()
    ar = arules or AnnounceRules()
    midnight = pd.Timestamp(day)
    before = tickets[pd.to_datetime(tickets["issued_at"]) < midnight]
    handling = handling_model(before, types)
    pat = patience if patience is not None else float("inf")
    if len(before) and before["abandoned"].any():
        cal = calibrate(before)
        pat = float(next(iter(cal.patience.values())))
    priors = DelayPriors(handle_minutes=handling.default_counter[0],
                         kiosk_handle_minutes=handling.default_kiosk[0],
                         patience=pat if pat > 0 else 1e9)
    past = sorted(set(pd.to_datetime(before["issued_at"]).dt.date))[-days:]
    sch = schedules or {}
    feats = tuple(day_features(ticket_log(before, d, types), priors, handling, r, ar,
                               kiosks=kiosks, schedule=sch.get(d), seed=seed + i)
                  for i, d in enumerate(past))
    return HallHistory(day=day, priors=priors, handling=handling, days=feats, rules=r,
                       arules=ar, kiosks=kiosks)


REPLAY_COLUMNS: tuple[str, ...] = (
    "ticket_id", "issued_at", "transaction_type", "tier", "announced_wait", "announced_lo80",
    "announced_hi80", "actual_wait", "abandoned")
"""Columns of ``replay.csv``: one row per ticket; waits in minutes (``actual_wait``: to
being called, or to leaving for an abandoned ticket; empty when unknown)."""


@dataclass(frozen=True)
class Replay:
    """A past day replayed as if live.

    ``tickets``: :data:`REPLAY_COLUMNS`. ``marks``: one row per mark
    (every ``every`` minutes) with what live mode said then (``waiting``,
    ``counters_open``, ``told_wait``/``told_lo80``/``told_hi80`` for a
    regular counter customer, ``told_vip``, ``told_kiosk``) and what then
    happened to the customers who took a ticket in the next ``every``
    minutes (``arrivals``, ``mean_wait`` of those called, ``abandoned``).
    ``accuracy``: :func:`queueopt.announce.accuracy` of the day.
    """

    hall_id: str
    day: dt.date
    tickets: pd.DataFrame
    marks: pd.DataFrame
    accuracy: pd.DataFrame
    features: DayFeatures
    told: Announced


def _clock(minute: float) -> str:
    m = round(minute)
    return f"{m // 60:02d}:{m % 60:02d}"


def replay_day(tickets: pd.DataFrame, day: dt.date, history: HallHistory, *, hall_id: str = "",
               schedule: Schedule | None = None, every: float = 15.0) -> Replay:
    """Replay ``day`` of a hall's log as live mode would have run it, ticket by ticket.

    Parameters
    ----------
    tickets:
        The hall's ticket log (the day's rows are replayed; the rest ignored).
    day:
        The day.
    history:
        :func:`hall_history` for ``day`` (only the log before ``day``).
    hall_id:
        For the result's label.
    schedule:
        Counters the roster opened that day (default inferred from activity).
    every:
        Minutes between the marks of ``Replay.marks``.
    """
    log = ticket_log(tickets, day, history.handling.types)
    if len(log) == 0:
        raise ValueError(f"hall {hall_id or '?'} has no tickets on {day}")
    feats = day_features(log, history.priors, history.handling, history.rules, history.arules,
                         kiosks=history.kiosks, schedule=schedule)
    told = announce_day(feats, history.days, history.arules)
    midnight = pd.Timestamp(day)
    frame = pd.DataFrame({
        "ticket_id": log.ticket_id,
        "issued_at": (midnight + pd.to_timedelta(log.issued, unit="min")).round("s"),
        "transaction_type": [log.types[i] if i >= 0 else "" for i in log.type_index],
        "tier": np.where(log.vip, "vip", "regular"),
        "announced_wait": told.wait.round(2), "announced_lo80": told.lo80.round(2),
        "announced_hi80": told.hi80.round(2), "actual_wait": log.actual_wait().round(2),
        "abandoned": log.abandoned.astype(int)})
    marks = []
    start = np.floor(log.issued.min() / every) * every
    kinds = np.array([False, False, True]), np.array([False, True, False])
    for b in np.arange(start, log.issued.max() + 1e-9, every):
        said = announce_now(feats, history.days, float(b), kinds[0], kinds[1], history.priors,
                            history.handling, history.rules, history.arules,
                            kiosks=history.kiosks, schedule=schedule, told=told)
        snap = snapshot(log, float(b), history.rules, kiosks=history.kiosks,
                        counters=None if schedule is None else int(schedule.at([b])[0]))
        nxt = (log.issued >= b) & (log.issued < b + every)
        called = nxt & ~log.abandoned & np.isfinite(log.called)
        marks.append({
            "time": _clock(b), "waiting": int(snap.waiting["waiting"].sum()),
            "counters_open": snap.counters_open, "told_wait": round(float(said.wait[0]), 1),
            "told_lo80": round(float(said.lo80[0]), 1), "told_hi80": round(float(said.hi80[0]), 1),
            "told_vip": round(float(said.wait[1]), 1),
            "told_kiosk": round(float(said.wait[2]), 1) if history.kiosks else np.nan,
            "arrivals": int(nxt.sum()),
            "mean_wait": round(float(np.mean(log.called[called] - log.issued[called])), 1)
            if called.any() else np.nan,
            "abandoned": int((nxt & log.abandoned).sum())})
    return Replay(hall_id=hall_id, day=day, tickets=frame, marks=pd.DataFrame(marks),
                  accuracy=accuracy(feats, told), features=feats, told=told)


def history_for(ds: Dataset, hall_id: str, day: dt.date, *, rules: QueueRules | None = None,
                arules: AnnounceRules | None = None, days: int = HISTORY_DAYS) -> HallHistory:
    """:func:`hall_history` of a hall of a :class:`queueopt.io.Dataset` (the edge)."""
    hall = ds.hall(hall_id)
    return hall_history(ds.tickets_of(hall_id), day, tuple(ds.transactions),
                        patience=ds.policy.patience, kiosks=hall.kiosks or None,
                        rules=rules, arules=arules, days=days)


def replay(ds: Dataset, hall_id: str, day: dt.date, *, rules: QueueRules | None = None,
           arules: AnnounceRules | None = None, every: float = 15.0) -> Replay:
    """Replay ``day`` of hall ``hall_id`` of a data directory as if live (see :func:`replay_day`)."""
    tickets = ds.tickets_of(hall_id)
    if not len(tickets):
        raise ValueError(f"hall {hall_id} has no ticket log to replay")
    days = set(pd.to_datetime(tickets["issued_at"]).dt.date)
    if day not in days:
        raise ValueError(f"hall {hall_id} has no tickets on {day}; the log covers "
                         f"{min(days)} to {max(days)}")
    hist = history_for(ds, hall_id, day, rules=rules, arules=arules)
    return replay_day(tickets, day, hist, hall_id=hall_id, every=every)
