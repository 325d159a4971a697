"""``queueopt compare``: the regional comparison table (CSV, Excel, chart)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pandas as pd

from queueopt.export import inert_workbook, write_csv
from queueopt.forecast import forecast_arrivals
from queueopt.io import load_dataset
from queueopt.kiosks import region_kiosk_ranking
from queueopt.region import compare_halls


def register(sub: Any) -> None:
    """Add the ``compare`` subcommand."""
    p: argparse.ArgumentParser = sub.add_parser(
        "compare", help="rank halls super-busy / busy / normal; where capacity helps most",
        description="Compare every hall of a region from its ticket log (and its plans from "
                    "plan-region when --plans is given). Writes region.csv, region.xlsx and "
                    "region.png into OUT.")
    p.add_argument("--data", required=True, metavar="DIR", help="data directory")
    p.add_argument("--plans", metavar="DIR", help="output directory of plan-region")
    p.add_argument("--out", required=True, metavar="DIR", help="output directory")
    p.add_argument("--kiosks", action="store_true",
                   help="also rank halls by the counter staff-hours one more kiosk saves next "
                        "week (kiosks.csv and a Kiosks sheet)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Compare and write the files."""
    ds = load_dataset(args.data)
    plans = None
    if args.plans:
        rows = []
        for manifest in sorted(Path(args.plans).glob("*/manifest.json")):
            m = json.loads(manifest.read_text(encoding="utf-8"))
            s = m.get("summary", {})
            rows.append({"hall_id": manifest.parent.name,
                         "planned_staff_hours": s.get("staff_hours"),
                         "predicted_mean_wait": s.get("predicted_mean_wait_minutes"),
                         "predicted_service_level": s.get("predicted_service_level"),
                         "share_intervals_meeting_target": s.get("share_intervals_meeting_target")})
        plans = pd.DataFrame(rows) if rows else None
    table = compare_halls(ds, plans=plans)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    write_csv(table, out / "region.csv", index=False)
    kiosks = None
    if args.kiosks:
        fcs = pd.concat([forecast_arrivals(ds.footfall_for(h), 7, calendar=ds.calendar,
                                           halls=ds.halls) for h in sorted(ds.halls)],
                        ignore_index=True)
        kiosks = region_kiosk_ranking(ds, fcs)
        write_csv(kiosks, out / "kiosks.csv", index=False)
    with pd.ExcelWriter(out / "region.xlsx", engine="openpyxl") as xl:
        table.to_excel(xl, sheet_name="Region", index=False)
        if kiosks is not None:
            kiosks.to_excel(xl, sheet_name="Kiosks", index=False)
        inert_workbook(xl.book)
    _chart(table, out / "region.png")
    cols = ["rank", "hall_id", "busy_class", "observed_mean_wait", "customers_per_day", "best_lever"]
    print(table[cols].to_string(index=False))
    if kiosks is not None:
        print("\nwhere one more kiosk saves most counter staff-hours next week:")
        print(kiosks.head(10).to_string(index=False, float_format=lambda v: f"{v:.1f}"))
    print(f"wrote {out}/region.csv, region.xlsx, region.png"
          + (", kiosks.csv" if kiosks is not None else ""))
    return 0


def _chart(table: pd.DataFrame, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colors = {"super-busy": "#d62728", "busy": "#ff7f0e", "normal": "#2ca02c"}
    t = table.sort_values("observed_mean_wait")
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(t) + 1.5))
    ax.barh(t["hall_id"], t["observed_mean_wait"], color=[colors[c] for c in t["busy_class"]])
    ax.set_xlabel("observed mean wait (minutes)")
    ax.set_title("Halls by observed wait (red super-busy, orange busy, green normal)")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
