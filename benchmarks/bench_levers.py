"""Issue 7 figures: what each lever buys on every sample hall, next week.

For each hall of ``data/sample`` (its 7-day forecast):

* off-peak nudge (20% of busy-hour customers move, a quarter to the app) and
  pausing cross-selling: mean wait at the same staffing and staff-hours,
  before and after (formulas, :func:`queueopt.whatif.evaluate`);
* kiosks: the recommended count (:func:`queueopt.kiosks.kiosk_options`) and
  the counter staff-hours it saves; the region's ranking for one more kiosk;
* fast lane vs pooled counters, simulated (30 weeks each): staff-hours, mean
  wait of quick and other customers;
* the duty manager's emergency counter on a week 20% busier than forecast,
  simulated (30 weeks each): mean wait, share of intervals meeting the
  target, manager hours;
* the formulas' change in mean wait for the nudge, pausing cross-selling,
  90% kiosk adoption and removing the kiosks, against the simulated change
  at the same counters (40 weeks, paired 95% interval): how often it lies
  inside.

    python benchmarks/bench_levers.py
"""

from __future__ import annotations

import time
from pathlib import Path

import pandas as pd

from queueopt.forecast import forecast_arrivals
from queueopt.io import load_dataset
from queueopt.kiosks import kiosk_options, region_kiosk_ranking
from queueopt.peak_policies import compare_fast_lane, emergency_counter
from queueopt.whatif import evaluate, simulate_change

DATA = Path(__file__).resolve().parents[1] / "data" / "sample"


def main() -> None:
    ds = load_dataset(DATA)
    rows, fcs = [], []
    t_all = time.perf_counter()
    for h in sorted(ds.halls):
        t0 = time.perf_counter()
        fc = forecast_arrivals(ds.footfall_for(h), 7, calendar=ds.calendar, halls=ds.halls)
        fcs.append(fc)
        nudge = evaluate(ds, h, fc, shift=0.2)
        pause = evaluate(ds, h, fc, pause_cross_sell=True)
        kiosk = kiosk_options(ds, h, fc, max_extra=4)
        lane = compare_fast_lane(ds, h, fc, replications=30).table
        em = emergency_counter(ds, h, fc, demand_factor=1.2, replications=30).table
        checks = []
        for res in (nudge, pause, evaluate(ds, h, fc, kiosk_adoption=0.9),
                    evaluate(ds, h, fc, kiosks=0)):
            ch = simulate_change(ds, h, res, replications=40).loc["change"]
            checks.append((ch["low"] <= ch["predicted"] <= ch["high"],
                           abs(ch["predicted"] - ch["simulated"])))
        rows.append({
            "hall": h, "kiosks": ds.hall(h).kiosks,
            "nudge_wait": f"{nudge.before.mean_wait:.2f}->{nudge.after.mean_wait:.2f}",
            "nudge_hours": nudge.after.staff_hours - nudge.before.staff_hours,
            "pause_wait": f"{pause.before.mean_wait:.2f}->{pause.after.mean_wait:.2f}",
            "pause_hours": pause.after.staff_hours - pause.before.staff_hours,
            "kiosks_rec": kiosk.recommended,
            "kiosk_hours": -float(kiosk.table.set_index("kiosks").loc[kiosk.recommended,
                                                                      "staff_hours_saved"]),
            "lane_extra_hours": lane.loc["fast lane", "staff_hours"] - lane.loc["pooled", "staff_hours"],
            "lane_wait": lane.loc["fast lane", "mean_wait"],
            "lane_quick_wait": lane.loc["fast lane", "quick_mean_wait"],
            "lane_other_wait": lane.loc["fast lane", "other_mean_wait"],
            "pooled_same_wait": lane.loc["pooled, same headcount", "mean_wait"],
            "em_wait": f"{em.loc['as planned', 'mean_wait']:.2f}->"
                       f"{em.loc['emergency counter', 'mean_wait']:.2f}",
            "em_meet": f"{em.loc['as planned', 'share_meeting_target']:.2f}->"
                       f"{em.loc['emergency counter', 'share_meeting_target']:.2f}",
            "em_change_hi": em.loc["emergency counter", "wait_change_high"],
            "manager_h": em.loc["emergency counter", "manager_hours"],
            "checks_inside": sum(c[0] for c in checks),
            "worst_gap": max(c[1] for c in checks),
            "seconds": time.perf_counter() - t0,
        })
        print({k: round(float(v), 2) if isinstance(v, float) else v for k, v in rows[-1].items()},
              flush=True)
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 250, "display.max_columns", 30):
        print()
        print(table.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    print(f"\npredicted change inside the simulated 95% interval: {table['checks_inside'].sum()} of "
          f"{4 * len(table)} hall-levers; largest |predicted - simulated| change "
          f"{table['worst_gap'].max():.2f} min")
    print("\nstaff-hours are per week (negative = saved); waits in minutes; em_* on a week 20% "
          "busier than forecast at the planned counters; em_change_hi < 0: the emergency "
          "counter's cut in mean wait is significant (95%, paired)")
    t0 = time.perf_counter()
    rank = region_kiosk_ranking(ds, pd.concat(fcs, ignore_index=True))
    print(f"\nwhere one more kiosk saves most ({time.perf_counter() - t0:.1f} s):")
    print(rank.head(5).to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    print(f"\nall levers, 12 halls: {time.perf_counter() - t_all:.0f} s")


if __name__ == "__main__":
    main()
