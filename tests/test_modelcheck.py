"""modelcheck: the files the issue lists, figures re-counted from tickets.csv, the correction
fitted where the truth is known, saved and used by staffing."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from queueopt.cli import main
from queueopt.errors import DataError
from queueopt.hall_inputs import hall_inputs
from queueopt.ingest import import_export, read_mapping
from queueopt.io import load_dataset
from queueopt.modelcheck import CSV_COLUMNS, MODELS, fit_handle_factor, predict

FIXTURE = Path(__file__).parent / "fixtures" / "anonymous-bank-1999-02-07_13.txt.gz"


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    data = tmp_path_factory.mktemp("bank")
    import_export([FIXTURE], read_mapping("anonymous-bank"), "BANK", data)
    out = data / "mc"
    assert main(["modelcheck", "--data", str(data), "--hall", "BANK", "--out", str(out),
                 "--holdout-days", "2"]) == 0
    return data, out


def test_files_have_the_listed_columns_and_scores(checked: tuple[Path, Path]) -> None:
    _, out = checked
    frame = pd.read_csv(out / "modelcheck.csv")
    assert tuple(frame.columns) == CSV_COLUMNS
    assert sorted(frame["model"].unique()) == sorted(MODELS)
    doc = json.loads((out / "modelcheck.json").read_text())
    assert doc["holdout"] == ["1999-02-12", "1999-02-13"]
    for model in MODELS:
        for fig in ("mean_wait", "service_level", "abandonment"):
            assert {"bias", "mae", "corr"} <= set(doc["scores"][model][fig])
    assert pd.to_datetime(frame["interval_start"]).min() >= pd.Timestamp("1999-02-12")


def test_observed_figures_recounted_from_tickets(checked: tuple[Path, Path]) -> None:
    data, out = checked
    frame = pd.read_csv(out / "modelcheck.csv")
    row = frame[(frame["model"] == "erlang_a") & (frame["interval_start"] == "1999-02-12 09:00")]
    t = pd.read_csv(data / "tickets.csv", parse_dates=["issued_at", "called_at", "abandoned_at"])
    hour = t[(t["issued_at"] >= "1999-02-12 09:00") & (t["issued_at"] < "1999-02-12 10:00")]
    left = hour["called_at"].fillna(hour["abandoned_at"])
    waits = (left - hour["issued_at"]).dt.total_seconds() / 60
    assert int(row["arrivals"].iloc[0]) == len(hour)
    assert row["observed_mean_wait"].iloc[0] == pytest.approx(waits.mean(), abs=1e-6)
    assert row["observed_abandonment"].iloc[0] == pytest.approx(hour["abandoned"].mean(), abs=1e-6)
    within = ((hour["abandoned"] == 0) & (waits <= 1.0)).mean()  # policy threshold 1 minute
    assert row["observed_service_level"].iloc[0] == pytest.approx(within, abs=1e-6)


def test_correction_is_saved_and_staffing_uses_it(checked: tuple[Path, Path]) -> None:
    data, _ = checked
    saved = json.loads((data / "corrections.json").read_text())["BANK"]
    ds = load_dataset(data)
    inputs = hall_inputs(ds, "BANK")
    raw = pd.read_csv(data / "transactions.csv").set_index("transaction_type")["mean_minutes"]
    expect = saved["handle_factor"] * raw.reindex(list(inputs.types)).to_numpy()
    assert np.allclose(inputs.mean_minutes, expect)
    assert saved["handle_factor"] != 1.0 and "x" in inputs.correction
    # patience: the hall's mix of types leaves at its mean hazard, by hand from the file
    by_type = saved["patience_by_type"]
    assert set(by_type) == set(inputs.types) and len(set(by_type.values())) > 1
    hazard = sum(sh / by_type[c] for c, sh in zip(inputs.types, inputs.shares))
    assert inputs.patience == pytest.approx(1.0 / hazard)
    assert inputs.patience != pytest.approx(ds.policy.patience, rel=1e-3)
    assert inputs.type_patience is not None
    assert inputs.type_patience.tolist() == pytest.approx([by_type[c] for c in inputs.types])


def test_the_plans_simulation_draws_each_types_patience(checked: tuple[Path, Path],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The plan's simulation (evaluator.simulate_lane, used by staffing and the plan check)
    receives the saved patience of each type, twice (cross-selling on, then paused)."""
    import queueopt.evaluator as ev

    data, _ = checked
    saved = json.loads((data / "corrections.json").read_text())["BANK"]["patience_by_type"]
    inputs = hall_inputs(load_dataset(data), "BANK")
    seen: dict[str, object] = {}
    monkeypatch.setattr(ev, "simulate_day", lambda *a, **kw: seen.update(kw))
    k = len(inputs.types)
    lane = ev.Lane("general", np.full(4, 1.0), np.full((4, 2 * k), 1.0 / (2 * k)), 0.0)
    ev.simulate_lane(inputs, lane, [3, 3, 3, 3], replications=2, rng=1)
    expect = [saved[c] for c in inputs.types] * 2
    assert np.asarray(seen["patience"]).tolist() == pytest.approx(expect)


def test_patience_by_type_recounted_from_tickets(checked: tuple[Path, Path]) -> None:
    """Type NW's saved patience = (minutes NW callers waited + 5 x pooled) / (NW leavers + 5),
    counted from tickets.csv over the training days (before the 2 held-out days)."""
    data, _ = checked
    saved = json.loads((data / "corrections.json").read_text())["BANK"]
    t = pd.read_csv(data / "tickets.csv", parse_dates=["issued_at", "called_at", "abandoned_at"])
    t = t[t["issued_at"] < "1999-02-12"]
    waits = ((t["called_at"].fillna(t["abandoned_at"]) - t["issued_at"]).dt.total_seconds()
             / 60).clip(lower=0)
    pooled = waits.sum() / t["abandoned"].sum()
    assert saved["patience"] == pytest.approx(pooled, rel=1e-6)
    nw = t["transaction_type"] == "NW"
    expect = (waits[nw].sum() + 5 * pooled) / (t.loc[nw, "abandoned"].sum() + 5)
    assert saved["patience_by_type"]["NW"] == pytest.approx(expect, rel=1e-6)


def test_bad_corrections_file_is_a_clear_problem(checked: tuple[Path, Path], tmp_path: Path) -> None:
    data, _ = checked
    copy = tmp_path / "d"
    copy.mkdir()
    for f in data.iterdir():
        if f.is_file():
            (copy / f.name).write_bytes(f.read_bytes())
    (copy / "corrections.json").write_text('{"BANK": {"handle_factor": "big"}}')
    with pytest.raises(DataError) as err:
        load_dataset(copy)
    assert [(p.file, p.column) for p in err.value.problems] == [("corrections.json", "BANK")]


def test_fit_recovers_a_known_handling_factor() -> None:
    """Observed waits made by Erlang A at factor 1.30: the fit must find 1.30 (and not 1)."""
    rng = np.random.default_rng(3)
    table = pd.DataFrame({"arrivals": rng.integers(20, 120, 60).astype(float),
                          "handle_minutes": rng.uniform(2.0, 4.0, 60),
                          "staff_observed": rng.uniform(3.0, 9.0, 60)})
    table["observed_mean_wait"] = predict(table, "erlang_a", threshold=1.0, patience=5.0,
                                          handle_factor=1.3)["predicted_mean_wait"]
    assert fit_handle_factor(table, threshold=1.0, patience=5.0) == pytest.approx(1.30)


def test_page_function_gives_the_cli_figures(checked: tuple[Path, Path]) -> None:
    """The Region page renders summary_frame(hall_model_check(...)): the same numbers as the CLI."""
    from queueopt.modelcheck import hall_model_check, summary_frame

    data, out = checked
    doc = json.loads((out / "modelcheck.json").read_text())
    table = summary_frame(hall_model_check(load_dataset(data), "BANK", holdout_days=2))
    for row in table.itertuples():
        s = doc["scores"][row.model]
        assert row.mean_wait_bias == pytest.approx(s["mean_wait"]["bias"])
        assert row.service_level_mae == pytest.approx(s["service_level"]["mae"])
        assert row.abandonment_mae == pytest.approx(s["abandonment"]["mae"])


def test_factor_bisection_finds_the_crossing_inside_and_outside_the_first_bracket() -> None:
    """gap(f) = f - x crosses 0 at x: found from a first guess near it, and also when x lies
    outside the guess's +-0.2 bracket (below or above), and the grid's ends beyond it."""
    from queueopt.modelcheck import FACTOR_GRID, _bisect_factor

    for x, near in ((1.37, 1.3), (0.81, 1.6), (2.2, 1.0), (1.37, None)):
        assert _bisect_factor(lambda i, x=x: float(FACTOR_GRID[i]) - x, near) == pytest.approx(x)
    assert _bisect_factor(lambda i: float(FACTOR_GRID[i]) - 9.0, 1.2) == pytest.approx(2.5)
    assert _bisect_factor(lambda i: float(FACTOR_GRID[i]) - 0.1, 1.2) == pytest.approx(0.7)
