"""``queueopt modelcheck``: the wait models against what happened, and the hall's correction."""

from __future__ import annotations

import argparse
import math
from typing import Any

from queueopt.io import load_dataset
from queueopt.modelcheck import MODELS, hall_model_check, save_correction, write_modelcheck
from queueopt.observed import IDLE_GAP_MINUTES


def register(sub: Any) -> None:
    """Add the ``modelcheck`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "modelcheck", help="check the wait models against the waits in the ticket log",
        description="Per interval of the last --holdout-days days: arrivals, staff on duty "
                    "(observed from server_id), handling time, and the mean wait, service level "
                    "and abandonment observed and predicted by each model (erlang_c, erlang_a, "
                    "erlang_a_corrected, and simulation_corrected: the simulation staffing "
                    "checks every plan with, the plan's own figures). The hall's correction (a "
                    "handling-time factor and the patience per transaction type) is fitted on "
                    "the earlier days and saved in DATA/corrections.json, where staff and plan "
                    "use it. Writes OUT/modelcheck.csv and OUT/modelcheck.json.")
    p.add_argument("--data", required=True, metavar="DIR", help="data directory")
    p.add_argument("--hall", required=True, metavar="ID", help="hall_id")
    p.add_argument("--out", required=True, metavar="DIR", help="output directory")
    p.add_argument("--holdout-days", type=int, default=7, metavar="N",
                   help="last days judged, never fitted (default 7)")
    p.add_argument("--interval", type=int, default=60, choices=(15, 30, 60),
                   help="interval of the check, minutes (default 60)")
    p.add_argument("--idle-gap", type=float, default=IDLE_GAP_MINUTES, metavar="MIN",
                   help="idle minutes that end an agent's run of work (default 15)")
    p.add_argument("--no-save", action="store_true",
                   help="do not write the correction to DATA/corrections.json")
    p.set_defaults(func=run)


def _pct(x: float) -> str:
    return "n/a" if not math.isfinite(x) else f"{100 * x:+.1f}%"


def run(args: argparse.Namespace) -> int:
    """Check, write, save the correction, print the scores."""
    if not 1 <= args.holdout_days <= 366:
        raise ValueError(f"--holdout-days {args.holdout_days} must be 1-366")
    if not 1 <= args.idle_gap <= 240:
        raise ValueError(f"--idle-gap {args.idle_gap} must be 1-240 minutes")
    ds = load_dataset(args.data)
    check = hall_model_check(ds, args.hall, holdout_days=args.holdout_days,
                             interval_minutes=args.interval, idle_gap=args.idle_gap)
    paths = write_modelcheck(check, args.out)
    print(f"hall {args.hall}: held out {check.holdout[0]} to {check.holdout[1]} "
          f"({args.interval}-minute intervals; {check.intervals_left_out} left out with fewer "
          f"than 5 arrivals or no staff seen)")
    for model in MODELS:
        s = check.scores[model]
        print(f"  {model:20s} mean wait bias {_pct(s['mean_wait']['bias'])}, corr "
              f"{s['mean_wait']['corr']:.2f}; service level MAE "
              f"{100 * s['service_level']['mae']:.1f} pts; abandonment MAE "
              f"{100 * s['abandonment']['mae']:.1f} pts")
    print(f"  noise floor of the MAE of a perfect model: service level "
          f"{100 * check.noise_floor['service_level']:.1f} pts, abandonment "
          f"{100 * check.noise_floor['abandonment']:.1f} pts")
    print(f"  correction: {check.correction.describe()}")
    if not args.no_save:
        print(f"  saved in {save_correction(check, args.data)}: staff and plan use it")
    print("wrote " + ", ".join(str(p) for p in paths))
    return 0
