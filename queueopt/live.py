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
from dataclasses import dataclass

import numpy as np
import pandas as pd

from queueopt.announce import AnnounceRules, DayFeatures, day_features
from queueopt.calibrate import calibrate
from queueopt.delay import DelayPriors, Handling
from queueopt.queue_state import QueueRules, ticket_log

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
                 days: int = HISTORY_DAYS, seed: int = 0) -> HallHistory:
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
    feats = tuple(day_features(ticket_log(before, d, types), priors, handling, r, ar,
                               kiosks=kiosks, seed=seed + i) for i, d in enumerate(past))
    return HallHistory(day=day, priors=priors, handling=handling, days=feats, rules=r,
                       arules=ar, kiosks=kiosks)
