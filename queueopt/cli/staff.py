"""``queueopt staff``: counters and kiosks needed per interval for the next days."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from queueopt.forecast import forecast_arrivals
from queueopt.io import load_dataset
from queueopt.staffing import METHODS, PeakPolicy, hall_requirements


def register(sub: Any) -> None:
    """Add the ``staff`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "staff", help="counters needed per interval to meet the service target",
        description="Forecast the hall's arrivals and turn policy.toml's service target into "
                    "counters per interval that hold through the day (checked by simulation), "
                    "with kiosk waits and predicted service level.")
    p.add_argument("--data", required=True, metavar="DIR", help="data directory")
    p.add_argument("--hall", required=True, metavar="ID", help="hall_id")
    p.add_argument("--days", type=int, default=7, help="days to plan (default 7)")
    p.add_argument("--method", default="auto", choices=METHODS, help="staffing method")
    p.add_argument("--kiosk-adoption", type=float, default=None,
                   help="share of kiosk-eligible customers using kiosks (default: measured)")
    p.add_argument("--pause-cross-sell", action="store_true",
                   help="pause cross-selling all day (shorter handling times)")
    p.add_argument("--fast-lane", action="store_true", help="fast-lane counter for quick types")
    p.add_argument("--out", required=True, metavar="FILE", help="output CSV")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Forecast, staff, write the CSV and print the staff-hours."""
    ds = load_dataset(args.data)
    if ds.policy.interval_minutes != 15 and args.days < 1:
        raise ValueError("--days must be >= 1")
    fc = forecast_arrivals(ds.footfall_for(args.hall, ds.policy.interval_minutes), args.days,
                           calendar=ds.calendar, halls=ds.halls)
    policy = PeakPolicy(kiosk_adoption=args.kiosk_adoption,
                        cross_sell_paused="all" if args.pause_cross_sell else frozenset(),
                        fast_lane=args.fast_lane)
    req = hall_requirements(ds, args.hall, fc, policy=policy, method=args.method)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    req.to_csv(out, index=False, date_format="%Y-%m-%d %H:%M")
    hours = req["staff"].sum() * ds.policy.interval_minutes / 60
    over = req[req["required"] > ds.hall(args.hall).counters]
    print(f"wrote {len(req)} intervals to {out}: {hours:.1f} counter staff-hours, "
          f"peak {req['required'].max()} counters, worst predicted service level "
          f"{req['service_level'].min():.1%}")
    if len(over):
        print(f"warning: {len(over)} interval(s) need more than the hall's "
              f"{ds.hall(args.hall).counters} counters", file=sys.stderr)
    return 0
