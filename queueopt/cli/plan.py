"""``queueopt plan``: forecast -> requirements -> roster -> simulated check for one hall-week."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from queueopt.io import load_dataset
from queueopt.pipeline import plan_hall
from queueopt.rules import parse_roster
from queueopt.scheduling import DEFAULT_TIME_LIMIT_S


def register(sub: Any) -> None:
    """Add the ``plan`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "plan", help="plan a hall-week: requirements, roster, counters, summary",
        description="Forecast a hall's week, turn the service target into counters per "
                    "interval, build a named roster with flexible shifts and a counter-opening "
                    "plan, and check it by simulation. Writes requirements.csv, roster.csv, "
                    "counters.csv, summary.json and roster.xlsx into OUTDIR.")
    p.add_argument("--data", required=True, metavar="DIR", help="data directory")
    p.add_argument("--hall", required=True, metavar="ID", help="hall_id")
    p.add_argument("--week", metavar="YYYY-MM-DD",
                   help="first day of the week (default: the first Monday after the data ends)")
    p.add_argument("--out", required=True, metavar="OUTDIR", help="output directory")
    p.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT_S,
                   help="roster work budget in CP-SAT deterministic seconds (about seconds "
                        f"on an idle core; default {DEFAULT_TIME_LIMIT_S:g}); the same inputs and "
                        "budget give the same roster")
    p.add_argument("--locked", metavar="ROSTER.csv",
                   help="roster.csv rows to keep as they are (a manager's locked shifts)")
    p.add_argument("--seed", type=int, default=0, help="solver and simulation seed")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Plan and write the files; print the summary."""
    if Path(args.out).exists() and not Path(args.out).is_dir():  # say so before planning
        raise ValueError(f"--out {args.out} is a file; give a folder (created when missing)")
    ds = load_dataset(args.data)
    week = None
    if args.week:
        try:
            week = dt.date.fromisoformat(args.week)
        except ValueError:
            raise ValueError(f"--week {args.week!r} is not a date YYYY-MM-DD") from None
    locked = []
    if args.locked:
        import pandas as pd

        path = Path(args.locked)
        if not path.is_file():
            raise FileNotFoundError(f"{path} does not exist")
        locked = parse_roster(pd.read_csv(path, dtype=str), path.name)
    plan = plan_hall(ds, args.hall, week, time_limit_s=args.time_limit, seed=args.seed,
                     locked=locked)
    out = plan.write(args.out)
    s = plan.summary
    print(f"hall {args.hall}, week of {s.week_start}: {s.headline()}; predicted service level "
          f"{s.predicted_service_level:.1%}")
    if args.hall in ds.corrections:  # the wait model corrected on this hall's own log
        print(f"model correction: {ds.corrections[args.hall].describe()} (corrections.json)")
    for line in s.binding:
        print(f"note: {line}", file=sys.stderr)
    print(f"wrote {out}/requirements.csv, roster.csv, counters.csv, summary.json, roster.xlsx")
    return 0
