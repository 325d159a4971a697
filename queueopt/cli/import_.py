"""``queueopt import``: bring a hall's own export in as ``tickets.csv`` (+ scaffolding)."""

from __future__ import annotations

import argparse
from typing import Any

from queueopt.ingest import BUILTIN_MAPPINGS, import_export, read_mapping


def register(sub: Any) -> None:
    """Add the ``import`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "import", help="convert a queue-system export into tickets.csv (documented mapping)",
        description="Convert export files into DIR/tickets.csv by a documented mapping "
                    "(queueopt/mappings/*.toml). Bad rows go to DIR/quarantine.csv (file, row, "
                    "column, reason) and the import goes on while they are at most "
                    "--max-bad-share of the rows; DIR/import_report.json accounts for every row. "
                    "Missing halls.csv, transactions.csv, staff.csv and policy.toml are written "
                    "so validate, forecast, backtest, staff and plan run on DIR.")
    p.add_argument("files", nargs="+", metavar="FILE", help="export files (plain or .gz)")
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--format", choices=BUILTIN_MAPPINGS, help="a built-in mapping")
    how.add_argument("--mapping", metavar="FILE", help="a mapping file for another system's export")
    p.add_argument("--hall", required=True, metavar="ID", help="hall the tickets belong to")
    p.add_argument("--out", required=True, metavar="DIR", help="data directory to write")
    p.add_argument("--max-bad-share", type=float, default=0.005, metavar="SHARE",
                   help="largest share of bad rows set aside (0-1, default 0.005 = 0.5%%)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Import and print where every row went."""
    if not 0 <= args.max_bad_share <= 1:
        raise ValueError(f"--max-bad-share {args.max_bad_share} must be between 0 and 1")
    mapping = read_mapping(args.mapping or args.format)
    report = import_export(args.files, mapping, args.hall, args.out,
                           max_bad_share=args.max_bad_share)
    print(f"{args.out}: {report.summary()}")
    return 0
