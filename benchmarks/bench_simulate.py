"""Figures of issue 3 for ``queueopt.simulate``: speed vs Ciw and agreement of results.

Run: ``/work/venv/bin/python benchmarks/bench_simulate.py`` (about 1-2 minutes,
needs the ``bench`` extra: ciw).

The same hall-day is simulated by ``queueopt.simulate.simulate_day`` and by
Ciw 3 (``PoissonIntervals`` arrivals, a mixture of lognormal handling times,
``ciw.Schedule(..., preemption="resume")`` with the counters per interval as a
list, see DOMAIN.md pitfalls; exponential reneging for the abandonment case).
For each simulator it prints customers simulated per second (wall clock,
whole replications including sampling and statistics) and the day mean wait,
service level (10 min) and abandonment with 95% confidence intervals over
replications, then the difference with the 95% CI of the difference.
"""

from __future__ import annotations

import math
import time

import ciw
import numpy as np
from scipy import stats

from queueopt.queueing import mix_moments, required_servers
from queueopt.simulate import simulate_day

SHARES = [0.6, 0.25, 0.15]
MEANS = [1.5, 6.0, 15.0]
CVS = [0.6, 0.6, 0.6]
INTERVAL = 15.0
THRESHOLD = 10.0


def hall_day() -> tuple[list[float], list[int]]:
    """A 12-hour day (48 quarter-hours) with a morning and an afternoon peak.

    Returns arrival rates (customers per minute) and counters per interval
    from ``required_servers`` (80% within 10 min) minus one at the peaks, so
    queues build and carry over.
    """
    hours = 9 + np.arange(48) / 4
    rate = 0.6 + 1.2 * np.exp(-((hours - 11) / 1.2) ** 2) + 1.0 * np.exp(-((hours - 16) / 1.5) ** 2)
    m, scv = mix_moments(SHARES, MEANS, CVS)
    c = required_servers(rate, float(m), THRESHOLD, 0.8, float(scv))
    c = np.where(rate > 1.3, c - 1, c)
    return rate.tolist(), [int(x) for x in c]


def ciw_day(rates: list[float], counters: list[int], seed: int,
            patience: float | None, vip_share: float = 0.0
            ) -> tuple[float, float, float, int, float]:
    """One Ciw hall-day: (mean wait, service level, abandonment, customers, VIP service level).

    With ``vip_share`` > 0 the VIPs are a second customer class with
    non-preemptive priority (Ciw's ``priority_classes``).
    """
    n = len(rates)
    ends = [INTERVAL * (i + 1) for i in range(n)]
    sig = [math.sqrt(math.log1p(v * v)) for v in CVS]
    dists = [ciw.dists.Lognormal(math.log(m) - s * s / 2, s) for m, s in zip(MEANS, sig)]
    schedule = ciw.Schedule(numbers_of_servers=list(counters) + [counters[-1]],
                            shift_end_dates=ends + [ends[-1] + 1e6], preemption="resume")
    shares = {"Regular": 1.0 - vip_share, "VIP": vip_share} if vip_share > 0 else {"Regular": 1.0}
    kw: dict[str, object] = {}
    if patience is not None:
        kw["reneging_time_distributions"] = {k: [ciw.dists.Exponential(1 / patience)]
                                             for k in shares}
    if vip_share > 0:
        kw["priority_classes"] = {"VIP": 0, "Regular": 1}
    ciw.seed(seed)  # before the network: PoissonIntervals samples its arrivals when built
    net = ciw.create_network(
        arrival_distributions={k: [ciw.dists.PoissonIntervals([r * p for r in rates], ends,
                                                              ends[-1])]
                               for k, p in shares.items()},
        service_distributions={k: [ciw.dists.MixtureDistribution(dists, SHARES)]
                               for k in shares},
        number_of_servers=[schedule], **kw)
    sim = ciw.Simulation(net)
    sim.simulate_until_max_time(ends[-1] + 5_000)
    call: dict[int, float] = {}
    arrive: dict[int, float] = {}
    left: dict[int, float] = {}
    vip: dict[int, bool] = {}
    for rec in sim.get_all_records():
        arrive.setdefault(rec.id_number, rec.arrival_date)
        vip[rec.id_number] = rec.original_customer_class == "VIP"
        if rec.record_type == "renege":
            left[rec.id_number] = rec.exit_date
        else:  # first call; a preempted customer's later records are resumptions
            call[rec.id_number] = min(call.get(rec.id_number, math.inf), rec.service_start_date)
    ids = list(arrive)
    gone = np.array([k in left and k not in call for k in ids])
    wait = np.array([(left[k] if g else call[k]) - arrive[k] for k, g in zip(ids, gone)])
    within = ~gone & (wait <= THRESHOLD)
    is_vip = np.array([vip[k] for k in ids])
    vip_sl = float(within[is_vip].mean()) if is_vip.any() else math.nan
    return float(wait.mean()), float(within.mean()), float(gone.mean()), len(ids), vip_sl


def ci(x: np.ndarray) -> tuple[float, float]:
    half = stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x))
    return float(x.mean()), float(half)


def compare(name: str, patience: float | None, reps_ours: int, reps_ciw: int,
            vip_share: float = 0.0) -> None:
    rates, counters = hall_day()
    t0 = time.perf_counter()
    res = simulate_day(rates, counters, shares=SHARES, handle_mean=MEANS, handle_cv=CVS,
                       interval_minutes=int(INTERVAL), threshold=THRESHOLD, patience=patience,
                       vip_share=vip_share, replications=reps_ours, rng=20261122)
    t_ours = time.perf_counter() - t0
    n_ours = int(res.arrivals.sum())
    ours = {"mean wait (min)": res.day_mean_wait(), "service level": res.day_service_level(),
            "abandonment": res.abandoned.sum(1) / res.arrivals.sum(1),
            "VIP serv. level": res.vip_within.sum(1) / np.maximum(res.vip_arrivals.sum(1), 1)}
    t0 = time.perf_counter()
    runs = np.array([ciw_day(rates, counters, 1000 + r, patience, vip_share)
                     for r in range(reps_ciw)])
    t_ciw = time.perf_counter() - t0
    n_ciw = int(runs[:, 3].sum())
    theirs = {"mean wait (min)": runs[:, 0], "service level": runs[:, 1],
              "abandonment": runs[:, 2], "VIP serv. level": runs[:, 4]}
    print(f"{name}: 48 quarter-hours, counters {min(counters)}-{max(counters)}, "
          f"~{n_ours / reps_ours:.0f} customers a day")
    print(f"   queueopt: {reps_ours} days, {n_ours:,} customers in {t_ours:.2f} s = "
          f"{n_ours / t_ours:,.0f} customers/s")
    print(f"   Ciw:      {reps_ciw} days, {n_ciw:,} customers in {t_ciw:.2f} s = "
          f"{n_ciw / t_ciw:,.0f} customers/s")
    print(f"   speed-up {(n_ours / t_ours) / (n_ciw / t_ciw):.0f}x")
    for key in ours:
        if (patience is None and key == "abandonment") or (vip_share == 0 and key[:3] == "VIP"):
            continue
        mo, ho = ci(ours[key])
        mc, hc = ci(theirs[key])
        diff = mo - mc
        se = math.sqrt(ours[key].var(ddof=1) / len(ours[key])
                       + theirs[key].var(ddof=1) / len(theirs[key]))
        inside = abs(mo - mc) <= min(ho, hc)
        print(f"   {key:<16} queueopt {mo:.4f} +- {ho:.4f} | Ciw {mc:.4f} +- {hc:.4f} | "
              f"difference {diff:+.4f} +- {1.96 * se:.4f}; each mean inside the other's CI: "
              f"{inside}")


if __name__ == "__main__":
    compare("Counter mix, no abandonment", None, reps_ours=1000, reps_ciw=200)
    compare("Counter mix, exponential patience 20 min", 20.0, reps_ours=1000, reps_ciw=200)
    compare("Counter mix, patience 20 min, 15% VIPs served first", 20.0, reps_ours=1000,
            reps_ciw=200, vip_share=0.15)
