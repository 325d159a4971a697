"""``queueopt synth``: generate a synthetic region (the sample, or N halls for benchmarks)."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from queueopt.synth import generate_region


def register(sub: Any) -> None:
    """Add the ``synth`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "synth", help="generate a synthetic region (seeded, calibrated to the README's Domain notes)",
        description="Write halls, transactions, staff, policy and a ticket log (or footfall "
                    "counts only) for N halls. The defaults regenerate data/sample exactly.")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--halls", type=int, default=12)
    p.add_argument("--weeks", type=int, default=16)
    p.add_argument("--end", default="2026-11-22", metavar="YYYY-MM-DD", help="last day of history")
    p.add_argument("--seed", type=int, default=20261122)
    p.add_argument("--footfall-only", action="store_true",
                   help="write footfall counts instead of a ticket log (fast, for thousands of halls)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Generate and write."""
    if not (1 <= args.halls <= 10_000 and 1 <= args.weeks <= 260):  # bounded memory and time
        raise ValueError("--halls must be 1-10000 and --weeks 1-260")
    try:
        end = dt.date.fromisoformat(args.end)
    except ValueError:
        raise ValueError(f"--end {args.end!r} is not a date YYYY-MM-DD") from None
    region = generate_region(n_halls=args.halls, weeks=args.weeks, end=end, seed=args.seed,
                             with_tickets=not args.footfall_only)
    out = region.write(args.out)
    written = region.tickets if region.tickets is not None else region.footfall
    rows = 0 if written is None else len(written)
    print(f"wrote {args.halls} halls, {len(region.staff)} staff and {rows:,} "
          f"{'tickets' if region.tickets is not None else 'footfall rows'} to {out}")
    return 0
