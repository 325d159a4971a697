"""One hall-week, end to end: forecast -> requirements -> roster -> simulated check.

:func:`plan_hall` is what ``queueopt plan``, the app's Roster page and the
regional runner call. Its :class:`HallPlan` writes the files of the README:
``requirements.csv``, ``roster.csv``, ``counters.csv``, ``summary.json`` and a
printable ``roster.xlsx``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from queueopt.evaluator import PlanTotals, simulate_plan
from queueopt.export import inert_workbook, write_csv
from queueopt.forecast import forecast_arrivals
from queueopt.hall_inputs import HallInputs, hall_inputs
from queueopt.io import Dataset
from queueopt.model import ShiftRules
from queueopt.plan_summary import PlanSummary
from queueopt.queueing import arrival_weighted_mean
from queueopt.requirements import PeakPolicy, requirements_for
from queueopt.rules import Shift, clock, roster_frame, validate_roster
from queueopt.scheduling import DEFAULT_TIME_LIMIT_S, Progress, ScheduleResult, counters_plan, plan_week


@dataclass
class HallPlan:
    """A published-ready plan of one hall-week."""

    hall_id: str
    week: list[dt.date]
    forecast: pd.DataFrame
    requirements: pd.DataFrame
    schedule: ScheduleResult
    shift_rules: ShiftRules
    counters: pd.DataFrame
    check: pd.DataFrame
    summary: PlanSummary

    @property
    def roster(self) -> pd.DataFrame:
        """``roster.csv`` rows."""
        return roster_frame(self.schedule.shifts, self.shift_rules)

    def write(self, outdir: str | Path) -> Path:
        """Write requirements.csv, roster.csv, counters.csv, summary.json and roster.xlsx."""
        out = Path(outdir)
        out.mkdir(parents=True, exist_ok=True)
        fmt = "%Y-%m-%d %H:%M"
        write_csv(self.requirements, out / "requirements.csv", index=False, date_format=fmt)
        write_csv(self.roster, out / "roster.csv", index=False)
        write_csv(self.counters, out / "counters.csv", index=False, date_format=fmt)
        (out / "summary.json").write_text(self.summary.to_json(), encoding="utf-8")
        write_roster_excel(self, out / "roster.xlsx")
        return out


def week_grid(shifts: Sequence[Shift], week: Sequence[dt.date]) -> pd.DataFrame:
    """Printable week view: one row per person, one column per day, ``HH:MM-HH:MM``."""
    people = sorted({s.staff_id for s in shifts})
    grid = pd.DataFrame("", index=people, columns=[f"{d:%a %m-%d}" for d in week])
    for s in shifts:
        grid.loc[s.staff_id, f"{s.day:%a %m-%d}"] = (
            f"{clock(s.start)}-{clock(s.end)}" + (f" ({s.role})" if s.role != "counter" else ""))
    grid.index.name = "staff_id"
    return grid.reset_index()


def write_roster_excel(plan: HallPlan, path: Path) -> None:
    """Excel workbook for printing: week grid, shifts with breaks, counters, summary."""
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        grid = week_grid(plan.schedule.shifts, plan.week)
        grid.to_excel(xl, sheet_name="Week", index=False)
        plan.roster.to_excel(xl, sheet_name="Shifts", index=False)
        c = plan.counters.copy()
        c["interval_start"] = c["interval_start"].dt.strftime("%Y-%m-%d %H:%M")
        c.to_excel(xl, sheet_name="Counters", index=False)
        items = (plan.summary.to_dict() if isinstance(plan.summary, PlanSummary)
                 else dict(plan.summary))
        pd.DataFrame(sorted(items.items()), columns=["item", "value"]).astype(str).to_excel(
            xl, sheet_name="Summary", index=False)
        ws = xl.sheets["Week"]
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        for col in ws.columns:
            ws.column_dimensions[col[0].column_letter].width = 22
        inert_workbook(xl.book)


def plan_hall(dataset: Dataset, hall_id: str, week_start: dt.date | None = None, *,
              time_limit_s: float = DEFAULT_TIME_LIMIT_S, seed: int = 0, locked: Sequence[Shift] = (),
              policy: PeakPolicy | None = None, method: str = "auto",
              replications: int = 30, progress: Progress | None = None) -> HallPlan:
    """Plan one hall-week end to end.

    Parameters
    ----------
    dataset:
        A validated data directory.
    hall_id:
        The hall.
    week_start:
        First day of the week to plan; default the day after the hall's last
        day of data. Must not be before that day (the forecast looks ahead).
    time_limit_s:
        Roster solver work budget, deterministic seconds (see
        :func:`queueopt.scheduling.plan_week`).
    seed:
        Solver and simulation seed.
    locked:
        Shifts a manager fixed by hand (kept as they are).
    policy:
        Peak levers (kiosk adoption, cross-sell pause, fast lane).
    method:
        Staffing method (``auto``, ``sipp``, ``simulation``).
    replications:
        Simulated hall-days per day for the final check.
    progress:
        Callback ``(fraction 0-1, message)``.
    """
    say = progress or (lambda f, m: None)
    ds = dataset
    hall = ds.hall(hall_id)
    last = ds.last_day()  # the region's data end: a hall closed that day still plans the same week
    start = week_start or ds.next_week_start()
    if start <= last:
        raise ValueError(f"week_start={start} must be after the last day of data ({last})")
    horizon = (start - last).days + 6
    if horizon > 35:
        raise ValueError(f"week_start={start} is {horizon - 6} days after the data ends; "
                         "plan at most four weeks ahead")
    week = [start + dt.timedelta(days=k) for k in range(7)]
    say(0.02, "forecasting footfall")
    fc = forecast_arrivals(ds.footfall_for(hall_id, ds.policy.interval_minutes), horizon,
                           calendar=ds.calendar, halls=ds.halls)
    fc = fc[fc["interval_start"].dt.date.isin(week)].reset_index(drop=True)
    if fc.empty:
        raise ValueError(f"hall {hall_id} is closed all week from {start}")
    say(0.1, "turning the service target into counters per interval")
    inputs = hall_inputs(ds, hall_id)
    req = requirements_for(inputs, fc, policy=policy, method=method, seed=seed + 1)
    kinds = dict(zip(week, ds.calendar.day_kinds(week)))

    def roster_progress(f: float, m: str) -> None:
        say(0.3 + 0.55 * f, m)

    sched = plan_week(hall, ds.staff_of(hall_id), req[["interval_start", "required"]], kinds,
                      ds.policy.shifts, ds.policy.labour, locked=locked,
                      slot_minutes=ds.policy.interval_minutes,
                      time_limit_s=time_limit_s, seed=seed, progress=roster_progress,
                      calendar=ds.calendar)
    counters = counters_plan(sched.shifts, hall, req[["interval_start", "required"]],
                             ds.policy.interval_minutes)
    say(0.88, "checking the plan by simulation")
    check = simulated_check(inputs, req, counters, policy=policy, replications=replications,
                            seed=seed + 7)
    violations = validate_roster(sched.shifts, ds.staff_of(hall_id), hall, kinds, ds.policy.shifts,
                                 ds.policy.labour, locked=locked, check_contract_min=False,
                                 slot_minutes=ds.policy.interval_minutes,
                                 calendar=ds.calendar)
    arrivals = check["arrivals"].to_numpy(float)
    predicted = arrival_weighted_mean(check["service_level"], arrivals, empty=1.0)
    meets = check["service_level"] >= ds.policy.target.service_level - 0.01
    summary = PlanSummary(
        hall_id=hall_id, week_start=start.isoformat(),
        staff_hours=round(sched.staff_hours, 2),
        lower_bound_hours=(None if sched.lower_bound_hours is None
                           else round(sched.lower_bound_hours, 2)),
        gap=sched.gap, solver_status=sched.status,
        solve_seconds=round(sched.solve_seconds, 2),
        shortfall_staff_minutes=sched.shortfall_staff_minutes,
        over_counters_staff_minutes=sched.over_counters_staff_minutes,
        unavoidable_shortfall_staff_minutes=sched.unavoidable_shortfall_staff_minutes,
        predicted_service_level=round(predicted, 4),
        predicted_mean_wait_minutes=round(arrival_weighted_mean(check["mean_wait"], arrivals), 3),
        share_intervals_meeting_target=round(float(meets.mean()), 4),
        requirement_staff_hours=round(float(req["staff"].sum() * ds.policy.interval_minutes / 60), 2),
        forecast_arrivals=round(float(fc["arrivals"].sum()), 1),
        service_target=f"{ds.policy.target.service_level:.0%} within "
                       f"{ds.policy.target.threshold:g} min",
        slot_minutes=ds.policy.interval_minutes,
        provisional_calendar=any(ds.calendar.is_provisional(d) for d in week),
        binding=tuple(sched.binding), rule_violations=tuple(str(v) for v in violations))
    say(1.0, "done")
    return HallPlan(hall_id=hall_id, week=week, forecast=fc, requirements=req, schedule=sched,
                    shift_rules=ds.policy.shifts, counters=counters, check=check, summary=summary)


def simulated_check(inputs: HallInputs, requirements: pd.DataFrame, counters: pd.DataFrame,
                    *, policy: PeakPolicy | None = None, replications: int = 30,
                    seed: int = 0) -> pd.DataFrame:
    """Simulate the counters a roster opens under the plan's peak policy.

    The plan evaluator (:func:`queueopt.evaluator.simulate_plan`) runs the
    requirements' counter customers at ``counters_open`` (split between the
    VIP, fast-lane and general queues the policy has; VIPs served first
    without a VIP counter; cross-selling paused where the policy pauses it).

    Returns
    -------
    pandas.DataFrame
        Per interval: ``interval_start, arrivals`` (mean simulated counter
        arrivals), ``counters_open``, pooled ``service_level``,
        ``mean_wait`` (minutes), ``abandonment`` and ``queue_end``
        (customers waiting at the interval's end, mean over replications).
    """
    merged = requirements.merge(counters[["interval_start", "counters_open"]], on="interval_start",
                                how="left")
    open_c = np.maximum(merged["counters_open"].fillna(0).to_numpy(np.int64), 0)
    tot: PlanTotals = simulate_plan(inputs, merged, policy,
                                    counters_open=open_c, replications=replications, seed=seed)
    return pd.DataFrame({
        "interval_start": merged["interval_start"].to_numpy(),
        "arrivals": tot.arrivals.mean(0), "counters_open": open_c,
        "service_level": tot.pooled("within"), "mean_wait": tot.pooled("wait"),
        "abandonment": tot.pooled("abandoned"), "queue_end": tot.queue_end.mean(0)})
