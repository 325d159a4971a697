"""``queueopt staff``: counters and kiosks per interval for a hall's next days."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    """Add the ``staff`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "staff", help="counters needed per interval (forecast -> requirements, simulation-checked)",
        description="Forecast a hall's arrivals for the days after its data and compute the "
                    "counters each interval needs to meet the target in policy.toml, checked "
                    "by simulation; kiosks, fast lane and VIP counter reported with them.")
    p.add_argument("--data", required=True, metavar="DIR", help="data directory")
    p.add_argument("--hall", required=True, metavar="ID", help="hall_id")
    p.add_argument("--days", type=int, default=7, help="days to plan (default 7)")
    p.add_argument("--out", required=True, metavar="FILE", help="output CSV")
    p.add_argument("--method", default="auto", choices=("auto", "sipp", "mol", "simulation"),
                   help="staffing method (default auto: the cheapest plan that meets the "
                        "target in every simulated interval)")
    p.add_argument("--replications", type=int, default=None,
                   help="simulated days per check (default: about 30,000 customers per check)")
    p.add_argument("--pause-cross-sell", nargs="?", const="all", default="never",
                   choices=("never", "peak", "all"),
                   help="pause cross-selling: never (default), 'peak' (each day's busiest two "
                        "hours) or 'all' day (the flag alone means all)")
    p.add_argument("--fast-lane", action="store_true", help="quick transactions get their own counter")
    p.add_argument("--vip-counter", action="store_true", help="VIP customers get a dedicated counter")
    p.add_argument("--kiosk-adoption", type=float, default=None, metavar="SHARE",
                   help="share of kiosk-eligible customers using a kiosk (default: measured)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Forecast, compute the requirements and write the CSV."""
    import pandas as pd

    from queueopt.export import write_csv
    from queueopt.forecast import forecast_arrivals
    from queueopt.io import load_dataset
    from queueopt.peak import peak_mask
    from queueopt.requirements import PeakPolicy, hall_requirements

    if args.days < 1:
        raise ValueError(f"--days={args.days} must be >= 1")
    if args.replications is not None and args.replications < 1:
        raise ValueError(f"--replications={args.replications} must be >= 1")
    ds = load_dataset(args.data)
    ds.hall(args.hall)
    interval = ds.policy.interval_minutes
    hist = ds.footfall_for(args.hall, interval_minutes=interval)
    fc = forecast_arrivals(hist, args.days, calendar=ds.calendar, halls=ds.halls)
    paused: frozenset[pd.Timestamp] | str = frozenset()
    if args.pause_cross_sell == "all":
        paused = "all"
    elif args.pause_cross_sell == "peak":
        paused = frozenset(pd.DatetimeIndex(fc.loc[peak_mask(fc), "interval_start"]))
    policy = PeakPolicy(kiosk_adoption=args.kiosk_adoption, cross_sell_paused=paused,
                        fast_lane=args.fast_lane, vip_counter=args.vip_counter)
    req = hall_requirements(ds, args.hall, fc, policy=policy, method=args.method,
                            replications=args.replications)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_csv(req, out, index=False, date_format="%Y-%m-%d %H:%M", float_format="%.4f")
    hours = req["staff"].sum() * interval / 60
    target = ds.policy.target
    worst = req.loc[req["counter_arrivals"] > 0, "service_level"].min()
    print(f"wrote {len(req)} intervals to {out}: {hours:.1f} staff-hours over {args.days} day(s), "
          f"peak {req['required'].max()} counters (hall has {ds.hall(args.hall).counters}); "
          f"worst interval predicts {worst:.1%} within {target.threshold:g} min "
          f"(target {target.service_level:.0%}), method {req['method'].iloc[0]}", file=sys.stdout)
    if args.hall in ds.corrections:  # the wait model corrected on this hall's own log
        print(f"model correction: {ds.corrections[args.hall].describe()} (corrections.json)")
    over = int((req["required"] > ds.hall(args.hall).counters).sum())
    if over:
        print(f"warning: {over} interval(s) need more counters than the hall has", file=sys.stderr)
    return 0
