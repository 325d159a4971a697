"""The next two hours: counters to open or close, the emergency counter, cross-selling, messages.

From the rest of today's arrivals (the forecast updated with what has been
seen, :mod:`queueopt.intraday`), the queue now and the counters the roster
opens, per interval of the next ``horizon`` minutes:

* **counters needed**: the fewest counters meeting the hall's service
  level (:func:`_service_level`: Erlang A with the hall's patience, Erlang C
  with the mix's variability without one); the customers waiting now are
  added to the first interval's arrivals, spread over at least one interval
  (a fluid view of the backlog);
* **pause cross-selling** first, at no staff cost: in the intervals where
  the counters the roster opens miss the target with cross-selling and
  pausing it raises their service level or cuts the counters needed; counters are then needed only for
  what the pause leaves (the counters needed without cross-selling);
* **open / close**: the difference to the counters the roster opens, within
  the hall's physical counters and the staff on duty who are free to take
  one (on the floor or leading the shift, not on a break); an extra counter
  is opened only where the roster misses the target, and closes again as
  soon as nobody waits (the next check re-opens it if the prediction says so);
* **emergency counter**: the duty manager opens it now when the first
  customer in line has waited the target's threshold, or when more counters
  are needed than there are people or counters to open;
* **quiet-hours message**: when the next two hours still miss the mean-wait
  cap, the customers are told the busy period and the next quiet time, and
  pointed to the kiosks and the app.

Units: arrivals per interval in frames, per minute in arrays; handling
times and waits in minutes; clock times in minutes since midnight.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from queueopt.delay import Schedule
from queueopt.hall_inputs import HallInputs
from queueopt.queueing import (
    erlang_a_service_level,
    mean_wait,
    mix_moments,
    required_servers,
    service_level,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

HORIZON = 120.0
"""Minutes ahead the advice covers."""

ACTIONS: tuple[str, ...] = ("open", "close", "emergency", "pause_cross_sell", "quiet_hours")
"""Kinds of :class:`Action`."""


def clock(minute: float) -> str:
    """``HH:MM`` of minutes since midnight."""
    m = round(minute)
    return f"{m // 60:02d}:{m % 60:02d}"


@dataclass(frozen=True)
class Action:
    """One recommendation: ``kind`` (one of :data:`ACTIONS`), from ``start`` to ``end``
    (minutes since midnight), ``counters`` to open or close (0 when not about counters)."""

    kind: str
    start: float
    end: float
    counters: int = 0

    def __post_init__(self) -> None:
        if self.kind not in ACTIONS:
            raise ValueError(f"kind={self.kind!r} must be one of {', '.join(ACTIONS)}")

    def text(self) -> str:
        """The action in words (English; the app translates the kind)."""
        a, b = clock(self.start), clock(self.end)
        return {
            "open": (f"Open {self.counters} more counter(s) from {a}, closing when nobody "
                     f"waits (needed until {b})"),
            "close": f"Close {self.counters} counter(s) from {a} (quiet until {b})",
            "emergency": f"Open the emergency counter now ({a}): the duty manager serves",
            "pause_cross_sell": f"Pause cross-selling from {a} until {b}",
            "quiet_hours": (f"Send the quiet-hours message: busy until {b}; suggest coming "
                            "later or using a kiosk or the app"),
        }[self.kind]


@dataclass(frozen=True)
class Advice:
    """The next two hours of a hall.

    ``table``: one row per interval, ``interval_start`` (clock ``HH:MM``),
    ``arrivals`` (expected counter customers in the interval, updated),
    ``planned`` (counters the roster opens), ``needed`` (fewest meeting the
    target with cross-selling), ``pause_cross_sell`` (advised: the roster
    misses the target and pausing helps), ``advised`` (counters to open: the
    fewest meeting the target, without cross-selling where it is paused,
    within what can open),
    ``wait_planned`` / ``wait_advised`` (expected mean wait, minutes) and
    ``service_level_planned`` / ``service_level_advised`` (share called
    within the threshold; the advised ones without cross-selling where it
    is paused). ``actions``: what to do, in time order.
    ``free_staff``: staff on duty who could take a counter now.
    """

    now: float
    table: pd.DataFrame
    actions: tuple[Action, ...]
    free_staff: int | None


def counter_moments(inputs: HallInputs, cross_sell: bool) -> tuple[float, float]:
    """Mean (minutes) and squared cv of a counter customer's handling time in the hall's mix.

    The counter mix is the hall's mix less the kiosk users (eligible types
    times the measured adoption, when the hall has kiosks).
    """
    keep = np.where(inputs.kiosk_eligible & (inputs.kiosks > 0), 1 - inputs.kiosk_adoption, 1.0)
    p = inputs.shares * keep
    mean, scv = mix_moments(p, inputs.handle_minutes(cross_sell), inputs.cv)
    return float(mean), float(scv)


def counter_share(inputs: HallInputs) -> float:
    """Share of the hall's customers who queue for a counter (not a kiosk)."""
    if not inputs.kiosks:
        return 1.0
    return 1.0 - inputs.eligible_share() * inputs.kiosk_adoption


def advise(inputs: HallInputs, now: float, arrivals: pd.DataFrame, *, waiting: int,
           head_wait: float, counters_open: int, planned: Schedule | None = None,
           free_staff: int | None = None, horizon: float = HORIZON) -> Advice:
    """The recommendation for the next ``horizon`` minutes.

    Parameters
    ----------
    inputs:
        The hall (mix, handling, target, counters).
    now:
        Minutes since midnight.
    arrivals:
        ``interval_start, arrivals``: today's expected hall arrivals per
        interval (all channels), e.g. the intraday-updated forecast; the
        intervals from ``now`` on are read.
    waiting:
        Customers waiting for a counter now.
    head_wait:
        Minutes the first counter customer in line has waited.
    counters_open:
        Counters open now.
    planned:
        Counters the roster opens per interval (default: those open now).
    free_staff:
        Staff on duty who could take a counter now (``None``: unknown, only
        the physical counters limit).
    horizon:
        Minutes ahead.
    """
    step = inputs.interval_minutes
    t = inputs.target
    starts = pd.to_datetime(arrivals["interval_start"])
    minute = (starts.dt.hour * 60 + starts.dt.minute).to_numpy(float)
    ahead = (minute + step > now) & (minute < now + horizon)
    minute = minute[ahead]
    per_interval = arrivals["arrivals"].to_numpy(float)[ahead] * counter_share(inputs)
    lam = per_interval / step  # per minute, also in the rest of the current interval
    if len(minute) and minute[0] < now:  # customers still to come in the current interval
        per_interval[0] *= (minute[0] + step - now) / step
    lam_eff = lam.copy()
    if len(lam_eff):
        span = (minute[0] + step - now) if minute[0] < now else step
        lam_eff[0] += waiting / max(span, step)
    h_on, scv_on = counter_moments(inputs, True)
    h_off, scv_off = counter_moments(inputs, False)
    # the service level only: the occupancy and mean-wait caps are the roster's planning rules
    needed = _needed(lam_eff, h_on, scv_on, inputs)
    plan = (planned.at(minute) if planned is not None
            else np.full(len(minute), counters_open, np.int64))
    can_open = np.full(len(minute), inputs.counters, np.int64)
    if free_staff is not None and len(can_open):
        can_open = np.minimum(can_open, np.maximum(plan, counters_open) + free_staff)

    def sl(c: IntArray, h: float, scv: float) -> FloatArray:
        return _service_level(lam_eff, h, scv, np.maximum(c, 1), inputs)

    def wait(c: IntArray, h: float, scv: float) -> FloatArray:
        return np.asarray(mean_wait(lam_eff, h, np.maximum(c, 1), scv), float)

    # zero staff cost first: pause cross-selling where the rostered counters miss the target
    # with it and pausing helps; counters are then added only for what the pause leaves
    sl_plan = sl(plan, h_on, scv_on)
    needed_off = _needed(lam_eff, h_off, scv_off, inputs)
    pause = (sl_plan < t.service_level) & ((sl(plan, h_off, scv_off) > sl_plan)
                                           | (needed_off < needed))
    need = np.where(pause, np.minimum(needed_off, needed), needed)
    advised = np.minimum(np.maximum(need, 1), can_open)
    sl_adv = np.where(pause, sl(advised, h_off, scv_off), sl(advised, h_on, scv_on))
    wait_adv = np.where(pause, wait(advised, h_off, scv_off), wait(advised, h_on, scv_on))
    table = pd.DataFrame({
        "interval_start": [clock(m) for m in minute], "arrivals": per_interval.round(1),
        "planned": plan, "needed": needed, "pause_cross_sell": pause, "advised": advised,
        "wait_planned": wait(plan, h_on, scv_on).round(1),
        "wait_advised": wait_adv.round(1),
        "service_level_planned": sl_plan.round(3),
        "service_level_advised": sl_adv.round(3)})
    actions = _actions(now, minute, step, plan, need, advised, can_open, waiting, head_wait,
                       counters_open, pause, wait(advised, h_off, scv_off), inputs)
    return Advice(now=now, table=table, actions=tuple(actions), free_staff=free_staff)


def _service_level(lam: FloatArray, handle: float, scv: float, servers: npt.ArrayLike,
                   inputs: HallInputs) -> FloatArray:
    """Share called within the target's threshold: Erlang A with the hall's patience
    (customers who leave count as missed), Erlang C with the mix's variability without one."""
    t = inputs.target
    if inputs.patience is None or not np.isfinite(inputs.patience):
        return np.asarray(service_level(lam, handle, servers, t.threshold, scv), float)
    return np.asarray(erlang_a_service_level(lam, handle, servers, inputs.patience, t.threshold),
                      float)


def _needed(lam: FloatArray, handle: float, scv: float, inputs: HallInputs) -> IntArray:
    """Fewest counters whose service level (:func:`_service_level`) meets the target."""
    t = inputs.target
    if inputs.patience is None or not np.isfinite(inputs.patience):
        return np.asarray(required_servers(lam, handle, t.threshold, t.service_level, scv), np.int64)
    top = max(int(inputs.counters) * 2, 1)
    c = np.arange(1, top + 1)
    ok = _service_level(lam[:, None], handle, scv, c[None, :], inputs) >= t.service_level
    first = np.where(ok.any(1), ok.argmax(1) + 1, top)
    return np.asarray(np.where(lam > 0, first, 0), np.int64)


def _runs(mask: npt.NDArray[np.bool_]) -> list[tuple[int, int]]:
    """(first, last + 1) index of each run of True."""
    out, i = [], 0
    while i < len(mask):
        if mask[i]:
            j = i
            while j < len(mask) and mask[j]:
                j += 1
            out.append((i, j))
            i = j
        else:
            i += 1
    return out


def _actions(now: float, minute: FloatArray, step: int, plan: IntArray, needed: IntArray,
             advised: IntArray, can_open: IntArray, waiting: int, head_wait: float,
             counters_open: int, pause: npt.NDArray[np.bool_], wait_off: FloatArray,
             inputs: HallInputs) -> list[Action]:
    t = inputs.target
    out: list[Action] = []
    if len(minute) == 0:
        return out
    base = np.maximum(plan, 0)
    extra = advised - base
    for a, b in _runs(extra > 0):
        out.append(Action("open", max(minute[a], now), minute[b - 1] + step, int(extra[a:b].max())))
    if waiting == 0 and advised[0] < counters_open:
        first_run = _runs(advised < counters_open)[0]  # starts now
        out.append(Action("close", now, minute[first_run[1] - 1] + step,
                          int(counters_open - advised[0])))
    if head_wait >= t.threshold or needed[0] > can_open[0]:
        out.append(Action("emergency", now, minute[0] + step))
    for a, b in _runs(pause):
        out.append(Action("pause_cross_sell", max(minute[a], now), minute[b - 1] + step))
    over = wait_off > (np.inf if t.max_mean_wait is None else t.max_mean_wait)
    if over.any():
        last = int(np.flatnonzero(over)[-1])
        out.append(Action("quiet_hours", now, minute[last] + step))
    return sorted(out, key=lambda x: (x.start, ACTIONS.index(x.kind)))


# ----------------------------------------------------------------- who can take a counter
STAFF_STATUS: tuple[str, ...] = ("at a counter", "on the floor", "leading the shift",
                                 "on a break", "off duty")
"""Where a rostered staff member is at a moment (``role`` of roster.csv and its breaks)."""


def staff_now(roster: pd.DataFrame, day: dt.date, now: float,
              names: dict[str, str] | None = None) -> pd.DataFrame:
    """Who is where at ``now`` from a published roster, and who can take a counter.

    Parameters
    ----------
    roster:
        ``staff_id, date, start, end, breaks, role`` as ``roster.csv``
        (times ``HH:MM``, breaks ``HH:MM-HH:MM;...``, role
        ``counter|vip|floor|lead``).
    day, now:
        The day and the minute since midnight.
    names:
        ``staff_id -> name`` for display.

    Returns
    -------
    pandas.DataFrame
        ``staff_id, name, status`` (one of :data:`STAFF_STATUS`), ``until``
        (``HH:MM`` the status lasts to: break end or shift end) and
        ``can_take_counter`` (on the floor or leading the shift).
    """
    def minutes(text: str) -> float:
        h, m = str(text).split(":")
        return int(h) * 60 + int(m)

    rows = []
    part = roster[pd.to_datetime(roster["date"]).dt.date == day]
    for r in part.itertuples(index=False):
        start, end = minutes(r.start), minutes(r.end)
        status, until = "off duty", ""
        if start <= now < end:
            status, until = {"floor": "on the floor", "lead": "leading the shift"}.get(
                str(r.role), "at a counter"), clock(end)
            breaks = str(r.breaks) if isinstance(r.breaks, str) else ""
            for br in filter(None, breaks.split(";")):
                a, b = (minutes(x) for x in br.split("-"))
                if a <= now < b:
                    status, until = "on a break", clock(b)
        rows.append({"staff_id": r.staff_id, "name": (names or {}).get(r.staff_id, ""),
                     "status": status, "until": until,
                     "can_take_counter": status in ("on the floor", "leading the shift")})
    cols = ["staff_id", "name", "status", "until", "can_take_counter"]
    out = pd.DataFrame(rows, columns=cols)
    order = {s: i for i, s in enumerate(STAFF_STATUS)}
    return out.sort_values("status", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
