"""Discrete-event simulation of hall-days: the check on every formula and plan.

One hall-day is a non-homogeneous Poisson arrival stream (a rate per
interval), a transaction mix with lognormal handling times, counters open per
interval (a counter that closes finishes its current customer first), a kiosk
pool fed by the kiosk-eligible customers who choose a kiosk, VIP customers
served first (non-preemptive) and abandonment by exponential patience.

Results are reported per *arrival* interval: how the customers who arrived in
that interval fared. Replications are independent; confidence intervals are
Student-t intervals over replications.

The event loop is a tight heap-based loop in plain Python (one pass over the
customers of a day, servers in a heap of free ids), because per-customer
decisions (who is next, is the counter still open) do not vectorise; all the
sampling and all the statistics are numpy.
"""

from __future__ import annotations

import heapq
from collections import deque
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def lognormal(rng: np.random.Generator, mean: npt.ArrayLike, cv: npt.ArrayLike) -> FloatArray:
    """Lognormal draws with the given mean (minutes) and coefficient of variation."""
    mu, sigma = _lognormal_params(mean, cv)
    return np.asarray(rng.lognormal(mu, sigma), dtype=float)


def _lognormal_params(mean: npt.ArrayLike, cv: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """``(mu, sigma)`` of the log of a lognormal with this mean (minutes) and cv."""
    m = np.asarray(mean, dtype=float)
    v = np.asarray(cv, dtype=float)
    sigma2 = np.log1p(v * v)
    return np.asarray(np.log(m) - sigma2 / 2, dtype=float), np.asarray(np.sqrt(sigma2), dtype=float)


def lognormal_beyond(rng: np.random.Generator, mean: npt.ArrayLike, cv: npt.ArrayLike,
                     elapsed: npt.ArrayLike) -> FloatArray:
    """Lognormal draws as :func:`lognormal`, given that each exceeds ``elapsed`` (minutes).

    The total handling time (minutes) of a service in progress that has run
    ``elapsed`` minutes: the lognormal's upper tail beyond ``elapsed``, by
    inversion (``z = -ndtri(U * Q(z0))`` with ``U`` uniform and ``Q`` the
    normal tail beyond the elapsed time's ``z0``), so a service that has run
    long is drawn as the lognormal says it goes on, not afresh.
    """
    from scipy.special import ndtr, ndtri

    mu, sigma = _lognormal_params(mean, cv)
    e = np.asarray(elapsed, dtype=float)
    with np.errstate(divide="ignore"):
        z0 = (np.log(np.maximum(e, 0.0)) - mu) / sigma
    shape = np.broadcast(mu, sigma, e).shape
    tail = ndtr(-z0)  # P(total > elapsed)
    z = -ndtri(rng.random(shape) * tail)
    # beyond double precision's tail (z0 > ~37) the excess is ~ 1/z0 standard deviations
    z = np.where(np.isfinite(z) & (z >= z0), z, z0 + 1.0 / np.maximum(z0, 1.0))
    return np.asarray(np.maximum(np.exp(mu + sigma * z), e), dtype=float)


def _next_customer(queues: tuple[deque[int], deque[int]], deadline: list[float], t: float) -> int:
    """Take the next customer still waiting at ``t`` (minutes) off the queues, VIPs first.

    Customers whose deadline (arrival + patience, minutes) has passed left the
    hall and are dropped. Returns the customer's index, or -1 when nobody waits.
    """
    for q in queues:
        while q:
            cand = q.popleft()
            if deadline[cand] >= t:
                return cand
    return -1


def _emergency_rule(queues: tuple[deque[int], deque[int]], deadline: list[float],
                    arrive: list[float], t: float, surge: bool, surge_from: float,
                    after: float, hall_open: bool, log: list[tuple[float, float]] | None
                    ) -> tuple[bool, float, float]:
    """The duty manager's rule at time ``t`` (minutes since midnight).

    The emergency counters open once the head of the queue has waited
    ``after`` minutes while the hall is open, and close when nobody waits
    (each closed period ``(opened, closed)`` is appended to ``log``).
    Returns ``(surge, surge_from, t_trig)``: whether they are open, since
    when, and when to re-check (the head's due time; ``inf`` = no need).
    """
    for q in queues:  # customers who already left are no longer in the hall
        while q and deadline[q[0]] < t:
            q.popleft()
    waiting = bool(queues[0] or queues[1])
    t_trig = float("inf")
    if surge and not waiting:
        surge = False
        if log is not None:
            log.append((surge_from, t))
    elif not surge and waiting:
        due = min(arrive[q[0]] for q in queues if q) + after
        if due > t:
            t_trig = due  # re-check when the head of the queue reaches the limit
        elif hall_open:
            surge, surge_from = True, t
    return surge, surge_from, t_trig


def _call_next(t: float, cap: int, n_busy: int, queues: tuple[deque[int], deque[int]],
               deadline: list[float], service_l: list[float], free: list[int],
               busy: list[tuple[float, int]], call: FloatArray, server: IntArray) -> int:
    """Free servers call the next customers at ``t`` (minutes since midnight).

    While fewer than ``cap`` servers are busy and a server is free, the next
    customer still willing to wait (VIPs first, FIFO within class) is called:
    ``call``, ``server`` and ``busy`` are filled in place. Returns the number
    of busy servers afterwards.
    """
    while n_busy < cap and free:
        j = _next_customer(queues, deadline, t)
        if j < 0:
            break
        s = heapq.heappop(free)
        call[j] = t
        server[j] = s
        heapq.heappush(busy, (t + service_l[j], s))
        n_busy += 1
    return n_busy


def _restart(t: float, n_open: int, ends: list[float], arrive_l: list[float],
             vip_l: list[bool], deadline: list[float], service_l: list[float],
             queues: tuple[deque[int], deque[int]], free: list[int],
             busy: list[tuple[float, int]], call: FloatArray, server: IntArray
             ) -> tuple[int, int]:
    """Put a queue in its state at ``t`` (minutes since midnight) for ``serve_queue``.

    The customers who arrived before ``t`` wait in arrival order within their
    class, one server is busy until each time of ``ends`` (minutes since
    midnight), and free servers up to ``n_open`` (servers open at ``t``) call
    the next customers at once. Fills ``queues``, ``busy``, ``call`` and
    ``server`` in place; returns the index of the first customer still to
    arrive and the number of busy servers.
    """
    n = len(arrive_l)
    i = 0
    while i < n and arrive_l[i] < t:  # waiting at `t`, in arrival order
        queues[0 if vip_l[i] else 1].append(i)
        i += 1
    for end in ends:
        heapq.heappush(busy, (end, heapq.heappop(free)))
    n_busy = len(ends)
    n_busy = _call_next(t, n_open, len(ends), queues, deadline, service_l, free, busy,
                        call, server)  # servers free at `t` call at once
    return i, n_busy


def serve_queue(arrive: FloatArray, service: FloatArray, patience: FloatArray, vip: BoolArray,
                servers_open: IntArray, interval_minutes: float, start: float, *,
                emergency_after: float = float("inf"), emergency_counters: int = 0,
                emergency_log: list[tuple[float, float]] | None = None,
                now: float | None = None, busy_until: FloatArray | None = None
                ) -> tuple[FloatArray, IntArray]:
    """Run one multi-server queue: FIFO within class, VIP first, abandonment.

    With ``emergency_counters > 0`` the duty manager's rule is simulated: as
    soon as the customer at the head of the queue has waited
    ``emergency_after`` minutes while the hall is open, ``emergency_counters``
    extra counters open; they close (each finishing its customer) when nobody
    is left waiting.

    Parameters
    ----------
    arrive:
        Arrival times, minutes since midnight, sorted ascending.
    service:
        Handling time of each customer, minutes.
    patience:
        Time each customer is willing to wait, minutes (``inf`` = never leaves).
    vip:
        True for customers served first.
    servers_open:
        Servers open in each interval from ``start`` (the last value holds
        after the last interval, so the queue empties after closing time).
    interval_minutes:
        Length of an interval, minutes.
    start:
        Start of the first interval, minutes since midnight.
    emergency_after:
        Head-of-queue wait (minutes) that opens the emergency counters.
    emergency_counters:
        Extra counters the duty manager opens (0 = never).
    emergency_log:
        If given, each ``(opened, closed)`` period (minutes since midnight)
        of the emergency counters is appended to it.
    now, busy_until:
        Restart the queue from its state at ``now`` (minutes since midnight)
        instead of from empty at ``start``: the customers with
        ``arrive < now`` are those waiting at ``now`` (queued in arrival
        order within their class; their patience still counts from their
        arrival, so pass the time already waited plus what is left), one
        server is busy until each time of ``busy_until`` (minutes since
        midnight, ``> now``), and the queue runs on from ``now`` by the same
        rules (the customers with ``arrive >= now`` arrive as usual). Not
        with the emergency rule (its state is not part of the restart).

    Returns
    -------
    (call, server)
        Time each customer was called (``nan`` if they left first) and the
        0-based server that served them (``-1`` if they left).
    """
    n = len(arrive)
    call = np.full(n, np.nan)
    server = np.full(n, -1, dtype=np.int64)
    if n == 0:
        return call, server
    arrive_l = arrive.tolist()
    deadline = (arrive + patience).tolist()
    service_l = service.tolist()
    vip_l = vip.tolist()
    open_l = [int(x) for x in servers_open]
    n_int = len(open_l)
    queues: tuple[deque[int], deque[int]] = (deque(), deque())
    extra = max(int(emergency_counters), 0)
    ends = [] if busy_until is None else [float(x) for x in busy_until]
    free = list(range(max(max(open_l) if open_l else 0, len(ends)) + extra))
    heapq.heapify(free)
    busy: list[tuple[float, int]] = []
    n_busy = 0
    next_boundary = start + interval_minutes
    k = 0  # current interval
    i = 0
    inf = float("inf")
    surge = False  # emergency counters open
    surge_from = 0.0
    t_trig = inf  # when the head of the queue reaches emergency_after
    if now is not None:
        if extra:
            raise ValueError("now: a restart does not carry the emergency rule's state")
        t = float(now)
        k = min(max(int((t - start) // interval_minutes), 0), max(n_int - 1, 0))
        next_boundary = start + (k + 1) * interval_minutes
        i, n_busy = _restart(t, open_l[k], ends, arrive_l, vip_l, deadline, service_l,
                             queues, free, busy, call, server)
    # Run until every customer has arrived and been served; a queue left while no
    # counter is busy still waits for the next interval that opens counters.
    while i < n or busy or ((queues[0] or queues[1]) and k < n_int - 1):
        t_arr = arrive_l[i] if i < n else inf
        t_end = busy[0][0] if busy else inf
        t_bnd = next_boundary if k < n_int - 1 else inf
        if t_trig < t_arr and t_trig < t_end and t_trig < t_bnd:
            t = t_trig  # only re-evaluates the rule below
        elif t_end <= t_arr and t_end <= t_bnd:
            t, s = heapq.heappop(busy)
            n_busy -= 1
            heapq.heappush(free, s)
        elif t_bnd <= t_arr:
            t = t_bnd
            k += 1
            next_boundary += interval_minutes
        else:
            t = t_arr
            queues[0 if vip_l[i] else 1].append(i)
            i += 1
        if extra:
            surge, surge_from, t_trig = _emergency_rule(
                queues, deadline, arrive_l, t, surge, surge_from, emergency_after,
                open_l[k] > 0, emergency_log)
        cap = open_l[k] + (extra if surge else 0)
        if n_busy < cap and free:
            n_busy = _call_next(t, cap, n_busy, queues, deadline, service_l, free, busy,
                                call, server)
        if extra and surge and not (queues[0] or queues[1]):
            surge = False  # the queue is cleared: the emergency counters close
            if emergency_log is not None:
                emergency_log.append((surge_from, t))
    if surge and emergency_log is not None:
        emergency_log.append((surge_from, t))
    return call, server


@dataclass(frozen=True, slots=True)
class SimulationResult:
    """Per-interval results of replicated hall-days; arrays are (replications, intervals).

    Counts are customers; waits are minutes. ``within`` counts arrivals
    called within ``threshold`` minutes (abandoners count as not within).
    ``queue_end`` counts customers still waiting at each interval's end,
    after any customers called at that very instant (by counters opening).
    """

    interval_minutes: int
    threshold: float
    arrivals: IntArray
    within: IntArray
    abandoned: IntArray
    wait_sum: FloatArray
    queue_end: IntArray
    kiosk_arrivals: IntArray
    kiosk_within: IntArray
    kiosk_wait_sum: FloatArray
    vip_arrivals: IntArray
    vip_within: IntArray
    vip_wait_sum: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    """Summed wait (minutes) of the VIP counter arrivals, shape (replications, intervals)."""
    emergency_minutes: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    """Minutes the duty manager's emergency counters were open in each interval
    (summed over the emergency counters), shape (replications, intervals)."""

    @property
    def replications(self) -> int:
        """Number of replications."""
        return int(self.arrivals.shape[0])

    def pooled_service_level(self) -> FloatArray:
        """Share of counter arrivals called within threshold per interval, pooled over replications."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(self.within.sum(0) / self.arrivals.sum(0), dtype=float)

    def pooled_mean_wait(self) -> FloatArray:
        """Mean counter wait per interval (minutes), pooled over replications."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(self.wait_sum.sum(0) / self.arrivals.sum(0), dtype=float)

    def pooled_abandonment(self) -> FloatArray:
        """Share of counter arrivals who left before being called, per interval."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(self.abandoned.sum(0) / self.arrivals.sum(0), dtype=float)

    def pooled_kiosk_mean_wait(self) -> FloatArray:
        """Mean kiosk wait per interval (minutes), pooled over replications."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(self.kiosk_wait_sum.sum(0) / self.kiosk_arrivals.sum(0), dtype=float)

    def day_mean_wait(self) -> FloatArray:
        """Mean counter wait of each replication's whole day (minutes), shape (replications,)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(self.wait_sum.sum(1) / self.arrivals.sum(1), dtype=float)

    def day_service_level(self) -> FloatArray:
        """Service level of each replication's whole day, shape (replications,)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray(self.within.sum(1) / self.arrivals.sum(1), dtype=float)

    def mean_wait_ci(self, level: float = 0.95) -> tuple[float, float, float]:
        """Day mean wait (minutes): (mean, low, high) over replications."""
        return t_interval(self.day_mean_wait(), level)

    def service_level_ci(self, level: float = 0.95) -> tuple[float, float, float]:
        """Day service level: (mean, low, high) over replications."""
        return t_interval(self.day_service_level(), level)

    def abandonment_ci(self, level: float = 0.95) -> tuple[float, float, float]:
        """Day abandonment share: (mean, low, high) over replications."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return t_interval(self.abandoned.sum(1) / self.arrivals.sum(1), level)

    def interval_ci(self, metric: str, level: float = 0.95
                    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Per-interval Student-t interval over replications of one metric.

        Parameters
        ----------
        metric:
            ``"mean_wait"`` (minutes), ``"service_level"``, ``"abandonment"``
            (shares of the interval's counter arrivals) or ``"queue_end"``
            (customers waiting at the interval's end).
        level:
            Confidence level.

        Returns
        -------
        (mean, low, high)
            Arrays of shape (intervals,): the mean over replications of the
            per-replication value (replications without arrivals in the
            interval are left out) and the interval bounds (``nan`` with
            fewer than two usable replications).
        """
        num = {"mean_wait": self.wait_sum, "service_level": self.within,
               "abandonment": self.abandoned, "queue_end": self.queue_end}
        if metric not in num:
            raise ValueError(f"metric={metric!r} must be one of {sorted(num)}")
        with np.errstate(invalid="ignore", divide="ignore"):
            x = (num[metric].astype(float) if metric == "queue_end"
                 else num[metric] / np.where(self.arrivals > 0, self.arrivals, np.nan))
            n = np.isfinite(x).sum(0)
            mean = np.nanmean(np.where(n > 0, x, 0.0), axis=0)
            sd = np.nanstd(np.where(n > 1, x, 0.0), axis=0, ddof=1)
            half = _t_ppf(0.5 + level / 2, np.maximum(n - 1, 1)) * sd / np.sqrt(n)
        mean = np.where(n > 0, mean, np.nan)
        half = np.where(n > 1, half, np.nan)
        return mean, mean - half, mean + half

    def to_frame(self) -> pd.DataFrame:
        """Per-interval pooled results, one row per interval, with 95% intervals.

        Columns: ``interval``, ``arrivals`` (mean counter arrivals per
        replication), ``mean_wait`` (minutes), ``service_level``,
        ``abandonment``, ``queue_end`` (pooled over replications),
        ``kiosk_mean_wait`` (minutes) and ``<metric>_low`` / ``<metric>_high``
        bounds of the per-interval Student-t intervals over replications.
        """
        frame = pd.DataFrame({
            "interval": np.arange(self.arrivals.shape[1]),
            "arrivals": self.arrivals.mean(0),
            "mean_wait": self.pooled_mean_wait(),
            "service_level": self.pooled_service_level(),
            "abandonment": self.pooled_abandonment(),
            "queue_end": self.queue_end.mean(0),
            "kiosk_mean_wait": self.pooled_kiosk_mean_wait(),
        })
        for metric in ("mean_wait", "service_level", "abandonment", "queue_end"):
            _, low, high = self.interval_ci(metric)
            frame[f"{metric}_low"] = low
            frame[f"{metric}_high"] = high
        return frame


def _t_ppf(q: float, df: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Student-t quantile ``q`` with ``df`` degrees of freedom: ``scipy.stats.t.ppf``'s own
    function (scipy.special's), without importing scipy.stats (half a second at the first page)."""
    from scipy.special import stdtrit

    return np.asarray(stdtrit(df, q), dtype=float)


def t_interval(x: FloatArray, level: float = 0.95) -> tuple[float, float, float]:
    """(mean, low, high): Student-t interval of the finite values of ``x`` (nan bounds below 2)."""
    x = x[np.isfinite(x)]
    if len(x) < 2:
        m = float(x.mean()) if len(x) else float("nan")
        return m, float("nan"), float("nan")
    m = float(x.mean())
    half = float(_t_ppf(0.5 + level / 2, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x)))
    return m, m - half, m + half


def simulate_day(arrival_rate: npt.ArrayLike, counters: npt.ArrayLike, *,
                 shares: npt.ArrayLike, handle_mean: npt.ArrayLike, handle_cv: npt.ArrayLike,
                 interval_minutes: int = 15, start_minute: float = 0.0,
                 threshold: float = 10.0, patience: float | npt.ArrayLike | None = None,
                 vip_share: float = 0.0, kiosks: int = 0,
                 kiosk_eligible: npt.ArrayLike | None = None, kiosk_adoption: float = 0.0,
                 kiosk_mean: npt.ArrayLike | None = None, kiosk_cv: float = 0.5,
                 kiosk_patience: float | None = None, replications: int = 20,
                 service: str = "lognormal", emergency_after: float | None = None,
                 emergency_counters: int = 1, fixed_arrivals: bool = False,
                 rng: np.random.Generator | int | None = None) -> SimulationResult:
    """Simulate ``replications`` independent copies of one hall-day.

    Parameters
    ----------
    arrival_rate:
        Mean arrivals per minute in each interval (length = intervals).
    counters:
        Counters open in each interval (same length).
    shares:
        Share of each transaction type, shape (types,) or (intervals, types).
    handle_mean, handle_cv:
        Counter handling time per type: mean (minutes) and coefficient of
        variation (lognormal).
    interval_minutes:
        Interval length, minutes.
    start_minute:
        Clock time of the first interval, minutes since midnight.
    threshold:
        Service-level threshold, minutes.
    patience:
        Mean patience at counters, minutes (exponential); ``None`` = nobody leaves;
        one per transaction type (shape (types,), ``inf`` = never leaves) when
        types of customer give up at different rates.
    vip_share:
        Share of counter customers served first.
    kiosks:
        Kiosks in the hall (open all day).
    kiosk_eligible:
        Per type, True if a kiosk can do it.
    kiosk_adoption:
        Share of kiosk-eligible customers who use a kiosk (0-1).
    kiosk_mean, kiosk_cv:
        Kiosk handling time per type (minutes) and its coefficient of variation.
    kiosk_patience:
        Mean patience at kiosks, minutes (``None`` = ``patience``, or the mean of the
        types' patience when it is given per type).
    replications:
        Independent hall-days.
    service:
        ``"lognormal"`` (handling times with mean and cv per type) or
        ``"exponential"`` (cv ignored: the M/M/c models' own assumption, for
        cross-checks against Erlang C and Erlang A).
    emergency_after:
        The duty manager's rule: when the first customer in the counter queue
        has waited this many minutes, ``emergency_counters`` extra counters
        open until nobody is waiting (``None`` = never).
    emergency_counters:
        Counters the duty manager opens under that rule.
    fixed_arrivals:
        ``True``: each interval has exactly ``arrival_rate * interval_minutes``
        arrivals (rounded), at uniform times within it, in every replication:
        a day that happened replayed with its own counts
        (:mod:`queueopt.modelcheck_sim`); ``False``: Poisson counts (a forecast).
    rng:
        Generator or seed.

    Examples
    --------
    >>> r = simulate_day([0.5] * 8, [3] * 8, shares=[1.0], handle_mean=[4.0],
    ...                  handle_cv=[1.0], replications=5, rng=1)
    >>> r.arrivals.shape
    (5, 8)
    """
    if service not in ("lognormal", "exponential"):
        raise ValueError(f"service={service!r} must be 'lognormal' or 'exponential'")
    gen = np.random.default_rng(rng)
    lam = np.asarray(arrival_rate, dtype=float)
    open_c = np.asarray(counters, dtype=np.int64)
    _check_day(lam, open_c, replications, kiosk_adoption, vip_share, kiosks)
    p, mean, cv = _mix(lam.size, shares, handle_mean, handle_cv)
    if emergency_after is not None and (emergency_after < 0 or emergency_counters < 1):
        raise ValueError(f"emergency_after={emergency_after} must be >= 0 minutes and "
                         f"emergency_counters={emergency_counters} >= 1")
    given = np.asarray(np.inf if patience is None else patience, dtype=float)
    if given.ndim > 1 or given.size not in (1, p.shape[1]) or np.any(np.isnan(given)) \
            or np.any(given <= 0):
        raise ValueError(f"patience must be > 0 minutes, one number or one per type ({p.shape[1]})")
    pat_type = np.broadcast_to(given.reshape(-1), (p.shape[1],)).copy()
    pat = float(np.mean(pat_type))
    day = _Day(
        lam=lam, open_c=open_c, cum=np.cumsum(p, axis=1), mean=mean, cv=cv,
        eligible=(np.zeros(p.shape[1], bool) if kiosk_eligible is None
                  else np.asarray(kiosk_eligible, dtype=bool)),
        k_mean=mean if kiosk_mean is None else np.asarray(kiosk_mean, dtype=float),
        kiosk_cv=kiosk_cv, adopt=kiosk_adoption if kiosks > 0 else 0.0, kiosks=kiosks,
        vip_share=vip_share, pat=pat_type,
        k_pat=pat if kiosk_patience is None else float(kiosk_patience),
        interval=interval_minutes, start=start_minute, threshold=threshold,
        exponential=service == "exponential", fixed_arrivals=fixed_arrivals,
        em=({} if emergency_after is None else
            {"emergency_after": float(emergency_after),
             "emergency_counters": int(emergency_counters)}))
    out: dict[str, np.ndarray] = {name: np.zeros((replications, lam.size), dtype)
           for name, dtype in _COUNTS.items()}
    for r in range(replications):
        _replicate(day, gen, r, out)
    out["emergency_minutes"] *= emergency_counters if day.em else 0
    return SimulationResult(interval_minutes=interval_minutes, threshold=threshold,
                            **out)  # type: ignore[arg-type]


_COUNTS: dict[str, type] = {
    "arrivals": np.int64, "within": np.int64, "abandoned": np.int64, "wait_sum": np.float64,
    "queue_end": np.int64, "kiosk_arrivals": np.int64, "kiosk_within": np.int64,
    "kiosk_wait_sum": np.float64, "vip_arrivals": np.int64, "vip_within": np.int64,
    "vip_wait_sum": np.float64, "emergency_minutes": np.float64}
"""The per (replication, interval) arrays of a :class:`SimulationResult` and their types."""


def _check_day(lam: FloatArray, open_c: IntArray, replications: int, kiosk_adoption: float,
               vip_share: float, kiosks: int) -> None:
    n_int = len(lam)
    if open_c.shape != (n_int,):
        raise ValueError(f"counters has shape {open_c.shape}; expected ({n_int},) like arrival_rate")
    if np.any(lam < 0) or not np.all(np.isfinite(lam)):
        raise ValueError("arrival_rate must be finite and >= 0 in every interval")
    if np.any(open_c < 0):
        raise ValueError("counters must be >= 0 in every interval")
    if replications < 1:
        raise ValueError(f"replications={replications} must be >= 1")
    if not 0.0 <= kiosk_adoption <= 1.0 or not 0.0 <= vip_share <= 1.0:
        raise ValueError("kiosk_adoption and vip_share must be in [0, 1]")
    if kiosks < 0:
        raise ValueError(f"kiosks={kiosks} must be >= 0")


def _mix(n_int: int, shares: npt.ArrayLike, handle_mean: npt.ArrayLike,
         handle_cv: npt.ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Checked mix: shares per interval x type (rows sum to 1), means (minutes) and cvs per type."""
    p = np.asarray(shares, dtype=float)
    if p.ndim not in (1, 2) or (p.ndim == 2 and p.shape[0] != n_int):
        raise ValueError(f"shares has shape {p.shape}; expected (types,) or ({n_int}, types)")
    if np.any(p < 0) or not np.all(np.isfinite(p)) or np.any(p.sum(axis=-1) <= 0):
        raise ValueError("shares must be finite, >= 0 and not all zero")
    p = np.broadcast_to(p, (n_int, p.shape[-1])) if p.ndim == 1 else p
    p = p / p.sum(axis=1, keepdims=True)
    mean = np.asarray(handle_mean, dtype=float)
    cv = np.asarray(handle_cv, dtype=float)
    n_types = p.shape[1]
    for name, x, bad in (("handle_mean", mean, mean <= 0), ("handle_cv", cv, cv < 0)):
        if x.shape != (n_types,):
            raise ValueError(f"{name} has shape {x.shape}; expected ({n_types},) like shares")
        if not np.all(np.isfinite(x)) or np.any(bad):
            raise ValueError(f"{name} must be finite and {'> 0' if name == 'handle_mean' else '>= 0'}")
    return p, mean, cv


@dataclass(frozen=True)
class _Day:
    """A checked hall-day: rates per minute, counters per interval, the mix, kiosks, rules."""

    lam: FloatArray
    open_c: IntArray
    cum: FloatArray
    mean: FloatArray
    cv: FloatArray
    eligible: BoolArray
    k_mean: FloatArray
    kiosk_cv: float
    adopt: float
    kiosks: int
    vip_share: float
    pat: FloatArray
    """Mean counter patience per type, minutes (``inf``: never leaves)."""
    k_pat: float
    interval: int
    start: float
    threshold: float
    exponential: bool
    fixed_arrivals: bool
    em: dict[str, float | int]


def _replicate(day: _Day, gen: np.random.Generator, r: int, out: dict[str, np.ndarray]) -> None:
    """Simulate replication ``r`` of the day and write its row of every array in ``out``."""
    n_int, step = len(day.lam), day.interval
    counts = (np.rint(day.lam * step).astype(np.int64) if day.fixed_arrivals
              else gen.poisson(day.lam * step))
    n = int(counts.sum())
    slot = np.repeat(np.arange(n_int), counts)
    t_arr = day.start + slot * step + gen.uniform(0, step, n)
    order = np.argsort(t_arr, kind="stable")
    t_arr, slot = t_arr[order], slot[order]
    u = gen.random(n)
    ttype = (u[:, None] > day.cum[slot]).sum(axis=1).clip(0, day.cum.shape[1] - 1)
    to_kiosk = day.eligible[ttype] & (gen.random(n) < day.adopt)
    vip = (gen.random(n) < day.vip_share) & ~to_kiosk
    c = ~to_kiosk
    nc = int(c.sum())
    if day.exponential:
        work = gen.exponential(1.0, nc) * day.mean[ttype[c]]
    else:
        work = lognormal(gen, day.mean[ttype[c]], day.cv[ttype[c]])
    pat_c = day.pat[ttype[c]]
    patience_c = (np.where(np.isfinite(pat_c), gen.exponential(1.0, nc) * pat_c, np.inf)
                  if np.isfinite(day.pat).any() else np.full(nc, np.inf))
    log: list[tuple[float, float]] = []
    call, _ = serve_queue(t_arr[c], work, patience_c, vip[c], day.open_c, step, day.start,
                          emergency_log=log, **day.em)  # type: ignore[arg-type]
    bounds = day.start + step * np.arange(1, n_int + 1)
    for a, b in log:  # open periods -> minutes open in each interval
        out["emergency_minutes"][r] += np.clip(np.minimum(b, bounds) - np.maximum(a, bounds - step),
                                               0, None)
    left = np.isnan(call)
    wait = np.where(left, patience_c, call - t_arr[c])
    sc = slot[c]
    ok = ~left & (wait <= day.threshold)

    def per_interval(weights: npt.ArrayLike | None = None) -> np.ndarray:
        return np.bincount(sc, weights=weights, minlength=n_int)

    out["arrivals"][r] = per_interval()
    out["within"][r] = per_interval(ok)
    out["abandoned"][r] = per_interval(left)
    out["wait_sum"][r] = per_interval(wait)
    out["vip_arrivals"][r] = per_interval(vip[c])
    out["vip_within"][r] = per_interval(vip[c] & ok)
    out["vip_wait_sum"][r] = per_interval(np.where(vip[c], wait, 0.0))
    # waiting at each interval end: arrived, not yet called, not yet gone
    gone = np.where(left, t_arr[c] + patience_c, call)
    out["queue_end"][r] = ((t_arr[c][None, :] <= bounds[:, None])
                           & (gone[None, :] > bounds[:, None])).sum(axis=1)
    if to_kiosk.any():
        _kiosk_replicate(day, gen, r, out, t_arr[to_kiosk], slot[to_kiosk], ttype[to_kiosk])


def _kiosk_replicate(day: _Day, gen: np.random.Generator, r: int, out: dict[str, np.ndarray],
                     t_arr: FloatArray, slot: IntArray, ttype: IntArray) -> None:
    """The kiosk pool of replication ``r``: its own queue, all kiosks open all day."""
    n_int, nk = len(day.lam), len(t_arr)
    ks = lognormal(gen, day.k_mean[ttype], np.full(nk, day.kiosk_cv))
    kp = gen.exponential(1.0, nk) * day.k_pat if np.isfinite(day.k_pat) else np.full(nk, np.inf)
    kcall, _ = serve_queue(t_arr, ks, kp, np.zeros(nk, bool),
                           np.full(n_int, day.kiosks, np.int64), day.interval, day.start)
    kleft = np.isnan(kcall)
    kwait = np.where(kleft, kp, kcall - t_arr)
    out["kiosk_arrivals"][r] = np.bincount(slot, minlength=n_int)
    out["kiosk_within"][r] = np.bincount(slot, weights=~kleft & (kwait <= day.threshold),
                                         minlength=n_int)
    out["kiosk_wait_sum"][r] = np.bincount(slot, weights=kwait, minlength=n_int)


def simulate(arrival_rate: npt.ArrayLike, counters: npt.ArrayLike, *,
             shares: npt.ArrayLike, replications: int = 20,
             rng: np.random.Generator | int | None = None,
             **day_options: object) -> SimulationResult:
    """Simulate one or many hall-days; each day starts with an empty hall.

    Parameters
    ----------
    arrival_rate:
        Mean arrivals per minute, shape (intervals,) for one day or
        (days, intervals) for several.
    counters:
        Counters open per interval, same shape as ``arrival_rate``.
    shares:
        Transaction mix: (types,), (intervals, types) for one day, or
        (days, intervals, types).
    replications:
        Independent replications of every day.
    rng:
        Generator or seed (one stream for all days).
    **day_options:
        Any other keyword of :func:`simulate_day` (``handle_mean``,
        ``handle_cv``, ``threshold`` (minutes), ``patience`` (minutes),
        kiosks, VIPs ...).

    Returns
    -------
    SimulationResult
        Arrays of shape (replications, days x intervals), days in order.

    Examples
    --------
    >>> r = simulate([[0.5] * 4, [0.8] * 4], [[3] * 4, [4] * 4], shares=[1.0],
    ...              handle_mean=[4.0], handle_cv=[0.5], replications=3, rng=1)
    >>> r.arrivals.shape
    (3, 8)
    """
    lam = np.asarray(arrival_rate, dtype=float)
    cnt = np.asarray(counters)
    if lam.ndim == 1:
        lam, cnt = lam[None, :], cnt[None, :] if cnt.ndim == 1 else cnt
    if lam.ndim != 2 or cnt.shape != lam.shape:
        raise ValueError(f"arrival_rate {lam.shape} and counters {cnt.shape} must both be "
                         "(intervals,) or (days, intervals)")
    p = np.asarray(shares, dtype=float)
    gen = np.random.default_rng(rng)
    days = [simulate_day(lam[d], cnt[d], shares=p[d] if p.ndim == 3 else p,
                         replications=replications, rng=gen, **day_options)  # type: ignore[arg-type]
            for d in range(lam.shape[0])]
    first = days[0]
    arrays = {name: np.concatenate([getattr(r, name) for r in days], axis=1)
              for name in ("arrivals", "within", "abandoned", "wait_sum", "queue_end",
                           "kiosk_arrivals", "kiosk_within", "kiosk_wait_sum",
                           "vip_arrivals", "vip_within", "vip_wait_sum", "emergency_minutes")}
    return SimulationResult(interval_minutes=first.interval_minutes,
                            threshold=first.threshold, **arrays)
