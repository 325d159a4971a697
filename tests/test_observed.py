"""The observed-staffing rule on a log worked by hand (minutes on a 30-minute interval)."""

from __future__ import annotations

import pandas as pd
import pytest

from queueopt.observed import agent_runs, observed_staffing


def _log() -> pd.DataFrame:
    ts = pd.Timestamp
    rows = [  # ticket, agent, issued, called, ended
        ("1", "A", "09:00", "09:00", "09:10"),
        ("2", "B", "09:05", "09:05", "09:25"),
        ("3", "A", "09:12", "09:20", "09:30"),  # waits 8 minutes while A is between calls
        ("4", "A", "10:30", "10:30", "10:40"),
    ]
    return pd.DataFrame({
        "ticket_id": [r[0] for r in rows], "server_id": [r[1] for r in rows],
        "issued_at": [ts(f"2026-11-16 {r[2]}") for r in rows],
        "called_at": [ts(f"2026-11-16 {r[3]}") for r in rows],
        "served_end": [ts(f"2026-11-16 {r[4]}") for r in rows],
        "abandoned": False, "abandoned_at": pd.NaT, "channel": "counter"})


def test_runs_break_at_the_idle_gap() -> None:
    t = _log()
    runs = agent_runs(t["called_at"], t["served_end"], t["server_id"], idle_gap=15)
    a = runs[runs["server_id"] == "A"]
    assert [(str(s.time()), str(e.time())) for s, e in zip(a["start"], a["end"])] == [
        ("09:00:00", "09:30:00"), ("10:30:00", "10:40:00")]
    short = agent_runs(t["called_at"], t["served_end"], t["server_id"], idle_gap=5)
    assert len(short[short["server_id"] == "A"]) == 3


def test_on_duty_busy_and_idle_while_waiting_by_hand() -> None:
    f = observed_staffing(_log(), 30, idle_gap=15).frame.set_index("interval_start")
    first = f.loc[pd.Timestamp("2026-11-16 09:00")]
    # A on duty 30 min; B's first call (09:05) is within 15 minutes of the hall's first
    # service (09:00), so B is on duty from 09:00: 25 min; busy A 20 + B 20; A idle 8 of
    # the 8 waiting minutes
    assert first["staff_on_duty"] == pytest.approx(55 / 30)
    assert first["staff_busy"] == pytest.approx(40 / 30)
    assert first["idle_while_waiting"] == pytest.approx(8 / 30)
    assert first["waiting_share"] == pytest.approx(8 / 30)
    # someone waits 8 minutes in the whole log, and A idles through all of them: 1 agent
    assert observed_staffing(_log(), 30, idle_gap=15).idle_agents_while_waiting == pytest.approx(1.0)
    # A's hour without calls (09:30-10:30): nobody waited, so nothing says A left
    for quiet in ("09:30", "10:00"):
        assert f.loc[pd.Timestamp(f"2026-11-16 {quiet}"), "staff_on_duty"] == pytest.approx(1.0)
    assert f.loc[pd.Timestamp("2026-11-16 10:30"), "staff_on_duty"] == pytest.approx(10 / 30)
    # a 5-minute gap sends A off duty between calls while ticket 3 waits: nobody idles while
    # the customer waits (A 10 + 10 min, B 25 from the opening)
    g = observed_staffing(_log(), 30, idle_gap=5).frame.set_index("interval_start")
    assert g.loc[pd.Timestamp("2026-11-16 09:00"), "staff_on_duty"] == pytest.approx(45 / 30)
    assert g.loc[pd.Timestamp("2026-11-16 09:00"), "idle_while_waiting"] == 0


def test_a_gap_breaks_a_run_only_while_customers_wait() -> None:
    """Agent A serves 09:00-09:10 and 10:00-10:10, agent B 09:00-10:10 without a break. With
    nobody waiting in A's 50-minute gap, A stays on duty (2 agents 09:00-10:10); when a
    customer waits 09:40-10:00 in that gap (served by A at 10:00), A was off from 09:10 to
    10:00 (the 09:30 half-hour: only B). A run that starts 20 minutes after the hall's first
    service (C, 09:20) is not pulled back to the opening; the day's last service ends the
    day, and runs never bridge to the next day."""
    ts = pd.Timestamp

    def log(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
        return pd.DataFrame({
            "ticket_id": [str(i) for i in range(len(rows))], "server_id": [r[0] for r in rows],
            "issued_at": [ts(r[1]) for r in rows], "called_at": [ts(r[2]) for r in rows],
            "served_end": [ts(r[3]) for r in rows], "abandoned": False,
            "abandoned_at": pd.NaT, "channel": "counter"})

    day = "2026-11-16 "
    quiet = log([("A", day + "09:00", day + "09:00", day + "09:10"),
                 ("A", day + "10:00", day + "10:00", day + "10:10"),
                 ("B", day + "09:00", day + "09:00", day + "10:10"),
                 ("A", "2026-11-17 09:00", "2026-11-17 09:00", "2026-11-17 09:10")])
    f = observed_staffing(quiet, 30, idle_gap=15).frame.set_index("interval_start")
    assert f.loc[ts(day + "09:30"), "staff_on_duty"] == pytest.approx(2.0)
    assert ts(day + "11:00") not in f.index or f.loc[ts(day + "11:00"), "staff_on_duty"] == 0
    waiting = log([("A", day + "09:00", day + "09:00", day + "09:10"),
                   ("A", day + "09:40", day + "10:00", day + "10:10"),
                   ("B", day + "09:00", day + "09:00", day + "10:10"),
                   ("C", day + "09:20", day + "09:20", day + "09:25")])
    g = observed_staffing(waiting, 30, idle_gap=15).frame.set_index("interval_start")
    assert g.loc[ts(day + "09:00"), "staff_on_duty"] == pytest.approx((10 + 30 + 5) / 30)
    assert g.loc[ts(day + "09:30"), "staff_on_duty"] == pytest.approx(1.0)
