"""A proven floor under the error of any announced wait, on simulated days.

For a prediction ``f(X)`` of a served customer's wait ``W`` from what is
known when the ticket is issued (``X``), the mean squared error over the
served customers is at least ``E[1_S Var(W | X, S)] / P(S)`` (``S``: the
customer is called; the best ``f`` is ``E[W | X, S]``). Knowing more, ``X'``
containing ``X``, only lowers that: ``E[Var(W | X')] <= E[Var(W | X)]``. So
with ``X'`` the simulator's whole state at the issue (who waits, of which
type and tier and since when; each busy server's customer type and elapsed
service; the counters the plan opens; the arrival rates),
``sqrt(E[1_S Var(W | X', S)] / P(S))`` is a floor for every live predictor:
none, however clever, has a smaller expected RMSE on these days.

The day is a Markov process in that state: arrivals after the issue are a
Poisson process independent of the past; a waiting customer's remaining
patience is exponential whatever they have waited (memoryless); a service in
progress goes on as the lognormal beyond its elapsed time; services not yet
started are fresh draws. So ``Var(W | history up to the issue) =
Var(W | state at the issue)``, and the history (which ``X`` is part of:
the log so far, earlier days, the plan) adds nothing. :func:`ticket_waits`
draws ``W`` given the state by restarting the day's own queue
(:func:`queueopt.simulate.serve_queue` with ``now``/``busy_until``) on the
day's own distributions (:mod:`queueopt.day_model`) with fresh draws for
everything not yet realised; :func:`floor_terms` turns ``R`` such draws into
an estimate of each ticket's ``P(S | X') Var(W | X', S)`` that is unbiased
for ``P(S) Var`` up to the tickets with fewer than two served draws, which
count 0 (so the floor errs low, the safe side for a floor).

Waits are as the log writes them: clock times rounded to the second.
Units: minutes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from queueopt.day_model import Customers, Stream, StreamDay, draw_customers
from queueopt.simulate import lognormal, lognormal_beyond, serve_queue

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


_NOBODY = Customers(np.zeros(0), np.zeros(0, np.int64), np.zeros(0), np.zeros(0, bool),
                    np.zeros(0))

_HORIZON = 30.0
"""Minutes of later arrivals a re-simulation first takes in (more when the wait is longer)."""


@dataclass(frozen=True, eq=False)
class IssueState:
    """The simulated queue at the moment one ticket is issued (``now``, minutes since midnight).

    ``ahead_*``: the customers still waiting then (arrival time, type index,
    VIP), in arrival order; ``busy_*``: the customers being served (type
    index, minutes of service so far); ``own_*``: the new ticket's type and tier.
    """

    now: float
    ahead_arrive: FloatArray
    ahead_type: IntArray
    ahead_vip: BoolArray
    busy_type: IntArray
    busy_elapsed: FloatArray
    own_type: int
    own_vip: bool


def issue_state(day: StreamDay, i: int) -> IssueState:
    """The state of ``day``'s queue when its customer ``i`` arrives (``i`` itself left out).

    A customer waits at that moment when they arrived before it and were
    called after it, or were never called and their patience had not run
    out; one is served when called before it and not yet finished.
    """
    c, call = day.customers, day.call
    t = float(c.arrive[i])
    before = np.arange(len(c)) < i
    called = np.isfinite(call)
    waiting = before & np.where(called, call > t, c.arrive + c.patience >= t)
    busy = called & (call < t) & (call + c.service > t)
    return IssueState(now=t, ahead_arrive=c.arrive[waiting], ahead_type=c.type_index[waiting],
                      ahead_vip=c.vip[waiting], busy_type=c.type_index[busy],
                      busy_elapsed=t - call[busy], own_type=int(c.type_index[i]),
                      own_vip=bool(c.vip[i]))


def _to_second(x: FloatArray | float) -> FloatArray:
    """Clock minutes as the log writes them (to the second)."""
    return np.asarray(np.round(np.asarray(x, float) * 60) / 60, dtype=float)


def ticket_waits(stream: Stream, state: IssueState, rng: np.random.Generator,
                 replications: int, *, all_arrivals: bool = False
                 ) -> tuple[FloatArray, BoolArray]:
    """``replications`` draws of the new ticket's wait given the state (minutes; ``nan`` left).

    Returns ``(wait, called)``. Fresh draws: the remaining patience of those
    waiting and of the newcomer (exponential, memoryless), the handling times
    of those waiting, the rest of each service in progress (the type's
    lognormal beyond its elapsed time) and the arrivals after ``now`` with
    their marks. Only the later arrivals who can be called before the
    newcomer are drawn (VIPs, for a regular newcomer: the arrivals thinned
    to the VIPs, :func:`queueopt.day_model.draw_customers`), unless
    ``all_arrivals``: the others join behind it (FIFO within a tier, VIPs
    first) and change nothing of its wait.
    """
    r, now = int(replications), state.now
    m = len(state.ahead_arrive)
    if all_arrivals:
        future = draw_customers(stream, rng, since=now, replications=r)
    elif state.own_vip or not stream.vip_share:
        future = [_NOBODY] * r  # nobody arriving later is called first
    else:  # only later VIPs are called first
        future = draw_customers(stream, rng, since=now, replications=r, vip_only=True)
    assert isinstance(future, list)
    a_service = lognormal(rng, np.broadcast_to(stream.handle_mean[state.ahead_type], (r, m)),
                          np.broadcast_to(stream.handle_cv[state.ahead_type], (r, m)))
    a_patience = (now - state.ahead_arrive)[None, :] + rng.exponential(stream.patience, (r, m))
    b = len(state.busy_type)
    total = lognormal_beyond(rng, np.broadcast_to(stream.handle_mean[state.busy_type], (r, b)),
                             np.broadcast_to(stream.handle_cv[state.busy_type], (r, b)),
                             np.broadcast_to(state.busy_elapsed, (r, b)))
    busy_until = now + (total - state.busy_elapsed[None, :])
    own_patience = rng.exponential(stream.patience, r)
    own_service = lognormal(rng, np.full(r, stream.handle_mean[state.own_type]),
                            np.full(r, stream.handle_cv[state.own_type]))
    wait = np.full(r, np.nan)
    for k in range(r):
        f: Customers = future[k]
        may_pass = np.ones(len(f), bool)
        horizon = now + _HORIZON
        while True:
            # the queue up to `horizon` does not depend on who arrives after it: when the
            # newcomer is called or leaves by then, later arrivals change nothing
            keep = may_pass & (f.arrive < horizon)
            call, _ = serve_queue(
                np.concatenate([state.ahead_arrive, [now], f.arrive[keep]]),
                np.concatenate([a_service[k], [own_service[k]], f.service[keep]]),
                np.concatenate([a_patience[k], [own_patience[k]], f.patience[keep]]),
                np.concatenate([state.ahead_vip, [state.own_vip], f.vip[keep]]),
                stream.servers, stream.interval, stream.start, now=now,
                busy_until=busy_until[k])
            settled = call[m] if np.isfinite(call[m]) else now + own_patience[k]
            if settled <= horizon or not np.any(may_pass & (f.arrive >= horizon)):
                break
            horizon = now + 4 * (horizon - now)
        wait[k] = call[m]
    called = np.isfinite(wait)
    return np.where(called, _to_second(wait) - _to_second(now), np.nan), called


@dataclass(frozen=True, eq=False)
class FloorTerms:
    """Per ticket of a day, from the re-simulation of its wait given the state at its issue.

    ``term``: the estimate of ``P(called | X') Var(W | X', called)``
    (minutes squared; 0 for a ticket called on arrival, whose wait is 0
    whatever comes next); ``mean``: the mean wait of the called draws
    (``E[W | X', called]``, the best announcement knowing the state;
    minutes); ``draws``: the draws made (0 when none were needed).
    """

    term: FloatArray
    mean: FloatArray
    draws: IntArray


def floor_terms(day: StreamDay, replications: int, seed: int) -> FloorTerms:
    """:class:`FloorTerms` for every customer of one simulated stream-day.

    Customer ``i`` draws from ``default_rng([seed, i])``. Those called the
    moment they arrived had a free server then: their wait is 0 given the
    state (a free server with nobody waiting calls the newcomer at once),
    so they take no draws.
    """
    n = len(day.customers)
    term, mean = np.zeros(n), np.zeros(n)
    draws = np.zeros(n, np.int64)
    for i in range(n):
        if day.call[i] == day.customers.arrive[i]:
            continue
        w, ok = ticket_waits(day.stream, issue_state(day, i),
                             np.random.default_rng([seed, i]), replications)
        k = int(ok.sum())
        draws[i] = replications
        mean[i] = float(w[ok].mean()) if k else np.nan
        if k >= 2:
            term[i] = k / replications * float(np.var(w[ok], ddof=1))
    return FloorTerms(term, mean, draws)


def day_waits(day: StreamDay) -> tuple[FloatArray, BoolArray]:
    """Each customer's wait as the log writes it (minutes; ``nan`` left) and whether called."""
    called = np.isfinite(day.call)
    w = _to_second(np.where(called, day.call, 0.0)) - _to_second(day.customers.arrive)
    return np.where(called, w, np.nan), called


def ratio_ci(num: FloatArray, den: FloatArray, strata: npt.ArrayLike, *, level: float = 0.95,
             resamples: int = 4000, seed: int = 0) -> tuple[float, float, float]:
    """``sqrt(sum num / sum den)`` and its bootstrap percentile interval.

    ``num``, ``den``: one sum per unit (a hall-day: the floor terms, the
    squared errors of the predictor compared); units are resampled with
    replacement within each stratum (a hall), so the interval holds the
    spread of the days and of the draws behind each term.
    """
    num_a, den_a = np.asarray(num, float), np.asarray(den, float)
    st = np.asarray(strata)
    rng = np.random.default_rng(seed)
    picks = []
    for s in np.unique(st):
        idx = np.flatnonzero(st == s)
        picks.append(idx[rng.integers(0, len(idx), (resamples, len(idx)))])
    pick = np.concatenate(picks, axis=1)
    boot = np.sqrt(num_a[pick].sum(1) / den_a[pick].sum(1))
    a = (1 - level) / 2
    return (float(np.sqrt(num_a.sum() / den_a.sum())), float(np.quantile(boot, a)),
            float(np.quantile(boot, 1 - a)))
