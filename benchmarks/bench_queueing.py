"""Figures of issue 3 for ``queueopt.queueing``; prints every number it measures.

Run: ``/work/venv/bin/python benchmarks/bench_queueing.py`` (about 2-4 minutes,
needs the ``bench`` extra: pyworkforce, mpmath).

1. Erlang C and the service level against a 50-digit mpmath reference for
   loads up to 2,000 Erlangs (relative error; no overflow), and Erlang A
   against a 50-digit birth-death reference.
2. ``required_servers``: share of intervals where it returns the true minimum
   (an independent scalar brute force from one server up), next to the share
   for pyworkforce's ``ErlangC.required_positions``.
3. Speed on 96,824 intervals (247 halls x 7 days x 56 quarter-hours):
   ``required_servers`` (best of 5) vs pyworkforce looped, in one run.
4. General service times: the issue's counter mix (60% 1.5 min, 25% 6 min,
   15% 15 min, lognormal cv 0.6) over 2-20 servers and utilisation 0.6-0.95:
   mean wait and service level (10 min) of the approximation vs a long
   steady-state simulation, with plain Erlang C alongside.
5. VIP priority (non-preemptive M/M/c, 20% VIPs): the exact service levels
   of both classes vs long simulation runs.
6. Erlang A service level (called within the threshold; abandoners not) vs
   long simulation runs.
"""

from __future__ import annotations

import math
import time
import warnings

import mpmath as mp
import numpy as np
from pyworkforce.queuing import ErlangC

from queueopt.queueing import (
    erlang_a,
    erlang_a_service_level,
    erlang_c,
    mean_wait,
    mix_moments,
    priority_service_level,
    required_servers,
    service_level,
)
from queueopt.simulate import lognormal, serve_queue

mp.mp.dps = 50


# ---------------------------------------------------------------- references
def ref_erlang_c(c: int, a: float) -> mp.mpf:
    """Erlang C by the textbook sum in 50-digit log space (Cooper 1981, eq. 3.27)."""
    a_m = mp.mpf(a)
    la = mp.log(a_m)
    terms = [mp.exp(k * la - mp.loggamma(k + 1)) for k in range(c)]
    top = mp.exp(c * la - mp.loggamma(c + 1)) * c / (c - a_m)
    return top / (mp.fsum(terms) + top)


def ref_erlang_a(lam: float, s: float, c: int, patience: float) -> tuple[mp.mpf, mp.mpf]:
    """P(wait) and P(abandon) of M/M/c+M from the birth-death chain in 50 digits."""
    lam_m, mu, th = mp.mpf(lam), 1 / mp.mpf(s), 1 / mp.mpf(patience)
    w = [mp.mpf(1)]
    for k in range(1, c + 1):
        w.append(w[-1] * lam_m / (k * mu))
    j = 0
    tail_q = mp.mpf(0)
    while True:
        j += 1
        w.append(w[-1] * lam_m / (c * mu + j * th))
        tail_q += j * w[-1]
        if w[-1] < mp.mpf(10) ** -45 * sum(w) and lam_m < c * mu + j * th:
            break
    total = mp.fsum(w)
    p_wait = mp.fsum(w[c:]) / total
    p_ab = th * (tail_q / total) / lam_m
    return p_wait, p_ab


def rel(x: float, ref: mp.mpf) -> float:
    return float(abs(mp.mpf(x) - ref) / abs(ref)) if ref != 0 else abs(x)


def section_reference() -> None:
    print("1. Accuracy vs a 50-digit mpmath reference")
    loads = [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000]
    worst_c = worst_sl = worst_pw = 0.0
    n = 0
    for a in loads:
        step = max(1, math.ceil(math.sqrt(a)))
        for k in range(7):
            c = math.floor(a) + 1 + k * step
            ref = ref_erlang_c(c, a)
            if ref < mp.mpf(10) ** -250:  # beyond double precision range: skip
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # any overflow warning fails the run
                got = float(erlang_c(a, 1.0, c))
                sl = float(service_level(a / 2.0, 2.0, c, threshold=1.0))
            t_over_s = mp.mpf(1) / 2
            ref_sl = 1 - ref * mp.exp(-(c - mp.mpf(a)) * t_over_s)
            worst_c = max(worst_c, rel(got, ref))
            worst_sl = max(worst_sl, rel(sl, ref_sl))
            pw = ErlangC(transactions=a * 15, aht=1.0, asa=1.0, interval=15)
            try:
                pw_c = float(pw.waiting_probability(c))
                worst_pw = max(worst_pw, rel(pw_c, ref) if math.isfinite(pw_c) else math.inf)
            except (OverflowError, ZeroDivisionError):
                worst_pw = math.inf
            n += 1
    print(f"   {n} (load, servers) pairs, loads 0.5-2,000 Erlangs, servers up to "
          f"{math.floor(2000) + 1 + 6 * math.ceil(math.sqrt(2000))}")
    print(f"   Erlang C        max relative error {worst_c:.2e}")
    print(f"   service level   max relative error {worst_sl:.2e}")
    print(f"   (pyworkforce Erlang C max relative error {worst_pw:.2e})")
    worst_aw = worst_aa = 0.0
    cases = [(0.5, 4.0, 2, 5.0), (1.0, 4.0, 4, 10.0), (1.2, 4.0, 4, 10.0), (3.0, 4.0, 10, 20.0),
             (30.0, 2.0, 55, 3.0), (110.0, 1.0, 100, 2.0), (500.0, 4.0, 2000, 10.0)]
    for lam, s, c, pat in cases:
        rw, ra = ref_erlang_a(lam, s, c, pat)
        r = erlang_a(lam, s, c, pat)
        worst_aw = max(worst_aw, rel(float(r.p_wait), rw))
        worst_aa = max(worst_aa, rel(float(r.p_abandon), ra))
    print(f"   Erlang A ({len(cases)} cases up to 2,000 servers, incl. overloaded): "
          f"P(wait) max rel error {worst_aw:.2e}, P(abandon) {worst_aa:.2e}")


# ------------------------------------------------------- required servers
def brute_minimum(a: float, s: float, t: float, target: float) -> int:
    """Independent scalar search from one server up (Erlang B recursion in floats)."""
    if a == 0:
        return 0
    b = 1.0
    c = 0
    while True:
        c += 1
        b = a * b / (c + a * b)
        if c <= a:
            continue
        pw = c * b / (c - a * (1 - b))
        if 1 - pw * math.exp(-(c - a) * t / s) >= target:
            return c


def province_intervals(seed: int = 2026) -> tuple[np.ndarray, float, float, float]:
    """Arrival rates (per minute) of 247 halls x 7 days x 56 quarter-hours."""
    g = np.random.default_rng(seed)
    halls, days, q = 247, 7, 56
    size = g.lognormal(np.log(1.0), 0.6, halls)  # hall mean arrivals per minute
    hours = 8 + np.arange(q) / 4
    profile = 0.4 + np.exp(-((hours - 10.5) / 1.5) ** 2) + 0.8 * np.exp(-((hours - 16) / 2) ** 2)
    profile /= profile.mean()
    day = g.uniform(0.8, 1.3, (halls, days))
    rate = size[:, None, None] * day[:, :, None] * profile[None, None, :]
    rate = rate * g.gamma(20, 1 / 20, rate.shape)  # interval noise
    return np.maximum(rate.ravel(), 0.01), 4.65, 10.0, 0.8


def section_required_servers() -> None:
    print("2-3. required_servers: minimality and speed")
    rate, s, t, tgt = province_intervals()
    n = rate.size
    ours = required_servers(rate, s, t, tgt)  # warm-up
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        ours = required_servers(rate, s, t, tgt)
        times.append(time.perf_counter() - t0)
    ours_time = min(times)
    t0 = time.perf_counter()
    pyw = np.array([ErlangC(transactions=x * 15, aht=s, asa=t, interval=15)
                    .required_positions(tgt)["raw_positions"] for x in rate])
    pyw_time = time.perf_counter() - t0
    brute = np.array([brute_minimum(x * s, s, t, tgt) for x in rate])
    print(f"   {n:,} intervals (247 halls x 7 days x 56 quarter-hours), "
          f"AHT {s} min, {tgt:.0%} within {t:g} min, loads {rate.min() * s:.2f}-"
          f"{rate.max() * s:.1f} Erlangs")
    print(f"   queueopt required_servers: {ours_time * 1e3:.1f} ms (best of 5)")
    print(f"   pyworkforce ErlangC loop:  {pyw_time * 1e3:.0f} ms  -> queueopt is "
          f"{pyw_time / ours_time:.0f}x faster")
    print(f"   true minimum: queueopt {np.mean(ours == brute):.2%}, "
          f"pyworkforce {np.mean(pyw == brute):.2%} "
          f"(one too many in {np.mean(pyw == brute + 1):.2%})")
    # a wider random sample: loads up to 1,000 Erlangs, thresholds and targets vary
    g = np.random.default_rng(7)
    m = 20_000
    lam = g.uniform(0.01, 1.0, m) ** 2 * 250
    aht = g.uniform(0.5, 8.0, m)
    thr = g.uniform(0.1, 15.0, m)
    target = g.uniform(0.5, 0.99, m)
    keep = lam * aht <= 1000
    lam, aht, thr, target = lam[keep], aht[keep], thr[keep], target[keep]
    ours = required_servers(lam, aht, thr, target)
    brute = np.array([brute_minimum(a * b, b, c, d) for a, b, c, d in zip(lam, aht, thr, target)])
    pyw = np.array([ErlangC(transactions=a * 15, aht=b, asa=c, interval=15)
                    .required_positions(d)["raw_positions"]
                    for a, b, c, d in zip(lam, aht, thr, target)])
    fewer = ours - 1
    one_fewer_misses = np.all(service_level(lam, aht, fewer, thr) < target)
    print(f"   random sample of {len(lam):,} (loads up to 1,000 Erlangs, varied threshold and "
          f"target): queueopt minimum {np.mean(ours == brute):.2%}, pyworkforce "
          f"{np.mean(pyw == brute):.2%} (one too many {np.mean(pyw == brute + 1):.2%}); "
          f"one server fewer always misses: {bool(one_fewer_misses)}")


# --------------------------------------------------------- general service
SHARES = np.array([0.6, 0.25, 0.15])
MEANS = np.array([1.5, 6.0, 15.0])
CVS = np.array([0.6, 0.6, 0.6])
THRESHOLD = 10.0


def steady_state(c: int, rho: float, seed: int) -> tuple[float, float, float, float]:
    """Mean wait and SL of the stationary M/G/c by one long run; returns (w, w_half, sl, sl_half).

    Halves are 95% batch-means half-widths (20 batches, first 10% discarded).
    """
    m, _ = mix_moments(SHARES, MEANS, CVS)
    lam = rho * c / float(m)
    n = int(min(4e6, max(1e6, 2e4 / (1 - rho) ** 2)))
    g = np.random.default_rng(seed)
    t = np.cumsum(g.exponential(1 / lam, n))
    ty = g.choice(3, n, p=SHARES)
    s = lognormal(g, MEANS[ty], CVS[ty])
    call, _ = serve_queue(t, s, np.full(n, np.inf), np.zeros(n, bool), np.array([c]),
                          1e15, 0.0)
    w = (call - t)[n // 10:]
    batches = np.array_split(w, 20)
    bw = np.array([b.mean() for b in batches])
    bs = np.array([(b <= THRESHOLD).mean() for b in batches])
    k = 2.093 / math.sqrt(20)
    return float(w.mean()), float(bw.std(ddof=1) * k), float((w <= THRESHOLD).mean()), \
        float(bs.std(ddof=1) * k)


def section_mix() -> None:
    print("4. Counter mix 60% 1.5 / 25% 6 / 15% 15 min, lognormal cv 0.6, "
          f"service level within {THRESHOLD:g} min")
    m, scv = mix_moments(SHARES, MEANS, CVS)
    m, scv = float(m), float(scv)
    print(f"   mix mean {m:.3f} min, SCV {scv:.3f}")
    print(f"   {'c':>3} {'rho':>5} {'sim W':>8} {'+-':>6} {'approx':>8} {'err':>7} {'ErlangC':>8} "
          f"{'err':>7} | {'sim SL':>7} {'approx':>7} {'ErlC':>7}")
    err_w, err_sl, err_w_ec, err_sl_ec = [], [], [], []
    t0 = time.perf_counter()
    for c in [2, 3, 5, 8, 12, 20]:
        for rho in [0.6, 0.7, 0.8, 0.9, 0.95]:
            w, wh, sl, _ = steady_state(c, rho, seed=1000 * c + int(rho * 100))
            lam = rho * c / m
            aw = float(mean_wait(lam, m, c, scv))
            ew = float(mean_wait(lam, m, c))
            asl = float(service_level(lam, m, c, THRESHOLD, scv))
            esl = float(service_level(lam, m, c, THRESHOLD))
            err_w.append((aw - w) / w)
            err_w_ec.append((ew - w) / w)
            err_sl.append(asl - sl)
            err_sl_ec.append(esl - sl)
            print(f"   {c:>3} {rho:>5.2f} {w:>8.3f} {wh:>6.3f} {aw:>8.3f} {err_w[-1]:>+7.1%} "
                  f"{ew:>8.3f} {err_w_ec[-1]:>+7.1%} | {sl:>7.4f} {asl:>7.4f} {esl:>7.4f}")
    ew_, es_ = np.abs(err_w), np.abs(err_sl) * 100
    ewe, ese = np.abs(err_w_ec), np.abs(err_sl_ec) * 100
    print(f"   approximation: mean wait error median {np.median(ew_):.1%}, worst {ew_.max():.1%};"
          f" service level error median {np.median(es_):.2f} pts, worst {es_.max():.2f} pts")
    print(f"   plain Erlang C: mean wait error median {np.median(ewe):.1%}, worst {ewe.max():.1%};"
          f" service level error median {np.median(ese):.2f} pts, worst {ese.max():.2f} pts")
    print(f"   (simulation {time.perf_counter() - t0:.0f} s)")


def section_low_variability() -> None:
    print("4b. Kiosk-like handling: one type, 6 min, lognormal cv 0.5 (SCV 0.25), "
          "SL within 5 min, vs one long run of 1 million customers per case")
    err_w, err_sl = [], []
    for c, rho in [(2, 0.7), (4, 0.85), (8, 0.7), (8, 0.9), (16, 0.8)]:
        s, n = 6.0, 1_000_000
        lam = rho * c / s
        g = np.random.default_rng(c * 10 + int(rho * 10))
        t = np.cumsum(g.exponential(1 / lam, n))
        call, _ = serve_queue(t, lognormal(g, np.full(n, s), np.full(n, 0.5)), np.full(n, np.inf),
                              np.zeros(n, bool), np.array([c]), 1e15, 0.0)
        w = (call - t)[n // 10:]
        aw, asl = float(mean_wait(lam, s, c, 0.25)), float(service_level(lam, s, c, 5.0, 0.25))
        err_w.append(abs(aw - w.mean()) / w.mean())
        err_sl.append(abs(asl - (w <= 5.0).mean()) * 100)
        print(f"   c={c:>2} rho={rho:.2f}: mean wait sim {w.mean():.3f} approx {aw:.3f} | "
              f"SL sim {(w <= 5.0).mean():.4f} approx {asl:.4f}")
    print(f"   mean wait error median {np.median(err_w):.1%}, worst {max(err_w):.1%}; "
          f"SL error median {np.median(err_sl):.2f} pts, worst {max(err_sl):.2f} pts")


def section_priority() -> None:
    print("5. VIP priority, M/M/c non-preemptive, 20% VIPs, 4-min handling, SL within 2 min "
          "(both classes exact) vs one long run of 1.5 million customers per case")
    errs_v, errs_r = [], []
    for c in [2, 4, 8, 16]:
        for rho in [0.7, 0.85, 0.95]:
            lam = rho * c / 4.0
            n = 1_500_000
            g = np.random.default_rng(c * 100 + int(rho * 100))
            t = np.cumsum(g.exponential(1 / lam, n))
            vip = g.random(n) < 0.2
            call, _ = serve_queue(t, g.exponential(4.0, n), np.full(n, np.inf), vip,
                                  np.array([c]), 1e15, 0.0)
            w, v = (call - t)[n // 10:], vip[n // 10:]
            sv, sr = float((w[v] <= 2.0).mean()), float((w[~v] <= 2.0).mean())
            ev, er = priority_service_level(0.2 * lam, 0.8 * lam, 4.0, c, 2.0)
            errs_v.append(float(ev) - sv)
            errs_r.append(float(er) - sr)
            print(f"   c={c:>2} rho={rho:.2f}: VIP sim {sv:.4f} exact {float(ev):.4f} | "
                  f"regular sim {sr:.4f} exact {float(er):.4f}")
    ev_, er_ = np.abs(errs_v) * 100, np.abs(errs_r) * 100
    print(f"   VIP error median {np.median(ev_):.2f} pts, worst {ev_.max():.2f} pts; regular "
          f"median {np.median(er_):.2f} pts, worst {er_.max():.2f} pts (simulation noise)")


def section_erlang_a() -> None:
    print("6. Erlang A service level (exact) vs one long run of 1.5 million customers per case")
    errs = []
    for lam, s, c, pat, t in [(1.0, 4.0, 4, 10.0, 2.0), (1.5, 4.0, 4, 10.0, 5.0),
                              (0.9, 3.0, 3, 2.5, 1.0), (3.0, 4.0, 12, 20.0, 3.0),
                              (6.0, 4.0, 20, 5.0, 1.0)]:
        g = np.random.default_rng(int(lam * 100) + c)
        n = 1_500_000
        arrive = np.cumsum(g.exponential(1 / lam, n))
        call, _ = serve_queue(arrive, g.exponential(s, n), g.exponential(pat, n),
                              np.zeros(n, bool), np.array([c]), 1e15, 0.0)
        w = (call - arrive)[n // 10:]
        sim = float(np.mean(~np.isnan(w) & (w <= t)))
        exact = float(erlang_a_service_level(lam, s, c, pat, t))
        errs.append(abs(exact - sim) * 100)
        print(f"   load {lam * s:>5.1f} on {c:>2} counters, patience {pat:>4g} min, t = {t:g} min:"
              f" sim {sim:.4f} exact {exact:.4f}")
    print(f"   error median {np.median(errs):.2f} pts, worst {max(errs):.2f} pts "
          "(simulation noise)")


if __name__ == "__main__":
    section_reference()
    section_required_servers()
    section_mix()
    section_low_variability()
    section_priority()
    section_erlang_a()
