"""Simulated ticket logs and a one-hall data directory for the live-mode tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from queueopt.export import write_csv
from queueopt.simulate import serve_queue


def sim_day(day: dt.date, seed: int, counters: int = 3, rate: float = 0.7,
             handle: float = 4.0, patience: float = 10.0) -> pd.DataFrame:
    """A simulated hall-day (08:00-18:00, a midday peak) as a ticket log, via serve_queue."""
    rng = np.random.default_rng(seed)
    minutes = np.arange(480, 1080, 15.0)
    lam = rate * (1 + 0.5 * np.sin((minutes - 480) / 600 * np.pi))
    counts = rng.poisson(lam * 15)
    arrive = np.sort(np.repeat(minutes, counts) + rng.uniform(0, 15, counts.sum()))
    n = len(arrive)
    service = rng.exponential(handle, n)
    pat = rng.exponential(patience, n)
    vip = rng.random(n) < 0.1
    call, server = serve_queue(arrive, service, pat, vip, np.full(len(minutes), counters), 15.0, 480.0)
    stamp = pd.Timestamp(day)

    def ts(x: np.ndarray) -> pd.Series:
        return pd.Series(stamp + pd.to_timedelta(x, unit="min"))
    ab = np.isnan(call)
    return pd.DataFrame({
        "ticket_id": [f"T{day:%d}-{i}" for i in range(n)], "hall_id": "H",
        "issued_at": ts(arrive), "called_at": ts(call), "served_end": ts(call + service),
        "transaction_type": np.where(rng.random(n) < 0.5, "A", "B"), "channel": "counter",
        "server_id": np.where(server >= 0, np.char.add("C", server.astype(str)), ""),
        "abandoned": ab, "abandoned_at": ts(np.where(ab, arrive + pat, np.nan)),
        "tier": np.where(vip, "vip", "regular")})



def write_small_dir(root: Path) -> Path:
    """One hall "H" (5 counters, 08:00-18:00 daily): tickets.csv of 2-10 November 2026
    (simulated) and today.csv, the log of 11 November as exported at 11:00."""
    hours = {f"hours_{d}": "08:00-18:00" for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    write_csv(pd.DataFrame([{"hall_id": "H", "name": "Small", "region": "R", "kind": "main",
                             "counters": 5, "kiosks": 0, **hours, "hours_holiday": "closed"}]),
              root / "halls.csv", index=False)
    write_csv(pd.DataFrame({"transaction_type": ["A", "B"], "name": ["A", "B"],
                            "mean_minutes": [4.0, 4.0], "cv": [1.0, 1.0],
                            "kiosk_eligible": [0, 0], "kiosk_minutes": [4.0, 4.0],
                            "cross_sell_minutes": [0.0, 0.0]}), root / "transactions.csv",
              index=False)
    (root / "policy.toml").write_text("patience_minutes = 10\n", encoding="utf-8")
    log = pd.concat([sim_day(dt.date(2026, 11, d), 100 + d) for d in range(2, 12)],
                    ignore_index=True)
    text = log.copy()
    for c in ("issued_at", "called_at", "served_end", "abandoned_at"):
        text[c] = text[c].dt.strftime("%Y-%m-%d %H:%M:%S").fillna("")
    text["abandoned"] = text["abandoned"].astype(int)
    write_csv(text[text["issued_at"] < "2026-11-11"], root / "tickets.csv", index=False)
    today = text[text["issued_at"].str.startswith("2026-11-11")].copy()
    today = today[today["issued_at"] < "2026-11-11 11:00"]   # the export at 11:00
    for c in ("called_at", "served_end", "abandoned_at"):
        today.loc[today[c] > "2026-11-11 11:00", c] = ""
    today.loc[(today["abandoned"] == 1) & (today["abandoned_at"] == ""), "abandoned"] = 0
    write_csv(today, root / "today.csv", index=False)
    return root
