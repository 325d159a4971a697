"""Hostile and messy input: every kind gets exit code 2, no traceback, file/row/column named.

Each case corrupts a trimmed copy of the bundled sample (two halls, their
staff, their last three days of tickets) the way a confused user or an
attacker would, runs ``queueopt validate`` (or the command named) and checks
that the message names where the problem is, that nothing escaped the
output folder, and that nothing raised. A property-based fuzz then throws
random corruptions at :func:`queueopt.io.load_dataset`, which may only
return a dataset or raise :class:`DataError`.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from queueopt.cli import main
from queueopt.errors import DataError
from queueopt.export import (
    FORMULA_STARTS,
    csv_bytes,
    escape_markdown,
    excel_bytes,
    write_csv,
)
from queueopt.io import load_dataset
from queueopt.schema import MAX_FILE_BYTES, MAX_STAFF_PER_HALL, output_dir
from queueopt.store import Store, StoreError
from queueopt.upload import STAGING_PREFIX, stage_upload

ROOT = Path(__file__).resolve().parents[1]
HALLS = ("H01", "H02")


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory, sample_dir: Path) -> Path:
    """A trimmed copy of the sample: halls H01 and H02, their staff, three days of tickets."""
    out = tmp_path_factory.mktemp("small")
    halls = pd.read_csv(sample_dir / "halls.csv", dtype=str, keep_default_na=False)
    halls[halls["hall_id"].isin(HALLS)].to_csv(out / "halls.csv", index=False)
    staff = pd.read_csv(sample_dir / "staff.csv", dtype=str, keep_default_na=False)
    staff[staff["hall_id"].isin(HALLS)].to_csv(out / "staff.csv", index=False)
    t = pd.read_csv(sample_dir / "tickets.csv.gz", dtype=str, keep_default_na=False)
    t = t[t["hall_id"].isin(HALLS) & (t["issued_at"] >= "2026-11-20")]
    t.to_csv(out / "tickets.csv", index=False)
    for name in ("transactions.csv", "policy.toml"):
        (out / name).write_bytes((sample_dir / name).read_bytes())
    # no bad ticket row tolerated: each hostile row must be refused and pointed at
    policy = out / "policy.toml"  # its first line is a comment: the key takes it (lines unchanged)
    lines = policy.read_bytes().split(b"\n")
    assert lines[0].startswith(b"#")
    policy.write_bytes(b"\n".join([b"max_bad_share = 0", *lines[1:]]))
    return out


def _copy(src: Path, dst: Path) -> Path:
    dst.mkdir(parents=True, exist_ok=True)
    for f in src.iterdir():
        (dst / f.name).write_bytes(f.read_bytes())
    return dst


# ------------------------------------------------------------ corruptions
def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _write_rows(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def _set_cell(d: Path, file: str, line: int, column: str, value: str) -> None:
    rows = _rows(d / file)
    rows[line - 1][rows[0].index(column)] = value
    _write_rows(d / file, rows)


def cell(file: str, column: str, value: str, line: int = 2,
         fragment: str = "") -> Callable[[Path], tuple[str, int | None, str | None, str]]:
    """Set one cell; the problem is expected at that file, line and column."""
    def corrupt(d: Path) -> tuple[str, int | None, str | None, str]:
        _set_cell(d, file, line, column, value)
        return file, line, column, fragment
    return corrupt


def policy(old: str, new: str, column: str,
           fragment: str = "") -> Callable[[Path], tuple[str, int | None, str | None, str]]:
    """Replace a line of policy.toml; the problem is expected at that key."""
    def corrupt(d: Path) -> tuple[str, int | None, str | None, str]:
        text = (d / "policy.toml").read_text(encoding="utf-8")
        assert old in text, old
        text = text.replace(old, new)
        (d / "policy.toml").write_text(text, encoding="utf-8")
        return "policy.toml", _line_of(text, f"[{column}]" if "_" not in column else new), \
            column, fragment
    return corrupt


def _line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def write(file: str, data: bytes | str, where: tuple[int | None, str | None],
          fragment: str = "") -> Callable[[Path], tuple[str, int | None, str | None, str]]:
    """Replace a whole file."""
    def corrupt(d: Path) -> tuple[str, int | None, str | None, str]:
        (d / file).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return file, where[0], where[1], fragment
    return corrupt


def _header_only(file: str) -> Callable[[Path], tuple[str, int | None, str | None, str]]:
    def corrupt(d: Path) -> tuple[str, int | None, str | None, str]:
        header = (d / file).read_text(encoding="utf-8").splitlines()[0]
        (d / file).write_text(header + "\n", encoding="utf-8")
        return file, None, None, "no data rows"
    return corrupt


def _empty_beside_full(d: Path) -> tuple[str, int | None, str | None, str]:
    full = (d / "tickets.csv").read_bytes()
    (d / "tickets.csv.gz").write_bytes(gzip.compress(full))
    (d / "tickets.csv").write_text(full.decode().splitlines()[0] + "\n", encoding="utf-8")
    return "tickets.csv", None, None, "both tickets.csv and tickets.csv.gz"


def _duplicate_column(d: Path) -> tuple[str, int | None, str | None, str]:
    rows = _rows(d / "halls.csv")
    _write_rows(d / "halls.csv", [r + [r[rows[0].index("counters")] if i else "counters"]
                                  for i, r in enumerate(rows)])
    return "halls.csv", 1, "counters", "appears twice"


def _mixed_time_zones(d: Path) -> tuple[str, int | None, str | None, str]:
    _set_cell(d, "tickets.csv", 2, "issued_at", "2026-11-20T08:31:05+08:00")
    _set_cell(d, "tickets.csv", 3, "issued_at", "2026-11-20T00:32:20Z")
    return "tickets.csv", 3, "issued_at", "time zone"


def _several_policy_errors(d: Path) -> tuple[str, int | None, str | None, str]:
    text = (d / "policy.toml").read_text(encoding="utf-8")
    text = text.replace("service_level = 0.80", "service_level = 1.0")
    text = text.replace("meal_break_minutes = 30", "meal_break_minutes = -30")
    (d / "policy.toml").write_text(text, encoding="utf-8")
    return ("policy.toml", _line_of(text, "meal_break_minutes = -30"),
            "shifts.meal_break_minutes", "must be in [0, 120]")


def _two_empty_staff_ids(d: Path) -> tuple[str, int | None, str | None, str]:
    _set_cell(d, "staff.csv", 2, "staff_id", "")
    _set_cell(d, "staff.csv", 4, "staff_id", "")
    return "staff.csv", 4, "staff_id", "staff_id is empty"


def _oversized(file: str, table: str) -> Callable[[Path], tuple[str, int | None, str | None, str]]:
    def corrupt(d: Path) -> tuple[str, int | None, str | None, str]:
        with (d / file).open("r+b") as fh:  # a sparse file: as large as claimed, instant to make
            fh.truncate(MAX_FILE_BYTES[table] + 1)
        return file, None, None, "the limit for"
    return corrupt


def _gzip_bomb(d: Path) -> tuple[str, int | None, str | None, str]:
    header = (d / "halls.csv").read_bytes().splitlines()[0] + b"\n"
    (d / "halls.csv").unlink()
    (d / "halls.csv.gz").write_bytes(gzip.compress(header + b"," * (MAX_FILE_BYTES["halls"] + 10)))
    return "halls.csv.gz", None, None, "unpacks to more than"


def _long_span(d: Path) -> tuple[str, int | None, str | None, str]:
    _set_cell(d, "tickets.csv", 5, "issued_at", "1995-01-01 09:00:00")
    _set_cell(d, "tickets.csv", 5, "abandoned", "1")
    _set_cell(d, "tickets.csv", 5, "abandoned_at", "1995-01-01 09:10:00")
    return "tickets.csv", 5, "issued_at", "spans"


def _crowded_hall(d: Path) -> tuple[str, int | None, str | None, str]:
    rows = _rows(d / "staff.csv")
    col = rows[0].index("staff_id")
    extra = [[*r[:col], f"X{i}", *r[col + 1:]] for i, r in
             enumerate([rows[1]] * (MAX_STAFF_PER_HALL + 1))]
    _write_rows(d / "staff.csv", rows[:1] + extra + rows[1:])
    return "staff.csv", MAX_STAFF_PER_HALL + 2, "hall_id", "more than"


def _missing_halls(d: Path) -> tuple[str, int | None, str | None, str]:
    (d / "halls.csv").unlink()
    return "halls.csv", None, None, "missing"


def _footfall_coarser(d: Path) -> tuple[str, int | None, str | None, str]:
    (d / "tickets.csv").unlink()
    (d / "footfall.csv").write_text(
        "hall_id,interval_start,arrivals\nH01,2026-11-20 09:00,4\nH01,2026-11-20 09:30,5\n"
        "H02,2026-11-20 09:00,3\nH02,2026-11-20 09:30,2\n", encoding="utf-8")
    return "footfall.csv", None, "interval_start", "30-minute intervals"


TS = "issued_at"
CASES: dict[str, Callable[[Path], tuple[str, int | None, str | None, str]]] = {
    # dates a later step cannot handle
    "ticket dated 9999": cell("tickets.csv", TS, "9999-01-01 09:00:00", 3, "outside"),
    "ticket dated 2200": cell("tickets.csv", TS, "2200-05-01 09:00:00", 3, "outside"),
    "ticket dated 1700": cell("tickets.csv", TS, "1700-05-01 09:00:00", 3, "outside"),
    "ticket log spanning decades": _long_span,
    "mixed time zones": _mixed_time_zones,
    "calendar dated 2200": write("calendar.csv", "date,kind\n2200-01-01,holiday\n",
                                 (2, "date"), "outside"),
    "unavailability dated 9999": cell("staff.csv", "unavailable", "9999-01-01", 2, "outside"),
    "preference day 1700": cell("staff.csv", "preferences", "off:1700-01-01", 3, "outside"),
    # policy: every rule a later step relies on
    "unknown holiday country": policy('holiday_country = "CN"', 'holiday_country = "ZZ"',
                                      "holiday_country", "'ZZ'"),
    "service level 1.0": policy("service_level = 0.80", "service_level = 1.0",
                                "target.service_level", "[0, 1)"),
    "max occupancy 0": policy("max_occupancy = 0.90", "max_occupancy = 0",
                              "target.max_occupancy", "(0, 1]"),
    "short break every 0 hours": policy("short_break_every_hours = 4",
                                        "short_break_every_hours = 0",
                                        "shifts.short_break_every_hours"),
    "meal break -30": policy("meal_break_minutes = 30", "meal_break_minutes = -30",
                             "shifts.meal_break_minutes"),
    "interval 15min as text": policy("interval_minutes = 15", 'interval_minutes = "15min"',
                                     "interval_minutes", "5, 10, 15, 30 or 60"),
    "interval 7": policy("interval_minutes = 15", "interval_minutes = 7", "interval_minutes"),
    "threshold inf": policy("threshold_minutes = 10", "threshold_minutes = inf",
                            "target.threshold_minutes", "finite"),
    "service level as text": policy("service_level = 0.80", 'service_level = "high"',
                                    "target.service_level", "not a number"),
    "negative patience": policy("patience_minutes = 45", "patience_minutes = -5",
                                "patience_minutes"),
    "min hours above max hours": policy("min_hours = 4", "min_hours = 10", "shifts",
                                        "max_length"),
    "more staff on duty than a hall has": policy("min_staff_on_duty = 2", "min_staff_on_duty = 400",
                                                 "labour.min_staff_on_duty", "never be met"),
    "unknown policy section": policy("[labour]", "[lab0ur]", "lab0ur", "unknown"),
    "invalid TOML": write("policy.toml", "service_level = = 1\n", (1, None), "TOML"),
    "several policy errors": _several_policy_errors,
    # tables: one file each, never empty, no duplicate or blank columns
    "header-only tickets.csv": _header_only("tickets.csv"),
    "header-only halls.csv": _header_only("halls.csv"),
    "empty tickets.csv beside full tickets.csv.gz": _empty_beside_full,
    "duplicate counters column": _duplicate_column,
    "blank column name": write("calendar.csv", "date,,kind\n2026-11-01,x,holiday\n",
                               (1, "#2"), "no name"),
    "empty file": write("staff.csv", "", (None, None), "empty"),
    "UTF-16 file": write("transactions.csv", "transaction_type,name\n".encode("utf-16"),
                         (1, None), "UTF-8"),
    "binary garbage": write("transactions.csv", bytes(range(256)) * 4, (2, None), "UTF-8"),
    "missing halls.csv": _missing_halls,
    # numbers: finite, within the documented limits
    "inf counters": cell("halls.csv", "counters", "inf", 2, "finite"),
    "inf handling time": cell("transactions.csv", "mean_minutes", "-inf", 3, "finite"),
    "nan staff hours": cell("staff.csv", "max_hours_week", "nan", 2, "not a number"),
    "mean_minutes 0 alone": cell("transactions.csv", "mean_minutes", "0", 2, "must be > 0"),
    "counters 1e7": cell("halls.csv", "counters", "1e7", 2, "limit of 500"),
    "kiosks 1e9": cell("halls.csv", "kiosks", "1e9", 3, "limit of 500"),
    "kiosks 501": cell("halls.csv", "kiosks", "501", 2, "limit of 500"),
    "VIP counters above counters": cell("halls.csv", "vip_counters", "17", 2, "VIP"),
    "a hall with too many staff": _crowded_hall,
    "staff hours 1000": cell("staff.csv", "max_hours_week", "1000", 3, "limit"),
    "footfall 1e12 arrivals": write("footfall.csv",
                                    "hall_id,interval_start,arrivals\nH01,2026-11-20 09:00,"
                                    "1000000000000\n", (2, "arrivals"), "limit"),
    "footfall coarser than the planning slot": _footfall_coarser,
    "halls.csv over its size limit": _oversized("halls.csv", "halls"),
    "tickets.csv over its size limit": _oversized("tickets.csv", "tickets"),
    "gzip bomb": _gzip_bomb,
    # messages that say where
    "availability 25:00": cell("staff.csv", "unavailable", "2026-11-24 25:00-26:00", 2, "25:00"),
    "two empty staff ids": _two_empty_staff_ids,
    "empty ticket id": cell("tickets.csv", "ticket_id", "", 4, "empty"),
    "hall closed all week": cell("halls.csv", "hours_mon", "closed", 2, ""),
    # identifiers are data, never paths
    "hall id ../../x": cell("halls.csv", "hall_id", "../../x", 2, "safe id"),
    "hall id absolute path": cell("halls.csv", "hall_id", "/tmp/evil", 2, "safe id"),
    "hall id URL": cell("halls.csv", "hall_id", "http://127.0.0.1/x", 2, "safe id"),
    "hall id ..": cell("halls.csv", "hall_id", "..", 2, "safe id"),
    "hall id CON": cell("halls.csv", "hall_id", "CON", 2, "safe id"),
    "hall id with a backslash": cell("halls.csv", "hall_id", "a\\..\\b", 2, "safe id"),
    "hall name with a newline": cell("halls.csv", "name", "Tianhe\nInjected", 2, "control"),
    "hall name of 1 MB": cell("halls.csv", "name", "x" * 1_000_000, 2, "characters long"),
}


def test_at_least_forty_kinds() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("kind", sorted(CASES))
def test_hostile_input_is_refused_precisely(kind: str, small: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    d = _copy(small, tmp_path / "data")
    if kind == "hall closed all week":
        for day in ("tue", "wed", "thu", "fri", "sat", "sun"):
            _set_cell(d, "halls.csv", 2, f"hours_{day}", "closed")
    file, row, column, fragment = CASES[kind](d)
    before = sorted(p for p in tmp_path.rglob("*"))
    code = main(["validate", str(d)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    where = file + (f", row {row}" if row is not None else "") + (
        f", column {column!r}" if column is not None else "")
    lines = [line for line in err.splitlines() if where + ":" in line or
             (row is None and line.strip().startswith(where))]
    assert lines, f"{where!r} not in:\n{err}"
    assert any(fragment in line for line in lines), err
    assert sorted(p for p in tmp_path.rglob("*")) == before  # validate writes nothing


def test_mean_minutes_zero_is_one_problem_not_twenty(small: Path, tmp_path: Path) -> None:
    d = _copy(small, tmp_path)
    cell("transactions.csv", "mean_minutes", "0")(d)
    with pytest.raises(DataError) as err:
        load_dataset(d)
    assert [(p.file, p.row, p.column) for p in err.value.problems] == [
        ("transactions.csv", 2, "mean_minutes")]


def test_every_policy_error_at_once(small: Path, tmp_path: Path) -> None:
    d = _copy(small, tmp_path)
    _several_policy_errors(d)
    policy('holiday_country = "CN"', 'holiday_country = "ZZ"', "holiday_country")(d)
    with pytest.raises(DataError) as err:
        load_dataset(d)
    columns = {p.column for p in err.value.problems}
    assert {"target.service_level", "shifts.meal_break_minutes", "holiday_country"} <= columns


def test_every_empty_staff_id_is_named(small: Path, tmp_path: Path) -> None:
    d = _copy(small, tmp_path)
    _two_empty_staff_ids(d)
    with pytest.raises(DataError) as err:
        load_dataset(d)
    rows = {p.row for p in err.value.problems if p.column == "staff_id"}
    assert rows == {2, 4}


def test_subprocess_never_prints_a_traceback(small: Path, tmp_path: Path) -> None:
    d = _copy(small, tmp_path)
    CASES["ticket dated 9999"](d)
    CASES["unknown holiday country"](d)
    proc = subprocess.run([sys.executable, "-m", "queueopt", "validate", str(d)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "tickets.csv, row 3, column 'issued_at'" in proc.stderr
    assert "policy.toml, row 3, column 'holiday_country'" in proc.stderr


@pytest.mark.parametrize("kind", ["halls.csv over its size limit", "tickets.csv over its size limit",
                                  "gzip bomb", "kiosks 1e9", "counters 1e7"])
def test_size_limits_refuse_quickly(kind: str, small: Path, tmp_path: Path) -> None:
    """A bound, not a figure: benchmarks/bench_limits.py measures the times."""
    d = _copy(small, tmp_path)
    CASES[kind](d)
    t0, c0 = time.perf_counter(), time.process_time()
    with pytest.raises(DataError):
        load_dataset(d)
    # CPU time: what the refusal costs; wall-clock only guards against a hang (shared cores)
    assert time.process_time() - c0 < 2.0
    assert time.perf_counter() - t0 < 20.0


# ----------------------------------------------------- commands and output
def _outside(tmp_path: Path) -> set[Path]:
    return {p for p in tmp_path.parent.rglob("*") if tmp_path not in p.parents and p != tmp_path}


def test_plan_region_with_traversal_ids_writes_nothing_outside_out(
        small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = _copy(small, tmp_path / "data")
    _set_cell(d, "halls.csv", 2, "hall_id", "../../x")
    _set_cell(d, "halls.csv", 3, "hall_id", str(tmp_path.parent / "abs"))
    before = _outside(tmp_path)
    code = main(["plan-region", "--data", str(d), "--out", str(tmp_path / "out"), "--workers", "1",
                 "--time-limit", "1"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "halls.csv, row 2, column 'hall_id'" in err
    assert "halls.csv, row 3, column 'hall_id'" in err
    assert _outside(tmp_path) == before
    assert not (tmp_path / "out").exists()


def test_output_dir_refuses_escapes(tmp_path: Path) -> None:
    assert output_dir(tmp_path, "H01") == (tmp_path / "H01").resolve()
    for bad in ("../x", "../../x", "/etc", "http://x/y", "..", "a/b", ""):
        with pytest.raises(ValueError, match="hall_id"):
            output_dir(tmp_path, bad)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "H01").symlink_to(tmp_path / "elsewhere")  # planted inside --out
    with pytest.raises(ValueError, match="outside"):
        output_dir(tmp_path / "out", "H01")


@pytest.mark.parametrize("command", [["plan", "--hall", "H01"], ["plan-region"]])
def test_out_at_an_existing_file_is_a_message(command: list[str], small: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "taken.txt"
    target.write_text("mine", encoding="utf-8")
    code = main([command[0], "--data", str(small), *command[1:], "--out", str(target)])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and "is a file" in err
    assert target.read_text(encoding="utf-8") == "mine"


def test_plan_for_a_traversal_hall_is_refused(small: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["plan", "--data", str(small), "--hall", "../../x", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and "not in halls.csv" in err
    assert not (tmp_path / "o").exists()


# ------------------------------------------------------------- exports
HOSTILE_TEXT = ['=HYPERLINK("http://x","click")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR",
                "plain", "=1;=2"]


def _frame() -> pd.DataFrame:
    return pd.DataFrame({"name": HOSTILE_TEXT, "delta": [-3, -1.5, 0, 2, -7, 1, 4, 5],
                         "when": pd.date_range("2026-11-23", periods=8, freq="h")})


def test_csv_export_is_inert_and_keeps_negative_numbers() -> None:
    text = csv_bytes(_frame().rename(columns={"delta": "=delta"})).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 9  # a carriage return inside a cell does not split its row
    assert rows[0][1] == "'=delta"
    for row in rows:  # the text column and the header; the numbers are checked below
        assert not row[0].startswith(FORMULA_STARTS), row
    assert not any(v.startswith(FORMULA_STARTS) for v in rows[0])
    back = pd.read_csv(io.StringIO(text))
    assert list(back["'=delta"]) == [-3, -1.5, 0, 2, -7, 1, 4, 5]  # numbers stay numbers
    assert back["name"].iloc[0] == "'" + HOSTILE_TEXT[0]


def test_excel_export_has_no_formula_cells() -> None:
    book = openpyxl.load_workbook(io.BytesIO(excel_bytes({"Region": _frame(), "Kiosks": _frame()})))
    for ws in book.worksheets:
        for row in ws.iter_rows(min_row=2):
            name, delta = row[0], row[1]
            assert name.data_type == "s", name.value
            assert delta.data_type == "n" and isinstance(delta.value, (int, float))
        # exact text, shown as text (XML stores a carriage return as a line feed)
        assert [c.value for c in ws["A"]][1:] == [v.replace("\r", "\n") for v in HOSTILE_TEXT]
        assert all(c.quotePrefix for c in ws["A"][1:] if c.value.startswith(("=", "+", "-", "@")))


def test_every_writer_goes_through_the_export_module() -> None:
    """No CSV or Excel writer in the package bypasses queueopt.export (synth and ingest write
    input data, which must read back exactly)."""
    offenders = []
    for path in (ROOT / "queueopt").rglob("*.py"):
        if path.name in ("export.py", "synth.py", "ingest.py"):
            continue
        text = path.read_text(encoding="utf-8")
        for n, line in enumerate(text.splitlines(), 1):
            if ".to_csv(" in line:  # CSV goes through write_csv / csv_bytes
                offenders.append(f"{path.relative_to(ROOT)}:{n}")
            # an Excel writer is fine only in a file that neutralises its workbook
            if (".to_excel(" in line or "ExcelWriter(" in line) and "inert_workbook(" not in text:
                offenders.append(f"{path.relative_to(ROOT)}:{n} (Excel)")
    assert not offenders, offenders


def test_written_roster_files_are_inert(small: Path, tmp_path: Path) -> None:
    """plan's own writers: a staff id and a hall name starting with '=' stay text."""
    from queueopt.pipeline import write_roster_excel

    plan = SimpleNamespace(
        week=list(pd.date_range("2026-11-23", periods=7).date),
        roster=pd.DataFrame({"staff_id": ["=EVIL()"], "date": ["2026-11-23"], "start": ["09:00"]}),
        counters=pd.DataFrame({"interval_start": pd.to_datetime(["2026-11-23 09:00"]),
                               "open": [-1]}),
        summary={"hall": '=HYPERLINK("http://x")'},
        schedule=SimpleNamespace(shifts=[]))
    write_roster_excel(plan, tmp_path / "r.xlsx")  # type: ignore[arg-type]
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
    assert book["Counters"]["B2"].value == -1


def test_markdown_is_escaped() -> None:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark")
    for text in ("![t](http://127.0.0.1:9999/track.png)", "[click](http://x)",
                 "<img src=x onerror=alert(1)>", "**bold** _it_ `code`", "# heading"):
        html = md.render(escape_markdown(text))
        assert "<img" not in html and "<a " not in html and "<strong" not in html
        assert "<em" not in html and "<code" not in html and "<h1" not in html


def test_write_csv_to_a_path(tmp_path: Path) -> None:
    write_csv(_frame(), tmp_path / "x.csv", index=False)
    assert "'=HYPERLINK" in (tmp_path / "x.csv").read_text(encoding="utf-8")


# --------------------------------------------------------------- store
@pytest.mark.parametrize("address", ["mysql://u:s3cret@h/db", "mongodb+srv://u:s3cret@h/db",
                                     "http://u:s3cret@h/x", ":memory:", "sqlite:///:memory:",
                                     "sqlite:///"])
def test_store_refuses_other_addresses_without_echoing_passwords(
        address: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QUEUEOPT_DB", address)
    with pytest.raises(StoreError) as err:
        Store()
    assert "s3cret" not in str(err.value)
    assert list(tmp_path.iterdir()) == []  # no file or folder named after the address


def test_store_sqlite_url_is_a_file_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QUEUEOPT_DB", "sqlite:///some/file.sqlite")
    store = Store()
    store.save("roster", "x", {"a": 1}, base_version=None)
    assert (tmp_path / "some" / "file.sqlite").is_file()
    assert not (tmp_path / "sqlite:").exists()
    monkeypatch.setenv("QUEUEOPT_DB", f"sqlite:///{tmp_path}/abs.sqlite")
    Store()
    assert (tmp_path / "abs.sqlite").is_file()


@pytest.mark.parametrize("content", [b"not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 200])
def test_store_on_a_non_sqlite_file_is_a_message(content: bytes, tmp_path: Path) -> None:
    (tmp_path / "bad.sqlite").write_bytes(content)
    with pytest.raises(StoreError, match="cannot be used|cannot open"):
        Store(tmp_path / "bad.sqlite")


def test_store_on_a_folder_is_a_message(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="folder"):
        Store(tmp_path)


# --------------------------------------------------------------- upload
def _staging_folders() -> set[Path]:
    import tempfile

    return set(Path(tempfile.gettempdir()).glob(STAGING_PREFIX + "*"))


def test_gz_upload_replaces_the_plain_table(small: Path) -> None:
    halls = (small / "halls.csv").read_text(encoding="utf-8").replace("Tianhe Flagship", "Renamed")
    staged = stage_upload({"halls.csv.gz": gzip.compress(halls.encode())}, small)
    try:
        assert staged.dataset.hall("H01").name == "Renamed"
        assert not (staged.folder / "halls.csv").exists()
    finally:
        import shutil

        shutil.rmtree(staged.folder)


def test_failed_upload_leaves_no_folder_and_names_the_problem(small: Path) -> None:
    before = _staging_folders()
    bad = (small / "halls.csv").read_text(encoding="utf-8").replace(",16,", ",1e9,")
    with pytest.raises(DataError) as err:
        stage_upload({"halls.csv": bad.encode()}, small)
    assert any(p.file == "halls.csv" and p.column == "counters" for p in err.value.problems)
    with pytest.raises(DataError):
        stage_upload({"../../etc/passwd": b"x"}, small)
    assert _staging_folders() == before


# ------------------------------------------------------------------ fuzz
_NASTY = st.one_of(
    st.sampled_from(["", "inf", "-inf", "nan", "1e309", "-1", "0", "1e9", "9999-12-31 23:59:59",
                     "1700-01-01", "2026-11-20T09:00+08:00", "25:00-26:00", "../../x", "=1+1",
                     "\x00", "\"", ",", "\n", "closed", "2026-02-30 10:00", "１２", "NaT", "True"]),
    st.text(max_size=12),
)


@st.composite
def corruptions(draw: st.DrawFn) -> tuple[str, str, int, int, str]:
    file = draw(st.sampled_from(["halls.csv", "transactions.csv", "staff.csv", "tickets.csv",
                                 "policy.toml"]))
    how = draw(st.sampled_from(["cell", "cell", "cell", "drop_line", "dup_line", "truncate",
                                "bytes"]))
    return file, how, draw(st.integers(0, 30)), draw(st.integers(0, 20)), draw(_NASTY)


def _apply(d: Path, file: str, how: str, line: int, col: int, value: str) -> None:
    path = d / file
    raw = path.read_bytes()
    if how == "truncate":
        path.write_bytes(raw[: len(raw) * line // 31])
        return
    if how == "bytes":
        k = len(raw) * line // 31
        path.write_bytes(raw[:k] + value.encode("utf-8", "surrogateescape") + raw[k:])
        return
    lines = raw.decode("utf-8", "surrogateescape").split("\n")
    i = line % len(lines)
    if how == "drop_line":
        del lines[i]
    elif how == "dup_line":
        lines.insert(i, lines[i])
    elif file.endswith(".toml"):
        if "=" in lines[i]:
            lines[i] = lines[i].split("=")[0] + "= " + value
    else:
        cells = (next(csv.reader(io.StringIO(lines[i], newline="")), []) if lines[i] else []) or [""]
        cells[col % len(cells)] = value
        buf = io.StringIO()
        csv.writer(buf, lineterminator="").writerow(cells)
        lines[i] = buf.getvalue()
    path.write_bytes("\n".join(lines).encode("utf-8", "surrogateescape"))


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(corruptions(), min_size=1, max_size=3))
def test_fuzz_validate_never_raises_anything_but_data_error(
        small: Path, tmp_path_factory: pytest.TempPathFactory,
        changes: list[tuple[str, str, int, int, str]]) -> None:
    d = _copy(small, tmp_path_factory.mktemp("fuzz"))
    for change in changes:
        _apply(d, *change)
    try:
        load_dataset(d)
    except DataError as err:
        assert err.problems
        for p in err.problems:
            assert p.file and p.message


def test_app_on_bad_data_shows_a_message_not_a_traceback(
        small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """QUEUEOPT_DATA pointing at invalid data: the Forecast page says so and shows the sample."""
    from streamlit.testing.v1 import AppTest

    d = _copy(small, tmp_path / "bad")
    CASES["unknown holiday country"](d)
    monkeypatch.setenv("QUEUEOPT_DATA", str(d))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.run()
    assert not at.exception
    assert any("holiday" in e.value and "cannot be used" in e.value for e in at.error)


def test_poster_draws_a_hall_name_with_dollar_signs(tmp_path: Path) -> None:
    """Matplotlib reads $...$ as mathtext: a name a$\\x$b made the poster fail."""
    from queueopt.poster import render_poster

    starts = pd.date_range("2026-11-23 09:00", periods=40, freq="15min")
    frame = pd.DataFrame({"interval_start": starts, "arrivals": range(40), "mean_wait": 1.0})
    render_poster(frame, tmp_path / "p", hall_name=r"a$\x$b $\frac{$")
    assert (tmp_path / "p.png").stat().st_size > 0


@pytest.mark.parametrize("argv", [
    ["forecast", "--hall", "H01", "--days", "100000000"],
    ["synth", "--halls", "100000000"],
    ["whatif", "--hall", "H01", "--shift", "5"],
    ["plan", "--hall", "H01", "--week", "9999-01-01"],
    ["plan", "--hall", "H01", "--week", "not a date"],
])
def test_absurd_arguments_are_messages(argv: list[str], small: Path, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    data = [] if argv[0] == "synth" else ["--data", str(small)]
    out = [] if argv[0] == "whatif" else ["--out", str(tmp_path / "o")]
    code = main([argv[0], *data, *argv[1:], *out])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and err.startswith(f"queueopt {argv[0]}: error")
