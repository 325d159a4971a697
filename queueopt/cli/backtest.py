"""``queueopt backtest FOOTFALL.csv``: rolling-origin scores against two baselines."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from queueopt.backtest import backtest
from queueopt.errors import DataError
from queueopt.io import _Problems, find_file, read_footfall


def register(sub: Any) -> None:
    """Add the ``backtest`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "backtest", help="score the forecast against seasonal-naive baselines",
        description="Rolling-origin backtest: WAPE, bias and 80%% coverage of queueopt's "
                    "forecast vs seasonal naive (same time last week) and the mean of the "
                    "last four same weekdays. Input: a footfall CSV (README format) or a "
                    "data directory holding footfall.csv.")
    p.add_argument("footfall", metavar="FOOTFALL.csv")
    p.add_argument("--days", type=int, default=7, help="horizon in days (1-7, default 7)")
    p.add_argument("--folds", type=int, default=4, help="rolling origins (default 4)")
    p.add_argument("--country", default="CN", help="holiday calendar (default CN)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Read, validate, backtest and print the table."""
    path = Path(args.footfall)
    if path.is_dir():
        found = find_file(path, "footfall")
        if found is None:
            raise FileNotFoundError(f"{path} holds no footfall.csv")
        path = found
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist")
    problems = _Problems()
    frame = read_footfall(path, problems, {})
    if problems.items or frame is None:
        raise DataError(problems.items)
    result = backtest(frame, args.days, args.folds, country=args.country)
    table = result.summary()
    print(f"rolling-origin backtest: {args.folds} folds x {args.days} days, "
          f"{frame['hall_id'].nunique()} series")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    return 0
