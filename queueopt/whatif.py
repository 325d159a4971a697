"""What-ifs: what moving demand, kiosks and pausing cross-selling buy, in waits and staff-hours.

Each what-if compares a *before* and an *after* on the same forecast:

* waits **at the same staffing**: the before plan's counters serve the after
  demand (per-interval M/G/c with the after handling time, Allen-Cunneen /
  Whitt), so the change in wait is the lever's own effect;
* **staff-hours** when the after demand is staffed to the same target.

Reported: mean counter wait (arrival-weighted, minutes), worst-interval wait,
share of intervals meeting the service target, mean kiosk wait (minutes) and
staff-hours (:class:`WhatIf`). The levers that need a simulation (a fast lane
against pooled counters, the duty manager's emergency counter) are in
:mod:`queueopt.peak_policies`; kiosk sizing is in :mod:`queueopt.kiosks`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from queueopt.errors import InfeasibleError
from queueopt.evaluator import simulate_plan
from queueopt.hall_inputs import hall_inputs
from queueopt.io import Dataset
from queueopt.nudges import shift_demand
from queueopt.peak import PEAK_HOURS, busiest_window
from queueopt.queueing import (
    arrival_weighted_mean,
    erlang_a,
    mean_wait,
    mix_moments,
    service_level,
)
from queueopt.requirements import PeakPolicy, requirements_for
from queueopt.simulate import t_interval


@dataclass(frozen=True, slots=True)
class Figures:
    """One side (before or after) of a what-if: the figures the CLI and the app both show.

    Every wait is measured **at the before plan's counters** (the requirement
    of the before demand, at least one counter per interval), on the before
    and on the after demand alike, so the change is the lever's own effect and
    not the effect of re-staffing. Only ``staff_hours`` re-staffs: the after
    demand staffed to the hall's target.

    Attributes
    ----------
    mean_wait:
        Mean counter wait, minutes, arrival-weighted over the counter customers
        (:func:`queueopt.queueing.arrival_weighted_mean`; an interval whose
        queue is unstable at those counters counts as a 60-minute wait).
    worst_interval_wait:
        Largest interval's mean counter wait, minutes (``inf`` when unstable).
    share_meeting_target:
        Share of intervals (0-1) whose service level meets the target.
    kiosk_mean_wait:
        Mean kiosk wait, minutes, arrival-weighted over the kiosk customers.
    kiosk_worst_wait:
        Largest interval's mean kiosk wait, minutes (0 when nobody uses a kiosk).
    staff_hours:
        Staff-hours (shrinkage included) over the forecast's horizon when this
        side's demand is staffed to the target.
    """

    mean_wait: float
    worst_interval_wait: float
    share_meeting_target: float
    kiosk_mean_wait: float
    kiosk_worst_wait: float
    staff_hours: float

    def as_dict(self) -> dict[str, float]:
        """The figures by name, in the order of :data:`FIGURES`."""
        return {name: float(getattr(self, name)) for name in FIGURES}


FIGURES: tuple[str, ...] = tuple(f.name for f in fields(Figures))
"""The figures of a what-if, in the order the CLI and the app show them."""

UNITS: dict[str, str] = {"mean_wait": "minutes", "worst_interval_wait": "minutes",
                         "share_meeting_target": "share of intervals",
                         "kiosk_mean_wait": "minutes", "kiosk_worst_wait": "minutes",
                         "staff_hours": "hours"}
"""The unit of each of :data:`FIGURES` (for labels)."""


@dataclass(frozen=True)
class WhatIf:
    """Before/after :class:`Figures` of one what-if and the requirements behind them.

    ``requirements_before`` / ``requirements_after`` are the per-interval
    requirements frames (:func:`queueopt.requirements.requirements_for`, SIPP)
    of the before and the after demand; the before frame's ``required`` are
    the counters every wait is measured at.
    """

    before: Figures
    after: Figures
    requirements_before: pd.DataFrame
    requirements_after: pd.DataFrame
    cross_sell_paused: bool = False

    def to_frame(self) -> pd.DataFrame:
        """Rows: :data:`FIGURES`; columns: ``before, after, change`` (after - before)."""
        f = pd.DataFrame({"before": self.before.as_dict(), "after": self.after.as_dict()})
        f["change"] = f["after"] - f["before"]
        return f


def _figures(req: pd.DataFrame, counters: np.ndarray, scv: float, threshold: float,
             target: float, interval: int, patience: float | None) -> Figures:
    """Figures at ``counters``; waits as the staffing computes them (Erlang A with patience)."""
    lam = req["counter_arrivals"].to_numpy(float) / interval
    s = np.where(req["handle_minutes"].to_numpy(float) > 0, req["handle_minutes"].to_numpy(float),
                 1.0)
    if patience is not None:
        w = np.where(lam > 0, erlang_a(lam, s, counters, patience).mean_wait, 0.0)
    else:
        w = mean_wait(lam, s, counters, scv)
    sl = service_level(lam, s, counters, threshold, scv)
    k_cust = req["kiosk_arrivals"].to_numpy(float)
    k_wait = req["kiosk_mean_wait"].to_numpy(float)
    # an unstable interval (wait = inf) counts as an hour's wait in the mean
    return Figures(
        mean_wait=arrival_weighted_mean(np.where(np.isfinite(w), w, 60.0), lam),
        worst_interval_wait=float(np.nanmax(np.where(np.isfinite(w), w, np.inf))),
        share_meeting_target=float(np.mean(sl >= target)),
        kiosk_mean_wait=arrival_weighted_mean(k_wait, k_cust),
        kiosk_worst_wait=float(np.max(np.where(k_cust > 0, k_wait, 0.0), initial=0.0)),
        staff_hours=float(req["staff"].sum() * interval / 60))


def evaluate(ds: Dataset, hall_id: str, forecast: pd.DataFrame, *, shift: float = 0.0,
             app_share: float = 0.25, shift_to: tuple[int, int] | None = None,
             kiosk_adoption: float | None = None, kiosks: int | None = None,
             pause_cross_sell: bool = False, next_day_share: float = 0.0,
             requirements_before: pd.DataFrame | None = None) -> WhatIf:
    """Before/after of the levers on a hall's forecast: the one owner of the what-if figures.

    ``queueopt whatif`` and the app's Nudges & kiosks page both show what
    this returns (:meth:`WhatIf.to_frame`): mean and worst-interval counter
    wait *at the before plan's counters* (the lever's own effect), share of
    intervals meeting the target at those counters, kiosk mean and worst
    wait (minutes), and the staff-hours when the after demand is re-staffed
    to the target.

    Parameters
    ----------
    ds, hall_id:
        The hall.
    forecast:
        ``hall_id, interval_start, arrivals`` (per interval).
    shift:
        Share of busy-window customers who move (0-1).
    app_share:
        Share of movers who use the app instead (0-1).
    shift_to:
        Clock window ``(start_minute, end_minute)`` to move them to; default the
        day's quiet window. A window outside the opening hours is refused.
    kiosk_adoption:
        Kiosk adoption of eligible transactions after (0-1; default as measured).
    kiosks:
        Kiosks after (default: as now). With 0 kiosks adoption is 0.
    pause_cross_sell:
        Stop cross-selling all day after.
    next_day_share:
        Share of the movers who come the next day's quiet window instead of
        the same day's (0-1; with the default quiet windows only). Movers who
        find no spare capacity where they go are put back into the busy
        hours of the day they went to, so every customer is still counted.
    requirements_before:
        The before requirements if the caller already has them: exactly
        ``requirements_for(hall_inputs(ds, hall_id), forecast, method="sipp")``
        (what :func:`queueopt.requirements.hall_requirements` returns with
        ``method="sipp"``); computed when ``None``.

    When no lever changes anything (no shift, kiosks and adoption as now,
    cross-selling on), the after requirements are the before ones (the same
    call on the same inputs), so they are not computed twice.

    Raises
    ------
    InfeasibleError
        A shift into hours the hall is closed.
    """
    inputs = hall_inputs(ds, hall_id)
    interval, target = inputs.interval_minutes, inputs.target
    fc = forecast[forecast["hall_id"] == hall_id]
    after_fc = fc
    if shift > 0:
        if shift_to is not None:
            after_fc = _shift_to_window(fc, shift, app_share, shift_to, interval)
        else:
            after_fc = shift_demand(fc, shift, app_share=app_share, next_day_share=next_day_share)
    inputs_after = inputs if kiosks is None else inputs.with_kiosks(kiosks)
    before = (requirements_for(inputs, fc, method="sipp") if requirements_before is None
              else requirements_before)
    # the M/G/c correction's SCV: the hall's whole mix with cross-selling on, before and after
    _, scv = mix_moments(inputs.shares, inputs.handle_minutes(True), inputs.cv)
    if shift > 0:
        after_fc = _within_spare_capacity(fc, after_fc, before, float(scv), target.threshold,
                                          target.service_level, interval)
    policy = PeakPolicy(kiosk_adoption=kiosk_adoption,
                        cross_sell_paused="all" if pause_cross_sell else frozenset())
    unchanged = (shift <= 0 and not pause_cross_sell and kiosks in (None, inputs.kiosks)
                 and kiosk_adoption in (None, inputs.kiosk_adoption))
    after = (before if unchanged
             else requirements_for(inputs_after, after_fc, method="sipp", policy=policy))
    counters = np.maximum(before["required"].to_numpy(), 1)
    figures = (counters, float(scv), target.threshold, target.service_level, interval,
               inputs.patience)
    return WhatIf(_figures(before, *figures), _figures(after, *figures), before, after,
                  cross_sell_paused=pause_cross_sell)


def simulate_change(ds: Dataset, hall_id: str, result: WhatIf, *, replications: int = 40,
                    seed: int = 0) -> pd.DataFrame:
    """Check a what-if's change in mean counter wait by simulation, at the before counters.

    The before and the after demand (counter arrivals, counter mix after the
    kiosk split, handling times with or without cross-selling) are simulated
    at the same counters (the before requirement, at least one), with the
    same seeds, over the whole horizon.

    Parameters
    ----------
    ds, hall_id:
        The hall.
    result:
        What :func:`evaluate` returned for it.
    replications:
        Simulated horizons (>= 2).
    seed:
        Seed of both runs.

    Returns
    -------
    pandas.DataFrame
        Rows ``before, after, change``; columns ``predicted`` (the formula's
        mean wait, minutes), ``simulated`` (mean over replications) and
        ``low``, ``high`` (its 95% Student-t interval; for ``change`` paired
        by replication).
    """
    if replications < 2:
        raise ValueError(f"replications={replications} must be >= 2")
    b, a = result.requirements_before, result.requirements_after
    counters = np.maximum(b["required"].to_numpy(np.int64), 1)
    inputs = hall_inputs(ds, hall_id)
    after_policy = PeakPolicy(cross_sell_paused="all" if result.cross_sell_paused else frozenset())
    wb, wa = (simulate_plan(inputs, req, pol, counters_open=counters, replications=replications,
                            seed=seed).day_mean_wait()
              for req, pol in ((b, None), (a, after_policy)))
    rows = {}
    for name, x, pred in (("before", wb, result.before.mean_wait),
                          ("after", wa, result.after.mean_wait),
                          ("change", wa - wb, result.after.mean_wait - result.before.mean_wait)):
        m, low, high = t_interval(x)
        rows[name] = {"predicted": pred, "simulated": m, "low": low, "high": high}
    return pd.DataFrame.from_dict(rows, orient="index")


def _within_spare_capacity(fc: pd.DataFrame, shifted: pd.DataFrame, before: pd.DataFrame,
                           scv: float, threshold: float, target: float, interval: int
                           ) -> pd.DataFrame:
    """Let a quiet interval take movers only while its planned counters still keep the promise.

    A nudge only suggests hours where the planned counters have room: an
    interval may receive customers while, at its planned counters, it still
    meets the service target and its mean wait stays below the day's mean
    wait before the move. Customers beyond that keep their original time
    (they are put back where they came from, in proportion to what each
    interval gave).
    """
    out = shifted.copy()
    old = fc["arrivals"].to_numpy(float)
    new = out["arrivals"].to_numpy(float)
    c = np.maximum(before["required"].to_numpy(float), 1)
    s = before["handle_minutes"].to_numpy(float)
    share = (before["counter_arrivals"] / before["arrivals"].where(before["arrivals"] > 0, 1)).to_numpy()
    lam_old = before["counter_arrivals"].to_numpy(float) / interval
    w_old = mean_wait(lam_old, s, c, scv)
    days = pd.to_datetime(out["interval_start"]).dt.date.to_numpy()
    cap_wait = np.zeros(len(old))
    for d in np.unique(days):
        on = days == d
        cap_wait[on] = arrival_weighted_mean(np.where(np.isfinite(w_old[on]), w_old[on], 0.0),
                                             lam_old[on])
    lo, hi = lam_old.copy(), c / s  # bisection on the counter arrival rate (per minute)
    for _ in range(40):
        mid = (lo + hi) / 2
        ok = (service_level(mid, s, c, threshold, scv) >= target) & (
            mean_wait(mid, s, c, scv) <= np.maximum(cap_wait, w_old))
        lo, hi = np.where(ok, mid, lo), np.where(ok, hi, mid)
    spare = np.maximum((lo - lam_old) * interval / np.maximum(share, 1e-9), 0.0)
    gained = np.maximum(new - old, 0.0)
    overflow = gained - np.minimum(gained, spare)
    result = new - overflow
    for d in np.unique(days):
        on = days == d
        lost = np.maximum(old[on] - new[on], 0.0)
        if lost.sum() > 0 and overflow[on].sum() > 0:
            result[on] += overflow[on].sum() * lost / lost.sum()
    out["arrivals"] = result
    return out


def _shift_to_window(fc: pd.DataFrame, share: float, app_share: float, window: tuple[int, int],
                     interval: int) -> pd.DataFrame:
    """Move ``share`` of each day's peak (:mod:`queueopt.peak`) into ``window``, inside opening hours."""
    out = fc.copy()
    out["arrivals"] = out["arrivals"].astype(float)
    t = pd.to_datetime(out["interval_start"])
    minute = t.dt.hour * 60 + t.dt.minute
    a, b = window
    if b <= a:
        raise ValueError(f"shift_to window {a}-{b} must end after it starts (minutes)")
    for day, idx in out.groupby(t.dt.date).groups.items():
        m = minute.loc[idx]
        open_lo, open_hi = int(m.min()), int(m.max()) + interval
        if a < open_lo or b > open_hi:
            raise InfeasibleError(
                f"cannot move customers to {a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d} on "
                f"{day}: the hall is open {open_lo // 60:02d}:{open_lo % 60:02d}-"
                f"{open_hi // 60:02d}:{open_hi % 60:02d}")
        arr = out.loc[idx, "arrivals"]
        hourly = arr.groupby(m // 60).sum()
        busy_start = int(hourly.index[busiest_window(hourly.to_numpy(), PEAK_HOURS)]) * 60
        in_busy = (m >= busy_start) & (m < busy_start + PEAK_HOURS * 60)
        in_target = (m >= a) & (m < b) & ~in_busy
        if not in_target.any():
            continue
        moved = arr[in_busy] * share
        out.loc[moved.index, "arrivals"] -= moved
        tgt = arr[in_target]
        weights = tgt / tgt.sum() if tgt.sum() > 0 else pd.Series(1 / len(tgt), index=tgt.index)
        out.loc[tgt.index, "arrivals"] += moved.sum() * (1 - app_share) * weights
    return out
