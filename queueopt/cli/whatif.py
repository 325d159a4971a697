"""``queueopt whatif``: before/after of moving demand, kiosks and pausing cross-selling."""

from __future__ import annotations

import argparse
from typing import Any

from queueopt.forecast import forecast_arrivals
from queueopt.io import load_dataset
from queueopt.kiosks import kiosk_options
from queueopt.peak_policies import compare_fast_lane, emergency_counter
from queueopt.whatif import evaluate, simulate_change


def _window(text: str) -> tuple[int, int]:
    try:
        a, b = text.split("-")
        ha, ma = (int(x) for x in a.split(":"))
        hb, mb = (int(x) for x in b.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not HH:MM-HH:MM") from None
    return ha * 60 + ma, hb * 60 + mb


def register(sub: Any) -> None:
    """Add the ``whatif`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "whatif", help="before/after of off-peak nudges, kiosks and pausing cross-selling",
        description="Next week's waits at the same staffing and the staff-hours needed, before "
                    "and after the levers.")
    p.add_argument("--data", required=True, metavar="DIR")
    p.add_argument("--hall", required=True, metavar="ID")
    p.add_argument("--days", type=int, default=7)
    p.add_argument("--shift", type=float, default=0.0,
                   help="share of busy-hour customers who move (0-1)")
    p.add_argument("--app-share", type=float, default=0.25,
                   help="share of movers who use the app instead (0-1)")
    p.add_argument("--shift-to", type=_window, metavar="HH:MM-HH:MM",
                   help="move them to this window (default: the day's quiet hours)")
    p.add_argument("--kiosk-adoption", type=float, default=None)
    p.add_argument("--kiosks", type=int, default=None, help="kiosks after")
    p.add_argument("--pause-cross-sell", action="store_true")
    p.add_argument("--next-day-share", type=float, default=0.0,
                   help="share of movers who come the next day's quiet hours instead (0-1)")
    p.add_argument("--kiosk-search", type=int, metavar="N", default=None,
                   help="also size the kiosks: staff-hours and kiosk waits with up to N more")
    p.add_argument("--fast-lane", action="store_true",
                   help="also simulate a fast lane for quick transactions against pooled counters")
    p.add_argument("--emergency", action="store_true",
                   help="also simulate the duty manager's emergency counter")
    p.add_argument("--emergency-after", type=float, default=None, metavar="MIN",
                   help="head-of-queue wait that opens it (default: the target's threshold)")
    p.add_argument("--demand-factor", type=float, default=1.0,
                   help="simulate a busier (>1) or quieter day than forecast at the planned "
                        "staffing (fast lane and emergency counter)")
    p.add_argument("--check", action="store_true",
                   help="check the change in mean wait by simulation (at the same counters)")
    p.add_argument("--replications", type=int, default=30,
                   help="simulated weeks per scenario (fast lane and emergency counter)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the before/after table."""
    checks = [(0 <= args.shift <= 1, f"--shift {args.shift} must be in [0, 1]"),
              (0 <= args.app_share <= 1, f"--app-share {args.app_share} must be in [0, 1]"),
              (0 <= args.next_day_share <= 1,
               f"--next-day-share {args.next_day_share} must be in [0, 1]"),
              (args.kiosk_search is None or args.kiosk_search >= 0,
               f"--kiosk-search {args.kiosk_search} must be >= 0"),
              (args.demand_factor > 0, f"--demand-factor {args.demand_factor} must be > 0"),
              (args.replications >= 2, f"--replications {args.replications} must be >= 2"),
              (args.days >= 1, f"--days {args.days} must be >= 1")]
    bad = [msg for ok, msg in checks if not ok]
    if bad:
        raise ValueError("; ".join(bad))
    ds = load_dataset(args.data)
    fc = forecast_arrivals(ds.footfall_for(args.hall), args.days, calendar=ds.calendar, halls=ds.halls)
    res = evaluate(ds, args.hall, fc, shift=args.shift, app_share=args.app_share,
                   shift_to=args.shift_to, kiosk_adoption=args.kiosk_adoption, kiosks=args.kiosks,
                   pause_cross_sell=args.pause_cross_sell, next_day_share=args.next_day_share)
    fmt = {"float_format": lambda v: f"{v:.2f}"}
    print(f"hall {args.hall}, next {args.days} days (waits in minutes at the same staffing)")
    print(res.to_frame().to_string(**fmt))
    if args.check:
        chk = simulate_change(ds, args.hall, res, replications=args.replications)
        print(f"\nchange in mean counter wait, formulas vs simulation ({args.replications} weeks; "
              "low/high = 95% interval, paired)")
        print(chk.to_string(**fmt))
    if args.kiosk_search is not None:
        plan = kiosk_options(ds, args.hall, fc, max_extra=args.kiosk_search)
        print(f"\nkiosks: {plan.current} now, recommended {plan.recommended} ({plan.reason}); "
              "staff-hours per week, waits in minutes")
        print(plan.table.to_string(index=False, **fmt))
    sim = dict(demand_factor=args.demand_factor, replications=args.replications)
    if args.fast_lane:
        cmp = compare_fast_lane(ds, args.hall, fc, **sim)  # type: ignore[arg-type]
        print(f"\nfast lane vs pooled counters, simulated ({args.replications} weeks each; "
              "staff-hours per week, waits in minutes, _low/_high = 95% interval)")
        print(cmp.table.T.to_string(**fmt))
    if args.emergency:
        em = emergency_counter(ds, args.hall, fc, after_minutes=args.emergency_after,
                               **sim)  # type: ignore[arg-type]
        print(f"\nemergency counter at the planned staffing, simulated ({args.replications} "
              "weeks each; hours per week, waits in minutes)")
        print(em.table.T.to_string(**fmt))
    return 0
