"""``queueopt forecast``: next days' footfall per interval for one hall."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from queueopt.export import write_csv
from queueopt.forecast import forecast_arrivals
from queueopt.io import load_dataset


def register(sub: Any) -> None:
    """Add the ``forecast`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "forecast", help="forecast a hall's arrivals per interval with 80%% intervals",
        description="Forecast arrivals per interval (mean, lo80, hi80) for the days after the "
                    "hall's last day of data. The data directory is validated first.")
    p.add_argument("--data", required=True, metavar="DIR", help="data directory")
    p.add_argument("--hall", required=True, metavar="ID", help="hall_id")
    p.add_argument("--days", type=int, default=7, help="days to forecast (default 7)")
    p.add_argument("--interval", type=int, default=15, choices=(15, 30, 60),
                   help="interval length in minutes (default 15)")
    p.add_argument("--out", required=True, metavar="FILE", help="output CSV")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Forecast and write the CSV."""
    ds = load_dataset(args.data)
    hist = ds.footfall_for(args.hall, interval_minutes=args.interval)
    fc = forecast_arrivals(hist, args.days, calendar=ds.calendar, halls=ds.halls)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_csv(fc, out, index=False, date_format="%Y-%m-%d %H:%M")
    peak = fc.loc[fc["arrivals"].idxmax()]
    print(f"wrote {len(fc)} intervals to {out}; busiest interval {peak['interval_start']:%a %Y-%m-%d %H:%M} "
          f"with {peak['arrivals']:.1f} arrivals (80% interval {peak['lo80']:.0f}-{peak['hi80']:.0f})",
          file=sys.stdout)
    if ds.tickets is not None and len(ds.tickets_of(args.hall)):
        gaps = ds.arrivals_for(args.hall, args.interval).gap_days
        if gaps:  # open days with no ticket at all: missing data, left out of the fit
            print(f"note: {len(gaps)} gap day(s) with no data skipped (not counted as zero): "
                  f"{', '.join(str(d) for d in gaps[:5])}{' ...' if len(gaps) > 5 else ''}")
    if fc["warning"].astype(bool).any():
        print(f"warning: {fc['warning'].iloc[0]}", file=sys.stderr)
    return 0
