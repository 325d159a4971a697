"""The staffing simulation replayed on the days that happened: the plan's own model, judged.

Staffing (:func:`queueopt.staffing.staff_requirements`, method ``auto``) starts
from the stationary formulas and then checks and repairs the plan with
:func:`queueopt.simulate.simulate_day`: one hall-day at the policy's interval,
Poisson arrivals at each interval's rate, lognormal handling times, exponential
patience, VIP customers served first, and the queue carried from one interval
into the next (the hall opens empty). The figures a plan shows are that
simulation's. :func:`simulate_observed` runs the same simulator on each
observed day with what happened as its inputs:

* arrivals per interval: each copy has the interval's observed count, at
  uniform times within it (the day is known; Poisson counts around it would
  add a forecast's noise, and lengthen the waits since a queue's wait is
  convex in its load: on the bank log's training weeks that alone put the
  predicted abandonment 1.2 points above the observed);
* each interval's mean handling time times the correction's factor, with the
  training weeks' coefficient of variation; the mean of an interval with few
  served customers is noisy, and a queue's wait is convex in its load, so noise
  alone would lengthen the simulated waits: each interval's mean is shrunk
  towards its check interval's by :data:`HANDLE_PRIOR_CUSTOMERS` pseudo-customers
  (:func:`shrunk_handle_minutes`);
* the staff observed on duty; a fractional count ``c`` gives the results at
  ``floor(c)`` and ``floor(c) + 1`` counters weighted ``1 - (c - floor(c))``
  and ``c - floor(c)`` (the same interpolation as the formulas);
* each interval's own mix of transaction types, each type leaving at its own
  patience (the correction's ``patience_by_type``, as staffing simulates it),
  and the training weeks' VIP share.

The sums (arrivals, minutes waited, called in time, left) are added up over
the check's longer intervals and divided there, so ``predicted_*`` are
arrival-weighted like the observed figures. Units: minutes, shares 0-1.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd

from queueopt.simulate import simulate_day

PREDICTED = ("predicted_mean_wait", "predicted_service_level", "predicted_abandonment")
HANDLE_PRIOR_CUSTOMERS = 10.0
"""Pseudo-customers at the check interval's mean handling time added to each interval's."""


def shrunk_handle_minutes(fine: pd.DataFrame, check_minutes: int,
                          prior: float = HANDLE_PRIOR_CUSTOMERS) -> pd.Series:
    """Each interval's mean handling time (minutes) shrunk towards its check interval's.

    ``(n h + prior H) / (n + prior)``: ``h`` the interval's mean over its ``n``
    served customers (``arrivals - abandoned``), ``H`` the mean over all served
    customers of the check interval (``check_minutes``) it lies in. An
    interval nobody was served in takes ``H``.
    """
    start = pd.to_datetime(fine["interval_start"])
    n = (fine["arrivals"] - fine["abandoned"]).clip(lower=0).astype(float)
    h = fine["handle_minutes"].astype(float)
    n = n.where(h.notna(), 0.0)
    work = (n * h.fillna(0.0)).groupby(start.dt.floor(f"{check_minutes}min")).transform("sum")
    served = n.groupby(start.dt.floor(f"{check_minutes}min")).transform("sum")
    coarse = work / served.where(served > 0)
    return ((n * h.fillna(0.0) + prior * coarse) / (n + prior)).rename("handle_minutes")


def _day_sums(day: pd.DataFrame, mix: pd.DataFrame, *, sim_minutes: int, handle_factor: float,
              handle_cv: float, patience: npt.NDArray[np.float64], vip_share: float,
              threshold: float, replications: int, seed: int, fixed_arrivals: bool
              ) -> pd.DataFrame:
    """Simulated sums per interval of one day (``day`` and ``mix`` on a full grid of ``sim_minutes``).

    The simulated types are (handling group, transaction type) pairs: each
    interval's handling time with the interval's mix of ``mix``'s columns,
    whose patience is ``patience`` (one per column).
    """
    lam = day["arrivals"].fillna(0.0).to_numpy(float) / sim_minutes
    handle = day["handle_minutes"].to_numpy(float)
    fill = np.nanmean(handle) if np.isfinite(handle).any() else 1.0
    handle = np.round(np.where(np.isfinite(handle) & (handle > 0), handle, fill) * handle_factor, 2)
    groups, idx = np.unique(handle, return_inverse=True)
    counts = mix.to_numpy(float)
    k = counts.shape[1]
    mix_total = counts.sum(axis=1, keepdims=True)
    share = np.divide(counts, mix_total, out=np.full_like(counts, 1.0 / k), where=mix_total > 0)
    shares = np.zeros((len(handle), len(groups) * k))
    for i, g in enumerate(idx):
        shares[i, g * k:(g + 1) * k] = share[i]
    types = np.repeat(groups, k)
    staff = np.clip(day["staff_observed"].fillna(0.0).to_numpy(float), 0.0, None)
    lo = np.floor(staff)
    weight = staff - lo
    start = day.index[0]
    total: dict[str, np.ndarray] = {}
    for counters, w in ((lo, 1.0 - weight), (lo + 1.0, weight)):
        res = simulate_day(lam, counters.astype(np.int64), shares=shares, handle_mean=types,
                           handle_cv=np.full(len(types), handle_cv),
                           interval_minutes=sim_minutes,
                           start_minute=float(start.hour * 60 + start.minute),
                           threshold=threshold, patience=np.tile(patience, len(groups)),
                           vip_share=vip_share, fixed_arrivals=fixed_arrivals,
                           replications=replications, rng=seed)
        for name, arr in (("arrivals", res.arrivals), ("wait", res.wait_sum),
                          ("within", res.within), ("abandoned", res.abandoned)):
            total[name] = total.get(name, 0.0) + w * arr.sum(axis=0).astype(float)
    return pd.DataFrame(total, index=day.index)


def simulate_observed(fine: pd.DataFrame, *, sim_minutes: int, check_minutes: int,
                      handle_factor: float, handle_cv: float,
                      patience: float | Mapping[str, float], vip_share: float,
                      threshold: float, mix: pd.DataFrame | None = None,
                      replications: int = 40, seed: int = 20261204,
                      fixed_arrivals: bool = True) -> pd.DataFrame:
    """The staffing simulation's figures per check interval on the observed days.

    Parameters
    ----------
    fine:
        What happened per ``sim_minutes`` interval (:func:`queueopt.modelcheck.interval_table`):
        ``interval_start, arrivals, abandoned, handle_minutes, staff_observed``.
    sim_minutes:
        The staffing interval, minutes (the policy's).
    check_minutes:
        The check's interval, minutes (a multiple of ``sim_minutes``).
    handle_factor:
        The correction's factor on handling times.
    handle_cv:
        Coefficient of variation of handling times.
    patience:
        Mean patience, minutes: one for all, or per transaction type (types
        not named leave at the mean of those named).
    vip_share:
        Share of customers served first (0-1).
    threshold:
        Service-level threshold, minutes.
    mix:
        Arrivals per ``sim_minutes`` interval (index ``interval_start``) and
        transaction type (columns); ``None``: one type.
    replications:
        Simulated copies of each day (the same random numbers for every day).
    seed:
        Seed of the simulation.
    fixed_arrivals:
        ``True`` (default): every copy has each interval's observed count of
        arrivals (at uniform times within it), the day as it happened;
        ``False``: Poisson counts around it, as when planning from a forecast,
        which adds the forecast's noise to a day whose arrivals are known (and,
        a queue's wait being convex in its load, lengthens the waits).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``interval_start`` (``check_minutes``): ``predicted_mean_wait``
        (minutes), ``predicted_service_level``, ``predicted_abandonment`` (0-1).
    """
    if sim_minutes <= 0 or check_minutes % sim_minutes:
        raise ValueError(f"the check's interval ({check_minutes} min) must be a multiple of the "
                         f"simulation's ({sim_minutes} min)")
    fine = fine.assign(handle_minutes=shrunk_handle_minutes(fine, check_minutes).to_numpy())
    f = fine.set_index(pd.to_datetime(fine["interval_start"])).sort_index()
    if mix is None or mix.shape[1] == 0:
        mix = pd.DataFrame({"all": f["arrivals"]}, index=f.index)
    if isinstance(patience, Mapping):
        known = [float(v) for v in patience.values()]
        rest = float(np.mean(known)) if known else float("inf")
        pat = np.array([float(patience.get(str(c), rest)) for c in mix.columns])
    else:
        pat = np.full(mix.shape[1], float(patience))
    parts = []
    for _, day in f.groupby(f.index.normalize()):
        grid = pd.date_range(day.index[0], day.index[-1], freq=f"{sim_minutes}min")
        parts.append(_day_sums(day.reindex(grid), mix.reindex(grid).fillna(0.0),
                               sim_minutes=sim_minutes,
                               handle_factor=handle_factor, handle_cv=handle_cv,
                               patience=pat, vip_share=vip_share, threshold=threshold,
                               replications=replications, seed=seed,
                               fixed_arrivals=fixed_arrivals))
    if not parts:
        return pd.DataFrame(columns=list(PREDICTED), index=pd.DatetimeIndex([], name="interval_start"))
    sums = pd.concat(parts)
    sums = sums.groupby(sums.index.floor(f"{check_minutes}min")).sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        out = pd.DataFrame({
            "predicted_mean_wait": sums["wait"] / sums["arrivals"],
            "predicted_service_level": sums["within"] / sums["arrivals"],
            "predicted_abandonment": sums["abandoned"] / sums["arrivals"]})
    out.index.name = "interval_start"
    return out
