"""The independent plan checker (``tests/plan_checker``) on every sample hall, and on broken plans.

Part 1 plans each of the 12 sample halls (short deterministic solver
budget) and runs the checker on the files ``queueopt plan`` writes: every
labour rule, cover recomputed from ``roster.csv``, the LP bound recomputed
from the policy alone, every figure of ``summary.json``.

Part 2 shows that each check can fail: a small hand-made plan that keeps
every rule is broken one way at a time (a too-long shift, a break too late,
an unskilled person on a counter, two shifts overlapping, too little rest,
a false bound, a negative gap...) and the checker must name the broken rule.

The checker never imports ``queueopt.scheduling`` (nor ``covering``,
``shortage``, ``rules``); :func:`test_checker_is_independent` makes sure.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from plan_checker.bound import day_lp_bound
from plan_checker.check import PlanReport, check_plan
from plan_checker.inputs import read_rules
from plan_checker.labour import SOFT_RULES
from plan_checker.patterns import break_placements, cover_matrix

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
HALLS = [f"H{k:02d}" for k in range(1, 13)]
TIME_LIMIT_S = 3.0
"""Solver work budget per hall in the end-to-end part (the new solver's deterministic units,
seconds on an idle core; i13-api.md: "small halls/tests: 3 is enough")."""
AVOIDABLE_SHARE = 0.01
"""Shortfall allowed above the plan's own unavoidable-shortfall bound, as a share of the week's
need in staff-minutes (that bound is an LP: integer rosters may sit a little above it). Where
the bound is 0 the roster must cover in full."""

# ------------------------------------------------------------------ part 1: every sample hall
@pytest.fixture(scope="module")
def hall_report(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], PlanReport]:
    """Plan a sample hall once (cached for the module) and check the files it writes."""
    from queueopt.io import load_dataset
    from queueopt.pipeline import plan_hall

    ds = load_dataset(SAMPLE)
    out = tmp_path_factory.mktemp("plans")
    cache: dict[str, PlanReport] = {}

    def get(hall: str) -> PlanReport:
        if hall not in cache:
            plan = plan_hall(ds, hall, time_limit_s=TIME_LIMIT_S, seed=0, replications=2,
                             method="sipp")
            plan.write(out / hall)
            cache[hall] = check_plan(out / hall, SAMPLE)
        return cache[hall]

    return get


@pytest.mark.slow
@pytest.mark.parametrize("hall", HALLS)
def test_roster_keeps_every_labour_rule(hall: str,
                                        hall_report: Callable[[str], PlanReport]) -> None:
    """Every labour rule of the policy text holds on roster.csv (the presence rule is cover,
    checked with the shortfall figure)."""
    rep = hall_report(hall)
    broken = [f for f in rep.rule_findings
              if f.rule not in SOFT_RULES and f.rule != "min_staff_on_duty"]
    assert not broken, rep.describe()


@pytest.mark.slow
@pytest.mark.parametrize("hall", HALLS)
def test_figures_match_the_roster(hall: str, hall_report: Callable[[str], PlanReport]) -> None:
    """staff_hours, shortfall, over_counters, counters.csv agree with roster.csv and the need."""
    rep = hall_report(hall)
    wrong = [f for f in rep.figure_findings
             if f.rule in ("staff_hours", "shortfall", "over_counters", "counters",
                           "unavoidable_shortfall", "slot", "validator_silent", "paid_hours")]
    assert not wrong, rep.describe()


@pytest.mark.slow
@pytest.mark.parametrize("hall", HALLS)
def test_summary_has_every_figure(hall: str, hall_report: Callable[[str], PlanReport]) -> None:
    rep = hall_report(hall)
    assert not [f for f in rep.figure_findings if f.rule == "summary_key"], rep.describe()


@pytest.mark.slow
@pytest.mark.parametrize("hall", HALLS)
def test_bound_is_true_and_gap_honest(hall: str,
                                      hall_report: Callable[[str], PlanReport]) -> None:
    """lower_bound_hours <= the checker's LP bound; gap recomputed, never negative, null if short;
    "optimal" only when proven."""
    rep = hall_report(hall)
    wrong = [f for f in rep.figure_findings
             if f.rule in ("false_bound", "below_bound", "gap", "status")]
    assert not wrong, rep.describe()


@pytest.mark.slow
@pytest.mark.parametrize("hall", HALLS)
def test_no_avoidable_shortage(hall: str, hall_report: Callable[[str], PlanReport]) -> None:
    """The roster leaves no shortage that these staff could avoid: none at all where the plan's
    own lower bound on the shortage is 0, else at most 1% of the week's need above that bound.
    (An empty roster with honest figures is still a failure of the plan.)"""
    rep = hall_report(hall)
    s = rep.summary
    if s.get("solver_status") == "wall_limit":
        pytest.skip(f"{hall}: the wall-clock safety limit stopped the solver (machine too slow)")
    unavoidable = s.get("unavoidable_shortfall_staff_minutes")
    assert isinstance(unavoidable, (int, float)), rep.describe()
    need = sum(int(n.need[n.window[0]:n.window[1]].sum()) for n in rep.needs.values() if n.window)
    allowed = 0.0 if unavoidable <= 0 else unavoidable + AVOIDABLE_SHARE * need
    assert rep.cover.short <= allowed + 0.5, (
        f"{rep.cover.short} staff-minutes short, unavoidable {unavoidable} "
        f"(allowed {allowed:.0f})\n{rep.describe()}")


@pytest.mark.slow
def test_a_30_minute_plan_keeps_every_rule(tmp_path_factory: pytest.TempPathFactory) -> None:
    """interval_minutes = 30 (start step 15, so the grid is 15): the smallest hall plans end to
    end; the checker finds no broken rule, no wrong figure and no avoidable shortage."""
    from queueopt.io import load_dataset
    from queueopt.pipeline import plan_hall

    data = tmp_path_factory.mktemp("data30")
    for f in SAMPLE.iterdir():
        if f.name == "policy.toml":
            (data / f.name).write_text(f.read_text(encoding="utf-8").replace(
                "interval_minutes = 15", "interval_minutes = 30"), encoding="utf-8")
        else:
            (data / f.name).symlink_to(f)
    out = tmp_path_factory.mktemp("plan30") / "H11"
    plan_hall(load_dataset(data), "H11", time_limit_s=TIME_LIMIT_S, seed=0, replications=2,
              method="sipp").write(out)
    rep = check_plan(out, data)
    assert rep.rules.interval == 30 and rep.rules.grid == 15
    hard = [f for f in rep.hard_findings if f.rule != "min_staff_on_duty"]
    assert not hard, rep.describe()
    unavoidable = rep.summary.get("unavoidable_shortfall_staff_minutes")
    assert unavoidable is not None and rep.cover.short <= unavoidable + 0.5, rep.describe()


# ------------------------------------------------------------------ part 2: a hand-made plan
WEEK = [dt.date(2026, 11, 23) + dt.timedelta(days=k) for k in range(7)]  # Mon..Sun, no holiday
MON, TUE, WED, THU = WEEK[:4]
POLICY = (SAMPLE / "policy.toml").read_text(encoding="utf-8").replace(
    "min_rest_hours = 11", "min_rest_hours = 16").replace(
    "max_days_per_week = 6", "max_days_per_week = 2").replace(
    "max_consecutive_days = 6", "max_consecutive_days = 2")
STAFF = [  # staff_id, skills, min_hours_week, max_hours_week, unavailable
    ("S1", "counter;vip;manager", 0, 40, ""), ("S2", "counter", 0, 40, ""),
    ("S3", "counter;floor", 0, 40, ""), ("S4", "counter", 0, 40, ""),
    ("S5", "counter", 0, 40, ""), ("S6", "counter", 0, 40, ""),
    ("S7", "floor", 0, 40, ""), ("S8", "counter", 0, 40, "2026-11-23"),
]
# Hall T1 opens Mon-Wed 09:00-17:00 (working window 08:45-17:15), 2 counters, need 2 all day.
# A and B work the whole window (8.5 h: a meal and a short break), C 10:00-16:00 (one short
# break); breaks are staggered so two are on duty at every open minute: 22 paid hours a day.
A = ("08:45", "17:15", "11:00-11:30;14:00-14:15")
B = ("08:45", "17:15", "12:00-12:30;15:00-15:15")
C = ("10:00", "16:00", "13:00-13:15")
BASE_ROSTER = [("S1", MON, *A), ("S2", MON, *B), ("S3", MON, *C),
               ("S4", TUE, *A), ("S5", TUE, *B), ("S6", TUE, *C),
               ("S1", WED, *A), ("S2", WED, *B), ("S3", WED, *C)]


def _minutes(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 60 + int(m)


def _write_plan(tmp: Path, roster: list[tuple], *, staff: list[tuple] = STAFF,
                summary: dict | None = None, required: dict | None = None,
                counters_open: Callable[[int, int], int] | None = None,
                roles: dict[int, str] | None = None,
                paid: Callable[[str, str, str], object] | None = None) -> tuple[Path, Path]:
    """Data and plan directories of hall T1 with ``roster`` (rows ``staff_id, day, start, end,
    breaks``); ``required`` overrides counters needed at ``(day, minute)``."""
    data, plan = tmp / "data", tmp / "plan"
    data.mkdir(parents=True, exist_ok=True)
    plan.mkdir(parents=True, exist_ok=True)
    (data / "policy.toml").write_text(POLICY, encoding="utf-8")
    hours = ["09:00-17:00"] * 3 + ["closed"] * 4
    (data / "halls.csv").write_text(
        "hall_id,name,region,kind,counters,kiosks,vip_counters,hours_mon,hours_tue,hours_wed,"
        "hours_thu,hours_fri,hours_sat,hours_sun,hours_holiday\n"
        f"T1,Test,R,main,2,0,0,{','.join(hours)},closed\n", encoding="utf-8")
    with (data / "staff.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["staff_id", "hall_id", "name", "skills", "min_hours_week", "max_hours_week",
                    "unavailable", "preferences"])
        for sid, skills, lo, hi, unav in staff:
            w.writerow([sid, "T1", sid, skills, lo, hi, unav, ""])
    roles = roles or {}
    with (plan / "roster.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["staff_id", "date", "start", "end", "breaks", "role", "paid_hours"])
        for k, (sid, day, start, end, breaks) in enumerate(roster):
            w.writerow([sid, day.isoformat(), start, end, breaks, roles.get(k, "counter"),
                        paid(start, end, breaks) if paid else ""])
    req_rows = []
    with (plan / "requirements.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["hall_id", "interval_start", "required"])
        for day in (MON, TUE, WED):
            for m in range(9 * 60, 17 * 60, 15):
                r = (required or {}).get((day, m), 2)
                req_rows.append((day, m, r))
                w.writerow(["T1", f"{day} {m // 60:02d}:{m % 60:02d}", r])
    with (plan / "counters.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["interval_start", "required", "on_duty", "counters_open", "floor"])
        for day, m, r in req_rows:
            # on counter duty for the whole interval, at most the 2 counters
            on = min(sum(1 for k, (_, d, a, b, br) in enumerate(roster)
                         if d == day and roles.get(k, "counter") in ("counter", "vip")
                         and _minutes(a) <= t < _minutes(b)
                         and not any(_minutes(x) <= t < _minutes(y) for x, y in
                                     (p.split("-") for p in filter(None, br.split(";")))))
                     for t in range(m, m + 15))
            opened = counters_open(day.toordinal(), m) if counters_open else min(on, 2)
            w.writerow([f"{day} {m // 60:02d}:{m % 60:02d}", r, opened, opened, 0])
    base = {"hall_id": "T1", "week_start": MON.isoformat(), "staff_hours": 66.0,
            "lower_bound_hours": 51.0, "gap": round(66 / 51 - 1, 4), "solver_status": "feasible",
            "shortfall_staff_minutes": 0, "over_counters_staff_minutes": 0,
            "unavoidable_shortfall_staff_minutes": 0}
    base.update(summary or {})
    (plan / "summary.json").write_text(json.dumps(base), encoding="utf-8")
    return data, plan


def _rules_broken(tmp: Path, roster: list[tuple], **kw: object) -> set[str]:
    data, plan = _write_plan(tmp, roster, **kw)  # type: ignore[arg-type]
    rep = check_plan(plan, data)
    return {f.rule for f in rep.rule_findings + rep.figure_findings}


def test_the_hand_made_plan_keeps_every_rule(tmp_path: Path) -> None:
    data, plan = _write_plan(tmp_path, BASE_ROSTER)
    rep = check_plan(plan, data)
    assert not rep.hard_findings, rep.describe()
    assert rep.staff_hours == 66.0
    assert rep.cover.short == 0
    # the LP averages breaks over fractional shifts: 2 x 8.5 h a day, 51 h for the three days
    assert rep.bound_hours == 51.0


def _replace(k: int, **changes: object) -> list[tuple]:
    rows = list(BASE_ROSTER)
    sid, day, start, end, breaks = rows[k]
    vals = {"sid": sid, "day": day, "start": start, "end": end, "breaks": breaks, **changes}
    rows[k] = (vals["sid"], vals["day"], vals["start"], vals["end"], vals["breaks"])
    return rows


BROKEN: dict[str, tuple[list[tuple], set[str]]] = {
    # name: (roster, rules that must be named)
    "too long shift": (_replace(0, end="18:00"), {"shift_length", "opening_hours"}),
    "too short shift": (_replace(2, end="13:45"), {"shift_length"}),
    "start off the grid": (_replace(2, start="10:05"), {"start_step", "grid"}),
    "break end off the grid": (_replace(2, breaks="13:00-13:20"), {"grid", "break_count"}),
    "break too late": (_replace(2, breaks="14:50-15:05"), {"break_placement"}),
    "break too early": (_replace(0, breaks="10:00-10:30;14:00-14:15"), {"break_placement"}),
    "missing short break": (_replace(0, breaks="11:00-11:30"), {"break_count"}),
    "breaks overlap": (_replace(0, breaks="11:00-11:30;11:15-11:30"), {"break_overlap"}),
    "shift on a closed day": (BASE_ROSTER + [("S7", THU, *C)], {"closed"}),
    "shift outside the week": (BASE_ROSTER + [("S6", WEEK[0] + dt.timedelta(days=7), *C)],
                               {"week"}),
    "two shifts overlap": (BASE_ROSTER + [("S1", MON, "13:00", "17:00", "14:30-14:45")],
                           {"overlap", "one_shift_per_day"}),
    "too little rest": (_replace(0, sid="S4"), {"min_rest"}),
    "too many days": (_replace(5, sid="S1"), {"max_days_per_week", "max_consecutive_days"}),
    "unavailable": (_replace(1, sid="S8"), {"unavailable"}),
    "unknown person": (_replace(1, sid="S99"), {"unknown_staff"}),
    "floor-only person on a counter": (_replace(2, sid="S7"), {"skill"}),
    "too few on duty": ([r for k, r in enumerate(BASE_ROSTER) if k != 2],
                        {"min_staff_on_duty", "shortfall"}),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_each_rule_check_names_a_broken_roster(name: str, tmp_path: Path) -> None:
    roster, expected = BROKEN[name]
    found = _rules_broken(tmp_path, roster)
    assert expected <= found, f"{name}: expected {expected}, found {found}"


def test_paid_hours_column(tmp_path: Path) -> None:
    """roster.csv's paid_hours: length less the meal break (8.5 h shift with meal = 8 h)."""
    def right(a: str, b: str, br: str) -> float:
        meal = 30 if _minutes(b) - _minutes(a) > 360 else 0
        return (_minutes(b) - _minutes(a) - meal) / 60

    assert "paid_hours" not in _rules_broken(tmp_path, BASE_ROSTER, paid=right)
    def meal_paid(a: str, b: str, br: str) -> float:
        return (_minutes(b) - _minutes(a)) / 60

    assert "paid_hours" in _rules_broken(tmp_path, BASE_ROSTER, paid=meal_paid)


def test_command_line_prints_and_fails_on_a_broken_plan(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    from plan_checker.__main__ import main

    data, plan = _write_plan(tmp_path / "good", BASE_ROSTER)
    assert main([str(data), str(plan)]) == 0
    assert "T1: 9 shifts, 66.00 paid h" in capsys.readouterr().out
    data, plan = _write_plan(tmp_path / "bad", _replace(2, sid="S7"))
    assert main([str(data), str(plan)]) == 1
    assert "[skill] S7" in capsys.readouterr().out


def test_locked_shifts_are_kept(tmp_path: Path) -> None:
    data, plan = _write_plan(tmp_path, BASE_ROSTER)
    locks = tmp_path / "locks.csv"
    locks.write_text("staff_id,date,start,end,breaks,role\n"
                     f"S1,{MON},08:45,17:15,11:00-11:30;14:00-14:15,counter\n"
                     f"S3,{MON},10:00,16:00,,counter\n", encoding="utf-8")
    assert not check_plan(plan, data, locked=locks).hard_findings
    # a lock the roster moved (S3 starts 10:00, not 09:30), and a lock repeated: both named
    locks.write_text("staff_id,date,start,end,breaks,role\n"
                     f"S3,{MON},09:30,16:00,,counter\n"
                     f"S1,{MON},08:45,17:15,,counter\nS1,{MON},08:45,17:15,,counter\n",
                     encoding="utf-8")
    found = [f for f in check_plan(plan, data, locked=locks).rule_findings if f.rule == "locked"]
    assert [f.staff_id for f in found] == ["S3", "S1"]


def test_role_needs_its_skill(tmp_path: Path) -> None:
    # S2 has only the counter skill: as lead (needs manager) or VIP (needs vip) it breaks a rule
    assert "skill" in _rules_broken(tmp_path, BASE_ROSTER, roles={1: "lead"})
    assert "skill" in _rules_broken(tmp_path, BASE_ROSTER, roles={1: "vip"})
    assert "role" in _rules_broken(tmp_path, BASE_ROSTER, roles={1: "cashier"})
    # S1 has vip and manager: both roles are fine
    assert not {"skill", "role"} & _rules_broken(tmp_path, BASE_ROSTER, roles={0: "vip", 6: "lead"})


def test_weekly_hours(tmp_path: Path) -> None:
    staff = [("S1", "counter;vip;manager", 0, 15, "")] + STAFF[1:]
    assert "max_hours_week" in _rules_broken(tmp_path, BASE_ROSTER, staff=staff)
    staff = [("S1", "counter;vip;manager", 20, 40, "")] + STAFF[1:]
    data, plan = _write_plan(tmp_path, BASE_ROSTER, staff=staff)
    rep = check_plan(plan, data)
    assert {f.rule for f in rep.rule_findings} == {"contract_min"}  # soft: 16 h of 20
    assert not rep.hard_findings


def test_floor_role_does_not_count_as_counter_cover(tmp_path: Path) -> None:
    # S3 (counter;floor) on floor duty: present (presence rule holds) but no counter cover
    data, plan = _write_plan(tmp_path, BASE_ROSTER, roles={2: "floor"})
    rep = check_plan(plan, data)
    assert rep.cover.presence_short == 0 and rep.cover.counter_short > 0
    assert "shortfall" in {f.rule for f in rep.figure_findings}


SUMMARY_BROKEN: dict[str, tuple[dict, set[str]]] = {
    "staff hours": ({"staff_hours": 65.0, "gap": 65 / 51 - 1}, {"staff_hours"}),
    # LP bound 51 h; least integer cover 3 x 17.25 = 51.75 h (a HiGHS MIP over every pattern);
    # the checker's own quick covers 57-63 h in every run seen (node-limited MIPs); the roster 66 h
    "false bound": ({"lower_bound_hours": 65.0, "gap": 66 / 65.0 - 1}, {"false_bound"}),
    "bound above the roster": ({"lower_bound_hours": 66.5, "gap": 0.0}, {"false_bound"}),
    "negative gap": ({"lower_bound_hours": 50.0, "gap": -0.05}, {"gap"}),
    "gap off its figures": ({"gap": 0.2}, {"gap"}),
    "gap reads 0 without a bound": ({"lower_bound_hours": None, "gap": 0.0}, {"gap"}),
    "shortfall hidden": ({"shortfall_staff_minutes": 15}, {"shortfall"}),
    "over counters hidden": ({"over_counters_staff_minutes": 15}, {"over_counters"}),
    "unavoidable above the shortfall": ({"unavoidable_shortfall_staff_minutes": 30},
                                        {"unavoidable_shortfall"}),
    "optimal but not proven": ({"solver_status": "optimal"}, {"status"}),
    "slot off the policy": ({"slot_minutes": 30}, {"slot"}),
    "missing figure": ({"over_counters_staff_minutes": None}, set()),
}


@pytest.mark.parametrize("name", sorted(SUMMARY_BROKEN))
def test_each_summary_check_names_a_wrong_figure(name: str, tmp_path: Path) -> None:
    changes, expected = SUMMARY_BROKEN[name]
    if name == "missing figure":
        data, plan = _write_plan(tmp_path, BASE_ROSTER)
        doc = json.loads((plan / "summary.json").read_text())
        del doc["over_counters_staff_minutes"]
        (plan / "summary.json").write_text(json.dumps(doc))
        rep = check_plan(plan, data)
        assert "summary_key" in {f.rule for f in rep.figure_findings}
        return
    found = _rules_broken(tmp_path, BASE_ROSTER, summary=changes)
    assert expected <= found, f"{name}: expected {expected}, found {found}"


def test_an_integer_bound_above_the_lp_is_not_called_false(tmp_path: Path) -> None:
    """A bound above the LP bound (51 h) but not above the least integer cover (3 x 17.25 h, a
    HiGHS MIP over every pattern) is true: the integer bound of queueopt.cover_bound lies there;
    the checker must not call it false."""
    found = _rules_broken(tmp_path, BASE_ROSTER,
                          summary={"lower_bound_hours": 51.75, "gap": round(66 / 51.75 - 1, 4)})
    assert "false_bound" not in found and "gap" not in found


def test_optimal_is_said_only_when_proven(tmp_path: Path) -> None:
    data, plan = _write_plan(tmp_path, BASE_ROSTER, summary={
        "solver_status": "optimal", "lower_bound_hours": 66.0, "gap": 0.0})
    assert "status" not in {f.rule for f in check_plan(plan, data).figure_findings}


def test_a_silent_validator_is_flagged(tmp_path: Path) -> None:
    """The plan's own rule_violations must not be empty when a rule is broken."""
    roster = _replace(2, sid="S7")  # floor-only person on a counter
    found = _rules_broken(tmp_path, roster, summary={"rule_violations": []})
    assert {"skill", "validator_silent"} <= found
    found = _rules_broken(tmp_path, roster, summary={"rule_violations": ["[skill] S7 ..."]})
    assert "validator_silent" not in found


def test_gap_must_be_null_when_cover_is_short(tmp_path: Path) -> None:
    short = [r for k, r in enumerate(BASE_ROSTER) if k != 2]
    data, plan = _write_plan(tmp_path, short, summary={"staff_hours": 60.0, "gap": 0.0})
    rep = check_plan(plan, data)
    assert rep.cover.short > 0
    found = {f.rule for f in rep.figure_findings}
    assert {"gap", "shortfall"} <= found
    # the same figures told honestly pass
    data, plan = _write_plan(tmp_path, short, summary={
        "staff_hours": 60.0, "gap": None, "shortfall_staff_minutes": rep.cover.short,
        "unavoidable_shortfall_staff_minutes": 0})
    assert not check_plan(plan, data).figure_findings


def test_requirement_above_the_counters_is_counted(tmp_path: Path) -> None:
    over = {(MON, 12 * 60): 3, (MON, 12 * 60 + 15): 4}  # 1 + 2 staff for 15 minutes each
    data, plan = _write_plan(tmp_path, BASE_ROSTER, required=over,
                             summary={"over_counters_staff_minutes": 45})
    rep = check_plan(plan, data)
    assert rep.cover.over_counters == 45 and rep.cover.short == 0
    assert not rep.hard_findings, rep.describe()


def test_counters_plan(tmp_path: Path) -> None:
    assert "counters" in _rules_broken(tmp_path, BASE_ROSTER, counters_open=lambda d, m: 3)
    # all three on duty at 10:00-11:00 on Monday: still only 2 counters; at 09:00 only 2 on duty
    assert "counters" in _rules_broken(
        tmp_path, _replace(2, start="09:00", end="15:00", breaks="12:30-12:45"),
        counters_open=lambda d, m: 2 if m != 16 * 60 + 30 else 3)


def test_a_roster_below_the_bound_is_flagged(tmp_path: Path) -> None:
    """08:45-17:00 and 09:00-17:15 without breaks cover everything for 16.5 h a day: cheaper
    than any rule-keeping roster, so below the bound (and breaking the break rules)."""
    rows = [r for d in (MON, TUE, WED)
            for r in (("S2", d, "08:45", "17:00", ""), ("S3", d, "09:00", "17:15", ""))]
    data, plan = _write_plan(tmp_path, rows, summary={"staff_hours": 49.5, "gap": None})
    found = {f.rule for f in check_plan(plan, data).hard_findings}
    assert {"below_bound", "break_count"} <= found


# ------------------------------------------------------------------ the bound itself
def test_colgen_equals_the_full_lp_on_a_sample_day() -> None:
    """Column generation over the explicit enumeration == the full LP (8.5-hour window)."""
    rules = read_rules(SAMPLE / "policy.toml")
    lo, hi = 9 * 60 + 45, 18 * 60 + 15
    rng = np.random.default_rng(7)
    need = np.zeros(24 * 60, np.int64)
    need[lo:hi] = np.maximum(np.repeat(rng.integers(0, 9, (hi - lo) // 15), 15), 2)
    need[lo:lo + 15] = need[hi - 15:hi] = 1
    for cap in (None, 30):
        cg = day_lp_bound(rules, (lo, hi), need, max_shifts=cap)
        full = day_lp_bound(rules, (lo, hi), need, max_shifts=cap, method="full")
        assert cg.lp_minutes is not None and full.lp_minutes is not None
        assert abs(cg.lp_minutes - full.lp_minutes) < 1e-6
    # too few people for the peak: no cover at all
    assert day_lp_bound(rules, (lo, hi), need, max_shifts=3).minutes is None


def test_bound_of_the_hand_worked_day() -> None:
    """09:00-17:00, one on duty, no covers: 09:00-15:15 + 13:00-17:00 = 345 + 240 = 585 paid
    minutes keeps every rule (the issue's example), so the bound is <= 585; the LP is 492.35.
    A bound over 30-minute shift lengths only (the old templates) is higher: the checker's LP
    over the full set is what exposes it."""
    rules = dataclasses.replace(read_rules(SAMPLE / "policy.toml"), opening_cover=0,
                                closing_cover=0, min_staff_on_duty=1)
    need = np.zeros(24 * 60, np.int64)
    need[9 * 60:17 * 60] = 1
    b = day_lp_bound(rules, (9 * 60, 17 * 60), need)
    assert b.minutes is not None and b.lp_minutes is not None
    assert 492.3 < b.lp_minutes < 492.4
    assert b.minutes == 495  # <= 585
    coarse = dataclasses.replace(rules, interval=30, start_step=30)
    worse = day_lp_bound(coarse, (9 * 60, 17 * 60), need)
    assert worse.lp_minutes is not None and worse.lp_minutes > b.lp_minutes + 1


def test_break_placements_are_every_rule_keeping_one() -> None:
    """9-hour shift: meal (30) and short (15) starting 90..480-30 and 90..480-15 min in on the
    15-minute grid, never overlapping: 25 x 26 pairs less the 50 overlapping ones."""
    rules = read_rules(SAMPLE / "policy.toml")
    assert len(break_placements(rules, 540)) == 25 * 26 - 50
    # a 12-hour day (08:15-20:15) holds 42,671 admissible patterns
    assert len(cover_matrix(rules, 8 * 60 + 15, 20 * 60 + 15, 15)[0]) == 42671
    for pl in break_placements(rules, 540):
        spans = sorted((b, b + (30 if k == "meal" else 15)) for k, b in pl)
        assert spans[0][0] >= 90 and spans[-1][1] <= 480 and spans[0][1] <= spans[1][0]


def test_checker_is_independent() -> None:
    """Importing and running the checker loads no solver module."""
    code = ("import sys; sys.path.insert(0, 'tests'); from plan_checker.check import check_plan; "
            "import plan_checker.bound, plan_checker.labour; "
            "bad = [m for m in sys.modules if m.split('.')[:2] in (['queueopt', 'scheduling'], "
            "['queueopt', 'covering'], ['queueopt', 'shortage'], ['queueopt', 'rules'], "
            "['queueopt', 'plan_summary'], ['queueopt', 'pipeline'])]; print(bad); "
            "sys.exit(1 if bad else 0)")
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=120, check=False)
    assert res.returncode == 0, res.stdout + res.stderr
