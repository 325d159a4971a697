"""``queueopt validate DIR``: check a data directory and list every problem."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from queueopt.io import load_dataset


def register(sub: Any) -> None:
    """Add the ``validate`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "validate", help="check a data directory and list every problem",
        description="Check every file of a data directory (README formats) and list every "
                    "problem with its file, row and column. Exit code 0 when valid, 2 otherwise.")
    p.add_argument("data", metavar="DIR", help="data directory (halls.csv, tickets.csv, ...)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Validate ``args.data``; a DataError propagates to the CLI's handler (exit 2)."""
    ds = load_dataset(args.data)
    n_tickets = 0 if ds.tickets is None else len(ds.tickets)
    n_foot = 0 if ds.footfall is None else len(ds.footfall)
    print(f"{args.data}: valid: {len(ds.halls)} halls, {len(ds.transactions)} transaction types, "
          f"{len(ds.staff)} staff, {n_tickets} tickets, {n_foot} footfall rows", file=sys.stdout)
    return 0
