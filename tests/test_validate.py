"""``queueopt validate``: each kind of corrupt input gives file, row, column, exit 2, no traceback."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from queueopt.cli import main
from queueopt.synth import generate_region


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small valid dataset with plain (not gzipped) tickets, easy to corrupt by line."""
    region = generate_region(n_halls=2, weeks=1, seed=5)
    out = region.write(tmp_path_factory.mktemp("tiny"))
    import gzip
    text = gzip.decompress((out / "tickets.csv.gz").read_bytes()).decode()
    (out / "tickets.csv.gz").unlink()
    (out / "tickets.csv").write_text(text, encoding="utf-8")
    # no bad row tolerated: each corruption must be refused and pointed at
    # (tests/test_ingest.py and test_quarantine_* below cover setting rows aside)
    policy = out / "policy.toml"
    lines = policy.read_text(encoding="utf-8").split("\n")  # line 1 is a comment: replace it
    policy.write_text("\n".join(["max_bad_share = 0", *lines[1:]]), encoding="utf-8")
    return out


def _copy(src: Path, dst: Path) -> Path:
    for f in src.iterdir():
        (dst / f.name).write_bytes(f.read_bytes())
    return dst


def _edit_line(path: Path, line: int, column: str, value: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[line - 1].split(",")
    cells[header.index(column)] = value
    lines[line - 1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _served_line(path: Path) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    for i, line in enumerate(lines[1:], start=2):
        if line.split(",")[header.index("abandoned")] == "0":
            return i
    raise AssertionError("no served ticket")


def _dup_ticket(d: Path) -> tuple[str, int, str]:
    p = d / "tickets.csv"
    lines = p.read_text(encoding="utf-8").splitlines()
    lines.insert(3, lines[1])
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return "tickets.csv", 4, "ticket_id"


def _missing_column(d: Path) -> tuple[str, int, str]:
    p = d / "halls.csv"
    lines = p.read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0].replace("kiosks", "kiosk_count")
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return "halls.csv", 1, "kiosks"


def _bad_encoding(d: Path) -> tuple[str, int | None, str | None]:
    p = d / "staff.csv"
    p.write_bytes(p.read_text(encoding="utf-8").replace("Li", "Lì").encode("latin-1"))
    return "staff.csv", None, None


def _set(file: str, column: str, value: str, line: int = 2) -> Callable[[Path], tuple[str, int, str]]:
    def corrupt(d: Path) -> tuple[str, int, str]:
        target = _served_line(d / file) if (file == "tickets.csv" and line == -1) else line
        _edit_line(d / file, target, column, value)
        return file, target, column
    return corrupt


CASES: dict[str, Callable[[Path], tuple[str, int | None, str | None]]] = {
    "bad timestamp": _set("tickets.csv", "issued_at", "2026-13-45 25:00"),
    "served_end before called_at": _set("tickets.csv", "served_end", "2000-01-01 00:00:00", -1),
    "called_at before issued_at": _set("tickets.csv", "called_at", "2000-01-01 00:00:00", -1),
    "unknown hall": _set("tickets.csv", "hall_id", "H99"),
    "unknown transaction type": _set("tickets.csv", "transaction_type", "LOTTERY"),
    "bad channel": _set("tickets.csv", "channel", "phone"),
    "bad flag": _set("tickets.csv", "abandoned", "maybe"),
    "duplicate ticket id": _dup_ticket,
    "negative counters": _set("halls.csv", "counters", "-3"),
    "bad opening hours": _set("halls.csv", "hours_mon", "25:00-08:00"),
    "missing column": _missing_column,
    "wrong encoding": _bad_encoding,
    "min above max hours": _set("staff.csv", "min_hours_week", "60"),
    "unknown skill": _set("staff.csv", "skills", "counter;juggling"),
    "staff of unknown hall": _set("staff.csv", "hall_id", "H77"),
    "non-numeric handling time": _set("transactions.csv", "mean_minutes", "fast"),
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_corrupt_input_is_reported_precisely(kind: str, tiny: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    d = _copy(tiny, tmp_path)
    file, row, column = CASES[kind](d)
    code = main(["validate", str(d)])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    expected = file
    if row is not None:
        expected += f", row {row}"
    if column is not None:
        expected += f", column {column!r}"
    assert expected in err, err


def test_negative_footfall_count(tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = _copy(tiny, tmp_path)
    (d / "footfall.csv").write_text("hall_id,interval_start,arrivals\nH01,2026-11-20 09:00,-4\n",
                                    encoding="utf-8")
    assert main(["validate", str(d)]) == 2
    assert "footfall.csv, row 2, column 'arrivals': -4 must be >= 0" in capsys.readouterr().err


def test_bad_policy_value(tiny: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = _copy(tiny, tmp_path)
    text = (d / "policy.toml").read_text().replace("service_level = 0.80", "service_level = 1.7")
    (d / "policy.toml").write_text(text + "\n[mystery]\nx = 1\n")
    assert main(["validate", str(d)]) == 2
    err = capsys.readouterr().err
    line = text.splitlines().index("service_level = 1.7") + 1
    assert f"policy.toml, row {line}, column 'target.service_level': 1.7 must be in [0, 1)" in err
    mystery = len(text.splitlines()) + 2  # after the blank line that text + "\n" makes
    assert f"policy.toml, row {mystery}, column 'mystery'" in err


def test_many_problems_listed_at_once(tiny: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    d = _copy(tiny, tmp_path)
    CASES["unknown hall"](d)
    CASES["negative counters"](d)
    CASES["unknown skill"](d)
    assert main(["validate", str(d)]) == 2
    err = capsys.readouterr().err
    assert "tickets.csv" in err and "halls.csv" in err and "staff.csv" in err


def test_cli_subprocess_exit_code_and_no_traceback(tiny: Path, tmp_path: Path) -> None:
    d = _copy(tiny, tmp_path)
    CASES["bad timestamp"](d)
    proc = subprocess.run([sys.executable, "-m", "queueopt", "validate", str(d)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "tickets.csv, row 2, column 'issued_at'" in proc.stderr


def test_sample_region_is_valid(sample_dir: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "queueopt", "validate", str(sample_dir)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "valid: 12 halls" in proc.stdout


def test_a_few_bad_ticket_rows_are_set_aside(tiny: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """Under policy.toml's max_bad_share the bad rows are listed, written on request, and the
    data is valid; validate writes nothing unless asked."""
    d = _copy(tiny, tmp_path)
    policy = d / "policy.toml"
    policy.write_text(policy.read_text().replace("max_bad_share = 0\n", "max_bad_share = 0.01\n"))
    _edit_line(d / "tickets.csv", 5, "issued_at", "2026-13-45 25:00")
    _edit_line(d / "tickets.csv", 9, "channel", "phone")
    before = sorted(d.iterdir())
    assert main(["validate", str(d)]) == 0
    assert sorted(d.iterdir()) == before
    out = capsys.readouterr().out
    assert "2 set aside" in out and "row 5, column 'issued_at'" in out
    target = tmp_path / "q.csv"
    assert main(["validate", str(d), "--quarantine", str(target)]) == 0
    q = pd.read_csv(target)
    assert list(zip(q["row"], q["column"])) == [(5, "issued_at"), (9, "channel")]
    assert set(q["file"]) == {"tickets.csv"}
