"""Today's queue from the ticket log so far: what the hall knows at each moment.

A hall-day's tickets become a :class:`TicketLog` (arrays, clock times in
minutes since the day's midnight). :func:`state_at` answers, for any number of
query moments at once, what the ticket machine knew then and nothing later:

* who is **waiting** (issued, not yet called, not yet known to have left) and
  how many of them are **ahead** of a ticket of a given tier issued at that
  moment (VIPs are served first, or, like the bank's priority callers, get a
  head start of ``vip_head_start`` minutes of queue time);
* **counters open**: servers (``server_id``) busy now or active (called or
  finished a customer) in the last ``idle_gap`` minutes, unless the caller
  knows the count (kiosks are open all day; a counters file);
* **busy** and **free** servers;
* the queue's recent **drain rate**: customers called from the queue per
  minute the queue was not empty, over the last ``window`` minutes;
* the delay history: the wait of the last customer to enter service (LES),
  how long the head of the line has waited (HOL), and today's abandonments
  and time in queue (the exposure of the patience estimate).

A ticket's departure from the queue is known when it is called, or when it
left (``abandoned_at``); a ticket that left without an ``abandoned_at`` is
known to have gone when the queue passed it (the first later ticket of its
queue was called), as a ticket machine learns it when a number is called and
nobody comes. Kiosks are their own queue and their own servers.

Units: clock times and durations in minutes, rates per minute.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

INF = float("inf")


@dataclass(frozen=True)
class QueueRules:
    """How the hall's queue is read from its log.

    Parameters
    ----------
    idle_gap:
        Minutes without activity after which a server counts as closed (the
        bank log gives 4.3, 5.2, 6.8 agents for 5, 15, 30 minutes).
    vip_head_start:
        Minutes of queue time a VIP is credited with when they join
        (``inf``: VIPs are served first, as in the sample halls; the bank's
        priority callers get 1.5).
    window:
        Minutes of recent history behind the drain rate and recent rates.
    """

    idle_gap: float = 15.0
    vip_head_start: float = INF
    window: float = 30.0

    def __post_init__(self) -> None:
        for name in ("idle_gap", "vip_head_start", "window"):
            value = getattr(self, name)
            if not value > 0:
                raise ValueError(f"{name}={value} must be > 0 minutes")


@dataclass(frozen=True, eq=False)
class TicketLog:
    """One hall-day of tickets as arrays sorted by issue time.

    Clock times are minutes since the day's midnight (``nan`` when the event
    has not happened or is unknown). ``gone`` is when the hall learns the
    ticket stopped waiting (called, left, or passed by the queue; ``inf``
    while it still waits).
    """

    day: dt.date
    ticket_id: npt.NDArray[np.object_]
    issued: FloatArray
    called: FloatArray
    served_end: FloatArray
    left: FloatArray
    abandoned: BoolArray
    kiosk: BoolArray
    vip: BoolArray
    type_index: IntArray
    types: tuple[str, ...]
    server_index: IntArray
    servers: tuple[str, ...]
    gone: FloatArray

    def __len__(self) -> int:
        return len(self.issued)

    def actual_wait(self) -> FloatArray:
        """Minutes from issue to being called, or to leaving (``nan`` unknown / still waiting)."""
        end = np.where(self.abandoned, self.left, self.called)
        return np.asarray(end - self.issued, dtype=float)


def _minutes(times: pd.Series, midnight: pd.Timestamp) -> FloatArray:
    t = pd.to_datetime(times)
    return np.asarray((t - midnight).dt.total_seconds().to_numpy(float) / 60.0, dtype=float)


def ticket_log(tickets: pd.DataFrame, day: dt.date, types: tuple[str, ...] = ()) -> TicketLog:
    """The tickets issued on ``day`` as a :class:`TicketLog` (the edge from the frame).

    Parameters
    ----------
    tickets:
        Parsed tickets (README columns, datetimes; as
        :meth:`queueopt.io.Dataset.tickets_of` returns them). Rows of other
        days are ignored; a still-waiting ticket has empty ``called_at``,
        one in service an empty ``served_end``.
    day:
        The day.
    types:
        Transaction type codes to index by (default: those in the tickets).
    """
    midnight = pd.Timestamp(day)
    issued_at = pd.to_datetime(tickets["issued_at"])
    part = tickets[(issued_at >= midnight) & (issued_at < midnight + pd.Timedelta(days=1))]
    part = part.iloc[np.argsort(_minutes(part["issued_at"], midnight), kind="stable")]
    issued = _minutes(part["issued_at"], midnight)
    called = _minutes(part["called_at"], midnight)
    end = _minutes(part["served_end"], midnight)
    left = (_minutes(part["abandoned_at"], midnight) if "abandoned_at" in part
            else np.full(len(part), np.nan))
    abandoned = part["abandoned"].to_numpy(bool)
    called = np.where(abandoned, np.nan, called)
    left = np.where(abandoned, left, np.nan)
    kiosk = (part["channel"] == "kiosk").to_numpy(bool)
    vip = (part["tier"].astype(str).str.lower() == "vip").to_numpy(bool)
    all_types = tuple(types) or tuple(sorted(part["transaction_type"].astype(str).unique()))
    lookup = {c: i for i, c in enumerate(all_types)}
    type_index = np.array([lookup.get(str(c), -1) for c in part["transaction_type"]], np.int64)
    sid = part["server_id"].fillna("").astype(str).to_numpy()
    servers = tuple(sorted({s for s in sid if s}))
    slookup = {s: i for i, s in enumerate(servers)}
    server_index = np.array([slookup.get(s, -1) for s in sid], np.int64)
    gone = _gone(issued, called, left, abandoned, kiosk)
    return TicketLog(day=day, ticket_id=part["ticket_id"].astype(str).to_numpy(object),
                     issued=issued, called=called, served_end=end, left=left,
                     abandoned=abandoned, kiosk=kiosk, vip=vip, type_index=type_index,
                     types=all_types, server_index=server_index, servers=servers, gone=gone)


def _gone(issued: FloatArray, called: FloatArray, left: FloatArray, abandoned: BoolArray,
          kiosk: BoolArray) -> FloatArray:
    """When the hall learns each ticket stopped waiting (``inf`` while it waits)."""
    gone = np.where(np.isfinite(called), called, INF)
    gone = np.where(abandoned & np.isfinite(left), left, gone)
    unknown = np.flatnonzero(abandoned & ~np.isfinite(left))
    for ch in (False, True):
        same = kiosk == ch
        later_calls = np.where(same & np.isfinite(called), called, INF)
        # first call of a ticket issued after this one, in the same queue
        suffix_min = np.minimum.accumulate(later_calls[::-1])[::-1]
        for j in unknown[kiosk[unknown] == ch]:
            gone[j] = suffix_min[j + 1] if j + 1 < len(issued) else INF
    return np.asarray(gone, dtype=float)


@dataclass(frozen=True)
class StateAt:
    """What the hall knew at each query moment, for a ticket of a given queue and tier.

    Arrays have one entry per query. Counts are customers or servers; times
    minutes; rates per minute.

    Attributes
    ----------
    waiting:
        Customers waiting in the query's queue (counters or kiosks).
    ahead:
        Customers a new ticket of the query's tier would have ahead of it.
    servers_open, busy, free:
        Servers open (inferred or given), serving, and open but idle.
    peak_busy:
        Most servers serving at once over the last ``window`` minutes (the
        servers actually working; on the bank log agents on duty sit idle
        while callers wait, so this is lower than ``servers_open``).
    drain_rate:
        Customers called from the queue per minute of non-empty queue over
        the last ``window`` minutes (``nan`` when the queue was empty all along).
    drain_calls, drain_minutes:
        The two numbers behind it (calls, minutes of non-empty queue).
    vip_rate:
        VIP tickets issued per minute in the queue over the last ``window``.
    les_wait, les_ahead:
        Wait of the last customer of the same tier to enter service and the
        index of that ticket in the log (-1 when nobody yet).
    hol_wait:
        How long the longest-waiting customer of the same tier has waited
        (0 when nobody of that tier waits).
    handle_mean, handle_count:
        Mean handling time (minutes) and count of the queue's services
        finished today so far.
    abandoned_known, exposure:
        Abandonments known so far today in the queue and minutes all of
        today's tickets spent waiting (the patience estimate's exposure).
    completed_wait_sum, completed_count:
        Sum (minutes) and count of known waits of today's called customers.
    """

    waiting: IntArray
    ahead: IntArray
    servers_open: IntArray
    busy: IntArray
    free: IntArray
    peak_busy: IntArray
    drain_rate: FloatArray
    drain_calls: IntArray
    drain_minutes: FloatArray
    vip_rate: FloatArray
    les_wait: FloatArray
    les_index: IntArray
    hol_wait: FloatArray
    handle_mean: FloatArray
    handle_count: IntArray
    abandoned_known: IntArray
    exposure: FloatArray
    completed_wait_sum: FloatArray
    completed_count: IntArray


_FIELDS = tuple(StateAt.__dataclass_fields__)


def state_at(log: TicketLog, times: npt.ArrayLike, kiosk: npt.ArrayLike, vip: npt.ArrayLike,
             rules: QueueRules | None = None, *, servers_open: npt.ArrayLike | None = None,
             ) -> StateAt:
    """The queue each query would have joined, as known at its moment.

    Parameters
    ----------
    log:
        The day's tickets (only what happened before each moment is used).
    times:
        Query moments, minutes since midnight.
    kiosk, vip:
        Per query: the kiosk queue (else the counters) and the VIP tier.
    rules:
        How servers and priorities are read (:class:`QueueRules`).
    servers_open:
        Per query, servers known to be open (e.g. the hall's kiosks, a
        counters file); ``-1`` or ``None`` = inferred from server activity.

    Notes
    -----
    A ticket counts as issued before a moment when its issue time is
    strictly earlier, and a call counts when it came strictly earlier, so a
    ticket's own moment does not count itself: a ticket called the moment it
    is issued does not see itself served (which would leave one server fewer
    free, and its own zero wait as the last to enter service).
    """
    r = rules or QueueRules()
    t = np.atleast_1d(np.asarray(times, dtype=float))
    q_kiosk = np.broadcast_to(np.asarray(kiosk, dtype=bool), t.shape)
    q_vip = np.broadcast_to(np.asarray(vip, dtype=bool), t.shape)
    given = (np.full(t.shape, -1, np.int64) if servers_open is None
             else np.broadcast_to(np.asarray(servers_open, dtype=np.int64), t.shape))
    out = {name: np.zeros(t.shape, dtype=float) for name in _FIELDS}
    for ch in (False, True):
        q = np.flatnonzero(q_kiosk == ch)
        if len(q) == 0:
            continue
        part = _channel_state(log, log.kiosk == ch, t[q], q_vip[q], given[q], r)
        for name in _FIELDS:
            out[name][q] = part[name]
    ints = {"waiting", "ahead", "servers_open", "busy", "free", "peak_busy", "drain_calls", "les_index",
            "handle_count", "abandoned_known", "completed_count"}
    return StateAt(**{k: (v.astype(np.int64) if k in ints else v)  # type: ignore[arg-type]
                      for k, v in out.items()})


def _channel_state(log: TicketLog, mask: BoolArray, t: FloatArray, vip_q: BoolArray,
                   given: IntArray, r: QueueRules) -> dict[str, FloatArray]:
    idx = np.flatnonzero(mask)
    iss, gone, called = log.issued[idx], log.gone[idx], log.called[idx]
    end, vip, ab = log.served_end[idx], log.vip[idx], log.abandoned[idx]
    called_f = np.where(np.isfinite(called), called, INF)
    end_f = np.where(np.isfinite(end), end, INF)
    tt = t[:, None]
    issued_before = iss[None, :] < tt
    waiting = issued_before & (gone[None, :] > tt)
    h = r.vip_head_start
    # ahead of a new regular ticket: everyone waiting; of a new VIP: waiting VIPs and
    # regulars who joined more than the head start earlier (all of them never, if h = inf)
    reg_ahead_vip = iss[None, :] < tt - h if np.isfinite(h) else np.zeros_like(waiting)
    ahead = waiting & np.where(vip_q[:, None], vip[None, :] | reg_ahead_vip, True)
    same_tier = vip[None, :] == vip_q[:, None]
    wait_same = waiting & same_tier
    hol = np.where(wait_same.any(1),
                   t - np.where(wait_same, iss[None, :], INF).min(1, initial=INF), 0.0)
    # calls strictly before the moment: a ticket called the moment it is issued is not
    # part of the state it is predicted from (nor is anyone called in that same instant)
    busy_m = (called_f[None, :] < tt) & (end_f[None, :] > tt)
    busy = busy_m.sum(1)
    open_s = _servers_open(log, idx, t, busy_m, r.idle_gap)
    open_s = np.where(given >= 0, given, open_s)
    free = np.maximum(open_s - busy, 0)
    peak = np.maximum(_peak_busy(called, end_f, t, r.window), busy)
    # drain: calls of customers who waited, over minutes of non-empty queue
    queued = np.isfinite(called) & (called > iss)
    lo = t - r.window
    qcalls = np.sort(called[queued])
    drain_calls = np.searchsorted(qcalls, t, "left") - np.searchsorted(qcalls, lo, "right")
    drain_minutes = _nonempty_minutes(iss, gone, lo, t)
    with np.errstate(invalid="ignore", divide="ignore"):
        drain = np.where(drain_minutes > 1e-9, drain_calls / drain_minutes, np.nan)
    vip_iss = np.sort(iss[vip])
    vip_rate = (np.searchsorted(vip_iss, t, "left") - np.searchsorted(vip_iss, lo, "left")) / r.window
    # last to enter service, same tier (any tier before the first of the tier)
    les_wait, les_index = _les(log, idx, t, vip_q)
    # handling and completed waits so far
    done = end_f[None, :] <= tt
    h_len = np.where(np.isfinite(end) & np.isfinite(called), end - called, 0.0)
    handle_count = done.sum(1)
    with np.errstate(invalid="ignore", divide="ignore"):
        handle_mean = np.where(handle_count > 0, (done * h_len[None, :]).sum(1) / handle_count,
                               np.nan)
    ab_known = (ab[None, :] & (gone[None, :] <= tt)).sum(1)
    exposure = (issued_before * (np.minimum(gone[None, :], tt) - iss[None, :])).sum(1)
    was_called = called_f[None, :] < tt
    wait_len = np.where(np.isfinite(called), called - iss, 0.0)
    return {"waiting": waiting.sum(1), "ahead": ahead.sum(1), "servers_open": open_s,
            "busy": busy, "free": free, "peak_busy": peak, "drain_rate": drain, "drain_calls": drain_calls,
            "drain_minutes": drain_minutes, "vip_rate": vip_rate, "les_wait": les_wait,
            "les_index": les_index, "hol_wait": hol, "handle_mean": handle_mean,
            "handle_count": handle_count, "abandoned_known": ab_known, "exposure": exposure,
            "completed_wait_sum": (was_called * wait_len[None, :]).sum(1),
            "completed_count": was_called.sum(1)}


def _servers_open(log: TicketLog, idx: IntArray, t: FloatArray, busy_m: BoolArray,
                  idle_gap: float) -> IntArray:
    """Servers busy at each moment or active (a call or a finish) in the last ``idle_gap``."""
    sid = log.server_index[idx]
    count = np.zeros(len(t), np.int64)
    for s in np.unique(sid[sid >= 0]):
        mine = sid == s
        acts = np.sort(np.r_[log.called[idx][mine], log.served_end[idx][mine]])
        acts = acts[np.isfinite(acts)]
        recent = (np.searchsorted(acts, t, "left") - np.searchsorted(acts, t - idle_gap, "left")) > 0
        count += recent | busy_m[:, mine].any(1)
    return count


def _peak_busy(called: FloatArray, end_f: FloatArray, t: FloatArray, window: float) -> IntArray:
    """Most customers in service at once at any call in ``[t - window, t)``."""
    ok = np.isfinite(called)
    ct = np.sort(called[ok])
    if len(ct) == 0:
        return np.zeros(len(t), np.int64)
    c_all, e_all = called[ok], end_f[ok]
    # customers in service just after each call (the call included): a running count
    starts = np.searchsorted(np.sort(c_all), ct, "right")
    ends = np.searchsorted(np.sort(e_all), ct, "right")
    at_call = starts - ends
    lo = np.searchsorted(ct, t - window, "left")
    hi = np.searchsorted(ct, t, "left")
    out = np.zeros(len(t), np.int64)
    for i, (a, b) in enumerate(zip(lo, hi)):
        if b > a:
            out[i] = at_call[a:b].max()
    return out


def _nonempty_minutes(iss: FloatArray, gone: FloatArray, lo: FloatArray, hi: FloatArray
                      ) -> FloatArray:
    """Minutes in ``[lo, hi]`` during which someone waited (vectorised over the windows)."""
    ev_t = np.r_[iss, gone[np.isfinite(gone)]]
    ev_d = np.r_[np.ones(len(iss)), -np.ones(int(np.isfinite(gone).sum()))]
    order = np.lexsort((-ev_d, ev_t))  # at equal times arrivals first: a zero-length stay
    ev_t, ev_d = ev_t[order], ev_d[order]
    if len(ev_t) == 0:
        return np.zeros(len(hi))
    level = np.cumsum(ev_d)
    seg = np.diff(ev_t) * (level[:-1] > 0)
    cum = np.r_[0.0, np.cumsum(seg)]  # non-empty minutes up to each event time

    def at(x: FloatArray) -> FloatArray:
        k = np.searchsorted(ev_t, x, "right") - 1
        base = np.where(k >= 0, cum[np.maximum(k, 0)], 0.0)
        tail = np.where((k >= 0) & (level[np.maximum(k, 0)] > 0),
                        x - ev_t[np.maximum(k, 0)], 0.0)
        return np.asarray(base + tail, dtype=float)

    return at(hi) - at(lo)


def _les(log: TicketLog, idx: IntArray, t: FloatArray, vip_q: BoolArray
         ) -> tuple[FloatArray, IntArray]:
    called, iss, vip = log.called[idx], log.issued[idx], log.vip[idx]
    ok = np.isfinite(called)
    wait = np.full(len(t), np.nan)
    index = np.full(len(t), -1, np.int64)
    for tier in (False, True):
        q = vip_q == tier
        for sel in (ok & (vip == tier), ok):  # the tier's own, else anyone's
            j = np.flatnonzero(sel)
            order = j[np.argsort(called[j], kind="stable")]
            k = np.searchsorted(called[order], t, "left") - 1
            use = q & (k >= 0) & (index < 0)
            wait[use] = called[order[k[use]]] - iss[order[k[use]]]
            index[use] = idx[order[k[use]]]
    return wait, index


@dataclass(frozen=True)
class QueueSnapshot:
    """Today's hall at one moment, as a manager reads it.

    ``issued``, ``called``, ``served``, ``abandoned`` count today's tickets
    up to ``now`` (served = service finished); ``waiting`` is one row per
    channel, transaction type and tier with customers waiting (columns
    ``channel, transaction_type, tier, waiting, longest_wait`` in minutes).
    """

    day: dt.date
    now: float
    issued: int
    called: int
    served: int
    abandoned: int
    counters_open: int
    counters_busy: int
    kiosks_open: int
    waiting: pd.DataFrame

    @property
    def now_text(self) -> str:
        """The moment as ``HH:MM``."""
        m = int(self.now)
        return f"{m // 60:02d}:{m % 60:02d}"


def snapshot(log: TicketLog, now: float, rules: QueueRules | None = None, *,
             kiosks: int | None = None, counters: int | None = None) -> QueueSnapshot:
    """The hall at ``now`` (minutes since midnight) from what the log knew then.

    ``kiosks`` / ``counters``: servers known to be open (default inferred
    from server activity, like :func:`state_at`).
    """
    issued = log.issued < now
    called = issued & (log.called <= now)
    served = issued & (log.served_end <= now)
    gone_ab = issued & log.abandoned & (log.gone <= now)
    st = state_at(log, [now, now], [False, True], [False, False], rules,
                  servers_open=[-1 if counters is None else counters,
                                -1 if kiosks is None else kiosks])
    waiting = issued & (log.gone > now)
    rows = []
    if waiting.any():
        w = pd.DataFrame({"channel": np.where(log.kiosk[waiting], "kiosk", "counter"),
                          "transaction_type": [log.types[i] if i >= 0 else "?"
                                               for i in log.type_index[waiting]],
                          "tier": np.where(log.vip[waiting], "vip", "regular"),
                          "elapsed": now - log.issued[waiting]})
        rows.append(w.groupby(["channel", "transaction_type", "tier"], as_index=False)
                    .agg(waiting=("elapsed", "size"), longest_wait=("elapsed", "max")))
    table = (rows[0] if rows else pd.DataFrame(
        {"channel": [], "transaction_type": [], "tier": [], "waiting": [], "longest_wait": []}))
    return QueueSnapshot(day=log.day, now=float(now), issued=int(issued.sum()),
                         called=int(called.sum()), served=int(served.sum()),
                         abandoned=int(gone_ab.sum()), counters_open=int(st.servers_open[0]),
                         counters_busy=int(st.busy[0]), kiosks_open=int(st.servers_open[1]),
                         waiting=table)


@dataclass(frozen=True)
class Line:
    """The people around one query: who is ahead, in the order they will be called, and who is served.

    ``ahead`` and ``in_service`` are indices into the :class:`TicketLog`;
    ``free`` is the open servers idle at the moment (0 while anyone waits:
    an idle server with a queue is not serving it).
    """

    ahead: IntArray
    in_service: IntArray
    free: int


def lines_at(log: TicketLog, times: npt.ArrayLike, kiosk: npt.ArrayLike, vip: npt.ArrayLike,
             state: StateAt, rules: QueueRules | None = None) -> list[Line]:
    """For each query, the customers ahead (in calling order) and the customers being served."""
    r = rules or QueueRules()
    t = np.atleast_1d(np.asarray(times, dtype=float))
    q_kiosk = np.broadcast_to(np.asarray(kiosk, dtype=bool), t.shape)
    q_vip = np.broadcast_to(np.asarray(vip, dtype=bool), t.shape)
    h = r.vip_head_start
    called_f = np.where(np.isfinite(log.called), log.called, INF)
    end_f = np.where(np.isfinite(log.served_end), log.served_end, INF)
    key = log.issued - np.where(log.vip, h if np.isfinite(h) else 1e6, 0.0)
    out = []
    for i, ti in enumerate(t):
        same = log.kiosk == q_kiosk[i]
        waiting = same & (log.issued < ti) & (log.gone > ti)
        if q_vip[i]:
            cut = ti - h if np.isfinite(h) else -INF
            waiting &= log.vip | (log.issued < cut)
        ahead = np.flatnonzero(waiting)
        ahead = ahead[np.argsort(key[ahead], kind="stable")]
        serving = np.flatnonzero(same & (called_f < ti) & (end_f > ti))
        free = int(state.free[i]) if state.waiting[i] == 0 else 0
        out.append(Line(ahead=ahead, in_service=serving, free=free))
    return out


def group_state(log: TicketLog, times: npt.ArrayLike, type_index: npt.ArrayLike,
                groups: Mapping[str, frozenset[str]], idle_gap: float
                ) -> tuple[IntArray, IntArray, IntArray]:
    """The counters' agent group of each query's transaction type, as known at its moment.

    Parameters
    ----------
    log:
        The day's tickets (only calls and finishes strictly before each moment count).
    times:
        Query moments, minutes since midnight.
    type_index:
        Per query, the index of its type in ``log.types`` (-1 unknown: the hall as one
        group, every server and every counter customer waiting).
    groups:
        Per type code, the servers that serve it (learnt from the history; a type
        without a group, or with none of today's servers in it, counts every server).
    idle_gap:
        Minutes without a call or a finish after which a server counts as closed (as
        :func:`state_at`).

    Returns
    -------
    (open, free, same_type_waiting): per query, the group's servers open (busy or active
    in the last ``idle_gap`` minutes) and open but idle, and the counter customers of
    the query's type waiting.
    """
    t = np.atleast_1d(np.asarray(times, dtype=float))
    ti = np.broadcast_to(np.asarray(type_index, dtype=np.int64), t.shape)
    counter = ~log.kiosk
    n_s = len(log.servers)
    open_m = np.zeros((len(t), n_s), bool)
    busy_m = np.zeros((len(t), n_s), bool)
    for s in range(n_s):
        mine = counter & (log.server_index == s) & np.isfinite(log.called)
        order = np.argsort(log.called[mine], kind="stable")
        c = log.called[mine][order]
        e = np.where(np.isfinite(log.served_end[mine]), log.served_end[mine], INF)[order]
        j = np.searchsorted(c, t, "left") - 1
        busy_m[:, s] = (j >= 0) & (e[np.maximum(j, 0)] > t) if len(c) else False
        acts = np.sort(np.r_[c, e[np.isfinite(e)]])
        recent = (np.searchsorted(acts, t, "left") - np.searchsorted(acts, t - idle_gap, "left")) > 0
        open_m[:, s] = recent | busy_m[:, s]
    member = np.array([[srv in groups.get(code, frozenset()) for srv in log.servers]
                       for code in log.types], bool).reshape(len(log.types), n_s)
    member[~member.any(1)] = True
    mq = np.where((ti >= 0)[:, None], member[np.maximum(ti, 0)] if len(member) else True, True)
    idx = np.flatnonzero(counter)
    waiting = (log.issued[idx][None, :] < t[:, None]) & (log.gone[idx][None, :] > t[:, None])
    same = (log.type_index[idx][None, :] == ti[:, None]) | (ti[:, None] < 0)
    return ((open_m & mq).sum(1).astype(np.int64), (open_m & ~busy_m & mq).sum(1).astype(np.int64),
            (waiting & same).sum(1).astype(np.int64))
