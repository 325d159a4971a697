"""``queueopt backtest FOOTFALL.csv``: rolling-origin scores against two baselines."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pandas as pd

from queueopt.backtest import backtest
from queueopt.calendar import HallCalendar
from queueopt.errors import DataError
from queueopt.io import _Problems, find_file, load_dataset, read_footfall


def register(sub: Any) -> None:
    """Add the ``backtest`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "backtest", help="score the forecast against seasonal-naive baselines",
        description="Rolling-origin backtest: WAPE, bias and 80%% coverage of queueopt's "
                    "forecast vs seasonal naive (same time last week) and the mean of the "
                    "last four same weekdays. Input: a footfall CSV (README format) or a "
                    "data directory (its tickets or footfall, and its policy's calendar and "
                    "weekend; days with no data at all are skipped, not zeros).")
    p.add_argument("footfall", metavar="FOOTFALL.csv")
    p.add_argument("--days", type=int, default=7, help="horizon in days (1-7, default 7)")
    p.add_argument("--folds", type=int, default=4, help="rolling origins (default 4)")
    p.add_argument("--country", default="CN", help="holiday calendar (default CN)")
    p.set_defaults(func=run)


def _from_directory(path: Path) -> tuple[pd.DataFrame, HallCalendar, str]:
    """A data directory's arrivals per interval (gap days left out) and its calendar."""
    ds = load_dataset(path)
    frames, gaps = [], 0
    for hall_id in ds.halls:
        if len(ds.tickets_of(hall_id)):
            gaps += len(ds.arrivals_for(hall_id, ds.policy.interval_minutes).gap_days)
        try:
            frames.append(ds.footfall_for(hall_id, ds.policy.interval_minutes))
        except ValueError:
            continue  # a hall without arrivals is not backtested
    if not frames:
        raise FileNotFoundError(f"{path} holds neither tickets nor footfall")
    note = f"; {gaps} gap day(s) with no data skipped" if gaps else ""
    return pd.concat(frames, ignore_index=True), ds.calendar, note


def run(args: argparse.Namespace) -> int:
    """Read, validate, backtest and print the table."""
    path = Path(args.footfall)
    note = ""
    if path.is_dir() and (path / "halls.csv").is_file():
        # a whole data directory: its tickets or footfall, its policy's calendar and weekend
        frame, calendar, note = _from_directory(path)
        result = backtest(frame, args.days, args.folds, calendar=calendar)
        return _print(result, args, frame, note)
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
    return _print(result, args, frame, note)


def _print(result: Any, args: argparse.Namespace, frame: pd.DataFrame, note: str) -> int:
    table = result.summary()
    print(f"rolling-origin backtest: {args.folds} folds x {args.days} days, "
          f"{frame['hall_id'].nunique()} series{note}")
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    return 0
