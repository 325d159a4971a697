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
* ``QL-R``: the same sum with ``s mu`` replaced by the queue's *observed*
  drain rate (calls from the queue per minute of non-empty queue, shrunk
  towards ``s mu``), net of VIPs who will arrive and go first: servers that
  sit idle while customers wait, or are not really open, slow the queue and
  this sees it.
* ``LES``: the wait of the last customer to enter service.
* ``LES-R``: LES scaled by the change in the queue, ``(m + 1) / (m_les + 1)``
  (a refinement for time-varying arrivals: the last customer's wait is
  stale when the queue grew or shrank since they joined).
* ``HOL``: how long the head of the line has waited.
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

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.special import digamma

from queueopt.queue_state import StateAt

FloatArray = npt.NDArray[np.float64]

PREDICTORS: tuple[str, ...] = ("QL", "QL-A", "QL-R", "LES", "LES-R", "HOL", "day mean")
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
    hol = np.where(m > 0, state.hol_wait, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        day = np.where(state.completed_count > 0,
                       state.completed_wait_sum / np.maximum(state.completed_count, 1), qla)
    values = np.column_stack([ql, qla, qlr, les, les_r, hol, day]).astype(float)
    return DelayPredictions(values=values, places=m, handle=np.asarray(handle, float),
                            theta=theta)
