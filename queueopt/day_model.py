"""The generating model of a simulated hall-day of tickets (live mode's benchmark days).

A simulated day has two independent queues (streams): the counters and,
when the hall has kiosks, the kiosks. Each stream is

* arrivals: a non-homogeneous Poisson process with a rate constant within
  each interval (drawn as a Poisson count per interval placed uniformly in
  it, which is the same process);
* marks, independent of each other and of the arrival times: the
  transaction type (the stream's mix), the handling time (lognormal with
  the type's mean and cv; counters with cross-selling), the VIP tier
  (counters only) and the patience (exponential);
* the queue of :func:`queueopt.simulate.serve_queue`: servers open per
  interval, VIPs first, FIFO within tier, a customer leaves when their
  patience runs out.

:func:`streams_of` is the one place these rules are read from a hall's
inputs and plan; :func:`draw_customers` the one place they are drawn,
from the start of the day or, for a restart, from any moment on (the same
process: a Poisson process's arrivals after a moment are independent of
those before it). ``benchmarks/bench_live.py`` writes its days with them,
and :mod:`queueopt.wait_floor` re-simulates each ticket's wait from the
state at its issue with them.

Units: clock times in minutes since midnight, durations in minutes,
arrivals per interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from queueopt.hall_inputs import KIOSK_CV, HallInputs
from queueopt.simulate import lognormal, serve_queue

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class Stream:
    """One queue of a simulated day and the distributions of its customers.

    Attributes
    ----------
    channel:
        ``"counter"`` or ``"kiosk"``.
    start, interval:
        Start of the first interval (minutes since midnight) and the
        interval's length (minutes).
    arrivals:
        Expected arrivals in each interval (a Poisson count each).
    mix:
        Probability of each transaction type.
    handle_mean, handle_cv:
        Handling time per type: mean (minutes) and coefficient of variation
        of a lognormal.
    vip_share:
        Chance a customer is VIP (``None``: no VIPs, nothing drawn).
    patience:
        Mean of the exponential patience, minutes.
    servers:
        Servers open per interval.
    """

    channel: str
    start: float
    interval: float
    arrivals: FloatArray
    mix: FloatArray
    handle_mean: FloatArray
    handle_cv: FloatArray
    vip_share: float | None
    patience: float
    servers: IntArray


@dataclass(frozen=True, eq=False)
class Customers:
    """Customers of one stream, sorted by arrival (minutes since midnight; durations minutes)."""

    arrive: FloatArray
    type_index: IntArray
    service: FloatArray
    vip: BoolArray
    patience: FloatArray

    def __len__(self) -> int:
        return len(self.arrive)


def streams_of(inputs: HallInputs, plan: pd.DataFrame, *, demand_factor: float = 1.0,
               counters: npt.ArrayLike | None = None) -> list[Stream]:
    """The streams of one simulated day of a hall from its plan's rows of that day.

    Parameters
    ----------
    inputs:
        The hall.
    plan:
        ``interval_start, counter_arrivals, kiosk_arrivals, required`` (a
        requirements frame; arrivals per interval).
    demand_factor:
        Multiplies the expected arrivals.
    counters:
        Counters open per interval (default: ``required``, at most the hall's).
    """
    step = float(inputs.interval_minutes)
    s0 = pd.to_datetime(plan["interval_start"]).iloc[0]
    start = float(s0.hour * 60 + s0.minute)
    n_int = len(plan)
    open_c = (np.minimum(plan["required"].to_numpy(np.int64), inputs.counters)
              if counters is None else np.asarray(counters, np.int64))
    patience = float(inputs.patience or 1e9)
    # the counter mix is what the kiosks leave: eligible types less their kiosk share
    p = inputs.shares * np.where(inputs.kiosk_eligible, 1 - inputs.kiosk_adoption
                                 if inputs.kiosks else 1.0, 1.0)
    out = [Stream("counter", start, step,
                  plan["counter_arrivals"].to_numpy(float) * demand_factor, p / p.sum(),
                  inputs.handle_minutes(True), np.asarray(inputs.cv, float),
                  float(inputs.vip_share), patience, open_c)]
    el = np.where(inputs.kiosk_eligible, inputs.shares, 0.0)
    if inputs.kiosks and el.sum() > 0:
        out.append(Stream("kiosk", start, step,
                          plan["kiosk_arrivals"].to_numpy(float) * demand_factor, el / el.sum(),
                          np.asarray(inputs.kiosk_minutes, float),
                          np.full(len(el), KIOSK_CV), None, patience,
                          np.full(n_int, inputs.kiosks, np.int64)))
    return out


def draw_customers(stream: Stream, rng: np.random.Generator, since: float | None = None,
                   replications: int | None = None, *, vip_only: bool = False
                   ) -> Customers | list[Customers]:
    """The customers of ``stream`` arriving from the start of the day, or after ``since``.

    With ``since`` (minutes since midnight) only the arrivals after it are
    drawn: the rest of its interval gets a Poisson count of the interval's
    rate times the share of the interval left, placed uniformly in it; later
    intervals as from the start. With ``replications`` a list of that many
    independent draws (drawn together, split by replication). With
    ``vip_only`` only the VIP customers: the same process thinned by the VIP
    share (a Poisson process of rate ``share x rate``, the other marks as
    usual, since a mark is drawn independently of the tier).
    """
    n_int = len(stream.arrivals)
    lam = np.asarray(stream.arrivals, float)
    if vip_only:
        lam = lam * (stream.vip_share or 0.0)
    lo = stream.start + np.arange(n_int) * stream.interval  # each interval's first minute
    width = np.full(n_int, stream.interval)
    if since is not None:
        first = np.maximum(lo, since)
        width = np.clip(lo + stream.interval - first, 0.0, stream.interval)
        lam = lam * width / stream.interval
        lo = first
    reps = 1 if replications is None else int(replications)
    counts = (rng.poisson(lam) if replications is None
              else rng.poisson(lam, (reps, n_int)).reshape(-1))
    n = int(counts.sum())
    if n == 0:
        empty = Customers(np.zeros(0), np.zeros(0, np.int64), np.zeros(0), np.zeros(0, bool),
                          np.zeros(0))
        return empty if replications is None else [empty] * reps
    slot = np.tile(np.arange(n_int), reps)
    rep = np.repeat(np.arange(reps), n_int)
    u = rng.uniform(0, 1, n) if since is not None else None
    if since is None:
        arrive = np.repeat(lo[slot], counts) + rng.uniform(0, stream.interval, n)
    else:
        arrive = np.repeat(lo[slot], counts) + np.repeat(width[slot], counts) * u
    rep_of = np.repeat(rep, counts)
    order = np.lexsort((arrive, rep_of))
    arrive, rep_of = arrive[order], rep_of[order]
    ttype = rng.choice(len(stream.mix), n, p=stream.mix)
    service = lognormal(rng, stream.handle_mean[ttype], stream.handle_cv[ttype])
    if vip_only:
        vip = np.ones(n, bool)
    else:
        vip = (rng.random(n) < stream.vip_share if stream.vip_share is not None
               else np.zeros(n, bool))
    patience = rng.exponential(stream.patience, n)
    if replications is None:
        return Customers(arrive, ttype.astype(np.int64), service, vip, patience)
    cut = np.searchsorted(rep_of, np.arange(reps + 1))
    return [Customers(arrive[a:b], ttype[a:b].astype(np.int64), service[a:b], vip[a:b],
                      patience[a:b]) for a, b in zip(cut[:-1], cut[1:])]


@dataclass(frozen=True, eq=False)
class StreamDay:
    """One stream's day as simulated: its customers, when each was called (``nan``: left)
    and by which server (-1: left)."""

    stream: Stream
    customers: Customers
    call: FloatArray
    server: IntArray


def simulate_streams(streams: list[Stream], seed: int) -> list[StreamDay]:
    """One simulated day of every stream, from ``default_rng(seed)`` in stream order."""
    rng = np.random.default_rng(seed)
    out = []
    for st in streams:
        c = draw_customers(st, rng)
        assert isinstance(c, Customers)
        if len(c) == 0:
            continue
        call, server = serve_queue(c.arrive, c.service, c.patience, c.vip, st.servers,
                                   st.interval, st.start)
        out.append(StreamDay(st, c, call, server))
    return out
