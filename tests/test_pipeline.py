"""``queueopt plan`` end to end on a sample hall: files, summary, locks, Excel."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from queueopt.cli import main


@pytest.mark.slow
def test_plan_cli_writes_every_file(sample_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan"
    assert main(["plan", "--data", str(sample_dir), "--hall", "H11", "--out", str(out),
                 "--time-limit", "8"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    for key in ("staff_hours", "lower_bound_hours", "gap", "solver_status", "solver_status_words",
                "solve_seconds", "shortfall_staff_minutes", "over_counters_staff_minutes",
                "unavoidable_shortfall_staff_minutes", "predicted_service_level", "slot_minutes"):
        assert key in summary
    assert summary["week_start"] == "2026-11-23"
    assert summary["rule_violations"] == []
    # a bound and a full cover: the gap is defined, never negative, and small
    assert summary["shortfall_staff_minutes"] == 0
    assert summary["gap"] is not None and 0.0 <= summary["gap"] <= 0.01
    assert summary["staff_hours"] >= summary["lower_bound_hours"]
    roster0 = pd.read_csv(out / "roster.csv")
    assert abs(roster0["paid_hours"].sum() - summary["staff_hours"]) < 0.01
    req = pd.read_csv(out / "requirements.csv")
    assert {"interval_start", "required"} <= set(req.columns)
    roster = pd.read_csv(out / "roster.csv")
    assert list(roster.columns[:6]) == ["staff_id", "date", "start", "end", "breaks", "role"]
    counters = pd.read_csv(out / "counters.csv")
    assert {"interval_start", "counters_open"} <= set(counters.columns)
    assert counters["counters_open"].max() <= 4
    week = pd.read_excel(out / "roster.xlsx", sheet_name="Week")
    assert len(week) == roster["staff_id"].nunique()

    # a manager locks one shift and re-plans: the shift is kept as it is
    locked = roster.iloc[[0]]
    locked.to_csv(tmp_path / "locked.csv", index=False)
    out2 = tmp_path / "plan2"
    assert main(["plan", "--data", str(sample_dir), "--hall", "H11", "--out", str(out2),
                 "--time-limit", "8", "--locked", str(tmp_path / "locked.csv")]) == 0
    again = pd.read_csv(out2 / "roster.csv", dtype=str).fillna("")
    row = locked.astype(str).replace("nan", "").iloc[0]
    assert ((again["staff_id"] == row["staff_id"]) & (again["date"] == row["date"])
            & (again["start"] == row["start"]) & (again["end"] == row["end"])).any()


def test_plan_cli_errors_are_clear(sample_dir: Path, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--data", str(sample_dir), "--hall", "H11", "--week", "2026-02-30",
                 "--out", str(tmp_path)]) == 2
    assert "not a date" in capsys.readouterr().err
    assert main(["plan", "--data", str(sample_dir), "--hall", "H11", "--week", "2026-11-01",
                 "--out", str(tmp_path)]) == 2
    assert "after the last day of data" in capsys.readouterr().err
