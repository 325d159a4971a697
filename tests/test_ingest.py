"""Import of a real export: mapping, quarantine, clock skew, gaps, weekend.

Expected tickets are read off the fixture's raw records by hand (line numbers
are the lines an editor shows in the unzipped fixture), not from the code.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from queueopt.cli import main
from queueopt.errors import DataError
from queueopt.ingest import import_export, read_mapping
from queueopt.io import load_dataset

FIXTURE = Path(__file__).parent / "fixtures" / "anonymous-bank-1999-02-07_13.txt.gz"
BANK = read_mapping("anonymous-bank")


def _lines() -> list[str]:
    return gzip.decompress(FIXTURE.read_bytes()).decode().splitlines(True)


@pytest.fixture(scope="module")
def bank_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bank")
    import_export([FIXTURE], BANK, "BANK", out)
    return out


def test_records_become_tickets_as_documented(bank_dir: Path) -> None:
    t = pd.read_csv(bank_dir / "tickets.csv", dtype=str, keep_default_na=False).set_index("ticket_id")
    # line 5: queued 8:09:25-8:10:58, served 62 s by YIFAT (service starts 1 s early: skew)
    assert tuple(t.loc["990207-AA0101-34907", ["issued_at", "called_at", "served_end", "server_id",
                                               "abandoned", "tier"]]) == (
        "1999-02-07 08:09:25", "1999-02-07 08:10:58", "1999-02-07 08:12:00", "YIFAT", "0", "regular")
    # line 7: queued 8:30:30, hung up at 8:33:07
    assert tuple(t.loc["990207-AA0101-34909", ["issued_at", "called_at", "abandoned",
                                               "abandoned_at"]]) == (
        "1999-02-07 08:30:30", "", "1", "1999-02-07 08:33:07")
    # line 3: answered without queueing on leaving the menu at 7:22:26, 221 s of service
    assert tuple(t.loc["990207-AA0101-34905", ["issued_at", "called_at", "served_end"]]) == (
        "1999-02-07 07:22:26", "1999-02-07 07:22:26", "1999-02-07 07:26:07")
    # line 8: priority 1 is a regular customer, priority 2 a VIP
    assert t.loc["990207-AA0101-34910", "tier"] == "regular"


def test_every_row_is_accounted_for(bank_dir: Path) -> None:
    report = json.loads((bank_dir / "import_report.json").read_text())
    raw = pd.read_csv(FIXTURE, sep="\t", dtype=str)
    assert report["rows_read"] == len(raw) == 8403
    tickets = pd.read_csv(bank_dir / "tickets.csv")
    quarantine = pd.read_csv(bank_dir / "quarantine.csv")
    assert report["tickets"] == len(tickets)
    assert report["set_aside"] == quarantine["row"].nunique()
    assert len(raw) == len(tickets) + quarantine["row"].nunique() + sum(report["skipped"].values())
    # skip rules counted from the raw records directly
    assert report["skipped"]["PHANTOM outcome (not a call)"] == int((raw["outcome"] == "PHANTOM").sum())
    assert report["clock_skew_tolerated"] > 0


def test_imported_directory_validates_with_the_friday_saturday_weekend(bank_dir: Path) -> None:
    ds = load_dataset(bank_dir)
    assert ds.policy.weekend == ("fri", "sat") and ds.policy.holiday_country == "IL"
    days = [dt.date(1999, 2, d) for d in (7, 11, 12, 13)]  # Sun, Thu, Fri, Sat
    assert ds.calendar.day_kinds(days) == ["workday", "workday", "weekend", "weekend"]
    friday = ds.calendar.hours_on(ds.hall("BANK"), dt.date(1999, 2, 12))
    assert (friday.open_minute, friday.close_minute) == (7 * 60, 14 * 60)
    counts = ds.arrivals_for("BANK", 30)
    assert counts.gap_days == ()
    assert counts.out_of_hours > 0  # calls before 07:00 and after Friday 14:00 are in the log


def test_bad_rows_are_set_aside_and_the_run_goes_on(tmp_path: Path) -> None:
    lines = _lines()
    clean = tmp_path / "clean"
    import_export([FIXTURE], BANK, "BANK", clean)
    already = set(pd.read_csv(clean / "quarantine.csv")["row"])
    corrupt: set[int] = set()
    for k, line_no in enumerate(range(40, len(lines) + 1, 100)):  # 1% of the rows
        f = lines[line_no - 1].rstrip("\n").split("\t")
        if k % 3 == 0:
            f[5] = "99021x"          # date
        elif k % 3 == 1:
            f[12] = "AGNT"           # outcome
        else:
            f[9] = "8:6x:00"         # q_start
        lines[line_no - 1] = "\t".join(f) + "\n"
        corrupt.add(line_no)
    export = tmp_path / "export.txt"
    export.write_text("".join(lines))
    with pytest.raises(DataError) as err:  # 1% is above the default 0.5%
        import_export([export], BANK, "BANK", tmp_path / "refused")
    assert "more than" in str(err.value.problems[-1])
    out = tmp_path / "bank"
    report = import_export([export], BANK, "BANK", out, max_bad_share=0.02)
    q = pd.read_csv(out / "quarantine.csv")
    assert set(q["row"]) == corrupt | already
    assert report.set_aside == len(corrupt | already)
    assert {"date", "outcome", "q_start"} <= set(q["column"])
    ds = load_dataset(out)  # the policy written carries the raised threshold
    assert ds.policy.max_bad_share == 0.02
    # and the staffing runs on it (the benchmark runs the whole plan on the full log)
    assert main(["staff", "--data", str(out), "--hall", "BANK", "--days", "2",
                 "--method", "sipp", "--out", str(tmp_path / "staff.csv")]) == 0
    assert len(pd.read_csv(tmp_path / "staff.csv")) > 0


def test_a_missing_day_is_a_gap_not_zeros(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    lines = _lines()
    export = tmp_path / "export.txt"
    export.write_text("".join(ln for ln in lines if "\t990209\t" not in ln))
    import_export([export], BANK, "BANK", tmp_path / "bank")
    ds = load_dataset(tmp_path / "bank")
    counts = ds.arrivals_for("BANK", 30)
    assert counts.gap_days == (dt.date(1999, 2, 9),)
    assert counts.gap_intervals == 34  # Tuesday 07:00-24:00 in half hours
    history = ds.footfall_for("BANK", 30)
    assert not (history["interval_start"].dt.date == dt.date(1999, 2, 9)).any()
    assert (history["arrivals"] == 0).sum() < 10  # only real quiet half-hours are zero
    # a gap day is no open day of history: six are left, below the forecast's seven
    assert main(["forecast", "--data", str(tmp_path / "bank"), "--hall", "BANK", "--days", "2",
                 "--interval", "30", "--out", str(tmp_path / "fc.csv")]) == 2
    assert "only 6 open days" in capsys.readouterr().err


def test_another_systems_export_with_a_mapping_file(tmp_path: Path) -> None:
    export = tmp_path / "machine.csv"
    export.write_text(
        "No,Issued,Called,Finished,Window,Service,Status,Level\n"
        "A001,2026-11-16 09:00:05,2026-11-16 09:04:00,2026-11-16 09:10:00,W1,DEP,done,\n"
        "A002,2026-11-16 09:01:00,,,,DEP,left,\n"
        "A003,2026-11-16 09:02:00,2026-11-16 09:10:00,2026-11-16 09:12:30,W2,WDR,done,VIP\n"
        "A004,2026-11-16 09:03:00,2026-11-16 09:09:00,2026-11-16 09:15:00,W2,WDR,done,\n")
    mapping = tmp_path / "machine.toml"
    mapping.write_text(
        'name = "machine"\ndate_column = ""\nmissing_time = ""\n'
        '[columns]\nticket_id = "No"\nqueue_start = "Issued"\nqueue_exit = "Called"\n'
        'service_start = "Called"\nservice_end = "Finished"\noutcome = "Status"\n'
        'server = "Window"\ntransaction_type = "Service"\npriority = "Level"\n'
        '[outcomes]\nserved = ["done"]\nabandoned = ["left"]\n[values]\nvip = ["VIP"]\n')
    report = import_export([export], read_mapping(mapping), "H01", tmp_path / "out")
    assert (report.tickets, report.set_aside) == (4, 0)
    t = pd.read_csv(tmp_path / "out" / "tickets.csv", dtype=str, keep_default_na=False)
    assert list(t["ticket_id"]) == ["A001", "A002", "A003", "A004"]
    assert list(t["tier"]) == ["regular", "regular", "vip", "regular"]
    assert list(t["abandoned"]) == ["0", "1", "0", "0"]  # A002 left; when is unknown (allowed)
    assert list(t["served_end"]) == ["2026-11-16 09:10:00", "", "2026-11-16 09:12:30",
                                     "2026-11-16 09:15:00"]


def test_unknown_format_and_bad_mapping_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="built-in formats"):
        read_mapping("no-such-system")
    bad = tmp_path / "m.toml"
    bad.write_text('[columns]\nqueue_begin = "x"\n[outcomes]\nserved = ["A"]\n')
    with pytest.raises(DataError) as err:
        read_mapping(bad)
    cols = {p.column for p in err.value.problems}
    assert {"columns.queue_begin", "columns.queue_start", "outcomes.abandoned"} <= cols


def test_backtest_reads_an_imported_directory(bank_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A data directory with a ticket log (no footfall.csv) is backtested from its tickets and
    its policy's calendar; one week is too short, and the message says so (exit 2)."""
    assert main(["backtest", str(bank_dir), "--folds", "1", "--days", "1"]) == 2
    assert "history covers 7 days" in capsys.readouterr().err


def test_unusable_exports_are_clear_errors(tmp_path: Path) -> None:
    header = _lines()[0]
    cases = {"binary.txt": b"\x89PNG\x00\x01", "header-only.txt": header.encode(),
             "phantoms.txt": (header + "".join(ln for ln in _lines() if "PHANTOM" in ln)).encode(),
             "other.txt": b"a\tb\n1\t2\n"}
    expect = {"binary.txt": "not UTF-8", "header-only.txt": "no queue customer",
              "phantoms.txt": "no queue customer", "other.txt": "missing from the header"}
    for name, raw in cases.items():
        (tmp_path / name).write_bytes(raw)
        with pytest.raises(DataError) as err:
            import_export([tmp_path / name], BANK, "BANK", tmp_path / "out")
        assert expect[name] in str(err.value.problems[0]), name
    assert not (tmp_path / "out").exists()  # nothing written for an unusable export
