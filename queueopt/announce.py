"""The wait a customer is told: one announced wait and an 80% range per queue and tier.

The announced wait combines the delay predictors of :mod:`queueopt.delay`
by what worked: the Monte Carlo of the line (``QL-S``) plus a ridge
regression of its errors on every predictor's value and the queue's state
(:data:`FEATURES`, with an intercept and a "has to queue" indicator), so the
ridge shrinks towards the Monte Carlo; fitted on the hall's previous days
(replayed, each ticket predicted from what was known when it was issued) and
on today's tickets whose wait is already known, today's weighted more, with
the penalty that predicts each fitted day best from the others. It is
refitted every ``refit`` minutes of the day from what was known then, so a
replay never uses the future.

The 80% range is conformal (split conformal, Mondrian by the size of the
prediction): the 10% and 90% quantiles of the errors of the same fit on the
same known waits, in five groups of predicted wait (errors grow with the
wait, and a customer told "no wait" is either called at once or not). An
adaptive step (Gibbs and Candes, "Adaptive conformal inference under
distribution shift", NeurIPS 2021) widens or narrows the range during the
day by today's own misses, so coverage holds when the day is unlike the
history.

Waits are those of customers who were called (served); an abandoning
customer's time to leaving is a lower bound of the wait they were told
about, so it is not used to fit or to calibrate.

Units: minutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from queueopt.delay import (
    PREDICTORS,
    DelayPredictions,
    DelayPriors,
    Handling,
    Schedule,
    places_to_move,
    predict,
    recent_waits,
    simulated_wait,
)
from queueopt.queue_state import (
    QueueRules,
    StateAt,
    TicketLog,
    group_state,
    lines_at,
    state_at,
)

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

FEATURES: tuple[str, ...] = (*PREDICTORS, "QL-S", "ahead", "ahead x handle", "LES now",
                             "HOL now", "waiting", "free", "LES-3", "LES-10", "group open",
                             "group free", "type waiting", "QL-S spread")
"""What the announcement combines: the predictors (``QL-S``:
:func:`queueopt.delay.simulated_wait`), the plain queue position (customers
ahead, and ahead times the handling time: a per-hall learnt service rate) and
the queue's state as read, whether or not the model says the newcomer waits
(on a log where servers are inferred, a customer the model sees a free server
for still waits): the last wait to enter service (``LES now``), the head of
the line's wait (``HOL now``), the customers waiting and the idle servers,
and the mean wait of the last 3 and 10 customers called (delay history,
:func:`queueopt.delay.recent_waits`); the newcomer's agent group at the counters
(the servers that serve its type, :attr:`queueopt.delay.Handling.groups`): its
servers open and idle, and the customers of its type waiting
(:func:`queueopt.queue_state.group_state`; 0 when :attr:`AnnounceRules.agent_groups`
is off); ``QL-S spread`` is the standard deviation of the
wait over the Monte Carlo's draws (``nan`` without it), not fitted: see
:func:`model_floor`. Waits in minutes, the rest counts."""

_BASE = FEATURES.index("QL-S")
"""The feature the regression corrects (``QL-A`` stands in for it without the Monte Carlo)."""

_FITTED = np.array([i for i, n in enumerate(FEATURES) if n != "QL-S spread"])
"""The features the regression uses."""

RIDGES: tuple[float, ...] = (1.0, 3.0, 10.0, 30.0, 100.0, 300.0)
"""Ridge penalties (per 1,000 waits) the refit chooses from."""

LEVEL = 0.8
"""Share of actual waits the announced range is meant to cover."""

GROUP_SHARE = 0.05
"""A server belongs to a type's agent group when at least this share of the counter
customers it served in the history were of that type."""


@dataclass(frozen=True)
class AnnounceRules:
    """How the announcement learns.

    Parameters
    ----------
    refit:
        Minutes between refits during the day.
    today_weight:
        Weight of one of today's known waits relative to one from history.
    ridge:
        Ridge penalty per 1,000 fitted waits (standardised features);
        ``None``: at each refit, the one of :data:`RIDGES` that predicts each
        of the fitted days best from the others (leave one day out).
    groups:
        Groups of predicted wait for the conformal range.
    adapt:
        Step of the adaptive conformal correction per known wait.
    simulate:
        Include ``QL-S`` (the Monte Carlo line predictor; slower).
    draws:
        Monte Carlo draws of ``QL-S``.
    by_type:
        The regression also learns an offset per transaction type and for VIPs (1),
        and another for those who have to queue (2); 0: neither.
    agent_groups:
        The regression also reads the newcomer's agent group (the ``group`` and
        ``type waiting`` features; else they are 0).
    group_share:
        Share of a server's history customers of a type (a fraction) that puts it in the
        type's agent group (:data:`GROUP_SHARE`; 0: one group of all servers).
    """

    refit: float = 15.0
    today_weight: float = 3.0
    ridge: float | None = None
    groups: int = 5
    adapt: float = 0.005
    simulate: bool = True
    draws: int = 256
    by_type: int = 2
    agent_groups: bool = True
    group_share: float = GROUP_SHARE

    def __post_init__(self) -> None:
        if not self.refit > 0:
            raise ValueError(f"refit={self.refit} must be > 0 minutes")
        if self.groups < 1 or self.draws < 1:
            raise ValueError("groups and draws must be >= 1")
        if not 0 <= self.group_share <= 1:
            raise ValueError(f"group_share={self.group_share} must be a fraction in [0, 1]")
        if self.ridge is not None and not self.ridge >= 0:
            raise ValueError(f"ridge={self.ridge} must be >= 0 or None (chosen by day)")


@dataclass(frozen=True)
class DayFeatures:
    """Every predictor for every ticket of a day, at the moment it was issued.

    ``values[ticket, feature]`` in minutes (columns :data:`FEATURES`);
    ``queued`` is True when the ticket had someone to wait for;
    ``actual`` its wait (minutes; ``nan`` unknown); ``served`` True when it
    was called; ``known_at`` when its wait became known (minutes since
    midnight; ``inf`` not yet); ``kiosk`` its queue.
    """

    log: TicketLog
    values: FloatArray
    queued: BoolArray
    actual: FloatArray
    served: BoolArray
    known_at: FloatArray
    kiosk: BoolArray


def _features(log: TicketLog, times: FloatArray, kiosk: BoolArray, vip: BoolArray,
              priors: DelayPriors, handling: Handling, rules: QueueRules,
              arules: AnnounceRules, kiosks: int | None, schedule: Schedule | None,
              places_then: FloatArray | None, seed: int,
              keys: npt.ArrayLike | None = None, type_index: npt.ArrayLike = -1
              ) -> tuple[FloatArray, BoolArray, StateAt, DelayPredictions]:
    st = state_at(log, times, kiosk, vip, rules,
                  servers_open=_servers_given(times, kiosk, kiosks, schedule))
    vip_first = not np.isfinite(rules.vip_head_start)
    pt = None
    if places_then is not None and len(places_then):
        pt = np.where(st.les_index >= 0, places_then[np.maximum(st.les_index, 0)], np.nan)
    pr = predict(st, kiosk, vip, priors, places_then=pt, vip_first=vip_first)
    if arules.simulate:
        lines = lines_at(log, times, kiosk, vip, st, rules)
        var = np.zeros(len(np.atleast_1d(times)))
        qs = simulated_wait(lines, log, times, kiosk, vip_first & ~vip, handling, pr.theta,
                            st.vip_rate, draws=arules.draws, seed=seed, keys=keys,
                            schedule=schedule, variance=var)
    else:
        qs, var = pr.of("QL-A"), np.full(len(np.atleast_1d(times)), np.nan)
    grp = np.zeros((3, len(np.atleast_1d(times))))
    if arules.agent_groups:
        g_open, g_free, g_wait = group_state(log, times, type_index, handling.groups,
                                             rules.idle_gap)
        grp = np.where(np.asarray(kiosk, bool), 0.0, np.vstack([g_open, g_free, g_wait]))
    values = np.column_stack([pr.values, qs, st.ahead, st.ahead * pr.handle,
                              np.nan_to_num(st.les_wait), st.hol_wait, st.waiting, st.free,
                              recent_waits(log, times, kiosk, 3),
                              recent_waits(log, times, kiosk, 10), *grp, np.sqrt(var)])
    return values, pr.places > 0, st, pr


def _servers_given(times: npt.ArrayLike, kiosk: npt.ArrayLike, kiosks: int | None,
                   schedule: Schedule | None) -> npt.NDArray[np.int64] | None:
    """Servers known to be open per query (-1: infer from activity)."""
    if kiosks is None and schedule is None:
        return None
    t = np.atleast_1d(np.asarray(times, float))
    k = np.broadcast_to(np.asarray(kiosk, bool), t.shape)
    counters = schedule.at(t) if schedule is not None else np.full(t.shape, -1)
    return np.asarray(np.where(k, -1 if kiosks is None else kiosks, counters), np.int64)


def _own_places(log: TicketLog, rules: QueueRules, kiosks: int | None,
                schedule: Schedule | None) -> FloatArray:
    """Each ticket's places to move when it was issued (LES-R needs the LES customer's)."""
    st0 = state_at(log, log.issued, log.kiosk, log.vip, rules,
                   servers_open=_servers_given(log.issued, log.kiosk, kiosks, schedule))
    return places_to_move(st0.ahead, np.where(st0.waiting > 0, 0, st0.free))


def day_features(log: TicketLog, priors: DelayPriors, handling: Handling,
                 rules: QueueRules | None = None, arules: AnnounceRules | None = None, *,
                 kiosks: int | None = None, schedule: Schedule | None = None,
                 seed: int = 0, reuse: DayFeatures | None = None) -> DayFeatures:
    """The predictors of every ticket of ``log`` at its own issue time.

    ``kiosks``: kiosks open (all day); ``schedule``: the counters the roster
    opens per interval (default: counters inferred from activity).
    ``reuse``: the features of an earlier moment of the same day; tickets it
    already holds (the same ids, in the same order) keep their values, which
    depend only on what was known when they were issued.
    """
    r = rules or QueueRules()
    ar = arules or AnnounceRules()
    n = len(log)
    places = _own_places(log, r, kiosks, schedule)
    done = 0
    if reuse is not None:
        k = min(len(reuse.log), n)
        same = np.flatnonzero(reuse.log.ticket_id[:k] != log.ticket_id[:k])
        done = int(same[0]) if len(same) else k
    values = np.zeros((n, len(FEATURES)))
    queued = np.zeros(n, bool)
    if done and reuse is not None:
        values[:done], queued[:done] = reuse.values[:done], reuse.queued[:done]
    if n > done:
        rest = slice(done, n)
        values[rest], queued[rest], _, _ = _features(
            log, log.issued[rest], log.kiosk[rest], log.vip[rest], priors, handling, r, ar,
            kiosks, schedule, places, seed, keys=np.arange(done, n),
            type_index=log.type_index[rest])
    served = ~log.abandoned & np.isfinite(log.called)
    known = np.where(served, log.called, np.inf)
    return DayFeatures(log=log, values=values.reshape(n, len(FEATURES)), queued=queued,
                       actual=log.actual_wait(), served=served, known_at=known,
                       kiosk=log.kiosk.copy())


def _design(values: FloatArray, queued: BoolArray, cats: FloatArray) -> FloatArray:
    """The regression's columns (before the intercept): the "has to queue" indicator, the
    fitted features and the customer's categories (:func:`_categories`)."""
    return np.column_stack([queued.astype(float), values[:, _FITTED], cats])


def _categories(log: TicketLog, rows: npt.NDArray[np.int64], queued: BoolArray,
                by_type: int) -> FloatArray:
    """Per ticket of ``rows``: one column per transaction type (1 for its own) and the VIP
    tier when ``by_type`` >= 1, and the same again times the "has to queue" indicator
    ``queued`` (per row) when ``by_type`` >= 2; no columns with 0. An unknown type has no 1."""
    if not by_type:
        return np.zeros((len(rows), 0))
    ti = log.type_index[rows]
    onehot = (ti[:, None] == np.arange(len(log.types))[None, :]).astype(float)
    cols = np.column_stack([onehot, log.vip[rows].astype(float)])
    return cols if by_type < 2 else np.column_stack([cols, cols * queued[:, None]])


@dataclass(frozen=True)
class _Fit:
    coef: FloatArray
    mean: FloatArray
    scale: FloatArray
    edges: FloatArray
    lo: FloatArray
    hi: FloatArray

    def point(self, values: FloatArray, queued: BoolArray,
              cats: FloatArray | None = None) -> FloatArray:
        """The announced wait; ``cats`` ``None``: the category columns at their mean."""
        k = len(self.mean) - 1 - len(_FITTED)
        c = np.broadcast_to(self.mean[len(self.mean) - k:], (len(values), k)) if cats is None \
            else cats
        x = _design(values, queued, c)
        z = (x - self.mean) / self.scale
        return np.asarray(np.maximum(values[:, _BASE] + self.coef[0] + z @ self.coef[1:], 0.0),
                          dtype=float)

    def group(self, pred: FloatArray) -> npt.NDArray[np.int64]:
        return np.asarray(np.searchsorted(self.edges, pred, "right"), dtype=np.int64)


def _fit(values: FloatArray, queued: BoolArray, actual: FloatArray, weight: FloatArray,
         arules: AnnounceRules, alpha: float, day: npt.NDArray[np.int64] | None = None,
         cats: FloatArray | None = None) -> _Fit | None:
    if len(actual) < 20:
        return None
    cats = np.zeros((len(actual), 0)) if cats is None else cats
    x = _design(values, queued, cats)
    mean = np.average(x, axis=0, weights=weight)
    scale = np.sqrt(np.average((x - mean) ** 2, axis=0, weights=weight))
    scale = np.where(scale > 1e-9, scale, 1.0)
    z = np.column_stack([np.ones(len(x)), (x - mean) / scale])
    # the regression learns corrections to the Monte Carlo of the line (QL-S): the ridge
    # shrinks towards it, not towards a constant
    target = actual - values[:, _BASE]
    day = np.zeros(len(actual), np.int64) if day is None else day
    gram = {d: (z[day == d].T @ (z[day == d] * weight[day == d, None]),
                z[day == d].T @ (target[day == d] * weight[day == d]),
                int(np.sum(day == d))) for d in np.unique(day)}
    penalty = _ridge_by_day(gram, z, target, weight, day, arules)
    eye = np.eye(z.shape[1])
    eye[0, 0] = 0.0
    a_all = sum(g[0] for g in gram.values())
    b_all = sum(g[1] for g in gram.values())
    coef = np.linalg.solve(a_all + penalty * len(actual) / 1000 * eye, b_all).astype(np.float64)
    fit = _Fit(coef, mean, scale, np.array([]), np.array([0.0]), np.array([0.0]))
    pred = fit.point(values, queued, cats)
    edges = np.unique(np.quantile(pred, np.linspace(0, 1, arules.groups + 1)[1:-1]))
    g = np.searchsorted(edges, pred, "right")
    res = actual - pred
    lo = np.zeros(len(edges) + 1)
    hi = np.zeros(len(edges) + 1)
    a = float(np.clip(alpha, 0.02, 0.6))
    for k in range(len(edges) + 1):
        rk = res[g == k]
        wk = weight[g == k]
        if len(rk) < 10:
            rk, wk = res, weight
        lo[k] = _wquantile(rk, wk, a / 2)
        hi[k] = _wquantile(rk, wk, 1 - a / 2)
    return _Fit(coef, mean, scale, edges, lo, hi)


def _ridge_by_day(gram: dict[int, tuple[FloatArray, FloatArray, int]], z: FloatArray,
                  target: FloatArray, weight: FloatArray, day: npt.NDArray[np.int64],
                  arules: AnnounceRules) -> float:
    """The ridge penalty (per 1,000 waits): ``arules.ridge``, or when it is ``None`` the one of
    :data:`RIDGES` with the least weighted squared error on each day left out in turn."""
    if arules.ridge is not None or len(gram) < 3:
        return RIDGES[len(RIDGES) // 2] if arules.ridge is None else float(arules.ridge)
    eye = np.eye(z.shape[1])
    eye[0, 0] = 0.0
    a_all = sum(g[0] for g in gram.values())
    b_all = sum(g[1] for g in gram.values())
    n_all = len(target)
    best, best_err = RIDGES[0], np.inf
    for lam in RIDGES:
        err = 0.0
        for d, (a_d, b_d, n_d) in gram.items():
            coef = np.linalg.solve(a_all - a_d + lam * (n_all - n_d) / 1000 * eye, b_all - b_d)
            sel = day == d
            err += float(np.sum(weight[sel] * (target[sel] - z[sel] @ coef) ** 2))
        if err < best_err:
            best, best_err = lam, err
    return float(best)


def _wquantile(x: FloatArray, w: FloatArray, q: float) -> float:
    o = np.argsort(x)
    cw = np.cumsum(w[o])
    return float(x[o][min(np.searchsorted(cw, q * cw[-1]), len(x) - 1)])


@dataclass(frozen=True)
class Announced:
    """Announced waits (minutes) with their 80% range, one entry per ticket or query.

    ``features`` are the predictors behind them (columns :data:`FEATURES`).
    """

    wait: FloatArray
    lo80: FloatArray
    hi80: FloatArray
    features: FloatArray


def announce_day(today: DayFeatures, history: Sequence[DayFeatures],
                 arules: AnnounceRules | None = None, *,
                 reuse: Announced | None = None) -> Announced:
    """What live mode would have told each of today's customers (the replay).

    Every ticket gets the fit made at the last refit before it was issued,
    from the history and the waits of today known by then.

    ``reuse``: what an earlier call told a prefix of today's tickets (a live
    update keeps it: what was told then does not change); its first
    ``len(reuse.wait)`` entries are copied.
    """
    ar = arules or AnnounceRules()
    n = len(today.actual)
    wait = np.zeros(n)
    lo = np.zeros(n)
    hi = np.zeros(n)
    done = 0 if reuse is None else min(len(reuse.wait), n)
    if done and reuse is not None:
        wait[:done], lo[:done], hi[:done] = reuse.wait[:done], reuse.lo80[:done], reuse.hi80[:done]
    if n == done:
        return Announced(wait, lo, hi, today.values)
    issued = today.log.issued
    start = np.floor(issued[done:].min() / ar.refit) * ar.refit
    for b in np.arange(start, issued.max() + ar.refit, ar.refit):
        sel = np.flatnonzero((issued >= b) & (issued < b + ar.refit))
        sel = sel[sel >= done]
        for ch in (False, True):
            q = sel[today.kiosk[sel] == ch]
            if len(q) == 0:
                continue
            told = Announced(wait, lo, hi, today.values)  # filled for everyone issued before b
            fit = _fit_for(today, history, b, ch, ar, _alpha(today, told, b, ch, ar))
            wait[q], lo[q], hi[q] = _apply(fit, today.values[q], today.queued[q],
                                           _categories(today.log, q, today.queued[q],
                                                       ar.by_type))
    return Announced(wait, lo, hi, today.values)


def _training(today: DayFeatures, history: Sequence[DayFeatures], now: float, kiosk: bool,
              ar: AnnounceRules) -> tuple[FloatArray, BoolArray, FloatArray, FloatArray,
                                          npt.NDArray[np.int64], FloatArray]:
    vs, qs, ys, ws, ds, cs = [], [], [], [], [], []
    for i, (d, wgt) in enumerate([(h, 1.0) for h in history] + [(today, ar.today_weight)]):
        ok = d.served & (d.kiosk == kiosk) & np.isfinite(d.actual)
        if d is today:
            ok &= d.known_at <= now
        cs.append(_categories(d.log, np.flatnonzero(ok), d.queued[ok], ar.by_type))
        vs.append(d.values[ok])
        qs.append(d.queued[ok])
        ys.append(d.actual[ok])
        ws.append(np.full(int(ok.sum()), wgt))
        ds.append(np.full(int(ok.sum()), i, np.int64))
    return (np.vstack(vs), np.concatenate(qs), np.concatenate(ys), np.concatenate(ws),
            np.concatenate(ds), np.vstack(cs))


def _fit_for(today: DayFeatures, history: Sequence[DayFeatures], now: float, kiosk: bool,
             ar: AnnounceRules, alpha: float) -> _Fit | None:
    v, q, y, w, d, c = _training(today, history, now, kiosk, ar)
    return _fit(v, q, y, w, ar, alpha, d, c)


def _apply(fit: _Fit | None, values: FloatArray, queued: BoolArray,
           cats: FloatArray | None = None) -> tuple[FloatArray, FloatArray, FloatArray]:
    if fit is None:  # no history: Ibrahim and Whitt's QL with abandonment, a +-50% range
        p = values[:, FEATURES.index("QL-A")]
        return p, 0.5 * p, 1.5 * p + 1.0
    p = fit.point(values, queued, cats)
    g = fit.group(p)
    # the range always holds the announced wait itself
    return p, np.clip(p + fit.lo[g], 0.0, p), np.maximum(p + fit.hi[g], p)


def _alpha(today: DayFeatures, told: Announced, now: float, kiosk: bool,
           ar: AnnounceRules) -> float:
    """The adaptive miscoverage after today's waits known by ``now`` (Gibbs and Candes)."""
    known = today.served & (today.known_at <= now) & (today.kiosk == kiosk)
    miss = (today.actual[known] < told.lo80[known]) | (today.actual[known] > told.hi80[known])
    return (1 - LEVEL) + ar.adapt * float(np.sum((1 - LEVEL) - miss))


def announce_now(today: DayFeatures, history: Sequence[DayFeatures], now: float,
                 kiosk: npt.ArrayLike, vip: npt.ArrayLike, priors: DelayPriors,
                 handling: Handling, rules: QueueRules | None = None,
                 arules: AnnounceRules | None = None, *, kiosks: int | None = None,
                 schedule: Schedule | None = None, told: Announced | None = None) -> Announced:
    """The wait to announce to a customer of each queue and tier taking a ticket at ``now``.

    Parameters
    ----------
    today:
        :func:`day_features` of today's tickets so far (issued before ``now``).
    history:
        :func:`day_features` of the hall's previous days.
    now:
        Minutes since midnight.
    kiosk, vip:
        Per query: kiosk queue, VIP tier.
    priors, handling, rules, arules, kiosks, schedule:
        As for :func:`day_features`.
    told:
        :func:`announce_day` of ``today`` (computed when not given): what
        today's customers were told, for the adaptive range.
    """
    r = rules or QueueRules()
    ar = arules or AnnounceRules()
    k = np.atleast_1d(np.asarray(kiosk, bool))
    v = np.broadcast_to(np.asarray(vip, bool), k.shape)
    times = np.full(k.shape, float(now))
    places = _own_places(today.log, r, kiosks, schedule)
    values, queued, _, _ = _features(today.log, times, k, v, priors, handling, r, ar, kiosks,
                                     schedule, places, 1, keys=np.arange(len(k)) + 10**6)
    told = told if told is not None else announce_day(today, history, ar)
    wait = np.zeros(len(k))
    lo = np.zeros(len(k))
    hi = np.zeros(len(k))
    for ch in (False, True):
        q = np.flatnonzero(k == ch)
        if len(q):
            fit = _fit_for(today, history, now, ch, ar, _alpha(today, told, now, ch, ar))
            wait[q], lo[q], hi[q] = _apply(fit, values[q], queued[q])
    return Announced(wait, lo, hi, values)


def model_floor(features: DayFeatures | Sequence[DayFeatures]) -> float:
    """The RMSE (minutes) the Monte Carlo's own spread leaves on the customers :func:`accuracy`
    compares: the square root of the mean variance of each served customer's wait over the
    draws (``QL-S spread``). No prediction of the wait from what is known at the ticket beats
    it if the queue behaves as the model says (the law of total variance); ``nan`` without
    the Monte Carlo."""
    fs = [features] if isinstance(features, DayFeatures) else list(features)
    ok = np.concatenate([f.served & np.isfinite(f.actual) for f in fs])
    sd = np.concatenate([f.values[:, FEATURES.index("QL-S spread")] for f in fs])[ok]
    return float(np.sqrt(np.mean(sd ** 2))) if len(sd) else float("nan")


def accuracy(features: DayFeatures | Sequence[DayFeatures],
             told: Announced | Sequence[Announced]) -> pd.DataFrame:
    """Root mean squared error of each predictor and of the announcement, on served customers.

    One row per predictor (:data:`FEATURES` that are waits) and ``announced``;
    columns ``rmse`` (minutes), ``customers`` (served customers compared),
    ``coverage_80`` (share of their waits inside the announced 80% range; the
    announcement only), ``ratio_to_QL`` (rmse / QL's rmse) and ``mean_wait``
    (their mean actual wait, minutes).
    """
    fs = [features] if isinstance(features, DayFeatures) else list(features)
    ts = [told] if isinstance(told, Announced) else list(told)
    ok = np.concatenate([f.served & np.isfinite(f.actual) for f in fs])
    a = np.concatenate([f.actual for f in fs])[ok]
    vals = np.vstack([f.values for f in fs])[ok]
    wait = np.concatenate([t.wait for t in ts])[ok]
    lo = np.concatenate([t.lo80 for t in ts])[ok]
    hi = np.concatenate([t.hi80 for t in ts])[ok]

    def rmse(p: FloatArray) -> float:
        return float(np.sqrt(np.mean((p - a) ** 2))) if len(a) else float("nan")

    names = [n for n in FEATURES if n in PREDICTORS or n == "QL-S"]
    rows = {n: {"rmse": rmse(vals[:, FEATURES.index(n)]), "coverage_80": np.nan} for n in names}
    rows["announced"] = {"rmse": rmse(wait), "coverage_80": float(np.mean((a >= lo) & (a <= hi)))
                         if len(a) else float("nan")}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "predictor"
    table["customers"] = len(a)
    table["ratio_to_QL"] = table["rmse"] / table.loc["QL", "rmse"]
    table["mean_wait"] = float(a.mean()) if len(a) else float("nan")
    return table
