"""What-ifs: directions agree with the simulator; edge cases; poster and CLIs on every hall."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from queueopt.cli import main
from queueopt.errors import InfeasibleError
from queueopt.forecast import forecast_arrivals
from queueopt.io import Dataset, load_dataset
from queueopt.poster import render_poster
from queueopt.queueing import arrival_weighted_mean, mix_moments
from queueopt.simulate import simulate_day
from queueopt.whatif import FIGURES, Figures, evaluate, simulate_change


@pytest.fixture(scope="module")
def ds(sample_dir: Path) -> Dataset:
    return load_dataset(sample_dir)


def _fc(ds: Dataset, hall: str, days: int = 2) -> pd.DataFrame:
    return forecast_arrivals(ds.footfall_for(hall), days, calendar=ds.calendar, halls=ds.halls)


@pytest.mark.parametrize("levers", [dict(shift=0.3), dict(kiosk_adoption=0.9),
                                    dict(pause_cross_sell=True)])
def test_levers_never_raise_waits_at_the_same_staffing(ds: Dataset, levers: dict) -> None:
    r = evaluate(ds, "H05", _fc(ds, "H05"), **levers)
    assert r.after.mean_wait <= r.before.mean_wait + 1e-9
    assert r.after.staff_hours <= r.before.staff_hours + 1e-9


def test_figures_are_typed_and_measured_at_the_before_counters(ds: Dataset) -> None:
    """The before wait is the before plan's own (its requirements frame, computed by the
    staffing, another code path); the after wait is at those same counters, so pausing
    cross-selling cuts it well below the re-staffed plan's wait (what the Nudges page used
    to show). Fails when the after side is measured at the after requirement (tried)."""
    r = evaluate(ds, "H05", _fc(ds, "H05"), pause_cross_sell=True)
    assert isinstance(r.before, Figures) and isinstance(r.after, Figures)
    with pytest.raises(AttributeError):
        r.before.mean_wait = 0.0  # type: ignore[misc]
    assert list(r.to_frame().index) == list(FIGURES)
    assert r.to_frame().loc["mean_wait", "change"] == pytest.approx(
        r.after.mean_wait - r.before.mean_wait)
    b, a = r.requirements_before, r.requirements_after
    assert r.before.mean_wait == pytest.approx(
        arrival_weighted_mean(b["mean_wait"], b["counter_arrivals"]), rel=1e-9)
    restaffed = arrival_weighted_mean(a["mean_wait"], a["counter_arrivals"])
    assert r.after.mean_wait < 0.5 * restaffed
    assert r.after.staff_hours == pytest.approx(a["staff"].sum() * 15 / 60)
    same = evaluate(ds, "H05", _fc(ds, "H05"))
    assert same.before == same.after


@pytest.mark.slow
def test_simulator_confirms_the_predicted_change(ds: Dataset) -> None:
    """Pausing cross-selling at the same counters: the predicted drop in mean wait has
    the same sign as the simulated drop, and the simulated drop is significant."""
    r = evaluate(ds, "H05", _fc(ds, "H05", 1), pause_cross_sell=True)
    b, a = r.requirements_before, r.requirements_after
    counters = b["required"].to_numpy()
    types = list(ds.transactions)
    mix = ds.mix_for("H05").set_index("transaction_type")["share"].reindex(types).to_numpy()
    base = np.array([ds.transactions[c].mean_minutes for c in types])
    cross = np.array([ds.transactions[c].cross_sell_minutes for c in types])
    cvs = np.array([ds.transactions[c].cv for c in types])
    lam = b["counter_arrivals"].to_numpy() / 15
    first = b["interval_start"].iloc[0]
    start = first.hour * 60 + first.minute
    kw = dict(shares=mix, handle_cv=cvs, start_minute=start, replications=60)
    before = simulate_day(lam, counters, handle_mean=base + cross, rng=1, **kw).day_mean_wait()
    after = simulate_day(lam, counters, handle_mean=base, rng=1, **kw).day_mean_wait()
    diff = after - before  # common random numbers: paired differences
    half = 2.0 * diff.std(ddof=1) / np.sqrt(len(diff))
    predicted = r.after.mean_wait - r.before.mean_wait
    assert predicted < 0 and diff.mean() + half < 0


@pytest.mark.parametrize("levers", [dict(shift=0.3), dict(kiosk_adoption=0.9),
                                    dict(pause_cross_sell=True), dict(kiosks=0)])
def test_predicted_change_inside_the_simulated_interval(ds: Dataset, levers: dict) -> None:
    """A week of H01: the formulas' change in mean wait at the same counters lies inside the
    simulator's paired 95% interval of that change (40 simulated weeks each)."""
    r = evaluate(ds, "H01", _fc(ds, "H01", 7), **levers)
    c = simulate_change(ds, "H01", r, replications=40)
    change = c.loc["change"]
    assert change["low"] <= change["predicted"] <= change["high"], c
    assert c.loc["before", "low"] - 0.1 <= c.loc["before", "predicted"] <= c.loc["before", "high"] + 0.1


def test_hall_without_kiosks_and_full_adoption(ds: Dataset) -> None:
    no_kiosk = evaluate(ds, "H06", _fc(ds, "H06"), kiosk_adoption=1.0)  # H06 has none
    assert no_kiosk.after.staff_hours == pytest.approx(no_kiosk.before.staff_hours)
    added = evaluate(ds, "H06", _fc(ds, "H06"), kiosks=2, kiosk_adoption=1.0)
    assert added.after.staff_hours < added.before.staff_hours
    full = evaluate(ds, "H01", _fc(ds, "H01"), kiosk_adoption=1.0)
    assert full.after.mean_wait < full.before.mean_wait
    assert (full.requirements_after["kiosk_arrivals"] > 0).any()


def test_shift_outside_opening_hours_is_refused(ds: Dataset) -> None:
    with pytest.raises(InfeasibleError, match="the hall is open"):
        evaluate(ds, "H01", _fc(ds, "H01"), shift=0.2, shift_to=(21 * 60, 22 * 60))


def test_open_seven_days_hall(ds: Dataset) -> None:
    hall = ds.hall("H01")
    assert all(h.is_open for h in hall.hours)
    r = evaluate(ds, "H01", _fc(ds, "H01", 7), shift=0.2)
    assert r.requirements_after["interval_start"].dt.day_of_week.nunique() == 7


def test_poster_files(tmp_path: Path, ds: Dataset) -> None:
    idx = pd.date_range("2026-11-23 09:00", periods=40, freq="15min")
    frame = pd.DataFrame({"interval_start": idx, "arrivals": np.arange(40) % 7 + 1.0,
                          "mean_wait": np.arange(40) % 5 + 0.5})
    poster = render_poster(frame, tmp_path / "p", hall_name="测试营业厅 Test")
    assert [p.suffix for p in poster.files] == [".png", ".svg", ".pdf"]
    assert (tmp_path / "p.pdf").read_bytes()[:5] == b"%PDF-"
    assert all(p.stat().st_size > 5000 for p in poster.files)


@pytest.mark.slow
def test_cli_on_every_sample_hall(ds: Dataset, sample_dir: Path, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    for hall in ds.halls:
        out = tmp_path / hall
        assert main(["nudges", "--data", str(sample_dir), "--hall", hall, "--out", str(out)]) == 0
        msgs = pd.read_csv(out / "messages.csv")
        assert set(msgs["language"]) == {"zh", "en"} and len(msgs) >= 12
        assert (out / "poster.pdf").is_file()
    assert main(["whatif", "--data", str(sample_dir), "--hall", "H01", "--days", "2",
                 "--shift", "0.2", "--kiosk-adoption", "0.5"]) == 0
    assert "staff_hours" in capsys.readouterr().out
    assert main(["whatif", "--data", str(sample_dir), "--hall", "H06", "--days", "2",
                 "--shift", "0.2", "--next-day-share", "0.5", "--kiosk-search", "2",
                 "--fast-lane", "--emergency", "--demand-factor", "1.2", "--check",
                 "--replications", "5"]) == 0
    out = capsys.readouterr().out
    assert "kiosks: 0 now, recommended" in out and "fast lane" in out
    assert "emergency counter" in out and "manager_hours" in out and "simulated" in out
    assert main(["whatif", "--data", str(sample_dir), "--hall", "H06", "--replications", "1",
                 "--kiosk-search", "-1"]) == 2
    captured = capsys.readouterr()
    assert "--replications 1 must be >= 2" in captured.err and "--kiosk-search -1" in captured.err
    assert "before" not in captured.out  # refused before any work
    assert main(["whatif", "--data", str(sample_dir), "--hall", "H01", "--shift", "0.2",
                 "--shift-to", "21:00-22:00"]) == 2
    assert "the hall is open" in capsys.readouterr().err


@pytest.mark.parametrize("lever", ["none", "adoption_as_now", "kiosks_as_now", "pause",
                                   "adoption", "one_more_kiosk"])
def test_after_reuses_before_only_when_no_lever_changes(ds: Dataset, lever: str) -> None:
    """The after side equals a forced recomputation of the after requirements (the same
    SIPP call with the lever's policy), whether or not ``evaluate`` reuses the before
    frame; and handing in the before frame (as the app does, from ``hall_requirements``)
    changes nothing. Fails when the reuse ignores the pause or the kiosk count (tried)."""
    from queueopt.hall_inputs import hall_inputs
    from queueopt.requirements import PeakPolicy, hall_requirements, requirements_for
    from queueopt.whatif import _figures

    hall = "H05"
    fc = _fc(ds, hall, days=1)
    inputs = hall_inputs(ds, hall)
    levers: dict = {"none": {}, "adoption_as_now": {"kiosk_adoption": inputs.kiosk_adoption},
                    "kiosks_as_now": {"kiosks": inputs.kiosks},
                    "pause": {"pause_cross_sell": True}, "adoption": {"kiosk_adoption": 0.9},
                    "one_more_kiosk": {"kiosks": inputs.kiosks + 1}}[lever]
    r = evaluate(ds, hall, fc, **levers)
    inputs_after = inputs.with_kiosks(levers.get("kiosks", inputs.kiosks))
    policy = PeakPolicy(kiosk_adoption=levers.get("kiosk_adoption"),
                        cross_sell_paused="all" if levers.get("pause_cross_sell") else frozenset())
    forced = requirements_for(inputs_after, fc, method="sipp", policy=policy)
    pd.testing.assert_frame_equal(r.requirements_after, forced)
    b = r.requirements_before
    _, scv = mix_moments(inputs.shares, inputs.handle_minutes(True), inputs.cv)
    counters = np.maximum(b["required"].to_numpy(), 1)
    t = inputs.target
    assert r.after == _figures(forced, counters, float(scv), t.threshold, t.service_level,
                               inputs.interval_minutes, inputs.patience)
    shared = evaluate(ds, hall, fc, **levers,
                      requirements_before=hall_requirements(ds, hall, fc, method="sipp"))
    assert (shared.before, shared.after) == (r.before, r.after)
    if lever in ("pause", "adoption", "one_more_kiosk"):
        assert r.after != r.before
