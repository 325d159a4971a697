"""``queueopt validate DIR``: check a data directory and list every problem."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from queueopt.io import load_dataset
from queueopt.quarantine import write_quarantine


def register(sub: Any) -> None:
    """Add the ``validate`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "validate", help="check a data directory and list every problem",
        description="Check every file of a data directory (README formats) and list every "
                    "problem with its file, row and column. Bad ticket rows are set aside (listed, "
                    "and written with --quarantine FILE) while they are at most policy.toml's "
                    "max_bad_share (default 0.5%%). Exit code 0 when valid, 2 otherwise.")
    p.add_argument("data", metavar="DIR", help="data directory (halls.csv, tickets.csv, ...)")
    p.add_argument("--quarantine", metavar="FILE",
                   help="write the ticket rows set aside (file, row, column, reason) to FILE; "
                        "validate writes nothing otherwise")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Validate ``args.data``; a DataError propagates to the CLI's handler (exit 2)."""
    ds = load_dataset(args.data)
    n_tickets = 0 if ds.tickets is None else len(ds.tickets)
    n_foot = 0 if ds.footfall is None else len(ds.footfall)
    print(f"{args.data}: valid: {len(ds.halls)} halls, {len(ds.transactions)} transaction types, "
          f"{len(ds.staff)} staff, {n_tickets} tickets, {n_foot} footfall rows", file=sys.stdout)
    q = ds.quarantine
    if q is not None and q.entries:
        print(f"  {q.summary()}:")
        for r, c, m in sorted(q.entries)[:10]:
            print(f"    row {r}, column {c!r}: {m}")
        if len(q.entries) > 10:
            print(f"    ... {len(q.entries) - 10} more" + ("" if args.quarantine else
                                                          " (--quarantine FILE lists them all)"))
        if args.quarantine:
            print(f"  written to {write_quarantine([q], Path(args.quarantine))}")
    if ds.tickets is not None:
        for hall_id in ds.halls:
            if len(ds.tickets_of(hall_id)):
                print(f"  {ds.arrivals_for(hall_id, ds.policy.interval_minutes).summary()}")
    return 0
