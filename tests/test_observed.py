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
    # A on duty 30 min, B 20 min; busy A 20 + B 20; A idle 8 of the 8 waiting minutes
    assert first["staff_on_duty"] == pytest.approx(50 / 30)
    assert first["staff_busy"] == pytest.approx(40 / 30)
    assert first["idle_while_waiting"] == pytest.approx(8 / 30)
    assert first["waiting_share"] == pytest.approx(8 / 30)
    # someone waits 8 minutes in the whole log, and A idles through all of them: 1 agent
    assert observed_staffing(_log(), 30, idle_gap=15).idle_agents_while_waiting == pytest.approx(1.0)
    assert f.loc[pd.Timestamp("2026-11-16 10:30"), "staff_on_duty"] == pytest.approx(10 / 30)
    # a 5-minute gap sends A off duty between calls: nobody idles while the customer waits
    g = observed_staffing(_log(), 30, idle_gap=5).frame.set_index("interval_start")
    assert g.loc[pd.Timestamp("2026-11-16 09:00"), "staff_on_duty"] == pytest.approx(40 / 30)
    assert g.loc[pd.Timestamp("2026-11-16 09:00"), "idle_while_waiting"] == 0
