"""Live hall mode: today's queue, the waits to announce and the advice, from the log so far.

The orchestration of :mod:`queueopt.queue_state`, :mod:`queueopt.delay`,
:mod:`queueopt.announce` and :mod:`queueopt.advice`. What the hall knew
before today (handling times per type, patience, the previous days'
predictions and waits) is a :class:`HallHistory`, built once a day from the
ticket log; a live update only reads today's tickets.

Units: minutes, minutes since midnight for clock times.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from queueopt._reading import Problems, read_csv_text
from queueopt.advice import Advice, advise, staff_now
from queueopt.announce import (
    GROUP_SHARE,
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
from queueopt.errors import DataError
from queueopt.forecast import forecast_arrivals
from queueopt.hall_inputs import HallInputs, hall_inputs
from queueopt.intraday import IntradayFit, fit_intraday, update_forecast
from queueopt.queue_state import QueueRules, QueueSnapshot, snapshot, ticket_log
from queueopt.schema import TICKET_COLUMNS, TICKET_OPTIONAL
from queueopt.tables import ticket_issues

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
    inputs: HallInputs | None = None
    forecast: pd.DataFrame | None = None
    intraday: Mapping[str, IntradayFit] | None = None


def handling_model(tickets: pd.DataFrame, types: tuple[str, ...],
                   group_share: float = GROUP_SHARE) -> Handling:
    """Lognormal handling time per type and channel measured from a ticket log (minutes).

    Types a channel never served fall back to the channel's overall mean and
    coefficient of variation (3 minutes, cv 1, without any service). The agent groups:
    :func:`agent_groups` at ``group_share`` (a fraction).
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
                    default_counter=out["counter"][2], default_kiosk=out["kiosk"][2],
                    groups=agent_groups(served, types, group_share))



def agent_groups(served: pd.DataFrame, types: tuple[str, ...], share: float | None = None
                 ) -> dict[str, frozenset[str]]:
    """Per type code, the servers whose served counter customers (``served``: the history's
    tickets that were served) were at least ``share`` (a fraction; default
    :data:`queueopt.announce.GROUP_SHARE`) of that type."""
    share = GROUP_SHARE if share is None else share
    sub = served[(served["channel"] == "counter") & served["server_id"].fillna("").astype(str).ne("")]
    if not len(sub):
        return {}
    mix = pd.crosstab(sub["server_id"].astype(str), sub["transaction_type"].astype(str),
                      normalize="index")
    return {c: frozenset(mix.index[mix[c] >= share]) if c in mix else frozenset() for c in types}


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
    handling = handling_model(before, types, ar.group_share)
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
                arules: AnnounceRules | None = None, days: int = HISTORY_DAYS,
                with_forecast: bool = True) -> HallHistory:
    """:func:`hall_history` of a hall of a :class:`queueopt.io.Dataset` (the edge).

    With ``with_forecast`` it also holds the hall's inputs, the forecast of
    ``day`` from the footfall before it and the intraday-update rule
    (:mod:`queueopt.intraday`) the advice needs.
    """
    hall = ds.hall(hall_id)
    hist = hall_history(ds.tickets_of(hall_id), day, tuple(ds.transactions),
                        patience=ds.policy.patience, kiosks=hall.kiosks or None,
                        rules=rules, arules=arules, days=days)
    if not with_forecast:
        return hist
    step = ds.policy.interval_minutes
    foot = ds.footfall_for(hall_id, step)
    foot = foot[foot["interval_start"] < pd.Timestamp(day)]
    if foot.empty:
        raise ValueError(f"hall {hall_id} has no arrivals before {day} to forecast today from")
    horizon = (day - foot["interval_start"].max().date()).days
    fc = forecast_arrivals(foot, max(horizon, 1), calendar=ds.calendar,
                           halls={hall_id: hall})
    fc = fc[fc["interval_start"].dt.date == day].reset_index(drop=True)
    fits = fit_intraday(foot, calendar=ds.calendar)
    return dataclasses.replace(hist, inputs=hall_inputs(ds, hall_id), forecast=fc,
                               intraday=fits)


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
    hist = history_for(ds, hall_id, day, rules=rules, arules=arules, with_forecast=False)
    return replay_day(tickets, day, hist, hall_id=hall_id, every=every)


# ----------------------------------------------------------------- live mode
def read_today(path: str | Path, ds: Dataset, hall_id: str) -> pd.DataFrame:
    """Today's ticket log so far (README ``tickets.csv`` columns), checked like the log.

    A ticket still waiting has no ``called_at``, one in service no
    ``served_end``; every other rule of the ticket log holds. Rows of other
    halls are ignored. Raises :class:`queueopt.errors.DataError` naming the
    file, row and column of every problem.
    """
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"{p}: no such file")
    problems = Problems()
    df = read_csv_text(p, "tickets", problems, TICKET_COLUMNS, TICKET_OPTIONAL)
    if df is None:
        raise DataError(problems.items)
    parsed, issues = ticket_issues(df, tuple(ds.halls), tuple(ds.transactions), ds.halls)
    kept = []
    for issue in issues:
        if issue.column in ("called_at", "served_end"):
            blank = df[issue.column].iloc[issue.rows].eq("").to_numpy()
            issue = dataclasses.replace(issue, rows=issue.rows[~blank])  # still waiting / served
        if len(issue.rows):
            kept.append(issue)
    problems.issues(p.name, kept)
    if problems.items:
        raise DataError(problems.items)
    ds.hall(hall_id)
    out = parsed[parsed["hall_id"] == hall_id].reset_index(drop=True)
    if out.empty:
        raise ValueError(f"{p.name} has no tickets of hall {hall_id}")
    days = out["issued_at"].dt.date.unique()
    if len(days) > 1:
        raise ValueError(f"{p.name} holds tickets of {len(days)} days ({min(days)} to "
                         f"{max(days)}); live mode reads one day")
    return out


def known_at(tickets: pd.DataFrame, now: pd.Timestamp) -> pd.DataFrame:
    """The tickets as the hall knew them at ``now``: later tickets and events left out."""
    t = tickets[tickets["issued_at"] < now].copy()
    for col in ("called_at", "served_end", "abandoned_at"):
        if col in t:
            t[col] = t[col].where(t[col] <= now)
    if "abandoned_at" in t:
        left_later = (t["abandoned"] & t["abandoned_at"].isna()
                      & tickets.loc[t.index, "abandoned_at"].notna())
        t.loc[left_later, "abandoned"] = False  # still waiting as far as anyone knew
    return t


def last_event(tickets: pd.DataFrame) -> pd.Timestamp:
    """The moment a ticket log was exported: one second after the latest time written in it
    (so the last ticket issued counts as issued)."""
    cols = [c for c in ("issued_at", "called_at", "served_end", "abandoned_at") if c in tickets]
    latest = max(tickets[c].max() for c in cols if tickets[c].notna().any())
    return pd.Timestamp(latest) + pd.Timedelta(seconds=1)


def roster_schedule(roster: pd.DataFrame, day: dt.date, step: int) -> Schedule | None:
    """Counters the roster opens per interval of ``day``: staff in counter or VIP roles, off break.

    ``None`` when nobody is rostered that day.
    """
    part = roster[pd.to_datetime(roster["date"]).dt.date == day]
    if part.empty:
        return None

    def m(x: str) -> int:
        h, mm = str(x).split(":")
        return int(h) * 60 + int(mm)
    first = min(m(x) for x in part["start"]) // step * step
    last = max(m(x) for x in part["end"])
    grid = np.arange(first, last, step)
    counts = np.zeros(len(grid), np.int64)
    for r in part.itertuples(index=False):
        if str(r.role) not in ("counter", "vip"):
            continue
        on = (grid >= m(r.start)) & (grid < m(r.end))
        for br in filter(None, (r.breaks if isinstance(r.breaks, str) else "").split(";")):
            a, b = (m(x) for x in br.split("-"))
            on &= ~((grid >= a) & (grid < b))
        counts += on
    return Schedule(start=float(first), interval=float(step), counts=counts)


@dataclass(frozen=True)
class LiveView:
    """What live mode shows for a hall at ``now`` (minutes since midnight).

    ``announced``: one row per transaction type and tier with the counter
    wait a customer taking a ticket now is told (``counter_wait``, its 80%
    range ``counter_lo80``/``counter_hi80``) and, for kiosk-eligible types in
    a hall with kiosks, the kiosk wait (``kiosk_wait``/``kiosk_lo80``/
    ``kiosk_hi80``; empty otherwise); minutes. ``rest_of_day``:
    ``interval_start, forecast, updated`` (hall arrivals per interval, the
    morning's forecast and the intraday update). ``staff``: see
    :func:`queueopt.advice.staff_now` (``None`` without a roster).
    ``seconds``: how long the update took.
    """

    hall_id: str
    day: dt.date
    now: float
    snapshot: QueueSnapshot
    announced: pd.DataFrame
    advice: Advice | None
    rest_of_day: pd.DataFrame
    staff: pd.DataFrame | None
    seconds: float
    features: DayFeatures | None = None
    told: Announced | None = None


def live_view(history: HallHistory, today: pd.DataFrame, now: pd.Timestamp, *, hall_id: str,
              roster: pd.DataFrame | None = None, names: Mapping[str, str] | None = None,
              previous: LiveView | None = None) -> LiveView:
    """Live mode for one hall at ``now`` from today's tickets so far and the prepared history.

    Parameters
    ----------
    history:
        :func:`history_for` of today (inputs, forecast and intraday rule included).
    today:
        Today's tickets (:func:`read_today`); what happened after ``now`` is ignored.
    now:
        The moment.
    hall_id:
        The hall.
    roster:
        The published roster (``roster.csv`` columns): counters planned and
        who can take a counter.
    names:
        ``staff_id -> name``.
    previous:
        The view of an earlier moment of the same day and hall: the
        predictors and announcements of the tickets it already saw are kept
        (they depend only on what was known when each was issued), so a
        live update computes only the new tickets.
    """
    t0 = time.perf_counter()
    day = history.day
    minute = (now - pd.Timestamp(day)).total_seconds() / 60.0
    seen = known_at(today, now)
    types = history.handling.types
    log = ticket_log(seen, day, types)
    step = history.inputs.interval_minutes if history.inputs is not None else 15
    sched = None if roster is None else roster_schedule(roster, day, step)
    snap = snapshot(log, minute, history.rules, kiosks=history.kiosks,
                    counters=None if sched is None else int(sched.at([minute])[0]))
    prev = previous if (previous is not None and previous.day == day
                        and previous.hall_id == hall_id and previous.now <= minute) else None
    feats = day_features(log, history.priors, history.handling, history.rules, history.arules,
                         kiosks=history.kiosks, schedule=sched,
                         reuse=None if prev is None else prev.features)
    told = announce_day(feats, history.days, history.arules,
                        reuse=None if prev is None else prev.told)
    chans = [False, False] + ([True] if history.kiosks else [])
    tiers = [False, True] + ([False] if history.kiosks else [])
    said = announce_now(feats, history.days, minute, chans, tiers, history.priors,
                        history.handling, history.rules, history.arules,
                        kiosks=history.kiosks, schedule=sched, told=told)
    announced = _announced_table(said, history, types)
    rest, adv, staff = pd.DataFrame(), None, None
    if roster is not None:
        staff = staff_now(roster, day, minute, dict(names or {}))
    if history.forecast is not None and history.inputs is not None:
        rest = _rest_of_day(history, seen, now, step)
        wait_c = snap.waiting[snap.waiting["channel"] == "counter"] if len(snap.waiting) else None
        adv = advise(history.inputs, minute, rest.rename(columns={"updated": "arrivals"}),
                     waiting=0 if wait_c is None else int(wait_c["waiting"].sum()),
                     head_wait=0.0 if wait_c is None or wait_c.empty
                     else float(wait_c["longest_wait"].max()),
                     counters_open=snap.counters_open, planned=sched,
                     free_staff=None if staff is None else int(staff["can_take_counter"].sum()))
    return LiveView(hall_id=hall_id, day=day, now=minute, snapshot=snap, announced=announced,
                    advice=adv, rest_of_day=rest, staff=staff,
                    seconds=time.perf_counter() - t0, features=feats, told=told)


def _announced_table(said: Announced, history: HallHistory, types: tuple[str, ...]
                     ) -> pd.DataFrame:
    eligible = (history.inputs.kiosk_eligible if history.inputs is not None
                else np.zeros(len(types), bool))
    rows = []
    for i, code in enumerate(types):
        for j, tier in enumerate(("regular", "vip")):
            row = {"transaction_type": code, "tier": tier,
                   "counter_wait": round(float(said.wait[j]), 1),
                   "counter_lo80": round(float(said.lo80[j]), 1),
                   "counter_hi80": round(float(said.hi80[j]), 1),
                   "kiosk_wait": np.nan, "kiosk_lo80": np.nan, "kiosk_hi80": np.nan}
            if history.kiosks and eligible[i] and tier == "regular":
                row.update(kiosk_wait=round(float(said.wait[2]), 1),
                           kiosk_lo80=round(float(said.lo80[2]), 1),
                           kiosk_hi80=round(float(said.hi80[2]), 1))
            rows.append(row)
    return pd.DataFrame(rows)


def _rest_of_day(history: HallHistory, seen: pd.DataFrame, now: pd.Timestamp, step: int
                 ) -> pd.DataFrame:
    """Today's hall arrivals per interval: the morning's forecast and its intraday update."""
    fc = history.forecast
    if fc is None or fc.empty:
        return pd.DataFrame({"interval_start": [], "forecast": [], "updated": []})
    counts = seen["issued_at"].dt.floor(f"{step}min").value_counts()
    observed = pd.DataFrame({"hall_id": fc["hall_id"].to_numpy(),
                             "interval_start": fc["interval_start"].to_numpy(),
                             "arrivals": counts.reindex(fc["interval_start"]).fillna(0).to_numpy()})
    observed = observed[observed["interval_start"] + pd.Timedelta(minutes=step) <= now]
    up = update_forecast(fc, observed, now.to_pydatetime(), history.intraday)
    return pd.DataFrame({"interval_start": fc["interval_start"].to_numpy(),
                         "forecast": fc["arrivals"].to_numpy(float).round(1),
                         "updated": up["arrivals"].to_numpy(float).round(1)})


_HHMM = r"^([01]?\d|2[0-4]):[0-5]\d$"


def _not_a_time(cells: pd.Series) -> Callable[[int], str]:
    def message(r: int) -> str:
        return f"{cells.iloc[r][:40]!r} is not a time HH:MM"
    return message


def read_roster(path: str | Path) -> pd.DataFrame:
    """A published roster (``roster.csv`` of ``queueopt plan``), checked.

    Columns ``staff_id, date, start, end, breaks, role``: ``date``
    ``YYYY-MM-DD``, ``start``/``end`` ``HH:MM`` with the end after the start,
    ``breaks`` ``HH:MM-HH:MM`` separated by ``;`` (may be empty). Raises
    :class:`queueopt.errors.DataError` naming file, row and column of every problem.
    """
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"{p}: no such file")
    problems = Problems()
    df = read_csv_text(p, "staff", problems, ("staff_id", "date", "start", "end", "breaks", "role"))
    if df is None:
        raise DataError(problems.items)
    name = p.name
    dates = pd.to_datetime(df["date"], format="%Y-%m-%d", errors="coerce")
    problems.rows(name, np.flatnonzero(dates.isna().to_numpy()), "date",
                  lambda r: f"{df['date'].iloc[r][:40]!r} is not a date YYYY-MM-DD")
    for col in ("start", "end"):
        bad = ~df[col].str.match(_HHMM)
        problems.rows(name, np.flatnonzero(bad.to_numpy()), col, _not_a_time(df[col]))
    ok = df["start"].str.match(_HHMM) & df["end"].str.match(_HHMM)

    def minutes(x: pd.Series) -> pd.Series:
        parts = x.str.split(":", expand=True)
        return parts[0].astype(int) * 60 + parts[1].astype(int)
    if ok.any():
        order = ok.copy()
        order[ok] = minutes(df.loc[ok, "end"]) <= minutes(df.loc[ok, "start"])
        problems.rows(name, np.flatnonzero(order.to_numpy(bool)), "end",
                      lambda r: "the shift ends before it starts")
    brk = r"^(([01]?\d|2[0-4]):[0-5]\d-([01]?\d|2[0-4]):[0-5]\d)(;([01]?\d|2[0-4]):[0-5]\d-([01]?\d|2[0-4]):[0-5]\d)*$"
    bad_b = ~(df["breaks"].eq("") | df["breaks"].str.match(brk))
    problems.rows(name, np.flatnonzero(bad_b.to_numpy()), "breaks",
                  lambda r: f"{df['breaks'].iloc[r][:60]!r} is not HH:MM-HH:MM;...")
    if problems.items:
        raise DataError(problems.items)
    return df
