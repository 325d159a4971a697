"""Benchmark: SIPP vs the default staffing method on ramping business days.

Prints, for realistic hall-days from the bundled sample region (forecast of
the month-end week after the data, transaction mix and cross-selling as
measured), the staff-hours, the worst interval's service level and the
share of intervals that meet the target, each plan checked by an
independent simulation (a seed the staffing never saw, many replications,
lognormal transaction mix, non-homogeneous Poisson arrivals). Then the time
to compute a hall-week of requirements including the simulation checks.

Run: ``/work/venv/bin/python benchmarks/bench_staffing.py [--check-reps 2000] [--all-halls]``
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

from queueopt.calibrate import calibrate
from queueopt.forecast import forecast_arrivals
from queueopt.io import load_dataset
from queueopt.queueing import mix_moments
from queueopt.requirements import hall_requirements
from queueopt.simulate import simulate_day
from queueopt.staffing import split_kiosk, staff_requirements

ROOT = Path(__file__).resolve().parents[1]


def day_inputs(ds, hall_id: str, fc: pd.DataFrame, day: str):  # type: ignore[no-untyped-def]
    """Counter arrival rate per minute and the counter mix of one forecast day."""
    types = list(ds.transactions)
    tt = [ds.transactions[c] for c in types]
    shares = ds.mix_for(hall_id).set_index("transaction_type")["share"].reindex(types).to_numpy(float)
    means = np.array([t.mean_minutes + t.cross_sell_minutes for t in tt])
    cvs = np.array([t.cv for t in tt])
    eligible = np.array([t.kiosk_eligible for t in tt])
    part = fc[(fc["hall_id"] == hall_id) & (fc["interval_start"].dt.date == pd.Timestamp(day).date())]
    lam = part["arrivals"].to_numpy(float) / ds.policy.interval_minutes
    tickets = ds.tickets_of(hall_id)
    adoption = (calibrate(tickets, ds.transactions).kiosk_adoption.get(hall_id, 0.0)
                if len(tickets) and ds.hall(hall_id).kiosks else 0.0)
    c_lam, _, c_shares = split_kiosk(lam, shares, eligible, adoption)
    return c_lam, c_shares, means, cvs


def compare(c_lam, c_shares, means, cvs, *, target, threshold, patience, caps, reps, seed):  # type: ignore[no-untyped-def]
    m, scv = mix_moments(c_shares, np.broadcast_to(means, c_shares.shape),
                         np.broadcast_to(cvs, c_shares.shape), axis=-1)
    rows = {}
    for method in ("sipp", "auto"):
        t0 = time.perf_counter()
        r = staff_requirements(c_lam, m, threshold, target, handle_time_scv=scv, patience=patience,
                               method=method, mix=(c_shares, means, cvs), **caps)
        elapsed = time.perf_counter() - t0
        # small halls see few customers per interval: check them on more days,
        # so that the check's own noise stays well under one percentage point
        n_check = int(min(5000, max(reps, 400_000 / max(c_lam.sum() * 15, 1.0))))
        chk = simulate_day(c_lam, r.counters, shares=c_shares, handle_mean=means, handle_cv=cvs,
                           threshold=threshold, patience=patience, replications=n_check, rng=seed)
        sl = np.nan_to_num(chk.pooled_service_level(), nan=1.0)
        ok = sl >= target
        ok1 = sl >= target - 0.01
        if caps.get("max_mean_wait") is not None:
            w = np.nan_to_num(chk.pooled_mean_wait())
            ok &= w <= caps["max_mean_wait"]
            ok1 &= w <= caps["max_mean_wait"] + 0.1
        if caps.get("max_abandonment") is not None:
            a = np.nan_to_num(chk.pooled_abandonment())
            ok &= a <= caps["max_abandonment"]
            ok1 &= a <= caps["max_abandonment"] + 0.01
        rows[method] = dict(method=r.method, staff_hours=r.staff_hours, worst_sl=sl.min(),
                            worst_at=int(sl.argmin()), meet=ok.mean(), meet_1pp=ok1.mean(),
                            seconds=elapsed)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check-reps", type=int, default=2000)
    ap.add_argument("--hall", default="H01")
    ap.add_argument("--all-halls", action="store_true",
                    help="also compare SIPP and the default on every hall's month-end week")
    ap.add_argument("--all-halls-reps", type=int, default=500)
    args = ap.parse_args()
    ds = load_dataset(ROOT / "data" / "sample")
    pol = ds.policy
    t0 = time.perf_counter()
    fc = forecast_arrivals(ds.footfall_for(args.hall), 7, calendar=ds.calendar, halls=ds.halls)
    t_fc = time.perf_counter() - t0
    days = sorted(fc["interval_start"].dt.date.unique())
    configs = {
        "SL only (80% in 10 min, nobody leaves)": dict(
            target=0.8, threshold=10.0, patience=None, caps={}),
        f"policy.toml target (SL, wait<={pol.target.max_mean_wait:g}, "
        f"abandon<={pol.target.max_abandonment:g}, occ<={pol.target.max_occupancy:g})": dict(
            target=pol.target.service_level, threshold=pol.target.threshold,
            patience=pol.patience, caps=dict(max_mean_wait=pol.target.max_mean_wait,
                                             max_abandonment=pol.target.max_abandonment,
                                             max_occupancy=pol.target.max_occupancy)),
    }
    print(f"hall {args.hall}, month-end week {days[0]} .. {days[-1]}, independent check: "
          f"at least {args.check_reps} replications per day (400,000 customers), seed never used by the staffing\n")
    for name, cfg in configs.items():
        print(f"== {name}")
        print(f"{'day':<12}{'method':<12}{'staff-h':>9}{'worst SL':>10}{'at':>4}"
              f"{'meet':>7}{'meet±1pp':>10}{'secs':>7}")
        tot: dict[str, list[float]] = {"sipp": [0, 0, 0, 1.0], "auto": [0, 0, 0, 1.0]}
        for k, day in enumerate(days):
            c_lam, c_shares, means, cvs = day_inputs(ds, args.hall, fc, str(day))
            rows = compare(c_lam, c_shares, means, cvs, reps=args.check_reps, seed=777 + k, **cfg)
            for key, r in rows.items():
                print(f"{str(day):<12}{key + '->' + r['method'][:4]:<12}{r['staff_hours']:>9.2f}"
                      f"{r['worst_sl']:>10.3f}{r['worst_at']:>4}{r['meet']:>7.1%}"
                      f"{r['meet_1pp']:>10.1%}{r['seconds']:>7.2f}")
                n = len(c_lam)
                tot[key][0] += r["staff_hours"]
                tot[key][1] += r["meet"] * n
                tot[key][2] += n
                tot[key][3] = min(tot[key][3], r["worst_sl"])
        for key, (h, met, n, worst) in tot.items():
            print(f"WEEK {key:<5} staff-hours {h:8.2f}  intervals meeting target {met / n:6.1%}  "
                  f"worst interval SL {worst:.3f}")
        print(f"WEEK default/SIPP staff-hours: {tot['auto'][0] / tot['sipp'][0]:.3f}\n")

    if args.all_halls:
        print(f"== every hall, month-end week, SL only, at least {args.all_halls_reps} check "
              "replications (400,000 customers) per day")
        print(f"{'hall':<6}{'SIPP h':>9}{'auto h':>9}{'ratio':>7}{'SIPP meet':>11}"
              f"{'auto meet':>11}{'SIPP worst':>11}{'auto worst':>11}{'week s':>8}")
        grand = np.zeros(6)
        for h_index, hall_id in enumerate(sorted(ds.halls)):
            fch = forecast_arrivals(ds.footfall_for(hall_id), 7, calendar=ds.calendar,
                                    halls=ds.halls)
            acc = {"sipp": [0.0, 0.0, 0.0, 1.0], "auto": [0.0, 0.0, 0.0, 1.0]}
            for k, day in enumerate(sorted(fch["interval_start"].dt.date.unique())):
                c_lam, c_shares, means, cvs = day_inputs(ds, hall_id, fch, str(day))
                rows = compare(c_lam, c_shares, means, cvs, reps=args.all_halls_reps,
                               seed=9000 + 31 * h_index + k,
                               **configs["SL only (80% in 10 min, nobody leaves)"])
                for key, r in rows.items():
                    acc[key][0] += r["staff_hours"]
                    acc[key][1] += r["meet"] * len(c_lam)
                    acc[key][2] += len(c_lam)
                    acc[key][3] = min(acc[key][3], r["worst_sl"])
            sp, au = acc["sipp"], acc["auto"]
            t0 = time.perf_counter()
            hall_requirements(ds, hall_id, fch)
            week_s = time.perf_counter() - t0
            print(f"{hall_id:<6}{sp[0]:>9.2f}{au[0]:>9.2f}{au[0] / sp[0]:>7.3f}"
                  f"{sp[1] / sp[2]:>11.1%}{au[1] / au[2]:>11.1%}{sp[3]:>11.3f}{au[3]:>11.3f}"
                  f"{week_s:>8.2f}")
            grand += [sp[0], au[0], sp[1], au[1], sp[2], 0]
        print(f"ALL   SIPP {grand[0]:.1f} h, default {grand[1]:.1f} h (ratio "
              f"{grand[1] / grand[0]:.3f}); interval-days meeting target: SIPP "
              f"{grand[2] / grand[4]:.1%}, default {grand[3] / grand[4]:.1%}\n")

    t0 = time.perf_counter()
    req = hall_requirements(ds, args.hall, fc)
    t_req = time.perf_counter() - t0
    print(f"hall-week of requirements ({len(req)} intervals, default method, simulation checks "
          f"included): {t_req:.2f} s (+ forecast {t_fc:.2f} s); "
          f"{req['staff'].sum() * pol.interval_minutes / 60:.1f} staff-hours, "
          f"peak {req['required'].max()} counters")


if __name__ == "__main__":
    main()
