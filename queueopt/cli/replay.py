"""``queueopt replay``: a past day replayed as if live, with what then happened."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from queueopt.announce import AnnounceRules
from queueopt.export import write_csv
from queueopt.io import load_dataset
from queueopt.live import REPLAY_COLUMNS, replay
from queueopt.queue_state import QueueRules


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


def queue_rule_options(p: argparse.ArgumentParser) -> None:
    """The options of :class:`queueopt.queue_state.QueueRules` (shared with ``live``)."""
    p.add_argument("--idle-gap", type=float, default=QueueRules.idle_gap, metavar="MIN",
                   help="minutes without activity after which a counter counts as closed "
                        "(default %(default)s)")
    p.add_argument("--vip-head-start", type=float, default=None, metavar="MIN",
                   help="VIPs are credited this many minutes of queue time (default: VIPs "
                        "are served first)")


def queue_rules(args: argparse.Namespace) -> QueueRules:
    """The :class:`QueueRules` of the parsed options."""
    if args.vip_head_start is None:
        return QueueRules(idle_gap=args.idle_gap)
    return QueueRules(idle_gap=args.idle_gap, vip_head_start=args.vip_head_start)


def register(sub: Any) -> None:
    """Add the ``replay`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "replay", help="replay a past day as if live: what it said, what happened",
        description="Replays one day of a hall's ticket log as live mode would have run it, "
                    "using only what was known at each moment; prints every 15 minutes what "
                    "it said and what then happened, and writes replay.csv (one row per ticket).")
    p.add_argument("--data", required=True, metavar="DIR")
    p.add_argument("--hall", required=True, metavar="ID")
    p.add_argument("--day", required=True, type=_day, metavar="YYYY-MM-DD")
    p.add_argument("--out", metavar="DIR", default=None, help="folder for replay.csv")
    p.add_argument("--fast", action="store_true",
                   help="leave out the Monte Carlo line predictor (QL-S)")
    queue_rule_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the replay and print it."""
    ds = load_dataset(args.data)
    rules = queue_rules(args)
    result = replay(ds, args.hall, args.day, rules=rules,
                    arules=AnnounceRules(simulate=not args.fast))
    print(f"Hall {args.hall}, {args.day}: replayed as if live (waits in minutes; 'told' is a "
          "regular customer at a counter, 80% range in brackets; 'then' is the customers who "
          "took a ticket in the next 15 minutes).")
    m = result.marks
    print(f"{'time':>5} {'waiting':>7} {'counters':>8} {'told':>6} {'80% range':>12} "
          f"{'vip':>5} {'kiosk':>6} | {'arrived':>7} {'then waited':>11} {'left':>4}")
    for r in m.itertuples(index=False):
        rng = f"[{r.told_lo80:.1f}-{r.told_hi80:.1f}]"
        kiosk = "" if r.told_kiosk != r.told_kiosk else f"{r.told_kiosk:.1f}"
        then = "" if r.mean_wait != r.mean_wait else f"{r.mean_wait:.1f}"
        print(f"{r.time:>5} {r.waiting:>7} {r.counters_open:>8} {r.told_wait:>6.1f} {rng:>12} "
              f"{r.told_vip:>5.1f} {kiosk:>6} | {r.arrivals:>7} {then:>11} {r.abandoned:>4}")
    acc = result.accuracy
    a = acc.loc["announced"]
    print(f"\nAnnounced wait vs what happened ({int(a['customers'])} customers called): RMSE "
          f"{a['rmse']:.2f} min ({a['ratio_to_QL']:.2f}x the queue-length predictor QL), "
          f"80% range covered {a['coverage_80']:.0%}.")
    print("RMSE of each predictor (min): " + ", ".join(
        f"{name} {row.rmse:.2f}" for name, row in acc.drop(index="announced").iterrows()))
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        path = out / "replay.csv"
        write_csv(result.tickets[list(REPLAY_COLUMNS)], path, index=False)
        print(f"Wrote {path}")
    return 0
