"""Reading the bundled sample region and the README formats."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from queueopt.errors import DataError
from queueopt.io import Dataset, infer_interval_minutes, load_dataset, open_intervals


@pytest.fixture(scope="module")
def sample(sample_dir: Path) -> Dataset:
    return load_dataset(sample_dir)


def test_sample_region_shape(sample: Dataset) -> None:
    """The issue asks for >= 12 halls of 4-16 counters, 0-6 kiosks, both kinds, 16+ weeks."""
    halls = sample.halls.values()
    assert len(sample.halls) >= 12
    assert min(h.counters for h in halls) == 4 and max(h.counters for h in halls) == 16
    assert min(h.kiosks for h in halls) == 0 and max(h.kiosks for h in halls) == 6
    assert {h.kind for h in halls} == {"main", "cooperative"}
    assert sample.tickets is not None
    first, last = sample.tickets["issued_at"].min(), sample.tickets["issued_at"].max()
    assert (last - first).days >= 16 * 7 - 1
    assert last.date() == dt.date(2026, 11, 22)
    for hall_id in sample.halls:
        assert 8 <= len(sample.staff_of(hall_id)) <= 30


def test_footfall_from_tickets_counts_every_ticket(sample: Dataset) -> None:
    f = sample.footfall_for("H03")
    assert f["arrivals"].sum() == len(sample.tickets_of("H03"))
    assert infer_interval_minutes(f["interval_start"]) == 15
    hourly = sample.footfall_for("H03", interval_minutes=60)
    assert hourly["arrivals"].sum() == f["arrivals"].sum()


def test_footfall_zero_filled_on_open_intervals(sample: Dataset) -> None:
    hall = sample.hall("H01")
    grid = open_intervals(hall, sample.calendar, dt.date(2026, 11, 16), dt.date(2026, 11, 16), 15)
    assert grid[0] == pd.Timestamp("2026-11-16 08:30")
    assert grid[-1] == pd.Timestamp("2026-11-16 19:45")


def test_unknown_hall_is_a_value_error(sample: Dataset) -> None:
    with pytest.raises(ValueError, match="known halls"):
        sample.hall("NOPE")


def test_footfall_csv_is_read_and_aggregated(tmp_path: Path, sample_dir: Path) -> None:
    for name in ("halls.csv", "transactions.csv", "policy.toml"):
        shutil.copy(sample_dir / name, tmp_path / name)
    rows = ["hall_id,interval_start,arrivals"]
    for k in range(12):
        rows.append(f"H01,2026-11-02 {9 + k // 12:02d}:{(k % 12) * 5:02d},{k}")
    (tmp_path / "footfall.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    ds = load_dataset(tmp_path)
    f15 = ds.footfall_for("H01", 15)
    assert list(f15["arrivals"]) == [0 + 1 + 2, 3 + 4 + 5, 6 + 7 + 8, 9 + 10 + 11]


def test_every_problem_reported_at_once(tmp_path: Path, sample_dir: Path) -> None:
    for name in ("halls.csv", "transactions.csv", "policy.toml"):
        shutil.copy(sample_dir / name, tmp_path / name)
    (tmp_path / "footfall.csv").write_text(
        "hall_id,interval_start,arrivals\nH01,2026-11-02 09:00,-3\nHX,2026-11-02 09:15,4\n"
        "H01,not a time,2\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_dataset(tmp_path)
    where = {(p.file, p.row, p.column) for p in err.value.problems}
    assert ("footfall.csv", 2, "arrivals") in where
    assert ("footfall.csv", 3, "hall_id") in where
    assert ("footfall.csv", 4, "interval_start") in where


def test_shared_dataset_views_cannot_be_changed_by_a_caller(sample: Dataset) -> None:
    """The app shares one Dataset between sessions: a caller's change reaches nobody else."""
    first = sample.footfall_for("H01", 15)
    expected = first["arrivals"].to_numpy().copy()
    first.loc[0, "arrivals"] = -999  # a careless caller
    first["extra"] = 1
    again = sample.footfall_for("H01", 15)
    assert (again["arrivals"].to_numpy() == expected).all() and "extra" not in again
    t = sample.tickets_of("H02")
    t.loc[:, "hall_id"] = "changed"
    assert (sample.tickets_of("H02")["hall_id"] == "H02").all()


def test_concurrent_sessions_get_the_same_views(sample: Dataset) -> None:
    import concurrent.futures as cf
    import dataclasses

    fresh = dataclasses.replace(sample)  # a variant starts with its own, empty memo
    assert fresh._views is not sample._views
    with cf.ThreadPoolExecutor(8) as pool:
        frames = list(pool.map(lambda _: fresh.footfall_for("H03", 30), range(16)))
    for f in frames[1:]:
        pd.testing.assert_frame_equal(f, frames[0])


def test_next_week_starts_on_a_monday(sample: Dataset) -> None:
    """Checked against the calendar by hand: 2026-11-22 is a Sunday, 2026-11-23 a Monday."""
    assert sample.next_week_start() == dt.date(2026, 11, 23)
    cut = dataclasses_replace_tickets(sample, "2026-11-21")  # data ending on a Saturday
    assert cut.next_week_start() == dt.date(2026, 11, 23)


def dataclasses_replace_tickets(ds: Dataset, last: str) -> Dataset:
    import dataclasses

    assert ds.tickets is not None
    return dataclasses.replace(ds, tickets=ds.tickets[ds.tickets["issued_at"] < pd.Timestamp(last)
                                                      + pd.Timedelta(days=1)])


def test_a_ten_minute_policy_and_ticket_grid_are_read(tmp_path: Path) -> None:
    """Every slot :class:`queueopt.model.Policy` allows is allowed in ``policy.toml`` too
    (10 minutes was refused there while the planner accepted it)."""
    times = pd.Series(pd.to_datetime(["2026-11-02 09:00", "2026-11-02 09:10",
                                      "2026-11-02 09:20", "2026-11-02 10:00"]))
    assert infer_interval_minutes(times) == 10
    assert infer_interval_minutes(times.iloc[[0, 3]].reset_index(drop=True)) == 60
    data = tmp_path / "d"
    shutil.copytree(Path(__file__).resolve().parents[1] / "data" / "sample", data)
    policy = data / "policy.toml"
    policy.write_text(policy.read_text(encoding="utf-8").replace(
        "interval_minutes = 15", "interval_minutes = 10"), encoding="utf-8")
    assert load_dataset(data).policy.interval_minutes == 10
