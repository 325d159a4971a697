"""``queueopt whatif``: before/after of moving demand, kiosks and pausing cross-selling."""

from __future__ import annotations

import argparse
from typing import Any

from queueopt.forecast import forecast_arrivals
from queueopt.io import load_dataset
from queueopt.whatif import evaluate


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
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the before/after table."""
    ds = load_dataset(args.data)
    fc = forecast_arrivals(ds.footfall_for(args.hall), args.days, calendar=ds.calendar, halls=ds.halls)
    res = evaluate(ds, args.hall, fc, shift=args.shift, app_share=args.app_share,
                   shift_to=args.shift_to, kiosk_adoption=args.kiosk_adoption, kiosks=args.kiosks,
                   pause_cross_sell=args.pause_cross_sell)
    print(f"hall {args.hall}, next {args.days} days (waits in minutes at the same staffing)")
    print(res.to_frame().to_string(float_format=lambda v: f"{v:.2f}"))
    return 0
