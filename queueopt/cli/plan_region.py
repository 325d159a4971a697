"""``queueopt plan-region``: plan every hall of a region in parallel, resumably."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from queueopt.export import write_csv
from queueopt.io import load_dataset
from queueopt.runner import HallOutcome, outcomes_frame, run_halls


def register(sub: Any) -> None:
    """Add the ``plan-region`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "plan-region", help="plan every hall of a region (processes or a Dask cluster)",
        description="Forecast, requirements, roster and simulated check for every hall, in "
                    "parallel. Rerunning skips halls already planned with the same inputs; a "
                    "failing hall is reported and does not stop the others.")
    p.add_argument("--data", metavar="DIR", help="data directory")
    p.add_argument("--region", help="only the halls of this region")
    p.add_argument("--week", metavar="YYYY-MM-DD", help="first day of the week")
    p.add_argument("--out", required=True, metavar="DIR", help="output directory")
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: cores)")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="Dask scheduler address")
    p.add_argument("--time-limit", type=float, default=18.0, help="solver seconds per hall (default 18)")
    p.add_argument("--synthetic", type=int, metavar="N",
                   help="generate a synthetic region of N halls into OUT/data and plan it")
    p.set_defaults(func=run)


def _bar(done: int, total: int, outcome: HallOutcome, t0: float) -> None:
    width = 30
    filled = int(width * done / max(total, 1))
    rate = done / max(time.perf_counter() - t0, 1e-9) * 60
    print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} halls, {rate:.1f}/min, "
          f"last {outcome.hall_id} {outcome.status}   ", end="", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    """Plan the halls and print a table; exit 1 when a hall failed."""
    out = Path(args.out)
    if out.exists() and not out.is_dir():  # say so before planning
        raise ValueError(f"--out {args.out} is a file; give a folder (created when missing)")
    if args.synthetic:
        from queueopt.synth import generate_region

        data = out / "data"
        if not (data / "halls.csv").is_file():
            generate_region(n_halls=args.synthetic, weeks=8, with_tickets=False).write(data)
    elif args.data:
        data = Path(args.data)
    else:
        raise ValueError("give --data DIR or --synthetic N")
    ds = load_dataset(data)
    halls = [h for h, hall in ds.halls.items() if not args.region or hall.region == args.region]
    if not halls:
        raise ValueError(f"no hall in region {args.region!r}; regions: "
                         f"{', '.join(sorted({h.region for h in ds.halls.values()}))}")
    t0 = time.perf_counter()
    outcomes = run_halls(data, halls, out, week=args.week, time_limit_s=args.time_limit,
                         workers=args.workers, scheduler=args.scheduler,
                         progress=lambda d, n, o: _bar(d, n, o, t0))
    print(file=sys.stderr)
    table = outcomes_frame(outcomes)
    write_csv(table, out / "region_plan.csv", index=False)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    failed = table[table["status"] == "failed"]
    for _, row in failed.iterrows():
        print(f"hall {row['hall_id']} failed: {row['error']}", file=sys.stderr)
    took = time.perf_counter() - t0
    print(f"{len(table)} halls in {took:.0f} s ({len(table) / max(took, 1e-9) * 60:.1f} halls/min): "
          f"{(table['status'] == 'planned').sum()} planned, {(table['status'] == 'skipped').sum()} "
          f"skipped (unchanged), {len(failed)} failed; results in {out}")
    return 1 if len(failed) else 0
