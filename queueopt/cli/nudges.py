"""``queueopt nudges``: the week's poster (PNG, SVG, PDF) and customer messages (CSV)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pandas as pd

from queueopt.export import write_csv
from queueopt.forecast import forecast_arrivals
from queueopt.io import load_dataset
from queueopt.nudges import messages, usual_waits, windows, windows_by_day_type
from queueopt.poster import render_poster
from queueopt.requirements import hall_requirements


def register(sub: Any) -> None:
    """Add the ``nudges`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "nudges", help="off-peak poster and messages for next week",
        description="Busy and quiet windows of next week from the forecast and the waits "
                    "customers usually have at those hours (ticket log): a poster (poster.png, .svg, .pdf) and messages.csv in Chinese "
                    "and English.")
    p.add_argument("--data", required=True, metavar="DIR")
    p.add_argument("--hall", required=True, metavar="ID")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--hours", type=int, default=2, help="window length in hours (default 2)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Write the poster and the messages."""
    ds = load_dataset(args.data)
    hall = ds.hall(args.hall)
    fc = forecast_arrivals(ds.footfall_for(args.hall), 7, calendar=ds.calendar, halls=ds.halls)
    if len(ds.tickets_of(args.hall)):
        # what customers usually wait at that weekday and time (from the ticket log)
        frame = usual_waits(ds.tickets_of(args.hall), fc)[["interval_start", "arrivals", "mean_wait"]]
    else:  # no ticket log: the waits predicted for the planned counters
        req = hall_requirements(ds, args.hall, fc, method="sipp")
        frame = req[["interval_start", "arrivals", "mean_wait"]]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    poster = render_poster(frame, out / "poster", hall_name=hall.name)
    wins = windows(frame, args.hours)
    msgs = pd.concat([messages(wins, hall_name=hall.name, lang="zh"),
                      messages(wins, hall_name=hall.name, lang="en")], ignore_index=True)
    write_csv(msgs, out / "messages.csv", index=False, encoding="utf-8")
    tickets = ds.tickets_of(args.hall)
    if len(tickets):  # the hall's rhythm by day type, from its own ticket log
        from queueopt.calibrate import observed_waits

        obs = observed_waits(tickets, interval_minutes=ds.policy.interval_minutes)
        dates = sorted(set(obs["interval_start"].dt.date))
        kinds = dict(zip(dates, ds.calendar.day_kinds(dates)))
        by_type = windows_by_day_type(obs[["interval_start", "arrivals", "mean_wait"]], kinds,
                                      args.hours)
        write_csv(by_type, out / "windows_by_day_type.csv", index=False)
        print(by_type.to_string(index=False))
    print(f"wrote {', '.join(p.name for p in poster.files)} and messages.csv ({len(msgs)} "
          f"messages) to {out}" + ("" if poster.chinese else "; no CJK font: poster in English only"))
    print(msgs[msgs["language"] == "en"]["text"].iloc[0])
    return 0
