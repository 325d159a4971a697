"""Roster figures of every sample hall-week: staff-hours, proven bound, gap, shortage, time,
and pyworkforce's MinRequiredResources on the same day curves.

Per hall: forecast -> requirements (as ``queueopt plan`` makes them) -> roster
(:func:`queueopt.scheduling.plan_week` with the policy's slot and the given
work limit). Each roster is checked by the independent validator. Columns:

- ``staff_h``: paid hours of the roster;
- ``bound_h``: the proven lower bound on the paid hours of full cover
  (column generation over every admissible shift, :mod:`queueopt.covering`);
- ``gap``: ``staff_h / bound_h - 1`` (empty when the cover is short);
- ``short``: staff-minutes the roster leaves below the need (requirement
  capped at the counters, at least the minimum staff on duty);
- ``unavoid``: proven lower bound on the shortage of every roster of the staff;
- ``seconds``: wall seconds of the roster stage; ``cpu_s``: CPU seconds of this
  process in it (the solvers run on one thread, so on a shared, loaded machine
  ``cpu_s`` is what the roster stage would take on a free core);
- ``pwf_h``: pyworkforce ``MinRequiredResources`` (one model per day, the
  same need per 15-minute period; templates: every start on the start step,
  lengths 4-9 h in 30-minute steps, three break variants each, cost = paid
  minutes), its staff-hours and status. It names nobody and ignores weekly
  limits, so it is a reference for cover, not a roster.

    python benchmarks/bench_scheduling.py [--data data/sample] [--time-limit 20]
        [--halls H01,H02] [--pwf-seconds 10]
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import numpy as np
import pandas as pd

from queueopt.covering import DayNeed, paid_minutes
from queueopt.forecast import forecast_arrivals
from queueopt.hall_inputs import hall_inputs
from queueopt.io import load_dataset
from queueopt.model import ShiftRules
from queueopt.requirements import requirements_for
from queueopt.rules import required_breaks, validate_roster
from queueopt.scheduling import plan_week


def pwf_templates(need: DayNeed, rules: ShiftRules) -> tuple[dict[str, list[int]], dict[str, int]]:
    """pyworkforce templates of one day: coverage per cell and cost (paid minutes)."""
    cells = len(need.need)
    cover: dict[str, list[int]] = {}
    cost: dict[str, int] = {}
    first = -(-need.start // rules.start_step) * rules.start_step
    for s in range(first, need.end - rules.min_length + 1, rules.start_step):
        for length in range(rules.min_length, rules.max_length + 1, 30):
            e = s + length
            if e > need.end:
                break
            meal, short = required_breaks(length, rules)
            mid = s + length // 2
            mid -= mid % need.cell
            variants = []
            for shift_m in (-30, 0, 30):
                br = []
                if meal:
                    br.append((mid + shift_m, mid + shift_m + rules.meal_break))
                if short:
                    a = s + rules.break_earliest + (15 if shift_m > 0 else 0)
                    if meal and a + rules.short_break > mid + shift_m:
                        a = mid + shift_m + rules.meal_break + 30
                    br.append((a, a + rules.short_break))
                ok = all(b0 >= s + rules.break_earliest and b1 <= e - rules.break_latest
                         for b0, b1 in br)
                ok = ok and not (len(br) == 2 and min(br)[1] > max(br)[0])
                if ok:
                    variants.append(tuple(sorted(br)))
            for v, br in enumerate(dict.fromkeys(variants)):
                row = np.zeros(cells, dtype=int)
                row[need.cell_of(s):need.cell_of(e)] = 1
                for b0, b1 in br:
                    row[need.cell_of(b0):need.cell_of(b1)] = 0
                name = f"s{s}_l{length}_v{v}"
                cover[name] = row.tolist()
                cost[name] = paid_minutes(length, rules)
    return cover, cost


def pyworkforce_hours(needs: list[DayNeed], rules: ShiftRules, seconds: float) -> tuple[float, str]:
    """pyworkforce MinRequiredResources staff-hours over the week (one model per day)."""
    from pyworkforce.scheduling import MinRequiredResources

    total, statuses = 0.0, set()
    for nd in needs:
        cover, cost = pwf_templates(nd, rules)
        model = MinRequiredResources(num_days=1, periods=len(nd.need), shifts_coverage=cover,
                                     required_resources=[nd.need.tolist()],
                                     max_period_concurrency=int(nd.need.max()) + nd.people,
                                     max_shift_concurrency=nd.people, cost_dict=cost,
                                     max_search_time=seconds, num_search_workers=2)
        sol = model.solve()
        statuses.add(str(sol["status"]))
        total += float(sol["cost"]) / 60 if sol["cost"] is not None else float("nan")
    return total, "/".join(sorted(statuses))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", default=str(Path(__file__).resolve().parents[1] / "data" / "sample"))
    ap.add_argument("--time-limit", type=float, default=20.0,
                    help="roster work limit (CP-SAT deterministic seconds)")
    ap.add_argument("--halls", default="", help="comma-separated hall ids (default: all)")
    ap.add_argument("--pwf-seconds", type=float, default=10.0,
                    help="pyworkforce search time per day, seconds")
    args = ap.parse_args()
    ds = load_dataset(args.data)
    halls = [h for h in ds.halls if not args.halls or h in args.halls.split(",")]
    start = ds.next_week_start()
    week = [start + dt.timedelta(days=k) for k in range(7)]
    horizon = (start - ds.last_day()).days + 6
    rows = []
    for hall_id in halls:
        hall = ds.hall(hall_id)
        fc = forecast_arrivals(ds.footfall_for(hall_id, ds.policy.interval_minutes), horizon,
                               calendar=ds.calendar, halls=ds.halls)
        fc = fc[fc["interval_start"].dt.date.isin(week)].reset_index(drop=True)
        req = requirements_for(hall_inputs(ds, hall_id), fc, seed=1)
        kinds = dict(zip(week, ds.calendar.day_kinds(week)))
        staff = ds.staff_of(hall_id)
        t0, c0 = time.perf_counter(), time.process_time()
        res = plan_week(hall, staff, req[["interval_start", "required"]], kinds, ds.policy.shifts,
                        ds.policy.labour, slot_minutes=ds.policy.interval_minutes,
                        time_limit_s=args.time_limit, seed=0, calendar=ds.calendar)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        violations = validate_roster(res.shifts, staff, hall, kinds, ds.policy.shifts,
                                     ds.policy.labour, check_contract_min=False,
                                     slot_minutes=ds.policy.interval_minutes, calendar=ds.calendar)
        pwf_h, pwf_status = pyworkforce_hours(res.needs, ds.policy.shifts, args.pwf_seconds)
        rows.append({"hall": hall_id, "staff": len(staff), "staff_h": round(res.staff_hours, 2),
                     "bound_h": None if res.lower_bound_hours is None else round(res.lower_bound_hours, 2),
                     "gap": res.gap, "short": res.shortfall_staff_minutes,
                     "unavoid": res.unavoidable_shortfall_staff_minutes,
                     "over_ctr": res.over_counters_staff_minutes, "status": res.status.value,
                     "seconds": round(seconds, 1), "cpu_s": round(cpu, 1), "pwf_h": round(pwf_h, 2), "pwf_status": pwf_status,
                     "violations": len(violations)})
        print(rows[-1], flush=True)
    frame = pd.DataFrame(rows)
    print()
    print(frame.to_string(index=False))
    gaps = frame["gap"].dropna()
    print(f"\n{len(frame)} halls; worst gap {gaps.max():.2%} (median {gaps.median():.2%}) over "
          f"{len(gaps)} fully covered halls ({int((gaps <= 0.01).sum())} within 1%, "
          f"{int((gaps <= 0.005).sum())} within 0.5%); avoidable shortage (short - unavoidable) "
          f"{(frame['short'] - frame['unavoid']).sum():.0f} staff-minutes; slowest hall "
          f"{frame['seconds'].max():.1f} s wall, {frame['cpu_s'].max():.1f} s CPU; halls needing more staff-hours than pyworkforce: "
          f"{int((frame['staff_h'] > frame['pwf_h'] + 1e-6).sum())}; validator violations "
          f"{int(frame['violations'].sum())}")


if __name__ == "__main__":
    main()
