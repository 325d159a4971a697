"""Issue 18 figures: live hall mode (announced waits, counter advice, speed).

1. **Announced wait on simulated days.** For four sample halls, days are
   simulated from the hall's forecast and plan (time-varying Poisson
   arrivals, the hall's transaction mix with lognormal handling times and
   cross-selling, exponential patience, VIPs first, kiosks as their own
   queue; counters open as the plan's ``required`` per interval, which live
   mode is told). 7 days train the history, the next 7 are replayed as if
   live. Printed: RMSE of the announced wait and of each predictor on the
   customers called, the ratio to QL, whether it is no worse than the best
   of LES and HOL, and the 80% range's coverage.
2. **The bank log replayed** (``../shared/data/anonymous-bank-1999``, every
   Sunday-Thursday from 8 February with the previous 7 open days as
   history; priority callers get their 1.5-minute head start; agents
   inferred from activity): the same figures.
3. **Counter advice** on simulated days 20% busier than forecast: live
   mode's advice (checked every 5 minutes: pause cross-selling first, then
   the extra counters advised, closing when nobody waits) against the static
   plan and the emergency counter at a fixed rule, on the same customers
   (paired seeds); also the advice with counters only (no pause).
4. **Speed**: a live update of one hall; the Today page refresh.

    python benchmarks/bench_live.py [--quick] [--floor [--floor-draws R]] [--parts 1,2,3,4]

``--floor`` adds (after part 1) the proven floor under every announcement's RMSE
on the simulated days: each ticket's wait re-simulated R times from the
simulator's whole state at its issue (:mod:`queueopt.wait_floor`), with a
bootstrap interval of its ratio to QL's RMSE next to the 0.8x target.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from queueopt.announce import (
    FEATURES,
    Announced,
    AnnounceRules,
    DayFeatures,
    accuracy,
    announce_day,
    day_features,
    model_floor,
)
from queueopt.day_model import StreamDay, simulate_streams, streams_of
from queueopt.delay import Schedule
from queueopt.forecast import forecast_arrivals
from queueopt.hall_inputs import HallInputs, hall_inputs
from queueopt.io import load_dataset
from queueopt.live import hall_history, replay_day
from queueopt.queue_state import QueueRules, ticket_log
from queueopt.requirements import requirements_for
from queueopt.simulate import lognormal, serve_queue
from queueopt.wait_floor import day_waits, floor_terms, ratio_ci

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "sample"
BANK = ROOT.parent / "shared" / "data" / "anonymous-bank-1999" / "february.txt"
if not BANK.exists():
    BANK = Path("/work/shared/data/anonymous-bank-1999/february.txt")


# ----------------------------------------------------------------- simulated days
def simulate_day_log(inputs: HallInputs, plan: pd.DataFrame, day: dt.date, seed: int, *,
                     demand_factor: float = 1.0, counters: np.ndarray | None = None
                     ) -> pd.DataFrame:
    """One simulated hall-day as a ticket log (README columns), from a plan's rows of one day.

    ``plan`` has ``interval_start, counter_arrivals, kiosk_arrivals, required``
    (a requirements frame); ``counters`` overrides the counters open per interval.
    The day's rules and draws are :mod:`queueopt.day_model`'s.
    """
    runs = simulate_streams(streams_of(inputs, plan, demand_factor=demand_factor,
                                       counters=counters), seed)
    return day_log(inputs.hall_id, day, runs, inputs.types)


def day_log(hall_id: str, day: dt.date, runs: list[StreamDay], types: tuple[str, ...]
            ) -> pd.DataFrame:
    """The ticket log (README columns) of simulated streams; times to the second."""
    frames = []
    for run in runs:
        c, call, server = run.customers, run.call, run.server
        n = len(c)
        ab = np.isnan(call)
        ts = _stamper(pd.Timestamp(day))
        prefix = "C" if run.stream.channel == "counter" else "K"
        frames.append(pd.DataFrame({
            "ticket_id": [f"{hall_id}-{day:%Y%m%d}-{prefix}{i:04d}" for i in range(n)],
            "hall_id": hall_id, "issued_at": ts(c.arrive), "called_at": ts(call),
            "served_end": ts(call + c.service),
            "transaction_type": np.array(types)[c.type_index], "channel": run.stream.channel,
            "server_id": np.where(server >= 0, np.char.add(prefix, np.char.zfill(
                (server + 1).astype(str), 2)), ""),
            "abandoned": ab, "abandoned_at": ts(np.where(ab, c.arrive + c.patience, np.nan)),
            "tier": np.where(c.vip, "vip", "regular")}))
    out = pd.concat(frames, ignore_index=True)
    out["called_at"] = out[["issued_at", "called_at"]].max(axis=1).where(out["called_at"].notna())
    out["served_end"] = out[["called_at", "served_end"]].max(axis=1).where(
        out["served_end"].notna())
    return out


def _stamper(stamp: pd.Timestamp):
    def ts(x: np.ndarray) -> pd.Series:
        return pd.Series(stamp + pd.to_timedelta(np.round(x * 60), unit="s"))
    return ts


def plan_days(ds, hall_id: str, with_forecast: bool = False):  # noqa: ANN201
    """The hall's inputs and its plan for the week after the data, one frame per day
    (and the forecast frames of those days)."""
    inputs = hall_inputs(ds, hall_id)
    fc = forecast_arrivals(ds.footfall_for(hall_id), 7, calendar=ds.calendar,
                           halls={hall_id: ds.hall(hall_id)})
    req = requirements_for(inputs, fc, method="sipp")
    days = pd.to_datetime(req["interval_start"]).dt.date
    plans = [req[days == d].reset_index(drop=True) for d in sorted(days.unique())]
    if not with_forecast:
        return inputs, plans
    fdays = fc["interval_start"].dt.date
    return inputs, plans, [fc[fdays == d].reset_index(drop=True) for d in sorted(days.unique())]


def schedule_of(plan: pd.DataFrame, inputs: HallInputs) -> Schedule:
    """The plan's counters per interval as a :class:`Schedule`."""
    s = pd.to_datetime(plan["interval_start"]).iloc[0]
    return Schedule(start=s.hour * 60 + s.minute, interval=inputs.interval_minutes,
                    counts=np.minimum(plan["required"].to_numpy(np.int64), inputs.counters))


class SimulatedDay(NamedTuple):
    """One replayed simulated hall-day: how it was drawn and what live mode told."""

    hall: str
    day: dt.date
    seed: int
    inputs: HallInputs
    plan: pd.DataFrame
    features: DayFeatures
    told: Announced


def simulated_announcements(ds, halls: list[str], test_days: int, ar: AnnounceRules,
                            replayed: list[SimulatedDay] | None = None) -> pd.DataFrame:
    """Per hall, the accuracy table of the announced waits on simulated days
    (each replayed day appended to ``replayed`` when given)."""
    rows = []
    all_feats, all_told = [], []
    base = dt.date(2027, 1, 4)
    for h_i, hall in enumerate(halls):
        inputs, plans = plan_days(ds, hall)
        n_days = 7 + test_days
        frames, schedules = [], {}
        for i in range(n_days):
            day = base + dt.timedelta(days=i)
            plan = plans[i % len(plans)]
            frames.append(simulate_day_log(inputs, plan, day, seed=1000 * h_i + i))
            schedules[day] = schedule_of(plan, inputs)
        tickets = pd.concat(frames, ignore_index=True)
        types = tuple(ds.transactions)
        hist = hall_history(tickets, base + dt.timedelta(days=7), types,
                            patience=inputs.patience, kiosks=inputs.kiosks or None,
                            arules=ar, days=7, schedules=schedules)
        feats = list(hist.days)
        hall_f, hall_t = [], []
        for i in range(7, n_days):
            day = base + dt.timedelta(days=i)
            f = day_features(ticket_log(tickets, day, types), hist.priors, hist.handling,
                             hist.rules, ar, kiosks=inputs.kiosks or None,
                             schedule=schedules[day], seed=i)
            told = announce_day(f, feats[-7:], ar)
            if replayed is not None:
                replayed.append(SimulatedDay(hall, day, 1000 * h_i + i, inputs,
                                             plans[i % len(plans)], f, told))
            feats.append(f)
            hall_f.append(f)
            hall_t.append(told)
        acc = accuracy(hall_f, hall_t)
        rows.append(_row(hall, acc, model_floor(hall_f)))
        all_feats += hall_f
        all_told += hall_t
        print(f"  simulated {hall}: {_line(acc, model_floor(hall_f))}", flush=True)
    rows.append(_row("all simulated", accuracy(all_feats, all_told), model_floor(all_feats)))
    return pd.DataFrame(rows)


def _row(name: str, acc: pd.DataFrame, floor: float) -> dict[str, object]:
    a = acc.loc["announced"]
    best_les_hol = float(min(acc.loc["LES", "rmse"], acc.loc["HOL", "rmse"]))
    return {"case": name, "customers": int(a["customers"]), "announced_rmse": a["rmse"],
            "QL_rmse": acc.loc["QL", "rmse"], "ratio_to_QL": a["ratio_to_QL"],
            "best_LES_HOL_rmse": best_les_hol,
            "no_worse_than_LES_HOL": bool(a["rmse"] <= best_les_hol),
            "coverage_80": a["coverage_80"], "QL-S_ratio": acc.loc["QL-S", "ratio_to_QL"],
            "model_spread": floor, "spread_ratio": floor / acc.loc["QL", "rmse"],
            "mean_wait": a["mean_wait"],
            **{f"{n}_rmse": acc.loc[n, "rmse"] for n in acc.index if n not in ("announced",)}}


def _line(acc: pd.DataFrame, floor: float) -> str:
    a = acc.loc["announced"]
    return (f"announced RMSE {a['rmse']:.3f} min, QL {acc.loc['QL', 'rmse']:.3f} "
            f"(ratio {a['ratio_to_QL']:.3f}), LES {acc.loc['LES', 'rmse']:.3f}, "
            f"HOL {acc.loc['HOL', 'rmse']:.3f}, QL-S alone {acc.loc['QL-S', 'ratio_to_QL']:.3f}x "
            f"QL, the Monte Carlo's own spread {floor:.3f} "
            f"({floor / acc.loc['QL', 'rmse']:.3f}x QL), coverage {a['coverage_80']:.1%} "
            f"({int(a['customers'])} customers, mean wait {a['mean_wait']:.2f} min)")


# ----------------------------------------------------------------- the proven floor
def floor_sums(d: SimulatedDay, draws: int) -> dict[str, float]:
    """One replayed simulated day's sums behind the floor and the RMSEs it is compared with.

    The day's streams are drawn again from their seed (the same customers as
    the replayed log; checked: every served customer's wait agrees with the
    log's to the second); each ticket's wait is re-simulated ``draws`` times
    from the simulator's state at its issue (:func:`queueopt.wait_floor.floor_terms`).
    Returns sums over the day: ``floor`` (the floor terms, minutes squared),
    ``served``, and the squared errors of QL, LES, HOL, the announcement and
    the oracle (the re-simulated mean, which knows the simulator's state).
    """
    runs = simulate_streams(streams_of(d.inputs, d.plan), d.seed)
    f = d.features
    where = {tid: k for k, tid in enumerate(f.log.ticket_id)}
    ok = f.served & np.isfinite(f.actual)
    out = {"floor": 0.0, "served": float(ok.sum()), "oracle": 0.0, "oracle_bias": 0.0,
           "oracle_missing": 0.0, "draws": 0.0}
    for name in ("QL", "LES", "HOL"):
        p = f.values[:, FEATURES.index(name)]
        out[name] = float(np.sum((p - f.actual)[ok] ** 2))
    out["announced"] = float(np.sum((d.told.wait - f.actual)[ok] ** 2))
    for run in runs:
        prefix = "C" if run.stream.channel == "counter" else "K"
        idx = np.array([where[f"{d.hall}-{d.day:%Y%m%d}-{prefix}{i:04d}"]
                        for i in range(len(run.customers))])
        w, called = day_waits(run)
        if not (np.array_equal(called, ok[idx])
                and np.allclose(w[called], f.actual[idx][called], atol=1e-9)):
            raise AssertionError(f"{d.hall} {d.day} {run.stream.channel}: the day drawn "
                                 "again is not the replayed one")
        ft = floor_terms(run, draws, seed=2 * d.seed + (prefix == "K"))
        out["floor"] += float(ft.term.sum())
        out["draws"] += float(ft.draws.sum())
        mean = ft.mean[called]
        seen = np.isfinite(mean)  # a served ticket none of whose draws was called: left out
        out["oracle"] += float(np.sum((w[called] - mean)[seen] ** 2))
        out["oracle_bias"] += float(np.sum((w[called] - mean)[seen]))
        out["oracle_missing"] += float(np.sum(~seen))
    return out


def proven_floor(days: list[SimulatedDay], draws: int) -> pd.DataFrame:
    """The floor per hall and over all simulated days, with 95% bootstrap intervals (days
    resampled within each hall) of its ratio to QL's RMSE, next to the announcement's."""
    rows = []
    for d in days:
        t0 = time.perf_counter()
        rows.append({"hall": d.hall, "day": d.day, **floor_sums(d, draws)})
        r = rows[-1]
        print(f"   {d.hall} {d.day}: floor {np.sqrt(r['floor'] / r['served']):.3f} min, QL "
              f"{np.sqrt(r['QL'] / r['served']):.3f}, announced "
              f"{np.sqrt(r['announced'] / r['served']):.3f} ({r['served']:.0f} served, "
              f"{r['draws']:.0f} draws, {time.perf_counter() - t0:.0f} s)", flush=True)
    sums = pd.DataFrame(rows)
    out = []
    for name, part in [*sums.groupby("hall"), ("all simulated", sums)]:
        est, lo, hi = ratio_ci(part["floor"].to_numpy(), part["QL"].to_numpy(),
                               part["hall"].to_numpy())
        a_est, a_lo, a_hi = ratio_ci(part["announced"].to_numpy(), part["QL"].to_numpy(),
                                     part["hall"].to_numpy())
        n = part["served"].sum()
        ob = part["oracle_bias"].sum() / (n - part["oracle_missing"].sum())
        # day-clustered standard errors of the two checks: the mean error, and the oracle's
        # squared error less what the floor expects of it
        k = len(part)
        nd = part["served"] - part["oracle_missing"]
        ob_se = np.sqrt(k / max(k - 1, 1) * np.sum((part["oracle_bias"] - ob * nd) ** 2)) / nd.sum()
        gap = part["oracle"] - part["floor"] * (1 + 1 / draws)
        gap_se = np.sqrt(k / max(k - 1, 1) * np.sum((gap - gap.sum() / n * part["served"]) ** 2))
        out.append({"case": name, "days": len(part), "served": int(n),
                    "floor_rmse": np.sqrt(part["floor"].sum() / n),
                    "QL_rmse": np.sqrt(part["QL"].sum() / n),
                    "announced_rmse": np.sqrt(part["announced"].sum() / n),
                    "floor_ratio": est, "floor_lo95": lo, "floor_hi95": hi,
                    "announced_ratio": a_est, "announced_lo95": a_lo, "announced_hi95": a_hi,
                    "best_LES_HOL_ratio": np.sqrt(min(part["LES"].sum(), part["HOL"].sum())
                                                  / part["QL"].sum()),
                    "oracle_rmse": np.sqrt(part["oracle"].sum() / n),
                    "oracle_expected": np.sqrt(part["floor"].sum() / n * (1 + 1 / draws)),
                    "oracle_bias": ob, "oracle_bias_se": ob_se,
                    "oracle_z": gap.sum() / gap_se if gap_se > 0 else 0.0})
    return pd.DataFrame(out)


def print_floor(table: pd.DataFrame, draws: int) -> None:
    """The floor next to the announcement and the 0.8x target, with the verdict."""
    print(f"   ratio to QL's RMSE (95% interval, days resampled within halls; {draws} draws "
          "per ticket):")
    for r in table.itertuples(index=False):
        # the target is on all the simulated days; a hall's few days give a rough interval
        verdict = ("" if r.case != "all simulated" else
                   ": the 0.8x target is PROVABLY OUT OF REACH for any predictor"
                   if r.floor_lo95 > 0.8 else ": 0.8x is not ruled out by the floor")
        print(f"   {r.case} ({r.days} days, {r.served} served): floor {r.floor_rmse:.3f} min = "
              f"{r.floor_ratio:.3f}x QL [{r.floor_lo95:.3f}, {r.floor_hi95:.3f}] | target "
              f"0.800x | announced {r.announced_ratio:.3f}x [{r.announced_lo95:.3f}, "
              f"{r.announced_hi95:.3f}] | best of LES/HOL {r.best_LES_HOL_ratio:.3f}x"
              f"{verdict}")
        print(f"      check: the oracle (the re-simulated mean) has RMSE {r.oracle_rmse:.3f} "
              f"min on the waits that happened (expected {r.oracle_expected:.3f} if the "
              f"re-simulation is the day's law; {r.oracle_z:+.1f} day-clustered standard "
              f"errors), mean error {r.oracle_bias:+.3f} min (standard error "
              f"{r.oracle_bias_se:.3f})")


# ----------------------------------------------------------------- the bank log
def bank_tickets(path: Path) -> pd.DataFrame:
    """The bank log as tickets: i15's importer when present, else the same rules here.

    A queued call is issued at ``q_start``, called at ``q_exit`` (abandoned there
    when it hung up); a served call that never queued is issued and called at
    ``vru_exit``; service lasts ``ser_exit - ser_start``; virtual calls, callers who
    hung up before queueing and calls answered by no named agent are skipped.
    """
    try:
        from queueopt.ingest import import_export, read_mapping  # i15-reallogs
    except ImportError:
        import_export = None
    if import_export is not None:
        with tempfile.TemporaryDirectory() as tmp:
            import_export([path], read_mapping("anonymous-bank"), "BANK", tmp)
            ds = load_dataset(tmp)
            return ds.tickets_of("BANK")
    df = pd.read_csv(path, sep="\t", dtype=str)
    df = df[df["outcome"] != "PHANTOM"]
    day = pd.to_datetime("19" + df["date"], format="%Y%m%d")

    def tm(col: str) -> pd.Series:
        return day + pd.to_timedelta(df[col])
    queued = df["q_start"] != "0:00:00"
    ab = df["outcome"] == "HANG"
    keep = (queued | ~ab) & ~((df["outcome"] == "AGENT") & (df["server"] == "NO_SERVER"))
    issued = tm("q_start").where(queued, tm("vru_exit"))
    called = tm("q_exit").where(queued, issued)
    service = tm("ser_exit") - tm("ser_start")
    service = service.where(service >= pd.Timedelta(0), service + pd.Timedelta(days=1))  # midnight
    out = pd.DataFrame({
        "ticket_id": df["date"] + "-" + df["vru+line"] + "-" + df["call_id"], "hall_id": "BANK",
        "issued_at": issued, "called_at": called.where(~ab), "served_end": (called + service).where(~ab),
        "transaction_type": df["type"], "channel": "counter",
        "server_id": df["server"].where(~ab & (df["server"] != "NO_SERVER"), ""),
        "abandoned": ab.to_numpy(), "abandoned_at": tm("q_exit").where(ab),
        "tier": np.where(df["priority"] == "2", "vip", "regular")})[keep]
    return out.sort_values("issued_at").reset_index(drop=True)


def bank_replay(ar: AnnounceRules, quick: bool) -> pd.DataFrame:
    """Accuracy of the announced waits on the bank log's weekdays."""
    if not BANK.exists():
        print(f"  the bank log is not at {BANK}: skipped")
        return pd.DataFrame()
    tickets = bank_tickets(BANK)
    types = tuple(sorted(tickets["transaction_type"].unique()))
    rules = QueueRules(vip_head_start=1.5)
    days = [d for d in pd.date_range("1999-02-08", "1999-02-25").date
            if d.weekday() in (6, 0, 1, 2, 3)]
    if quick:
        days = days[:3]
    feats, told = [], []
    for day in days:
        hist = hall_history(tickets, day, types, rules=rules, arules=ar, days=7)
        rep = replay_day(tickets, day, hist, hall_id="BANK", every=60.0)
        feats.append(rep.features)
        told.append(rep.told)
        print(f"  bank {day}: {_line(rep.accuracy, model_floor(rep.features))}", flush=True)
    acc = accuracy(feats, told)
    print(f"  bank, {len(days)} weekdays: {_line(acc, model_floor(feats))}")
    return pd.DataFrame([_row(f"bank log, {len(days)} weekdays", acc, model_floor(feats))])


EARLY_DAYS = ("1999-02-02", "1999-02-03", "1999-02-04", "1999-02-07")
"""The bank's Sunday-Thursday days before the judged ones (with 1-6 days of history):
where the announcement's choices are made."""


def bank_early_days() -> None:
    """Part 5: the choices on the bank's earlier days, each variant's accuracy printed
    (the type offsets, the idle gap) and the announcement's mean error per type without
    the offsets."""
    if not BANK.exists():
        print(f"  the bank log is not at {BANK}: skipped")
        return
    tickets = bank_tickets(BANK)
    types = tuple(sorted(tickets["transaction_type"].unique()))
    no_groups = {"agent_groups": False}
    variants = [("no type offsets", AnnounceRules(by_type=0, **no_groups), 15.0),
                ("offsets per type and tier", AnnounceRules(by_type=1, **no_groups), 15.0),
                ("and for those who queue", AnnounceRules(by_type=2, **no_groups), 15.0),
                ("and the agent group (chosen)", AnnounceRules(by_type=2), 15.0),
                ("chosen, one group of all servers", AnnounceRules(by_type=2, group_share=0.0), 15.0),
                ("chosen, groups at a 10% share", AnnounceRules(by_type=2, group_share=0.1), 15.0),
                ("chosen, idle gap 5 min", AnnounceRules(by_type=2), 5.0),
                ("chosen, idle gap 30 min", AnnounceRules(by_type=2), 30.0)]
    for name, ar, gap in variants:
        rules = QueueRules(vip_head_start=1.5, idle_gap=gap)
        feats, told = [], []
        for d in EARLY_DAYS:
            day = dt.date.fromisoformat(d)
            hist = hall_history(tickets, day, types, rules=rules, arules=ar, days=7)
            f = day_features(ticket_log(tickets, day, types), hist.priors, hist.handling,
                             hist.rules, ar)
            feats.append(f)
            told.append(announce_day(f, hist.days, ar))
        acc = accuracy(feats, told)
        a = acc.loc["announced"]
        print(f"   {name}: announced {a['rmse']:.4f} min, QL {acc.loc['QL', 'rmse']:.4f} "
              f"(ratio {a['ratio_to_QL']:.3f}), coverage {a['coverage_80']:.1%} "
              f"({int(a['customers'])} callers)", flush=True)
        if ar.by_type == 0:
            err, ty = [], []
            for f, t in zip(feats, told):
                ok = f.served & np.isfinite(f.actual)
                err.append((t.wait - f.actual)[ok])
                ty.append(np.array(f.log.types)[f.log.type_index[ok]])
            e, k = np.concatenate(err), np.concatenate(ty)
            print("      mean error (told - actual) per type: " + ", ".join(
                f"{c} {e[k == c].mean():+.2f} min ({int(np.sum(k == c))})" for c in types
                if np.any(k == c)) + "; squared mean errors: "
                f"{sum(np.sum(k == c) * e[k == c].mean() ** 2 for c in types if np.any(k == c)) / np.sum(e ** 2):.1%}"
                " of the squared error")


# ----------------------------------------------------------------- counter advice
def _interval_service(arrive: np.ndarray, call: np.ndarray, patience: np.ndarray, start: float,
                      step: int, n_int: int, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Per arrival interval: customers and customers called within the threshold."""
    slot = np.clip(((arrive - start) // step).astype(int), 0, n_int - 1)
    ok = np.isfinite(call) & (call - arrive <= threshold)
    return (np.bincount(slot, minlength=n_int).astype(float),
            np.bincount(slot, weights=ok, minlength=n_int))


def waiting_at(arrive: np.ndarray, call: np.ndarray, patience: np.ndarray,
               at: np.ndarray) -> np.ndarray:
    """Customers waiting at each time of ``at`` (minutes): arrived, not yet called, not yet left."""
    end = np.sort(np.where(np.isfinite(call), call, arrive + patience))
    return (np.searchsorted(arrive, at, "right") - np.searchsorted(end, at, "right")).astype(int)


def advice_day(inputs: HallInputs, plan: pd.DataFrame, fc: pd.DataFrame, fits, seed: int,  # noqa: ANN001
               factor: float, *, every: float = 5.0) -> dict[str, float]:
    """One day busier than forecast under four policies on the same random numbers.

    ``static``: the plan's counters; ``emergency``: plus the duty manager's
    counter when the first in line has waited the threshold, closed when
    nobody waits (its staff-minutes: from opening to that moment);
    ``live`` / ``live_counters``: every ``every`` minutes, live mode's advice
    (:func:`queueopt.advice.advise` on the intraday-updated forecast, the queue
    and the head of the line at that moment) is followed: ``live`` pauses
    cross-selling where advised (customers called while it is paused are
    served without it) and opens the extra counters advised for the current
    interval (``advised`` above the roster, plus the emergency counter when
    advised); ``live_counters`` only opens counters. Extra counters close at
    the first minute the queue is empty, as the emergency counter does;
    their staff-minutes are the counters times the minutes open.
    """
    from queueopt.advice import advise
    from queueopt.intraday import update_forecast

    rng = np.random.default_rng(seed)
    step = inputs.interval_minutes
    starts = pd.to_datetime(plan["interval_start"])
    start = float(starts.iloc[0].hour * 60 + starts.iloc[0].minute)
    n_int = len(plan)
    planned = np.minimum(plan["required"].to_numpy(np.int64), inputs.counters)
    counts = rng.poisson(plan["counter_arrivals"].to_numpy(float) * factor)
    k_counts = rng.poisson(plan["kiosk_arrivals"].to_numpy(float) * factor)
    n = int(counts.sum())
    arrive = np.sort(start + np.repeat(np.arange(n_int), counts) * step + rng.uniform(0, step, n))
    p = inputs.shares * np.where(inputs.kiosk_eligible & (inputs.kiosks > 0),
                                 1 - inputs.kiosk_adoption, 1.0)
    ttype = rng.choice(len(p), n, p=p / p.sum())
    on = inputs.handle_minutes(True)
    service = lognormal(rng, on[ttype], inputs.cv[ttype])
    # the same draw without cross-selling: a lognormal of the same cv scales with its mean
    service_off = service * (inputs.handle_minutes(False) / on)[ttype]
    patience = rng.exponential(inputs.patience or 1e9, n)
    vip = rng.random(n) < inputs.vip_share
    thr, target = inputs.target.threshold, inputs.target.service_level

    out: dict[str, float] = {}

    def score(name: str, call: np.ndarray, extra: float) -> None:
        a, ok = _interval_service(arrive, call, patience, start, step, n_int, thr)
        seen = a > 0
        out[f"{name}_meet"] = float(np.sum(ok[seen] / a[seen] >= target))
        out[f"{name}_extra"] = float(extra)
        out[f"{name}_wait"] = float(np.mean(np.where(np.isfinite(call), call, arrive + patience)
                                            - arrive))
        out["intervals"] = float(seen.sum())

    call, _ = serve_queue(arrive, service, patience, vip, planned, step, start)
    score("static", call, 0.0)
    log: list[tuple[float, float]] = []
    call, _ = serve_queue(arrive, service, patience, vip, planned, step, start,
                          emergency_after=thr, emergency_counters=1, emergency_log=log)
    score("emergency", call, sum(b - a_ for a_, b in log))
    day = starts.iloc[0].normalize()
    hall_arr = counts + k_counts
    sched = Schedule(start, step, planned)
    base = np.repeat(planned, step)  # counters per minute
    upd_by_k = {}
    for name, may_pause in (("live", True), ("live_counters", False)):
        extra = np.zeros(len(base), np.int64)
        paused = np.zeros(n, bool)
        paused_minutes = 0.0

        def run() -> np.ndarray:
            c, _ = serve_queue(arrive, np.where(paused, service_off, service), patience, vip,
                               base + extra, 1.0, start)
            return c
        call = run()
        for t in np.arange(start, start + len(base), every):
            k = int((t - start) // step)
            if k not in upd_by_k:  # the forecast updated with the intervals seen so far
                now = day + pd.Timedelta(minutes=float(start + k * step))
                observed = pd.DataFrame({
                    "hall_id": inputs.hall_id, "interval_start": fc["interval_start"],
                    "arrivals": np.r_[hall_arr[:k], np.zeros(len(fc) - k)]})[:k]
                upd_by_k[k] = update_forecast(fc, observed, now.to_pydatetime(),
                                              fits)[["interval_start", "arrivals"]]
            m = int(t - start)
            known = arrive < t
            waiting = known & ~(call <= t) & ~(arrive + patience <= t)
            head = float(t - arrive[waiting].min()) if waiting.any() else 0.0
            adv = advise(inputs, float(t), upd_by_k[k], waiting=int(waiting.sum()),
                         head_wait=head, counters_open=int(base[m] + extra[m]), planned=sched)
            row = adv.table.iloc[0]
            want = max(int(row["advised"]) - int(planned[k]), 0)
            if want == 0 and any(a.kind == "emergency" for a in adv.actions):
                want = 1  # the duty manager's counter
            pause = may_pause and bool(row["pause_cross_sell"])
            changed = False
            if may_pause:
                todo = ~(call <= t) & (paused != pause)  # not yet called: served as decided now
                if todo.any():
                    paused[todo] = pause
                    changed = True
                paused_minutes += every * pause
            if want > extra[m]:
                extra[m:] = want
                call = run()
                grid = start + np.arange(m + 1, len(base) + 1, dtype=float)
                empty = np.flatnonzero(waiting_at(arrive, call, patience, grid) == 0)
                if len(empty):  # they close at the first minute nobody waits
                    extra[m + 1 + int(empty[0]):] = 0
                changed = True
            if changed:
                call = run()
        score(name, call, float(extra.sum()))
        out[f"{name}_paused_minutes"] = paused_minutes
    return out


def advice_figures(ds, halls: list[str], seeds: int, factor: float = 1.2) -> pd.DataFrame:
    """Sum over halls, days and seeds of the three policies' figures."""
    from queueopt.intraday import fit_intraday

    rows = []
    for h in halls:
        inputs, plans, fcs = plan_days(ds, h, with_forecast=True)
        fits = fit_intraday(ds.footfall_for(h), calendar=ds.calendar)
        for d, (plan, fc) in enumerate(zip(plans, fcs)):
            for s in range(seeds):
                rows.append({"hall": h, **advice_day(inputs, plan, fc, fits,
                                                     seed=10_000 + 100 * d + s, factor=factor)})
        part = pd.DataFrame([r for r in rows if r["hall"] == h]).drop(columns="hall").sum()
        print(f"  {h}: intervals meeting the target static {part['static_meet']:.0f}, emergency "
              f"{part['emergency_meet']:.0f}, live {part['live_meet']:.0f}, live counters only "
              f"{part['live_counters_meet']:.0f} of {part['intervals']:.0f}; extra "
              f"staff-minutes emergency {part['emergency_extra']:.0f}, live "
              f"{part['live_extra']:.0f}, live counters only {part['live_counters_extra']:.0f}",
              flush=True)
    return pd.DataFrame(rows)


def speed(ds) -> None:  # noqa: ANN001
    """A live update of hall H01 and the Today page's refresh (AppTest), median of 5."""
    from queueopt.live import history_for, live_view

    tickets = ds.tickets_of("H01")
    day = dt.date(2026, 11, 20)
    today = tickets[tickets["issued_at"].dt.date == day]
    t0 = time.perf_counter()
    hist = history_for(ds, "H01", day)
    prep = time.perf_counter() - t0
    at = [pd.Timestamp(f"{day} 16:{m:02d}") for m in range(20, 31)]
    cold, upd = [], []
    for i in range(5):
        full = live_view(hist, today, at[2 * i + 1], hall_id="H01")
        cold.append(full.seconds)
        prev = live_view(hist, today, at[2 * i], hall_id="H01")
        upd.append(live_view(hist, today, at[2 * i + 1], hall_id="H01", previous=prev).seconds)
    print(f"   hall H01 ({len(today)} tickets that day), live update at 16:21-16:29: "
          f"{1000 * np.median(upd):.0f} ms median with the previous minute's view kept "
          f"({1000 * np.median(cold):.0f} ms recomputing the whole day so far); the day's "
          f"history (7 days replayed, forecast, intraday rule) {prep:.1f} s once a day")
    try:
        from streamlit.testing.v1 import AppTest
    except ImportError:
        return
    import os

    os.environ.setdefault("QUEUEOPT_DB", str(Path(tempfile.mkdtemp()) / "q.sqlite"))
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    app.session_state["hall"] = "H03"
    app.session_state["region"] = "Foshan"
    app.run()
    t0 = time.perf_counter()
    app.switch_page("queueopt/ui/today_page.py").run()
    first = time.perf_counter() - t0
    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        app.run()
        runs.append(time.perf_counter() - t0)
    assert not app.exception, app.exception
    print(f"   Today page (AppTest, hall H03): first visit {first:.1f} s (prepares the day's "
          f"history), refresh {np.median(runs):.2f} s median of 5")


def advice_part(ds, quick: bool) -> None:  # noqa: ANN001
    """Part 3: the counter advice's figures, printed."""
    print("3. Counter advice on simulated days 20% busier than forecast (paired seeds)")
    t0 = time.perf_counter()
    adv = advice_figures(ds, ["H01", "H04", "H07", "H10"] if not quick else ["H04"],
                         seeds=1 if quick else 3)
    tot = adv.drop(columns="hall").sum()
    print(f"   all ({len(adv)} hall-days): intervals meeting the target: static plan "
          f"{tot['static_meet']:.0f}, emergency counter at a fixed rule "
          f"{tot['emergency_meet']:.0f}, live advice {tot['live_meet']:.0f}, live advice with "
          f"counters only {tot['live_counters_meet']:.0f} (of {tot['intervals']:.0f} intervals "
          f"with customers); extra staff-minutes: emergency {tot['emergency_extra']:.0f}, live "
          f"{tot['live_extra']:.0f}, counters only {tot['live_counters_extra']:.0f}; "
          f"cross-selling paused {tot['live_paused_minutes']:.0f} hall-minutes; mean wait static "
          f"{adv['static_wait'].mean():.2f}, emergency {adv['emergency_wait'].mean():.2f}, live "
          f"{adv['live_wait'].mean():.2f}, counters only {adv['live_counters_wait'].mean():.2f} "
          f"min ({time.perf_counter() - t0:.0f} s)")
    for name, label in (("live", "live advice"), ("live_counters", "counters only")):
        print(f"   {label}: >= static intervals "
              f"{'met' if tot[f'{name}_meet'] >= tot['static_meet'] else 'MISSED'}; extra "
              f"staff-minutes < emergency's "
              f"{'met' if tot[f'{name}_extra'] < tot['emergency_extra'] else 'MISSED'}; >= "
              f"emergency intervals {'yes' if tot[f'{name}_meet'] >= tot['emergency_meet'] else 'no'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer days (a smoke run)")
    parser.add_argument("--floor", action="store_true",
                        help="also the proven floor under any announcement's RMSE on the "
                             "simulated days (re-simulating every ticket; a few minutes more)")
    parser.add_argument("--floor-draws", type=int, default=200, metavar="R",
                        help="re-simulations per ticket for --floor (default 200)")
    parser.add_argument("--days", type=int, default=7, metavar="N",
                        help="simulated days replayed per hall in part 1 (default 7)")
    parser.add_argument("--parts", default="1,2,3,4",
                        help="parts to run, comma-separated (1 simulated days, 2 the bank log, "
                             "3 counter advice, 4 speed, 5 the bank's earlier days where the "
                             "announcement's choices are made; default 1-4)")
    args = parser.parse_args(argv)
    parts = {p.strip() for p in args.parts.split(",")}
    ar = AnnounceRules()
    ds = load_dataset(DATA)
    sim = bank = pd.DataFrame()
    if "1" in parts:
        print("1. Announced wait on simulated days (7 history + replayed days per hall)")
        t0 = time.perf_counter()
        replayed: list[SimulatedDay] = []
        sim = simulated_announcements(ds, ["H01", "H04", "H07", "H10"] if not args.quick
                                      else ["H04"], 2 if args.quick else args.days, ar,
                                      replayed)
        print(f"   ({time.perf_counter() - t0:.0f} s)")
        if args.floor:
            print("1b. The proven floor: sqrt(E[Var(wait | the simulator's whole state at the "
                  "ticket)]), re-simulated from each ticket's state with fresh draws")
            t0 = time.perf_counter()
            print_floor(proven_floor(replayed, args.floor_draws), args.floor_draws)
            print(f"   ({time.perf_counter() - t0:.0f} s)")
    if "2" in parts:
        print("2. The bank log replayed as if live")
        bank = bank_replay(ar, args.quick)
    if "5" in parts:
        print("5. The bank's days before the judged ones (2-7 February): the choices")
        bank_early_days()
    if "3" in parts:
        advice_part(ds, args.quick)
    if "4" in parts:
        print("4. Speed")
        speed(ds)
    table = pd.concat([sim, bank], ignore_index=True)
    if table.empty:
        return 0
    cols = ["case", "customers", "mean_wait", "announced_rmse", "QL_rmse", "ratio_to_QL",
            "QL-S_ratio", "spread_ratio", "best_LES_HOL_rmse", "no_worse_than_LES_HOL",
            "coverage_80"]
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(table[cols].to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    for r in table.itertuples(index=False):
        ok_ratio = r.ratio_to_QL <= 0.8
        ok_cov = 0.75 <= r.coverage_80 <= 0.85
        print(f"   {r.case}: ratio to QL {r.ratio_to_QL:.3f} ({'met' if ok_ratio else 'MISSED'} "
              f"<= 0.8), no worse than LES/HOL: {'yes' if r.no_worse_than_LES_HOL else 'NO'}, "
              f"coverage {r.coverage_80:.1%} ({'met' if ok_cov else 'MISSED'} 75-85%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
