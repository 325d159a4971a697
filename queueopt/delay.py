"""Delay predictors: the wait of a customer who takes a ticket now.

The predictors of Ibrahim and Whitt, computed from what the hall knows at
the moment (:class:`queueopt.queue_state.StateAt`):

* ``QL``: queue length. With ``m`` customers who still need a server before
  the new one (those ahead, less the idle servers), ``m / (s mu)`` for
  ``s`` servers open and service rate ``mu`` per server; abandonment ignored.
* ``QL-A``: queue length with abandonment (their ``QL_m`` for the M/M/s+M
  model): the customer moves up one place when a server frees or someone
  ahead leaves, so with ``k`` ahead the rate is ``s mu + k theta``
  (``theta`` = 1 / mean patience), and the expected wait is
  ``sum_{k=0}^{m-1} 1 / (s mu + k theta)``.
* ``QL-P``: ``QL-A`` with the servers that actually worked: the most
  serving at once over the last ``window`` minutes (an idle server counts
  only if the queue is empty).
* ``QL-R``: the same sum with ``s mu`` replaced by the queue's *observed*
  drain rate (calls from the queue per minute of non-empty queue, shrunk
  towards ``s mu``), net of VIPs who will arrive and go first: servers that
  sit idle while customers wait, or are not really open, slow the queue and
  this sees it.
* ``LES``: the wait of the last customer to enter service.
* ``LES-R``: LES scaled by the change in the queue, ``(m + 1) / (m_les + 1)``
  (a refinement for time-varying arrivals: the last customer's wait is
  stale when the queue grew or shrank since they joined).
* ``HOL``: how long the head of the line has waited (``QL-A`` when the
  newcomer must wait with nobody of their tier ahead, where HOL is not defined).
* ``day mean``: today's mean wait so far (the "tell everyone the average"
  baseline).

References
----------
R. Ibrahim and W. Whitt, "Real-time delay estimation based on delay
history", Manufacturing & Service Operations Management 11(3), 2009;
"Real-time delay estimation in overloaded multiserver queues with
abandonments", Management Science 55(10), 2009; "Wait-time predictors for
customer service systems with time-varying demand and capacity",
Operations Research 59(5), 2011.

Units: waits and handling times in minutes, rates per minute.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy.special import digamma

from queueopt.queue_state import Line, StateAt, TicketLog

FloatArray = npt.NDArray[np.float64]

PREDICTORS: tuple[str, ...] = ("QL", "QL-A", "QL-P", "QL-R", "LES", "LES-R", "HOL", "day mean")
"""Names of the predictors, in the column order of :attr:`DelayPredictions.values`."""


def places_to_move(ahead: npt.ArrayLike, free: npt.ArrayLike) -> FloatArray:
    """Customers who must leave the queue before the new one is called: ``max(ahead + 1 - free, 0)``.

    >>> places_to_move([0, 3, 3], [1, 0, 5]).tolist()
    [0.0, 4.0, 0.0]
    """
    return np.maximum(np.asarray(ahead, float) + 1 - np.asarray(free, float), 0.0)


def wait_given_position(m: npt.ArrayLike, rate: npt.ArrayLike, theta: npt.ArrayLike
                        ) -> FloatArray:
    """Expected wait (minutes) of a customer with ``m`` places to move, ``sum_{k<m} 1/(rate + k theta)``.

    ``rate`` is the queue's service completion rate (per minute) and ``theta``
    each waiting customer's abandonment rate (per minute, 1 / mean patience).
    Uses the digamma function, ``(psi(rate/theta + m) - psi(rate/theta)) / theta``.

    >>> float(wait_given_position(3, 0.5, 0.0))   # 3 / 0.5
    6.0
    >>> round(float(wait_given_position(2, 1.0, 0.5)), 6)  # 1/1 + 1/1.5
    1.666667
    """
    m_a = np.asarray(m, float)
    r = np.maximum(np.asarray(rate, float), 1e-9)
    th = np.asarray(theta, float)
    small = th < 1e-9 * r
    th_safe = np.where(small, 1.0, th)
    with np.errstate(invalid="ignore", over="ignore"):
        x = r / th_safe
        exact = (digamma(x + m_a) - digamma(x)) / th_safe
    return np.asarray(np.where(m_a <= 0, 0.0, np.where(small, m_a / r, exact)), dtype=float)


def recent_waits(log: TicketLog, times: npt.ArrayLike, kiosk: npt.ArrayLike, last: int
                 ) -> FloatArray:
    """Mean wait (minutes) of the ``last`` customers of the query's queue called by each moment.

    Ibrahim and Whitt's delay-history predictors average the waits of the
    most recent customers to enter service; ``last=1`` is LES. Customers
    called before the query's moment count (not one called at it: a ticket
    called the moment it is issued does not predict itself); 0 before anyone
    is called.
    """
    t = np.atleast_1d(np.asarray(times, float))
    k = np.broadcast_to(np.asarray(kiosk, bool), t.shape)
    out = np.zeros(len(t))
    for channel in (False, True):
        q = np.flatnonzero(k == channel)
        if not len(q):
            continue
        sel = np.flatnonzero(np.isfinite(log.called) & (log.kiosk == channel))
        order = sel[np.argsort(log.called[sel], kind="stable")]
        total = np.r_[0.0, np.cumsum(log.called[order] - log.issued[order])]
        j = np.searchsorted(log.called[order], t[q], "left")
        lo = np.maximum(j - last, 0)
        out[q] = np.where(j > 0, (total[j] - total[lo]) / np.maximum(j - lo, 1), 0.0)
    return out


@dataclass(frozen=True)
class DelayPriors:
    """What the hall knew before today (from its history or its policy).

    Parameters
    ----------
    handle_minutes:
        Mean handling time per customer at a server, minutes (counters).
    kiosk_handle_minutes:
        The same at a kiosk, minutes.
    patience:
        Mean patience, minutes (``inf``: nobody leaves).
    weight:
        How many of today's observations the priors count as (pseudo-counts
        for the handling time, abandonments for patience).
    rate_minutes:
        Minutes of non-empty queue the prior drain rate ``s mu`` counts as.
    """

    handle_minutes: float
    kiosk_handle_minutes: float
    patience: float
    weight: float = 20.0
    rate_minutes: float = 5.0

    def __post_init__(self) -> None:
        for name in ("handle_minutes", "kiosk_handle_minutes", "patience", "weight",
                     "rate_minutes"):
            value = getattr(self, name)
            if not value > 0:
                raise ValueError(f"{name}={value} must be > 0")


@dataclass(frozen=True)
class DelayPredictions:
    """Every predictor's wait (minutes) for each query: ``values[query, predictor]``.

    ``places`` is the customers who must leave the queue first (see
    :func:`places_to_move`), ``handle`` and ``theta`` the handling time
    (minutes) and abandonment rate (per minute) used.
    """

    values: FloatArray
    places: FloatArray
    handle: FloatArray
    theta: FloatArray

    def of(self, name: str) -> FloatArray:
        """The column of predictor ``name`` (one of :data:`PREDICTORS`)."""
        if name not in PREDICTORS:
            raise ValueError(f"predictor={name!r} must be one of {', '.join(PREDICTORS)}")
        return np.asarray(self.values[:, PREDICTORS.index(name)], dtype=float)


def predict(state: StateAt, kiosk: npt.ArrayLike, vip: npt.ArrayLike, priors: DelayPriors, *,
            places_then: npt.ArrayLike | None = None, vip_first: bool = True
            ) -> DelayPredictions:
    """All predictors for queries whose state is ``state``.

    Parameters
    ----------
    state:
        :func:`queueopt.queue_state.state_at` of the queries.
    kiosk, vip:
        Per query: kiosk queue, VIP tier.
    priors:
        Handling time and patience known before today.
    places_then:
        For ``LES-R``: the places to move the LES customer had when they
        took their ticket (``nan`` unknown: LES-R falls back to LES).
    vip_first:
        VIPs are served first (a regular customer's queue is also slowed by
        VIPs arriving after them); False for a head-start rule.
    """
    k = np.asarray(kiosk, bool)
    v = np.asarray(vip, bool)
    w = priors.weight
    prior_h = np.where(k, priors.kiosk_handle_minutes, priors.handle_minutes)
    seen = np.nan_to_num(state.handle_mean) * state.handle_count
    handle = (prior_h * w + seen) / (w + state.handle_count)
    # patience: exponential MLE (abandonments / minutes waited), prior as pseudo-counts
    finite = np.isfinite(priors.patience)
    a0 = w if finite else 0.0
    e0 = w * (priors.patience if finite else 1000.0)
    theta = (a0 + state.abandoned_known) / (e0 + state.exposure)
    theta = np.asarray(theta, float)
    m = places_to_move(state.ahead, state.free)
    s = np.maximum(state.servers_open, 1).astype(float)
    cap = s / handle
    ql = m / cap
    qla = wait_given_position(m, cap, theta)
    t0 = priors.rate_minutes
    rate = (state.drain_calls + cap * t0) / (state.drain_minutes + t0)
    jumpers = np.where(vip_first & ~v, state.vip_rate, 0.0)
    rate_eff = np.maximum(rate - jumpers, 0.25 * rate)
    qlr = wait_given_position(m, rate_eff, theta)
    les = np.where(np.isfinite(state.les_wait), state.les_wait, qla)
    les = np.where(m > 0, les, 0.0)
    if places_then is None:
        les_r = les
    else:
        pt = np.asarray(places_then, float)
        les_r = np.where(np.isfinite(pt), les * (m + 1) / (pt + 1), les)
        les_r = np.where(m > 0, les_r, 0.0)
    # HOL is defined when someone of the tier waits ahead (Ibrahim and Whitt); a newcomer who
    # must wait with nobody of the tier ahead gets QL-A, as LES does before anyone is served
    hol = np.where(m > 0, np.where(state.hol_wait > 0, state.hol_wait, qla), 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        day = np.where(state.completed_count > 0,
                       state.completed_wait_sum / np.maximum(state.completed_count, 1), qla)
    working = np.maximum(state.peak_busy, 1).astype(float)
    free_w = np.where(state.waiting > 0, 0, np.maximum(state.peak_busy - state.busy, 0))
    qlp = wait_given_position(places_to_move(state.ahead, free_w), working / handle, theta)
    values = np.column_stack([ql, qla, qlp, qlr, les, les_r, hol, day]).astype(float)
    return DelayPredictions(values=values, places=m, handle=np.asarray(handle, float),
                            theta=theta)


@dataclass(frozen=True)
class Handling:
    """Lognormal handling time per transaction type at counters and at kiosks (minutes).

    Arrays are per type in the order of ``types``; ``*_mean`` minutes, ``*_cv``
    coefficients of variation. A type index of -1 (unknown type) uses the
    last entry's fallback ``default_*``. ``groups``: per type code, the servers
    (``server_id``) that serve it, learnt from the history (the bank routes types to
    agent groups; empty: no groups known).
    """

    types: tuple[str, ...]
    counter_mean: FloatArray
    counter_cv: FloatArray
    kiosk_mean: FloatArray
    kiosk_cv: FloatArray
    default_counter: tuple[float, float]
    default_kiosk: tuple[float, float]
    groups: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def of(self, kiosk: bool, type_index: npt.NDArray[np.int64]) -> tuple[FloatArray, FloatArray]:
        """(mean minutes, cv) of each ticket's handling time."""
        mean, cv = ((self.kiosk_mean, self.kiosk_cv) if kiosk else (self.counter_mean, self.counter_cv))
        dm, dc = self.default_kiosk if kiosk else self.default_counter
        ok = (type_index >= 0) & (type_index < len(mean))
        ti = np.where(ok, type_index, 0)
        m = np.where(ok, mean[ti] if len(mean) else dm, dm)
        c = np.where(ok, cv[ti] if len(cv) else dc, dc)
        return np.asarray(m, float), np.asarray(c, float)


@dataclass(frozen=True)
class Schedule:
    """Counters the roster opens per interval of the day (the plan live mode is told about).

    ``counts[k]`` counters are open from ``start + k * interval`` minutes
    since midnight for ``interval`` minutes; before ``start`` the first
    count holds, after the last interval the last one (the customers still
    in the hall at closing time are served, as in :func:`queueopt.simulate.serve_queue`).
    """

    start: float
    interval: float
    counts: npt.NDArray[np.int64]

    def __post_init__(self) -> None:
        c = np.asarray(self.counts, np.int64)
        if c.ndim != 1 or len(c) == 0 or np.any(c < 0):
            raise ValueError("counts must be one count >= 0 per interval")
        if not self.interval > 0:
            raise ValueError(f"interval={self.interval} must be > 0 minutes")
        object.__setattr__(self, "counts", c)
        # first interval k' >= k with more than j counters open, per slot j (len = no interval)
        top = int(c.max()) if len(c) else 0
        nxt = np.full((top + 1, len(c) + 1), len(c), np.int64)
        for k in range(len(c) - 1, -1, -1):
            nxt[:, k] = np.where(np.arange(top + 1) < c[k], k, nxt[:, k + 1])
        object.__setattr__(self, "_next", nxt)

    def at(self, t: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Counters open at clock times ``t`` (minutes since midnight)."""
        return np.asarray(self.counts[self._index(t)], np.int64)

    def _index(self, t: npt.ArrayLike) -> npt.NDArray[np.int64]:
        x = np.nan_to_num((np.asarray(t, float) - self.start) / self.interval, nan=0.0,
                          posinf=len(self.counts), neginf=0.0)
        return np.asarray(np.clip(np.floor(x), 0, len(self.counts) - 1), np.int64)

    def next_open(self, slot: npt.ArrayLike, t: npt.ArrayLike) -> FloatArray:
        """When counter ``slot`` (0-based) can next take a customer at or after ``t``."""
        nxt = self._next  # type: ignore[attr-defined]
        j = np.asarray(slot, np.int64)
        tt = np.asarray(t, float)
        k = self._index(tt)
        jj = np.clip(j, 0, nxt.shape[0] - 1)
        k2 = np.where(j < nxt.shape[0], nxt[jj, k], len(self.counts))
        start_k2 = self.start + k2 * self.interval
        return np.asarray(np.where(k2 >= len(self.counts), np.inf,
                                   np.where(k2 == k, tt, start_k2)), dtype=float)


def _lognormal_params(mean: FloatArray, cv: FloatArray) -> tuple[FloatArray, FloatArray]:
    s2 = np.log1p(np.maximum(cv, 1e-3) ** 2)
    return np.log(np.maximum(mean, 1e-6)) - s2 / 2, np.sqrt(s2)


def simulated_wait(lines: list[Line], log: TicketLog, times: npt.ArrayLike, kiosk: npt.ArrayLike,
                   regular_behind_vips: npt.ArrayLike, handling: Handling,
                   theta: npt.ArrayLike, vip_rate: npt.ArrayLike, *, draws: int = 48,
                   seed: int = 0, keys: npt.ArrayLike | None = None,
                   schedule: Schedule | None = None,
                   variance: FloatArray | None = None) -> FloatArray:
    """``QL-S``: the expected wait of a newcomer who is called, from the line as it is, by
    Monte Carlo (minutes).

    Each draw serves the customers ahead in calling order at the servers
    busy now (their remaining handling time drawn from the type's lognormal
    given the time already spent) and the idle ones; each customer ahead
    leaves when their remaining patience (exponential, rate ``theta`` per
    minute) runs out first; for a regular customer behind VIPs, VIPs keep
    arriving (Poisson, ``vip_rate`` per minute) and go first. The new
    customer's wait is when the next server frees after everyone ahead;
    the mean weighs each draw by the newcomer's chance to stay that long
    (``exp(-theta w)``), since the waits told and judged are those of
    customers who are called, not of those who leave first.
    This uses what the queue-length predictors average away: the types
    ahead (a 1.5-minute top-up or a 20-minute contract) and how long each
    service in progress has run.

    Parameters
    ----------
    lines:
        :func:`queueopt.queue_state.lines_at` of the queries.
    log:
        The day's tickets.
    times, kiosk, regular_behind_vips, theta, vip_rate:
        Per query: moment (minutes since midnight), kiosk queue, whether
        later VIPs go first, abandonment rate and VIP arrival rate (per minute).
    handling:
        Handling-time model.
    draws:
        Monte Carlo draws per query.
    seed, keys:
        Query ``i`` draws from ``default_rng([seed, keys[i]])`` (default key:
        ``i``), so a query's value does not depend on the other queries.
    schedule:
        The counters the roster opens per interval (counter queue only):
        servers then open and close as planned during the wait (a closing
        counter finishes its customer), the time-varying capacity of
        Ibrahim and Whitt (2011). Without it the servers open now stay open.
    variance:
        If given (one entry per query), filled with the variance of the wait
        over the draws (minutes squared) for a newcomer who stays to be
        called (draws weighted by ``exp(-theta w)``, the chance their own
        patience outlasts the wait ``w``): the error even a perfect
        prediction of the mean would have if the model were right.
    """
    t = np.atleast_1d(np.asarray(times, float))
    key = np.arange(len(t)) if keys is None else np.asarray(keys, np.int64)
    ks = np.broadcast_to(np.asarray(kiosk, bool), t.shape)
    behind = np.broadcast_to(np.asarray(regular_behind_vips, bool), t.shape)
    th = np.broadcast_to(np.asarray(theta, float), t.shape)
    lv = np.broadcast_to(np.asarray(vip_rate, float), t.shape)
    out = np.full(len(t), np.nan)
    for i, line in enumerate(lines):
        if len(line.ahead) < line.free:
            out[i] = 0.0
            continue
        gen = np.random.default_rng([seed, int(key[i])])
        sched = schedule if (schedule is not None and not ks[i]) else None
        free_t = _servers_free_at(line, log, float(t[i]), bool(ks[i]), handling, gen, draws,
                                  sched)
        first = _serve_line(line, log, float(t[i]), bool(ks[i]), bool(behind[i]),
                            float(th[i]), float(lv[i]), handling, gen, free_t, sched)
        w = np.where(np.isfinite(first), first, t[i] + 600.0) - t[i]
        # the newcomer stays to be called with chance exp(-theta w): the wait of a customer
        # who is called (the waits announced and judged) weighs each draw by it
        stay = np.exp(-th[i] * (w - w.min()))
        out[i] = float(np.average(w, weights=stay))
        if variance is not None:
            variance[i] = float(np.average((w - out[i]) ** 2, weights=stay))
    return out


def _servers_free_at(line: Line, log: TicketLog, now: float, kiosk: bool, handling: Handling,
                     gen: np.random.Generator, draws: int, sched: Schedule | None) -> FloatArray:
    """When each server first frees, per draw (``draws x servers``, minutes since midnight).

    Busy servers finish their customer after a remaining handling time drawn from the
    type's lognormal given the time already spent; idle servers are free ``now``; with a
    roster (``sched``) the slots beyond the busy ones open and close as it says. With
    nobody serving and nobody open, the first server is back after an exponential time.
    """
    from scipy.special import ndtr, ndtri

    mean_b, cv_b = handling.of(kiosk, log.type_index[line.in_service])
    mu_b, sg_b = _lognormal_params(mean_b, cv_b)
    elapsed = np.maximum(now - log.called[line.in_service], 1e-6)
    lo = ndtr((np.log(elapsed) - mu_b) / sg_b)
    u = lo + (1 - lo) * gen.random((draws, len(line.in_service)))
    total = np.exp(mu_b + sg_b * ndtri(np.clip(u, 1e-12, 1 - 1e-12)))
    free_t = np.concatenate([now + np.maximum(total - elapsed, 0.0),
                             np.full((draws, line.free), now)], axis=1)
    if sched is not None:  # slots beyond the busy ones follow the roster
        top = max(int(sched.counts.max()), len(line.in_service))
        busy_end = now + np.maximum(total - elapsed, 0.0)
        b = len(line.in_service)
        slots = np.arange(top)
        free_t = np.empty((draws, top))
        free_t[:, :b] = sched.next_open(slots[None, :b], busy_end)
        free_t[:, b:] = sched.next_open(slots[b:], np.full(top - b, now))[None, :]
    if free_t.shape[1] == 0 or not np.isfinite(free_t).any():
        # nobody serving and nobody open: the first one back
        free_t = now + gen.exponential(float(np.mean(handling.of(kiosk, np.array([-1]))[0])),
                                       (draws, 1))
    return free_t


def _serve_line(line: Line, log: TicketLog, now: float, kiosk: bool, behind: bool,
                theta: float, vip_rate: float, handling: Handling, gen: np.random.Generator,
                free_t: FloatArray, sched: Schedule | None) -> FloatArray:
    """When the newcomer's server frees, per draw (minutes since midnight; ``inf`` never).

    The customers ahead are served in calling order at the next free server, each
    leaving first when their patience (exponential, rate ``theta`` per minute) runs out;
    with ``behind`` (a regular customer behind VIPs) VIPs keep arriving (Poisson,
    ``vip_rate`` per minute) and go first. ``free_t`` (``draws x servers``) is updated.
    """
    draws, m = free_t.shape[0], len(line.ahead)
    mean_a, cv_a = handling.of(kiosk, log.type_index[line.ahead])
    mu_a, sg_a = _lognormal_params(mean_a, cv_a)
    serve = np.exp(mu_a + sg_a * gen.standard_normal((draws, m)))
    leave = (now + gen.exponential(1.0, (draws, m)) / theta if theta > 0
             else np.full((draws, m), np.inf))
    vip_next = (now + gen.exponential(1.0 / vip_rate, draws) if behind and vip_rate > 0
                else np.full(draws, np.inf))
    vip_mean, vip_cv = handling.of(kiosk, np.array([-1]))
    vmu, vsg = _lognormal_params(vip_mean, vip_cv)
    rows = np.arange(draws)
    k = np.zeros(draws, np.int64)  # next customer ahead to place, per draw
    for _ in range(m + 10 * draws):  # VIP arrivals end when the rate is below capacity
        srv = free_t.argmin(1)
        when = free_t[rows, srv]
        jump = (vip_next <= when) & np.isfinite(when)
        done = (k >= m) & ~jump
        if done.all():
            break
        kk = np.minimum(k, m - 1) if m else k
        if m:
            stays = (leave[rows, kk] >= when) & (k < m) & ~jump
        else:
            stays = np.zeros(draws, bool)
        dur = np.where(jump, np.exp(vmu + vsg * gen.standard_normal(draws)),
                       serve[rows, kk] if m else 0.0)
        take = jump | stays
        back = when[take] + dur[take]
        if sched is not None:
            back = sched.next_open(srv[take], back)
        free_t[rows[take], srv[take]] = back
        k = k + ((k < m) & ~jump)
        vip_next = np.where(jump, vip_next + gen.exponential(1.0 / max(vip_rate, 1e-9), draws),
                            vip_next)
        # after everyone ahead, a VIP arriving before the newcomer's server frees still
        # goes first; the loop ends when the next free server comes before the next VIP
    return np.asarray(free_t.min(1), dtype=float)
