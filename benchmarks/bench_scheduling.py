"""Issue 6 figures: time, staff-hours, LP lower bound and gap of every sample hall-week.

Runs the whole pipeline's roster stage (forecast -> requirements -> roster) per
hall on 2 CP-SAT workers, validates each roster with the independent
validator, and prints one row per hall plus the totals.

    python benchmarks/bench_scheduling.py [--data data/sample] [--time-limit 20]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from queueopt.forecast import forecast_arrivals
from queueopt.io import load_dataset
from queueopt.rules import validate_roster
from queueopt.scheduling import plan_week
from queueopt.requirements import hall_requirements


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", default=str(Path(__file__).resolve().parents[1] / "data" / "sample"))
    ap.add_argument("--time-limit", type=float, default=18.0)
    args = ap.parse_args()
    ds = load_dataset(args.data)
    rows = []
    t_all = time.perf_counter()
    for hall_id, hall in ds.halls.items():
        fc = forecast_arrivals(ds.footfall_for(hall_id), 7, calendar=ds.calendar, halls=ds.halls)
        req = hall_requirements(ds, hall_id, fc)
        days = sorted(set(req["interval_start"].dt.date))
        kinds = dict(zip(days, ds.calendar.day_kinds(days)))
        staff = ds.staff_of(hall_id)
        t0 = time.perf_counter()
        res = plan_week(hall, staff, req[["interval_start", "required"]], kinds, ds.policy.shifts,
                        ds.policy.labour, time_limit_s=args.time_limit, seed=0)
        seconds = time.perf_counter() - t0
        violations = validate_roster(res.shifts, staff, hall, kinds, ds.policy.shifts,
                                     ds.policy.labour, check_contract_min=False)
        rows.append({"hall": hall_id, "staff": len(staff), "counters": hall.counters,
                     "seconds": round(seconds, 1), "staff_hours": round(res.staff_hours, 1),
                     "lp_bound": round(res.lower_bound_hours, 1), "gap": round(res.gap, 4),
                     "status": res.solver_status, "unassigned": len(res.unassigned),
                     "short_staff_min": res.shortfall_staff_minutes, "violations": len(violations)})
        print(rows[-1], flush=True)
    frame = pd.DataFrame(rows)
    print()
    print(frame.to_string(index=False))
    staffed = frame[frame["unassigned"] == 0]
    print(f"\nall {len(frame)} halls in {time.perf_counter() - t_all:.0f} s "
          f"(roster stage {frame['seconds'].sum():.0f} s); slowest hall {frame['seconds'].max():.1f} s; "
          f"median gap {frame['gap'].median():.2%}, worst gap of fully staffed halls "
          f"{staffed['gap'].max():.2%}; validator violations {int(frame['violations'].sum())}")


if __name__ == "__main__":
    main()
