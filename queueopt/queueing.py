"""Queueing formulas for counters and kiosks: pure, vectorised numpy.

Every function broadcasts over all of its array arguments (one element per
interval, hall, scenario ...), keeps no state and never raises in the middle
of an array: an unstable element (load >= servers) gives the documented
``inf`` or ``nan``.

Words and symbols
-----------------
=================  ======  =============================================
word               symbol  unit
=================  ======  =============================================
``arrival_rate``   λ       customers per minute
``handle_time``    1/μ     minutes (mean handling time)
``load``           A       Erlangs, A = λ / μ
``servers``        c       open counters (or kiosks)
``threshold``      t       minutes (service-level wait threshold)
``target``                 share of customers served within ``threshold``
``patience``       1/θ     minutes (mean time a customer waits before leaving)
``handle_time_scv``        squared coefficient of variation of handling time
=================  ======  =============================================

References
----------
* Erlang B by the stable recursion ``B(k) = A B(k-1) / (k + A B(k-1))``:
  Cooper, *Introduction to Queueing Theory*, 2nd ed., 1981, §3.
* Erlang C from Erlang B: ``C = c B / (c - A (1 - B))``: Cooper §3.
* General service times: Allen-Cunneen / Kingman scaling of the waiting time
  by ``(1 + scv) / 2`` with Whitt's light-traffic refinement φ(ρ, scv, c);
  Allen, *Probability, Statistics and Queueing Theory*, 1990, and Whitt,
  "Approximations for the GI/G/m queue", Production and Operations
  Management 2(2), 1993, eqs. (2.24)-(2.26).
* Erlang A (M/M/c+M): exact birth-death solution, Garnett, Mandelbaum and
  Reiman, "Designing a call center with impatient customers", MSOM 2002.
* Non-preemptive priorities with a common service rate: Cobham (1954), see
  Kleinrock, *Queueing Systems* vol. 2, 1976, §3; the VIP waiting-time
  distribution: Kella and Yechiali, "Waiting times in the non-preemptive
  priority M/M/c queue", Stochastic Models 1(2), 1985; the regular class by
  inverting its transform with the Euler algorithm of Abate and Whitt, "A
  unified framework for numerically inverting Laplace transforms", INFORMS
  J. Computing 18(4), 2006.
* Erlang A service level: the stage argument of
  :func:`erlang_a_service_level` (order statistics of exponentials give the
  incomplete-beta CDF).

Accuracy and speed figures are printed by ``benchmarks/bench_queueing.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
ArrayLike = npt.ArrayLike


def _load(arrival_rate: ArrayLike, handle_time: ArrayLike) -> FloatArray:
    lam = np.asarray(arrival_rate, dtype=float)
    s = np.asarray(handle_time, dtype=float)
    return np.asarray(lam * s, dtype=float)


def _erlang_b_flat(a_flat: FloatArray, c_flat: IntArray) -> FloatArray:
    """Erlang B of valid 1-D inputs (A >= 0 finite, integer c >= 0): no checks."""
    if a_flat.size == 0:
        return np.zeros(0)
    # Sort by c descending: the elements still recursing at step k are a prefix,
    # so each step works on a slice (no masks, no copies of the whole array).
    key = -c_flat
    if int(c_flat.max()) < 32_767:
        key = key.astype(np.int16)  # numpy radix-sorts 16-bit keys: several times faster
    order = np.argsort(key, kind="stable")
    a_sorted = a_flat[order]
    c_desc = c_flat[order]
    # Recursion on the inverse, 1/B(k) = 1 + (k / A) / B(k-1): all terms are
    # positive (no cancellation) and it runs in place; A = 0 gives 1/A = inf,
    # i.e. B = 0 for c >= 1 as it should.
    inv_b = np.ones(a_sorted.shape, dtype=float)
    with np.errstate(divide="ignore"):
        inv_a = 1.0 / a_sorted
    top = int(c_desc[0])
    # active[k] = number of elements with c >= k
    active = np.searchsorted(-c_desc, -np.arange(top + 1), side="right")
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, top + 1):
            view = inv_b[:int(active[k])]
            view *= inv_a[:view.size]
            view *= k
            view += 1.0
        b_sorted = 1.0 / inv_b  # overflow of 1/B means B below double range: 0
    b = np.empty_like(b_sorted)
    b[order] = b_sorted
    return b


def erlang_b(load: ArrayLike, servers: ArrayLike) -> FloatArray:
    """Blocking probability of M/M/c/c (Erlang B), vectorised.

    Parameters
    ----------
    load:
        Offered load A in Erlangs (>= 0).
    servers:
        Number of servers c (integer >= 0).

    Returns
    -------
    numpy.ndarray
        B(c, A); ``nan`` where the inputs are invalid.

    Examples
    --------
    Two servers, one Erlang: ``B = (1/2) / (1 + 1 + 1/2) = 0.2``.

    >>> float(erlang_b(1.0, 2))
    0.2
    """
    a, c = np.broadcast_arrays(np.asarray(load, dtype=float), np.asarray(servers))
    c_int = np.where(np.isfinite(c), c, 0).astype(np.int64)
    bad = (a < 0) | ~np.isfinite(a) | (c_int < 0) | (c_int != c)
    a_safe = np.ravel(np.where(bad, 0.0, a))
    c_flat = np.ravel(np.where(bad, 0, c_int))
    b = _erlang_b_flat(a_safe, c_flat)
    return np.where(bad, np.nan, b.reshape(a.shape))


def erlang_c(arrival_rate: ArrayLike, handle_time: ArrayLike, servers: ArrayLike) -> FloatArray:
    """Probability that an arrival waits in M/M/c (Erlang C).

    Parameters
    ----------
    arrival_rate:
        λ, customers per minute.
    handle_time:
        Mean handling time, minutes.
    servers:
        Open counters c.

    Returns
    -------
    numpy.ndarray
        C(c, A) in [0, 1]; 1 where load >= servers (every arrival waits).

    Examples
    --------
    >>> round(float(erlang_c(1.0, 1.0, 2)), 6)  # A = 1, c = 2: 1/3
    0.333333
    """
    a = _load(arrival_rate, handle_time)
    a, c = np.broadcast_arrays(a, np.asarray(servers, dtype=float))
    b = erlang_b(a, c)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = c * b / (c - a * (1.0 - b))
    out = np.where(a >= c, 1.0, out)
    out = np.where(a == 0, 0.0, out)
    return np.asarray(np.clip(out, 0.0, 1.0), dtype=float)


def occupancy(arrival_rate: ArrayLike, handle_time: ArrayLike, servers: ArrayLike) -> FloatArray:
    """Server utilisation A / c (may exceed 1 where the queue is unstable)."""
    a = _load(arrival_rate, handle_time)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(a / np.asarray(servers, dtype=float), dtype=float)


def _wait_scale(handle_time_scv: ArrayLike, load: ArrayLike, servers: ArrayLike) -> FloatArray:
    """Factor on the M/M/c wait for M/G/c: ``φ(ρ, scv, c) (1 + scv) / 2`` (Whitt 1993).

    Poisson arrivals (arrival SCV 1). The Allen-Cunneen factor ``(1 + scv) / 2``
    is exact in heavy traffic; Whitt's φ corrects it in light traffic with
    several servers, where a waiting customer waits for the *first* of c
    residual handling times (φ < 1 for scv > 1, φ > 1 for scv < 1, φ = 1 at
    scv = 1, so Erlang C stays exact). Measured against simulation by
    ``benchmarks/bench_queueing.py``.

    Examples
    --------
    >>> float(_wait_scale(1.0, 4.0, 5))
    1.0
    >>> round(float(_wait_scale(1.774, 14.0, 20)), 3)  # 20 counters at 70%
    1.218
    """
    cs2 = np.asarray(handle_time_scv, dtype=float)
    a = np.asarray(load, dtype=float)
    m = np.asarray(servers, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        rho = np.clip(a / m, 1e-9, 1.0)
        gamma = np.minimum(0.24, (1 - rho) * (m - 1) * (np.sqrt(4 + 5 * m) - 2) / (16 * m * rho))
        phi1 = 1 + gamma
        phi3 = (1 - 4 * gamma) * np.exp(-2 * (1 - rho) / (3 * rho))
        phi4 = np.minimum(1.0, (phi1 + phi3) / 2)
        half = (1 + cs2) / 2  # (ca2 + cs2) / 2 with ca2 = 1
        psi = np.where(half >= 1, 1.0, phi4 ** (2 * (1 - half)))
        low = 4 * (1 - cs2) / (4 - 3 * cs2) * phi1 + cs2 / (4 - 3 * cs2) * psi  # cs2 <= 1
        high = (cs2 - 1) / (2 + 2 * cs2) * phi3 + (cs2 + 3) / (2 + 2 * cs2) * psi  # cs2 >= 1
        phi = np.where(cs2 <= 1, low, high)
    return np.asarray(phi * half, dtype=float)


def mean_wait(arrival_rate: ArrayLike, handle_time: ArrayLike, servers: ArrayLike,
              handle_time_scv: ArrayLike = 1.0) -> FloatArray:
    """Mean wait in minutes, over all customers.

    Exact Erlang C for ``handle_time_scv = 1``; otherwise the Allen-Cunneen
    approximation ``C / (c μ - λ) * (1 + scv) / 2`` with Whitt's (1993)
    light-traffic factor φ (see :func:`_wait_scale`).

    Returns ``inf`` where load >= servers (0 where nobody arrives, even with no server).

    Examples
    --------
    M/M/1 with ρ = 0.5 and a 1-minute handling time waits ρ/(μ-λ) = 1 minute:

    >>> float(mean_wait(0.5, 1.0, 1))
    1.0
    """
    a = _load(arrival_rate, handle_time)
    s = np.asarray(handle_time, dtype=float)
    c = np.asarray(servers, dtype=float)
    pw = erlang_c(arrival_rate, handle_time, servers)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = pw * s / (c - a) * _wait_scale(handle_time_scv, a, c)
    return np.asarray(np.where(a == 0, 0.0, np.where(a >= c, np.inf, w)), dtype=float)


def service_level(arrival_rate: ArrayLike, handle_time: ArrayLike, servers: ArrayLike,
                  threshold: ArrayLike, handle_time_scv: ArrayLike = 1.0) -> FloatArray:
    """P(wait <= ``threshold`` minutes).

    Exact Erlang C, ``1 - C exp(-(c - A) t / s)``, for ``handle_time_scv = 1``;
    otherwise the conditional wait keeps its exponential shape with the
    approximate mean of :func:`mean_wait`, i.e. the decay rate is divided by
    ``φ (1 + scv) / 2``.
    Returns 0 where load >= servers.

    Examples
    --------
    >>> round(float(service_level(1.0, 1.0, 2, threshold=1.0)), 6)  # 1 - e^-1/3
    0.877374
    """
    a = _load(arrival_rate, handle_time)
    s = np.asarray(handle_time, dtype=float)
    c = np.asarray(servers, dtype=float)
    t = np.asarray(threshold, dtype=float)
    pw = erlang_c(arrival_rate, handle_time, servers)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        sl = 1.0 - pw * np.exp(-(c - a) * t / (s * _wait_scale(handle_time_scv, a, c)))
    sl = np.where(a >= c, 0.0, sl)
    return np.asarray(np.where(a == 0, 1.0, np.clip(sl, 0.0, 1.0)), dtype=float)


def max_arrival_rate(handle_time: ArrayLike, servers: ArrayLike, threshold: ArrayLike,
                     target: ArrayLike, handle_time_scv: ArrayLike = 1.0,
                     max_mean_wait: ArrayLike = np.inf, *, rtol: float = 1e-9) -> FloatArray:
    """Largest arrival rate (customers per minute) that ``servers`` serve to the target.

    The inverse of :func:`required_servers`: the highest λ with
    :func:`service_level` >= ``target`` and :func:`mean_wait` <= ``max_mean_wait``.
    Both fall monotonically in λ, so a vectorised bisection on (0, c / s)
    finds it to relative tolerance ``rtol``.

    Parameters
    ----------
    handle_time:
        Mean handling time, minutes.
    servers:
        Servers (counters or kiosks), >= 0.
    threshold:
        Wait threshold of the service level, minutes.
    target:
        Required share served within ``threshold`` (0-1).
    handle_time_scv:
        Squared coefficient of variation of handling time.
    max_mean_wait:
        Cap on the mean wait, minutes.
    rtol:
        Relative tolerance of the bisection.

    Returns
    -------
    numpy.ndarray
        λ max per element, customers per minute (0 for 0 servers).

    Examples
    --------
    >>> lam = float(max_arrival_rate(3.0, 5, threshold=0.5, target=0.8))
    >>> int(required_servers(lam * 0.999, 3.0, 0.5, 0.8)), int(required_servers(lam * 1.001, 3.0, 0.5, 0.8))
    (5, 6)
    """
    s, c, t, tgt, scv, mw = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (
        handle_time, servers, threshold, target, handle_time_scv, max_mean_wait)))
    lo = np.zeros(s.shape)
    hi = np.where(c > 0, c / s, 0.0)
    steps = int(np.ceil(np.log2(1.0 / rtol))) + 1
    for _ in range(steps):
        mid = (lo + hi) / 2
        ok = (service_level(mid, s, c, t, scv) >= tgt) & (mean_wait(mid, s, c, scv) <= mw)
        lo, hi = np.where(ok, mid, lo), np.where(ok, hi, mid)
    return np.asarray(lo, dtype=float)


def required_servers(arrival_rate: ArrayLike, handle_time: ArrayLike, threshold: ArrayLike,
                     target: ArrayLike, handle_time_scv: ArrayLike = 1.0,
                     max_occupancy: ArrayLike = 1.0, max_mean_wait: ArrayLike = np.inf
                     ) -> IntArray:
    """Fewest servers with service level >= ``target`` (and the other caps).

    Parameters
    ----------
    arrival_rate:
        λ, customers per minute.
    handle_time:
        Mean handling time, minutes.
    threshold:
        Wait threshold of the service level, minutes.
    target:
        Required share served within ``threshold`` (0-1).
    handle_time_scv:
        Squared coefficient of variation of handling time.
    max_occupancy:
        Cap on utilisation A / c (0-1]; with 1.0 only stability binds.
    max_mean_wait:
        Cap on the mean wait, minutes.

    Returns
    -------
    numpy.ndarray of int64
        The minimum c per element (0 where nobody arrives).

    Notes
    -----
    Erlang B is carried from one c to the next by its recursion, so the
    search costs one cheap step per extra server for the whole array: no
    per-interval Python loop.

    Examples
    --------
    >>> required_servers([0.0, 1.0, 10.0], 3.0, threshold=0.5, target=0.8).tolist()
    [0, 5, 34]
    """
    params = [np.asarray(x, dtype=float) for x in
              (arrival_rate, handle_time, threshold, target, handle_time_scv, max_occupancy,
               max_mean_wait)]
    shape = np.broadcast_shapes(*(x.shape for x in params))
    lam, s, t, tgt, scv, occ, mw = params
    for name, x, ok in (("arrival_rate", lam, np.isfinite(lam) & (lam >= 0)),
                        ("handle_time", s, np.isfinite(s) & (s > 0)),
                        ("threshold", t, np.isfinite(t) & (t >= 0)),
                        ("handle_time_scv", scv, np.isfinite(scv) & (scv >= 0))):
        if not np.all(ok):
            raise ValueError(f"{name} must be finite and {'> 0' if name == 'handle_time' else '>= 0'}"
                             f" in every element; got {x[~ok].ravel()[:3].tolist()} ...")
    if np.any(tgt > 1) or np.any(tgt < 0):
        raise ValueError(f"target={np.asarray(target)!r} must be in [0, 1]")
    if np.any(occ <= 0) or np.any(occ > 1):
        raise ValueError(f"max_occupancy={np.asarray(max_occupancy)!r} must be in (0, 1]")
    size = int(np.prod(shape))
    a = np.ravel(np.broadcast_to(lam * s, shape))
    # A parameter that is one value for all elements stays a scalar (no copies).
    def compact(x: FloatArray) -> FloatArray | float:
        return float(x.ravel()[0]) if x.size == 1 else np.ravel(np.broadcast_to(x, shape))

    s_, t_, tgt_, scv_, occ_, mw_ = (compact(x) for x in (s, t, tgt, scv, occ, mw))
    start = np.maximum(np.floor(a) + 1, np.ceil(a / occ_ - 1e-12))
    c = np.where(a == 0, 0, start).astype(np.int64)
    b = _erlang_b_flat(a, c)

    def take(x: FloatArray | float, idx: IntArray | None) -> FloatArray | float:
        return x if isinstance(x, float) or idx is None else x[idx]

    def meets(idx: IntArray | None) -> npt.NDArray[np.bool_]:
        cf = (c if idx is None else c[idx]).astype(float)
        ai = a if idx is None else a[idx]
        bi = b if idx is None else b[idx]
        si = take(s_, idx)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            scale = (1.0 if isinstance(scv_, float) and scv_ == 1.0
                     else _wait_scale(take(scv_, idx), ai, cf))
            pw = np.clip(cf * bi / (cf - ai * (1.0 - bi)), 0.0, 1.0)
            sl = 1.0 - pw * np.exp(-(cf - ai) * take(t_, idx) / (si * scale))
            ok = ((cf > ai) & (sl >= take(tgt_, idx) - 1e-12)
                  & (ai <= take(occ_, idx) * cf + 1e-12))
            if not (isinstance(mw_, float) and mw_ == np.inf):
                ok &= pw * si / (cf - ai) * scale <= take(mw_, idx) + 1e-12
        return np.asarray(ok | (ai == 0), dtype=bool)

    idx = np.flatnonzero(~meets(None))
    while idx.size:
        c[idx] += 1
        ab = a[idx] * b[idx]
        b[idx] = ab / (c[idx] + ab)
        idx = idx[~meets(idx)]
    return c.reshape(shape) if size else np.zeros(shape, dtype=np.int64)


def arrival_weighted_mean(values: ArrayLike, arrivals: ArrayLike, empty: float = 0.0) -> float:
    """Mean of a per-interval figure over the customers: ``sum(a v) / sum(a)``.

    The one definition of a hall's (or a day's) mean wait, service level or
    abandonment from per-interval figures: each interval counts as many
    times as customers arrive in it. Intervals without arrivals are left
    out (their value may be ``nan``).

    Parameters
    ----------
    values:
        The figure per interval (e.g. mean wait, minutes).
    arrivals:
        Arrivals per interval (customers, or a rate per minute: only the
        proportions matter).
    empty:
        Returned when nobody arrives.

    >>> arrival_weighted_mean([2.0, 10.0, float("nan")], [30, 10, 0])  # (60 + 100) / 40
    4.0
    """
    v = np.asarray(values, dtype=float)
    a = np.asarray(arrivals, dtype=float)
    if v.shape != a.shape:
        raise ValueError(f"values {v.shape} and arrivals {a.shape} must have the same shape")
    use = a > 0
    total = float(a[use].sum())
    if not total > 0:
        return float(empty)
    return float(np.sum(a[use] * v[use]) / total)


def mix_moments(shares: ArrayLike, means: ArrayLike, cvs: ArrayLike,
                axis: int = -1) -> tuple[FloatArray, FloatArray]:
    """Mean and squared coefficient of variation of a transaction mix.

    Parameters
    ----------
    shares:
        Share of each transaction type (normalised here), along ``axis``.
    means:
        Mean handling time per type, minutes.
    cvs:
        Coefficient of variation per type.

    Returns
    -------
    (mean, scv)
        Mean handling time (minutes) and squared coefficient of variation of
        the mixture: ``E[S^2] = sum p m^2 (1 + cv^2)``.

    Examples
    --------
    >>> m, scv = mix_moments([0.6, 0.25, 0.15], [1.5, 6.0, 15.0], [0.6, 0.6, 0.6])
    >>> round(float(m), 3), round(float(scv), 3)
    (4.65, 1.774)
    """
    p = np.asarray(shares, dtype=float)
    m = np.asarray(means, dtype=float)
    v = np.asarray(cvs, dtype=float)
    total = p.sum(axis=axis, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = p / total
        mean = (p * m).sum(axis=axis)
        second = (p * m * m * (1.0 + v * v)).sum(axis=axis)
        scv = second / (mean * mean) - 1.0
    return np.asarray(mean, dtype=float), np.asarray(scv, dtype=float)


@dataclass(frozen=True, slots=True)
class ErlangAResult:
    """Exact M/M/c+M metrics, one element per input element.

    Attributes
    ----------
    p_wait:
        Probability an arrival finds all servers busy (and so waits).
    p_abandon:
        Probability an arrival leaves before being served.
    mean_wait:
        Mean wait over all arrivals, including those who leave, minutes.
    mean_queue:
        Mean number of customers waiting.
    inputs:
        (arrival_rate, handle_time, servers, patience) as given, for
        :meth:`service_level`.

    Examples
    --------
    >>> r = erlang_a(1.0, 4.0, 4, patience=10.0)
    >>> bool(np.isclose(r.service_level(0.0), 1 - r.p_wait, rtol=0, atol=1e-12))
    True
    """

    p_wait: FloatArray
    p_abandon: FloatArray
    mean_wait: FloatArray
    mean_queue: FloatArray
    inputs: tuple[FloatArray, ...] | None = field(default=None, repr=False, compare=False)

    def service_level(self, threshold: ArrayLike) -> FloatArray:
        """Share of arrivals called within ``threshold`` minutes (exact, abandoners not).

        See :func:`erlang_a_service_level`.
        """
        if self.inputs is None:
            raise ValueError("this ErlangAResult was built without its inputs; "
                             "call erlang_a_service_level(...) instead")
        lam, s, c, pat = self.inputs
        return erlang_a_service_level(lam, s, c, pat, threshold)


_MAX_TAIL_TERMS = 200_000


def erlang_a(arrival_rate: ArrayLike, handle_time: ArrayLike, servers: ArrayLike,
             patience: ArrayLike, *, tol: float = 1e-16) -> ErlangAResult:
    """Erlang A (M/M/c+M): Poisson arrivals, exponential service and patience.

    Solves the birth-death chain exactly. Below c the stationary weights sum
    to ``1 / B(c, A)`` relative to state c; above c each state adds the factor
    ``λ / (c μ + j θ)``, summed in a vectorised loop until every term is below
    ``tol`` of the running total. Stable for thousands of servers and for
    overloaded intervals (abandonment keeps the chain positive recurrent).

    Parameters
    ----------
    arrival_rate:
        λ, customers per minute.
    handle_time:
        Mean handling time, minutes.
    servers:
        Open counters c (>= 1).
    patience:
        Mean patience 1/θ, minutes (``inf`` gives Erlang C where stable).

    Examples
    --------
    >>> r = erlang_a(1.0, 1.0, 2, patience=1e12)
    >>> round(float(r.p_wait), 6)  # tends to Erlang C = 1/3
    0.333333
    """
    arrays = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in
                                   (arrival_rate, handle_time, servers, patience)))
    shape = arrays[0].shape
    lam, s, c, pat = (np.ravel(x).copy() for x in arrays)
    mu = 1.0 / s
    theta = np.where(np.isinf(pat), 0.0, 1.0 / pat)
    a = lam * s
    b = erlang_b(a, c)
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = 1.0 / b  # sum_{k=0}^{c} pi_k / pi_c
    upper = np.zeros(a.shape)
    first_moment = np.zeros(a.shape)
    term = np.ones(a.shape)
    active = (lam > 0) & np.isfinite(lower)
    # with theta == 0 the tail is geometric: sum it in closed form where stable
    geo = active & (theta == 0)
    rho = np.where(geo, lam / (c * mu), 0.0)
    stable_geo = geo & (rho < 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        upper = np.where(stable_geo, rho / (1 - rho), upper)
        first_moment = np.where(stable_geo, rho / (1 - rho) ** 2, first_moment)
    upper = np.where(geo & ~stable_geo, np.inf, upper)
    loop = active & ~geo
    j = 0
    while loop.any():
        j += 1
        idx = np.flatnonzero(loop)
        term[idx] *= lam[idx] / (c[idx] * mu[idx] + j * theta[idx])
        upper[idx] += term[idx]
        first_moment[idx] += j * term[idx]
        # stop once the term is negligible and decreasing
        small = (term[idx] < tol * (lower[idx] + upper[idx])) & (
            lam[idx] < c[idx] * mu[idx] + (j + 1) * theta[idx])
        loop[idx[small]] = False
        if j >= _MAX_TAIL_TERMS:  # overloaded with near-infinite patience: undefined here
            upper[loop] = np.nan
            break
    total = lower + upper
    with np.errstate(divide="ignore", invalid="ignore"):
        p_wait = np.where(active, upper / total + (1.0 / total), 0.0)
        # PASTA: an arrival waits when it finds >= c in system (state c included)
        mean_queue = np.where(active, first_moment / total, 0.0)
        p_abandon = np.where(active & (theta > 0), theta * mean_queue / lam, 0.0)
        w = np.where(active, mean_queue / lam, 0.0)
    unstable = geo & ~stable_geo
    p_wait = np.where(unstable, 1.0, p_wait)
    w = np.where(unstable, np.inf, w)
    mean_queue = np.where(unstable, np.inf, mean_queue)
    return ErlangAResult(p_wait=np.clip(p_wait, 0, 1).reshape(shape),
                         p_abandon=np.clip(p_abandon, 0, 1).reshape(shape),
                         mean_wait=w.reshape(shape), mean_queue=mean_queue.reshape(shape),
                         inputs=tuple(arrays))


def priority_mean_wait(vip_rate: ArrayLike, regular_rate: ArrayLike, handle_time: ArrayLike,
                       servers: ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Mean waits (minutes) of VIP and regular customers under non-preemptive priority.

    M/M/c with one service rate for both classes (Cobham's formula):
    ``W_vip = W0 / (1 - ρ_vip)`` and ``W_reg = W0 / ((1 - ρ_vip)(1 - ρ))`` with
    ``W0 = C(c, A) s / c`` and ρ the utilisations per class. ``inf`` where a
    class is unstable.

    Examples
    --------
    With no VIPs the regular wait is plain Erlang C:

    >>> v, r = priority_mean_wait(0.0, 1.0, 1.0, 2)
    >>> round(float(r), 6), round(float(mean_wait(1.0, 1.0, 2)), 6)
    (0.333333, 0.333333)
    """
    lv = np.asarray(vip_rate, dtype=float)
    lr = np.asarray(regular_rate, dtype=float)
    s = np.asarray(handle_time, dtype=float)
    c = np.asarray(servers, dtype=float)
    pw = erlang_c(lv + lr, s, c)
    w0 = pw * s / c
    rho_v = lv * s / c
    rho = (lv + lr) * s / c
    with np.errstate(divide="ignore", invalid="ignore"):
        wv = np.where(rho_v < 1, w0 / (1 - rho_v), np.inf)
        wr = np.where(rho < 1, w0 / ((1 - rho_v) * (1 - rho)), np.inf)
    return np.asarray(wv, dtype=float), np.asarray(wr, dtype=float)


def _euler_weights(m: int = 18) -> tuple[npt.NDArray[np.complex128], FloatArray, float]:
    """Nodes and weights of the Abate-Whitt Euler inversion (Abate and Whitt 2006)."""
    xi = np.zeros(2 * m + 1)
    xi[0] = 0.5
    xi[1:m + 1] = 1.0
    xi[2 * m] = 2.0 ** -m
    for k in range(1, m):
        xi[2 * m - k] = xi[2 * m - k + 1] + 2.0 ** -m * math.comb(m, k)
    eta = ((-1.0) ** np.arange(2 * m + 1)) * xi
    beta = m * np.log(10) / 3 + 1j * np.pi * np.arange(2 * m + 1)
    return beta, eta, 10 ** (m / 3)


def _regular_wait_tail(vip_rate: ArrayLike, service_rate: ArrayLike, rho: ArrayLike,
                       threshold: ArrayLike) -> FloatArray:
    """P(regular wait > t | wait) under non-preemptive priority M/M/c, by Euler inversion.

    ``service_rate`` is c μ (per minute), ``rho`` the total utilisation (< 1),
    ``threshold`` t in minutes.

    Examples
    --------
    Without VIPs the conditional wait is exponential with rate c μ (1 - ρ):

    >>> round(float(_regular_wait_tail(0.0, 1.0, 0.5, 2.0)), 9), round(math.exp(-1.0), 9)
    (0.367879441, 0.367879441)
    """
    beta, eta, scale = _euler_weights()
    lv, cm, r, t = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in
                                         (vip_rate, service_rate, rho, threshold)))
    t_pos = np.where(t > 0, t, 1.0)[..., None]
    z = beta / t_pos
    lv_, cm_, r_ = lv[..., None], cm[..., None], r[..., None]
    root = np.sqrt((lv_ + cm_ + z) ** 2 - 4 * lv_ * cm_)
    busy = 2 * cm_ / (lv_ + cm_ + z + root)  # M/M/1 busy-period transform
    wait = (1 - r_) * busy / (1 - r_ * busy)
    tail = (eta * ((1 - wait) / z).real).sum(-1) * scale / t_pos[..., 0]
    return np.asarray(np.where(t > 0, np.clip(tail, 0.0, 1.0), 1.0), dtype=float)


def priority_service_level(vip_rate: ArrayLike, regular_rate: ArrayLike, handle_time: ArrayLike,
                           servers: ArrayLike, threshold: ArrayLike
                           ) -> tuple[FloatArray, FloatArray]:
    """Service levels P(wait <= ``threshold`` minutes) of VIP and regular customers.

    Non-preemptive priority M/M/c, one service rate for both classes. Both
    classes wait with the same probability C(c, A) (PASTA: the number of busy
    counters does not depend on the serving order). A waiting VIP waits for
    as many departures as VIPs ahead of it plus one, each at rate c μ, so its
    conditional wait is exactly exponential with rate ``c μ - λ_vip``
    (Kella and Yechiali, 1985): ``SL_vip = 1 - C exp(-(c μ - λ_vip) t)``.
    A waiting regular customer finds a geometric number N of customers in
    queue (P(N = n) = (1 - ρ) ρ^n) and is called after N + 1 departures plus
    one per VIP arriving meanwhile: an M/M/1 busy period (arrival rate
    λ_vip, service rate c μ) started by N + 1 customers. Its transform
    ``(1 - ρ) B(s) / (1 - ρ B(s))`` with the busy-period transform B is
    inverted numerically (Abate-Whitt Euler algorithm, M = 18, absolute
    error about 1e-9), so the regular service level is exact too.

    Parameters
    ----------
    vip_rate, regular_rate:
        Arrivals per minute of each class.
    handle_time:
        Mean handling time (both classes), minutes.
    servers:
        Open counters c.
    threshold:
        Wait threshold, minutes.

    Returns
    -------
    (sl_vip, sl_regular)
        0 where the class is unstable.

    Examples
    --------
    With no VIPs the regular class has the plain Erlang C service level:

    >>> v, r = priority_service_level(0.0, 1.0, 1.0, 2, threshold=1.0)
    >>> round(float(r), 6), round(float(service_level(1.0, 1.0, 2, 1.0)), 6)
    (0.877374, 0.877374)
    """
    lv = np.asarray(vip_rate, dtype=float)
    lr = np.asarray(regular_rate, dtype=float)
    s = np.asarray(handle_time, dtype=float)
    c = np.asarray(servers, dtype=float)
    t = np.asarray(threshold, dtype=float)
    pw = erlang_c(lv + lr, s, c)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        cm = c / s
        rho = (lv + lr) / cm
        decay_v = cm - lv
        sl_v = np.where(decay_v > 0, 1.0 - pw * np.exp(-decay_v * t), 0.0)
        stable = rho < 1
        tail = _regular_wait_tail(np.where(stable, lv, 0.0), np.where(stable, cm, 1.0),
                                  np.where(stable, rho, 0.5), t)
        sl_r = np.where(stable, 1.0 - pw * tail, 0.0)
        sl_r = np.where(pw == 0, 1.0, sl_r)
    return (np.asarray(np.clip(sl_v, 0, 1), dtype=float),
            np.asarray(np.clip(sl_r, 0, 1), dtype=float))


@dataclass(frozen=True, slots=True)
class KioskResult:
    """Metrics of a kiosk pool, one element per input element.

    Attributes
    ----------
    arrival_rate:
        Kiosk users per minute (arrivals x eligible share x adoption).
    counter_rate:
        Arrivals per minute left for the counters.
    load:
        Kiosk load, Erlangs.
    occupancy:
        Kiosk utilisation (may exceed 1 where the pool is overloaded).
    p_wait:
        Probability a kiosk user waits.
    mean_wait:
        Mean kiosk wait, minutes (``inf`` where overloaded).
    service_level:
        P(kiosk wait <= threshold) (0 where overloaded).
    """

    arrival_rate: FloatArray
    counter_rate: FloatArray
    load: FloatArray
    occupancy: FloatArray
    p_wait: FloatArray
    mean_wait: FloatArray
    service_level: FloatArray


def kiosk_pool(arrival_rate: ArrayLike, eligible_share: ArrayLike, adoption: ArrayLike,
               kiosk_handle_time: ArrayLike, kiosks: ArrayLike, threshold: ArrayLike,
               kiosk_handle_time_scv: ArrayLike = 1.0) -> KioskResult:
    """The kiosk pool as its own M/G/c queue, fed by the kiosk-choosing share.

    Kiosk users are a Poisson thinning of all arrivals, rate
    ``arrival_rate x eligible_share x adoption``; the kiosks serve them with
    their own (longer) handling time; the rest go to the counters.

    Parameters
    ----------
    arrival_rate:
        All arrivals at the hall, customers per minute.
    eligible_share:
        Share of arrivals whose transaction a kiosk can do (0-1).
    adoption:
        Share of eligible customers who choose a kiosk (0-1).
    kiosk_handle_time:
        Mean kiosk handling time, minutes.
    kiosks:
        Kiosks in service.
    threshold:
        Service-level threshold, minutes.
    kiosk_handle_time_scv:
        Squared coefficient of variation of kiosk handling time.

    Examples
    --------
    120 arrivals an hour, 40% eligible, half of them use one of 2 kiosks at 6 min
    (overloaded: 1.2 Erlangs per kiosk):

    >>> k = kiosk_pool(2.0, 0.4, 0.5, 6.0, 2, threshold=10.0)
    >>> round(float(k.arrival_rate), 3), round(float(k.counter_rate), 3), round(float(k.occupancy), 3)
    (0.4, 1.6, 1.2)
    >>> float(k.mean_wait)
    inf
    """
    lam = np.asarray(arrival_rate, dtype=float)
    share = np.asarray(eligible_share, dtype=float) * np.asarray(adoption, dtype=float)
    if np.any((share < 0) | (share > 1)):
        raise ValueError("eligible_share x adoption must be in [0, 1]")
    lk = lam * share
    s = np.asarray(kiosk_handle_time, dtype=float)
    n = np.asarray(kiosks, dtype=float)
    return KioskResult(
        arrival_rate=np.asarray(lk, dtype=float), counter_rate=np.asarray(lam - lk, dtype=float),
        load=np.asarray(lk * s, dtype=float), occupancy=occupancy(lk, s, n),
        p_wait=erlang_c(lk, s, n), mean_wait=mean_wait(lk, s, n, kiosk_handle_time_scv),
        service_level=service_level(lk, s, n, threshold, kiosk_handle_time_scv))


def erlang_a_service_level(arrival_rate: ArrayLike, handle_time: ArrayLike, servers: ArrayLike,
                           patience: ArrayLike, threshold: ArrayLike, *,
                           tol: float = 1e-16) -> FloatArray:
    """Share of arrivals called within ``threshold`` minutes in M/M/c+M, exact.

    Those who abandon count as not served within the threshold (as in the
    simulator). An arrival that finds j customers waiting is called only if
    it advances through j + 1 stages before its own patience runs out; with k
    ahead the front moves at rate ``c μ + k θ`` and the customer leaves at
    rate θ. The success probabilities telescope to ``c μ / (c μ + (j+1) θ)``
    and the stage times, rates ``c μ + m θ`` for m = 1..j+1, sum to a
    variable whose CDF is the regularised incomplete beta function
    ``I_x(j + 1, c μ / θ + 1)`` at ``x = 1 - exp(-θ t)`` (an order statistic
    of exponentials). The sum over j runs with the stationary distribution of
    :func:`erlang_a`, truncated where the terms are negligible.

    Parameters
    ----------
    arrival_rate:
        λ, customers per minute.
    handle_time:
        Mean handling time, minutes.
    servers:
        Open counters c (>= 1).
    patience:
        Mean patience 1/θ, minutes (``inf``: Erlang C, 0 where unstable).
    threshold:
        Wait threshold t, minutes.
    tol:
        Truncation tolerance relative to the running total.

    Examples
    --------
    With near-infinite patience it tends to the Erlang C service level:

    >>> round(float(erlang_a_service_level(1.0, 1.0, 2, 1e9, 1.0)), 6)
    0.877374
    >>> round(float(service_level(1.0, 1.0, 2, 1.0)), 6)
    0.877374
    """
    from scipy.special import betainc

    arrays = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in
                                   (arrival_rate, handle_time, servers, patience, threshold)))
    shape = arrays[0].shape
    lam, s, c, pat, t = (np.ravel(x).copy() for x in arrays)
    theta = np.where(np.isinf(pat), 0.0, 1.0 / pat)
    cm = c / s
    b = erlang_b(lam * s, c)
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = 1.0 / b  # sum_{k=0}^{c} pi_k / pi_c
    active = (lam > 0) & np.isfinite(lower) & (theta > 0)
    upper = np.zeros(lam.shape)
    within = np.zeros(lam.shape)
    term = np.ones(lam.shape)
    x = -np.expm1(-theta * t)
    shape_b = np.where(active, cm / np.where(theta > 0, theta, 1.0) + 1.0, 1.0)
    loop = active.copy()
    j = 0
    while loop.any():
        idx = np.flatnonzero(loop)
        rate = cm[idx] + (j + 1) * theta[idx]
        within[idx] += term[idx] * cm[idx] / rate * betainc(j + 1, shape_b[idx], x[idx])
        term[idx] *= lam[idx] / rate
        upper[idx] += term[idx]
        j += 1
        small = (term[idx] < tol * (lower[idx] + upper[idx])) & (lam[idx] < rate)
        loop[idx[small]] = False
        if j >= _MAX_TAIL_TERMS:
            within[loop] = np.nan
            break
    with np.errstate(divide="ignore", invalid="ignore"):
        sl = ((lower - 1.0) + within) / (lower + upper)
    sl = np.where(active, sl, np.nan)
    sl = np.where(theta == 0, service_level(lam, s, c, t), sl)
    sl = np.where(lam == 0, 1.0, sl)
    return np.asarray(np.clip(sl, 0.0, 1.0), dtype=float).reshape(shape)
