"""``queueopt live``: today's queue, the wait to announce and the next two hours' advice."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

import pandas as pd

from queueopt.announce import AnnounceRules
from queueopt.cli.replay import queue_rule_options, queue_rules
from queueopt.io import load_dataset
from queueopt.live import history_for, last_event, live_view, read_roster, read_today


def _hhmm(text: str) -> dt.time:
    try:
        return dt.datetime.strptime(text, "%H:%M").time()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a time HH:MM") from None


def register(sub: Any) -> None:
    """Add the ``live`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "live", help="today's queue, the wait to announce and what to do in the next two hours",
        description="Reads today's ticket log so far and prints the queue now, the wait to "
                    "announce per transaction type and tier (with an 80%% range) and the "
                    "recommendation for the next two hours.")
    p.add_argument("--data", required=True, metavar="DIR", help="data directory (the history)")
    p.add_argument("--hall", required=True, metavar="ID")
    p.add_argument("--today", required=True, metavar="CSV",
                   help="today's tickets so far (tickets.csv columns; a waiting ticket has no "
                        "called_at)")
    p.add_argument("--now", type=_hhmm, default=None, metavar="HH:MM",
                   help="the moment (default: the last time written in --today)")
    p.add_argument("--roster", metavar="CSV", default=None,
                   help="the published roster (roster.csv of `queueopt plan`): counters planned "
                        "and who can take a counter")
    p.add_argument("--fast", action="store_true",
                   help="leave out the Monte Carlo line predictor (QL-S)")
    queue_rule_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print live mode for the hall."""
    ds = load_dataset(args.data)
    today = read_today(args.today, ds, args.hall)
    day = today["issued_at"].dt.date.iloc[0]
    now = (pd.Timestamp(dt.datetime.combine(day, args.now)) if args.now is not None
           else last_event(today))
    roster = read_roster(args.roster) if args.roster else None
    hist = history_for(ds, args.hall, day, rules=queue_rules(args),
                       arules=AnnounceRules(simulate=not args.fast))
    names = {s.staff_id: s.name for s in ds.staff_of(args.hall)}
    view = live_view(hist, today, now, hall_id=args.hall, roster=roster, names=names)
    s = view.snapshot
    print(f"Hall {args.hall}, {day} {s.now_text}")
    print(f"Today so far: {s.issued} tickets issued, {s.called} called, {s.served} served, "
          f"{s.abandoned} left without being served.")
    print(f"Counters open {s.counters_open} ({s.counters_busy} serving)"
          + (f", kiosks {s.kiosks_open}" if hist.kiosks else "") + ".")
    if len(s.waiting):
        print("Waiting now (longest wait in minutes):")
        print(s.waiting.to_string(index=False, float_format=lambda x: f"{x:.1f}"))
    else:
        print("Nobody is waiting.")
    print("\nWait to announce for a ticket taken now (minutes, 80% range):")
    a = view.announced
    for r in a.itertuples(index=False):
        line = (f"  {r.transaction_type:<12} {r.tier:<8} counter {r.counter_wait:5.1f} "
                f"[{r.counter_lo80:.1f}-{r.counter_hi80:.1f}]")
        if r.kiosk_wait == r.kiosk_wait:
            line += f"   kiosk {r.kiosk_wait:5.1f} [{r.kiosk_lo80:.1f}-{r.kiosk_hi80:.1f}]"
        print(line)
    adv = view.advice
    if adv is not None:
        print("\nThe next two hours (counter customers expected, counters planned / needed / "
              "advised, expected mean wait in minutes and service level):")
        print(adv.table.to_string(index=False))
        print("\nRecommendation:")
        for act in adv.actions or ():
            print(f"  - {act.text()}")
        if not adv.actions:
            print("  - Keep the counters as they are.")
    if view.staff is not None:
        free = view.staff[view.staff["can_take_counter"]]
        print("\nWho can take a counter now: " + (", ".join(
            f"{r.name or r.staff_id} ({r.status} until {r.until})"
            for r in free.itertuples(index=False)) or "nobody (everyone on duty is serving or "
                                                     "on a break)"))
    return 0
