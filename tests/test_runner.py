"""Regional runs: a failing hall is reported, reruns resume, Dask runs the same tasks."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from queueopt.cli import main
from queueopt.runner import run_halls
from queueopt.synth import generate_region


@pytest.fixture()
def region(tmp_path: Path) -> Path:
    data = generate_region(n_halls=3, weeks=5, seed=8, with_tickets=False).write(tmp_path / "data")
    halls = pd.read_csv(data / "halls.csv")
    ghost = halls.iloc[[0]].assign(hall_id="H99", name="Ghost hall")  # no footfall: must fail
    pd.concat([halls, ghost]).to_csv(data / "halls.csv", index=False)
    return data


@pytest.mark.slow
def test_failing_hall_is_reported_and_rerun_resumes(region: Path, tmp_path: Path) -> None:
    out = tmp_path / "plans"
    halls = ["H01", "H02", "H03", "H99"]
    first = {o.hall_id: o for o in run_halls(region, halls, out, workers=1, time_limit_s=2)}
    assert first["H99"].status == "failed" and "neither tickets nor footfall" in first["H99"].error
    assert {first[h].status for h in ("H01", "H02", "H03")} == {"planned"}
    assert (out / "H01" / "roster.csv").is_file()
    # change one hall's staff: only that hall is planned again
    staff = pd.read_csv(region / "staff.csv", keep_default_na=False)
    staff.loc[staff["hall_id"] == "H02", "max_hours_week"] = 40
    staff.to_csv(region / "staff.csv", index=False)
    from queueopt.runner import _dataset
    _dataset.cache_clear()
    second = {o.hall_id: o for o in run_halls(region, halls, out, workers=1, time_limit_s=2)}
    assert second["H01"].status == "skipped" and second["H03"].status == "skipped"
    assert second["H02"].status == "planned"
    assert second["H99"].status == "failed"
    manifest = json.loads((out / "H02" / "manifest.json").read_text())
    assert manifest["status"] == "planned" and len(manifest["inputs"]) == 64


@pytest.mark.slow
def test_dask_local_cluster_runs_the_same_tasks(region: Path, tmp_path: Path) -> None:
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        outcomes = run_halls(region, ["H01", "H99"], tmp_path / "d", time_limit_s=2,
                             scheduler=cluster.scheduler_address)
    status = {o.hall_id: o.status for o in outcomes}
    assert status == {"H01": "planned", "H99": "failed"}


@pytest.mark.slow
def test_plan_region_and_compare_cli(tmp_path: Path, sample_dir: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "p"
    code = main(["plan-region", "--data", str(sample_dir), "--region", "Guangzhou-West",
                 "--out", str(out), "--workers", "2", "--time-limit", "3"])
    assert code == 0
    table = pd.read_csv(out / "region_plan.csv")
    assert set(table["status"]) == {"planned"} and len(table) == 4
    assert main(["compare", "--data", str(sample_dir), "--plans", str(out),
                 "--out", str(tmp_path / "c")]) == 0
    region = pd.read_csv(tmp_path / "c" / "region.csv")
    assert "planned_staff_hours" in region.columns
    assert region["planned_staff_hours"].notna().sum() == 4
    assert (tmp_path / "c" / "region.png").stat().st_size > 1000
    assert main(["compare", "--data", str(sample_dir), "--out", str(tmp_path / "k"),
                 "--kiosks"]) == 0
    kiosks = pd.read_csv(tmp_path / "k" / "kiosks.csv")
    assert len(kiosks) == 12 and kiosks["rank"].tolist() == list(range(1, 13))
    assert kiosks["staff_hours_saved"].is_monotonic_decreasing
    assert set(pd.ExcelFile(tmp_path / "k" / "region.xlsx").sheet_names) == {"Region", "Kiosks"}
    assert main(["plan-region", "--data", str(sample_dir), "--region", "Atlantis",
                 "--out", str(out)]) == 2
    assert "regions:" in capsys.readouterr().err
