"""The first page's speed work keeps every figure: scipy.stats' quantiles re-derived from
scipy.special agree exactly with scipy.stats, and the first page's modules do not import the
heavy libraries it does not use (measured by benchmarks/bench_first_page.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from queueopt.forecast import nbinom_ppf, poisson_ppf
from queueopt.simulate import _t_ppf

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("q", [0.05, 0.1, 0.2, 0.5, 0.8, 0.9, 0.95])
def test_quantiles_equal_scipy_stats(q: float) -> None:
    rng = np.random.default_rng(7)
    mu = np.concatenate([rng.gamma(0.5, 20.0, 5000), [0.0, 1e-12, 3.0, 1e5, np.nan, -1.0]])
    assert np.array_equal(poisson_ppf(q, mu), stats.poisson.ppf(q, mu), equal_nan=True)
    n = np.concatenate([rng.gamma(1.0, 5.0, 5000), [0.0, -1.0, np.nan, 2.0]])
    p = np.concatenate([rng.uniform(0.0, 1.0, 5000), [0.5, 0.5, 0.5, 1.0]])
    assert np.array_equal(nbinom_ppf(q, n, p), stats.nbinom.ppf(q, n, p), equal_nan=True)
    df = np.arange(1, 300)
    assert np.array_equal(_t_ppf(q, df), stats.t.ppf(q, df))


def test_first_page_modules_skip_heavy_imports() -> None:
    """The modules behind the Hall forecast page import neither scipy.stats, the solver,
    matplotlib nor altair (each costs a visible part of the first render)."""
    code = ("import sys; import queueopt.ui.cache, queueopt.io, queueopt.forecast, "
            "queueopt.requirements, queueopt.whatif, queueopt.nudges, queueopt.calendar, "
            "queueopt.ui.charts, queueopt.ui.state; "
            "print(sorted(m for m in ('scipy.stats', 'ortools', 'matplotlib', 'scipy.optimize',"
            " 'altair') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


# ------------------------------------------------ the ticket log's fast reading path
_CELLS = ["a", "b1", " ", ",", "\n", "\r\n", '"', "\t", "\u00a0", "\u3000", "é", "x y", "NA", ""]


def _random_csv(rng: np.random.Generator) -> bytes:
    ncol = int(rng.integers(1, 4))
    lines = [",".join(f"c{j}" for j in range(ncol))]
    for _ in range(int(rng.integers(0, 5))):
        cells = []
        for _ in range(ncol + int(rng.random() < 0.05)):
            cell = "".join(str(rng.choice(_CELLS)) if rng.random() < 0.3 else str(rng.choice(list("ab12")))
                           for _ in range(int(rng.integers(0, 4))))
            cells.append('"' + cell.replace('"', '""') + '"' if rng.random() < 0.2 else cell)
        lines.append(",".join(cells))
    text = "\n".join(lines) + ("\n" if rng.random() < 0.7 else "")
    return ((" " if rng.random() < 0.1 else "") + text).encode("utf-8")


def test_fast_csv_reading_equals_the_careful_path() -> None:
    """Whenever pyarrow's one-thread read is taken it gives what the careful path (pandas'
    reader, then a strip of every cell) gives: same cells, columns and types."""
    from queueopt._reading import Problems, _arrow_frame, _checked_frame

    rng = np.random.default_rng(3)
    fast = 0
    for _ in range(400):
        raw = _random_csv(rng)
        quick = _arrow_frame(raw)
        if quick is None:
            continue
        fast += 1
        careful = _checked_frame(raw, "t.csv", Problems())
        assert careful is not None, raw
        pd.testing.assert_frame_equal(quick, careful, check_exact=True, obj=repr(raw))
    assert fast > 100  # the comparison ran on many files


def test_strip_scan_sees_a_space_at_a_block_border() -> None:
    """The scan that lets the reader skip the strip reads a megabyte at a time: a space
    beside a separator is found on either side of a block border."""
    from queueopt._reading import _may_need_strip

    base = b"ab,cd\n" * 400_000
    assert not _may_need_strip(base)
    for pair in (b" ,", b", ", b" \n", b"\n "):
        for k in range((1 << 20) - 2, (1 << 20) + 2):
            assert _may_need_strip(base[:k] + pair + base[k:]), (pair, k)
    assert _may_need_strip(base + b"\t")
    assert _may_need_strip(b'"a",b\n')
    assert _may_need_strip("a,\u00a0b\n".encode())


_STAMPS = ["2024-01-01 10:00:00", "2024-02-29 23:59:59", "2026-08-03T08:31:05", "2026-08-03 08:31",
           "", "2024-02-30 10:00:00", "2023-02-29 10:00:00", "2024-01-01 24:00:00",
           "2024-01-01 23:59:60", "1800-01-01 10:00:00", "2300-01-01 10:00:00",
           "2024-01-01 10:00:00Z", "2024-01-01 10:00:00.5", "x", "2024-1-01 10:00:00",
           "2024-01-01", "2024-01-01 10:00:00+08:00"]


def test_fast_timestamps_equal_pandas() -> None:
    """pyarrow's parse of plain timestamps, when taken, equals pandas' ISO 8601 parse (the
    general path), type included; an impossible date, a time zone or a date out of range
    sends the column to the general path."""
    from queueopt._reading import _arrow_timestamps

    rng = np.random.default_rng(5)
    taken = 0
    for _ in range(300):
        n = int(rng.integers(1, 20))
        odd = rng.choice([0.0, 0.0, 0.1, 0.5])
        cells = [str(rng.choice(_STAMPS[4:])) if rng.random() < odd else str(rng.choice(_STAMPS[:4]))
                 for _ in range(n)]
        text = pd.Series(cells, dtype="str")
        fast = _arrow_timestamps(text)
        if fast is None:
            continue
        taken += 1
        assert all(c in _STAMPS[:5] for c in cells), cells  # only clean columns are taken
        expected = pd.to_datetime(text, format="ISO8601", errors="coerce")
        pd.testing.assert_series_equal(fast, expected, check_exact=True)
    assert taken > 50
    for bad in _STAMPS[5:]:
        assert _arrow_timestamps(pd.Series(["2024-01-01 10:00:00", bad], dtype="str")) is None, bad


def test_duplicated_equals_pandas() -> None:
    from queueopt._reading import duplicated

    rng = np.random.default_rng(9)
    for _ in range(500):
        cells = [str(c) for c in rng.choice(["a", "b", "ab", "ba", "", "a "], int(rng.integers(0, 7)))]
        if rng.random() < 0.3:
            cells = sorted(set(cells))
        text = pd.Series(cells, dtype="str")
        pd.testing.assert_series_equal(duplicated(text), text.duplicated())


@pytest.mark.parametrize("library", ["isal", "zlib"])
def test_one_call_gunzip_reads_what_gzip_reads(tmp_path: Path, library: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """One-member gzip files are unpacked in one call, limit and CRC included; several
    members or damage go to the gzip module (same bytes, same messages as before); with
    python-isal's inflate as with zlib's."""
    import gzip
    import zlib

    import queueopt._reading as reading
    from queueopt._reading import Problems, _gunzip_one_member, read_bytes

    if library == "isal":
        isal_zlib = pytest.importorskip("isal.isal_zlib")
        assert reading._inflate() is isal_zlib  # the loader takes isal where it is installed
    else:
        monkeypatch.setattr(reading, "_inflate", lambda: zlib)

    body = b"ticket_id,hall_id\n" + b"".join(b"T%06d,H01\n" % k for k in range(50_000))
    packed = gzip.compress(body)
    assert _gunzip_one_member(packed, len(body) + 1) == body
    assert _gunzip_one_member(packed, 100) == body[:100]
    two = gzip.compress(body[:18]) + gzip.compress(body[18:])
    assert _gunzip_one_member(two, 10**9) is None
    assert _gunzip_one_member(packed[:-12], 10**9) is None
    damaged = bytearray(packed)
    damaged[-8] ^= 0xFF  # the CRC
    assert _gunzip_one_member(bytes(damaged), 10**9) is None
    for name, data in (("one.csv.gz", packed), ("two.csv.gz", two)):
        (tmp_path / name).write_bytes(data)
        assert read_bytes(tmp_path / name, "tickets", Problems()) == body
    (tmp_path / "bad.csv.gz").write_bytes(bytes(damaged))
    problems = Problems()
    assert read_bytes(tmp_path / "bad.csv.gz", "tickets", problems) is None
    assert "CRC" in problems.items[0].message


def test_rows_of_a_hall_equal_a_boolean_selection() -> None:
    """A hall's tickets taken as one slice (a log kept hall by hall) or row by row (any
    other order) are the rows a boolean selection gives."""
    from queueopt.dataset import _rows_of

    rng = np.random.default_rng(2)
    halls = np.repeat(["H01", "H02", "H03"], [5, 7, 4])
    log = pd.DataFrame({"hall_id": pd.array(halls, dtype="str"), "n": np.arange(16),
                        "at": pd.date_range("2026-01-01", periods=16, freq="min")})
    for frame in (log, log.iloc[rng.permutation(16)].reset_index(drop=True)):
        for hall in ("H01", "H02", "H03", "H09"):
            expected = frame[frame["hall_id"] == hall].reset_index(drop=True)
            pd.testing.assert_frame_equal(_rows_of(frame, hall), expected, check_exact=True)


def test_stamp_shape_from_bytes_equals_the_regex() -> None:
    """The byte-matrix check of plain timestamps gives the regex's verdict on every chunk:
    random single-byte and multibyte changes to valid stamps, blanks, slices, mixed widths."""
    import pyarrow as pa
    from pyarrow import compute as pc

    from queueopt._reading import _SIMPLE_TS_RE, _all_simple_stamps, _simple_stamp_bytes

    rng = np.random.default_rng(11)
    alphabet = list("0123456789-: T:Zx.+") + ["\u00e9", "\uff11", "\n"]
    decided = {True: 0, False: 0}
    for _ in range(3000):
        cells = []
        for _ in range(int(rng.integers(1, 6))):
            cell = str(rng.choice(["2024-02-29 23:59:59", "2026-08-03T08:31", "", "1999-12-31 00:00"]))
            if cell and rng.random() < 0.3:
                k = int(rng.integers(0, len(cell)))
                cell = cell[:k] + str(rng.choice(alphabet)) + cell[k + 1:]
            cells.append(cell)
        chunk = pa.array(cells, pa.large_string())
        if rng.random() < 0.3 and len(cells) > 1:
            chunk = chunk.slice(1)
        expected = pc.all(pc.match_substring_regex(chunk, _SIMPLE_TS_RE)).as_py()
        fast = _simple_stamp_bytes(chunk)
        if fast is not None:
            decided[fast] += 1
            assert fast == expected, cells
        assert _all_simple_stamps(pa.chunked_array([chunk, chunk])) == expected, cells
    assert min(decided.values()) > 300  # both verdicts were reached from the bytes


def test_arrival_counts_equal_a_day_by_day_count() -> None:
    """Arrivals per interval, gap days and out-of-hours tickets (worked out on arrays of
    day numbers) equal a count made day by day with ``datetime.date`` objects, on random
    logs with closed days, gap days and tickets outside the hours."""
    import datetime as dt

    from queueopt.arrivals import arrival_counts
    from queueopt.calendar import HallCalendar
    from queueopt.model import Hall, OpeningHours

    rng = np.random.default_rng(13)
    hours = (*(OpeningHours(540, 1020),) * 5, OpeningHours(600, 840), OpeningHours(0, 0))
    hall = Hall("H", "H", "R", "main", 2, 0, hours, OpeningHours(600, 720))
    cal = HallCalendar()
    for _ in range(20):
        first = dt.datetime(2026, 1, 1) + dt.timedelta(days=int(rng.integers(0, 300)))
        minutes = rng.integers(0, 40 * 1440, int(rng.integers(1, 600)))
        t = pd.Series(pd.to_datetime(first) + pd.to_timedelta(minutes, unit="min"))
        t = t[~t.dt.day.isin(rng.choice(28, 3))]  # gap days
        if t.empty:
            continue
        interval = int(rng.choice([15, 30, 60]))
        got = arrival_counts(t, hall, cal, interval)
        counts = t.dt.floor(f"{interval}min").value_counts()
        frame = got.frame.set_index("interval_start")["arrivals"]
        seen = set(t.dt.date)
        for when, value in frame.items():
            if when.date() in seen:
                assert value == counts.get(when, 0), when
            else:
                assert np.isnan(value), when
        assert got.gap_days == tuple(sorted({w.date() for w in frame.index} - seen))
        wrong = sum(not (cal.hours_on(hall, w.date()).open_minute <= w.hour * 60 + w.minute
                         < cal.hours_on(hall, w.date()).close_minute) for w in t)
        assert got.out_of_hours == wrong
        assert np.nansum(frame.to_numpy()) == len(t)  # every ticket counted once


class _NoWorker:
    """Stands in for the loader's thread pool: nothing is read ahead, so ``read_tickets``
    reads the log itself after the other tables (the loader's order before the worker)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def __enter__(self) -> _NoWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def submit(self, *args: object) -> _NoWorker:
        return self

    def result(self) -> None:
        return None


def _load_both(folder: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    """``load_dataset(folder)`` with the worker thread and without: the dataset or the
    DataError's problems, each way."""
    import queueopt.io as qio
    from queueopt.errors import DataError

    def load() -> object:
        calls: list[int] = []
        try:
            ds = qio.load_dataset(folder, meanwhile=lambda: calls.append(1))
        except DataError as err:
            return list(err.problems)
        finally:
            assert calls == [1]  # meanwhile runs once, whatever the data
        return ds

    concurrent = load()
    with monkeypatch.context() as m:
        m.setattr(qio, "ThreadPoolExecutor", _NoWorker)
        sequential = load()
    return concurrent, sequential


def test_concurrent_load_equals_the_sequential_load(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading the ticket log on a worker thread while the other tables are read gives the
    dataset, the quarantine and every problem (in order) that reading them one after
    another gives: a clean log, a log with a few bad rows set aside, and a folder with
    problems in several files."""
    import gzip
    import shutil

    from queueopt.io import Dataset

    sample = ROOT / "data" / "sample"
    lines = gzip.decompress((sample / "tickets.csv.gz").read_bytes()).decode().splitlines()
    bad_rows = ["X1,H01,2026-08-03 08:31:05,not a time,2026-08-03 08:36:03,TOPUP,counter,C01,0,,regular",
                "X2,HZZ,2026-08-03 08:31:05,2026-08-03 08:31:05,2026-08-03 08:36:03,TOPUP,counter,C01,0,,regular"]
    cases = {"clean": (lines[:20_001], None),
             "quarantined": (lines[:20_001] + bad_rows, None),
             "broken": (lines[:3_001] + bad_rows * 30, "H99,Broken,,main,x,0" + ",09:00-17:00" * 8),
             "unreadable": ([lines[0].replace(",tier", "")] + [r.rsplit(",", 1)[0] for r in lines[1:50]],
                            "H98,Broken,,main,1,-1" + ",09:00-17:00" * 8)}
    outcomes = set()
    for name, (rows, extra_hall) in cases.items():
        folder = tmp_path / name
        folder.mkdir()
        for f in ("halls.csv", "transactions.csv", "policy.toml", "staff.csv"):
            shutil.copy(sample / f, folder / f)
        if extra_hall:
            with (folder / "halls.csv").open("a", encoding="utf-8") as fh:
                fh.write(extra_hall + "\n")
            with (folder / "policy.toml").open("a", encoding="utf-8") as fh:
                fh.write("\nnot_a_key = 1\n")
        (folder / "tickets.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
        concurrent, sequential = _load_both(folder, monkeypatch)
        if isinstance(sequential, list):
            outcomes.add("problems")
            assert concurrent == sequential, name
            assert {"tickets.csv", "halls.csv", "policy.toml"} <= {p.file for p in sequential}
            continue
        assert isinstance(concurrent, Dataset) and isinstance(sequential, Dataset), name
        outcomes.add("quarantine" if sequential.quarantine.entries else "clean")
        if name == "quarantined":  # the two bad rows (editor lines 20002, 20003), each for its rule
            assert {(r, c) for r, c, _ in sequential.quarantine.entries} == {
                (20_002, "called_at"), (20_003, "hall_id")}
            assert len(sequential.tickets) == 20_000
        pd.testing.assert_frame_equal(concurrent.tickets, sequential.tickets, check_exact=True)
        assert concurrent.quarantine == sequential.quarantine, name
        for field in ("halls", "transactions", "staff", "policy", "calendar", "corrections"):
            assert getattr(concurrent, field) == getattr(sequential, field), (name, field)
    assert outcomes == {"clean", "quarantine", "problems"}  # each kind of outcome compared


# ------------------------------------------------ the first page's charts without altair
def _altair_page_charts(fc: pd.DataFrame, heat: pd.DataFrame) -> tuple[object, object]:
    """The forecast page's two charts as the page built them with altair (its code before
    the charts became Vega-Lite specs), kept here as the reference."""
    import altair as alt

    from queueopt.ui.i18n import day_label, header, holiday_name, t, time_axis_expr, word

    chart = fc[["interval_start", "arrivals", "lo80", "hi80"]].assign(
        date=fc["interval_start"].dt.strftime("%Y-%m-%d"))
    x_axis = alt.Axis(labelExpr=time_axis_expr(with_clock=False), labelAngle=0, tickCount="day",
                      labelAlign="left", labelPadding=4)
    x = alt.X("interval_start:T", title=None, axis=x_axis)
    tooltip = [alt.Tooltip("interval_start:T", title=header("interval_start"), format="%m-%d %H:%M"),
               alt.Tooltip("arrivals:Q", title=t("forecast_line"), format=".1f"),
               alt.Tooltip("lo80:Q", title=header("lo80"), format=".1f"),
               alt.Tooltip("hi80:Q", title=header("hi80"), format=".1f")]
    band = alt.Chart(chart).mark_area(opacity=0.25).encode(
        x=x, y=alt.Y("lo80:Q", title=t("arrivals")), y2="hi80:Q", detail=alt.Detail("date:N"))
    line = alt.Chart(chart).mark_line().encode(
        x=x, y=alt.Y("arrivals:Q", title=t("arrivals")), detail=alt.Detail("date:N"), tooltip=tooltip)
    days = fc.groupby(fc["interval_start"].dt.date).agg(
        start=("interval_start", "min"), end=("interval_start", "max"),
        month_end=("month_end", "first"), holiday=("holiday", "first")).reset_index(drop=True)
    marks = days[days["month_end"] | (days["holiday"] != "")].copy()
    marks["label"] = [holiday_name(h) if h else word("month-end") for h in marks["holiday"]]
    rules = alt.Chart(marks).mark_rect(opacity=0.08, color="orange").encode(
        x=alt.X("start:T", title=None, axis=x_axis), x2="end:T")
    text = alt.Chart(marks).mark_text(align="left", dy=-120, color="darkorange").encode(
        x=alt.X("start:T", title=None, axis=x_axis), text=alt.Text("label:N"))
    heat = heat.assign(day=heat["date"].map(day_label))
    order = [day_label(d) for d in sorted(heat["date"].unique())]
    heatmap = alt.Chart(heat).mark_rect().encode(
        x=alt.X("hour:O", title=t("hour_of_day")),
        y=alt.Y("day:N", sort=order, title=None),
        color=alt.Color("expected_wait:Q", scale=alt.Scale(scheme="orangered"),
                        title=t("wait_legend")),
        tooltip=[alt.Tooltip("day:N", title=header("day")),
                 alt.Tooltip("hour:O", title=header("hour")),
                 alt.Tooltip("expected_wait:Q", title=header("expected_wait"), format=".1f")])
    return (rules + band + line + text).properties(height=320), heatmap.properties(height=260)


def _by_content(spec: dict[str, object]) -> str:
    """``spec`` as JSON with each dataset named by the hash of its Arrow bytes (as Streamlit
    sends it), so two specs compare equal when marks, encodings and data are equal."""
    import hashlib
    import json

    from streamlit import dataframe_util

    spec = dict(spec)
    spec.pop("$schema", None)
    data = {name: v if isinstance(v, bytes) else dataframe_util.convert_anything_to_arrow_bytes(v)
            for name, v in dict(spec.pop("datasets")).items()}  # type: ignore[call-overload]
    text = json.dumps(spec, sort_keys=True)
    for name, raw in data.items():
        text = text.replace(json.dumps(name), json.dumps(hashlib.sha256(raw).hexdigest()))
    return text + json.dumps(sorted(hashlib.sha256(raw).hexdigest() for raw in data.values()))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_charts_equal_the_altair_charts(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Vega-Lite specs the first page draws equal what its altair charts gave (marks,
    encodings, titles, axes, sort order and the data as sent), in both languages, over a
    week with a month-end run and a holiday moved from a weekend."""
    import datetime as dt

    import streamlit as st
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

    from queueopt.ui import charts

    monkeypatch.setattr(st, "session_state", {"lang": lang})
    starts = pd.date_range("2026-09-28 09:00", periods=7 * 24, freq="h")
    starts = starts[(starts.hour >= 9) & (starts.hour < 18)]
    rng = np.random.default_rng(1)
    mean = rng.gamma(3.0, 4.0, len(starts))
    days = starts.date
    fc = pd.DataFrame({"hall_id": "H01", "interval_start": starts, "arrivals": mean,
                       "lo80": np.floor(mean * 0.6), "hi80": np.ceil(mean * 1.4),
                       "holiday": ["Day off (substituted from 09/27/2026)" if d == dt.date(2026, 10, 2)
                                   else "National Day" if d == dt.date(2026, 10, 1) else ""
                                   for d in days],
                       "month_end": [d.day >= 21 for d in days]})
    heat = pd.DataFrame({"date": days, "hour": starts.hour, "arrivals": mean,
                         "expected_wait": rng.gamma(2.0, 2.0, len(starts))})
    reference = [_convert_altair_to_vega_lite_spec(c) for c in _altair_page_charts(fc, heat)]
    ours = [charts.forecast_chart(fc), charts.wait_heatmap(heat)]
    assert [_by_content(s) for s in ours] == [_by_content(s) for s in reference]
    assert len(charts.day_marks(fc)) == 5  # three month-end days and two holidays are marked


class _Inline:
    """Stands in for a thread pool: each job runs when it is submitted (the sequential path)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def __enter__(self) -> _Inline:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def submit(self, fn: object, *args: object) -> object:
        value = fn(*args)  # type: ignore[operator]

        class Done:
            def result(self) -> object:
                return value

        return Done()


def test_forecast_fits_on_two_threads_equal_the_sequential_fits(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The forecast whose two LightGBM fits (inner folds and final) run at once equals,
    number for number, the one whose fits run one after the other."""
    import queueopt.forecast as fmod
    from queueopt.synth import generate_region

    region = generate_region(n_halls=2, weeks=10, seed=4, with_tickets=False)
    calls: list[int] = []
    real = fmod._global

    def counted(*args: object, **kwargs: object) -> object:
        out = real(*args, **kwargs)  # type: ignore[arg-type]
        calls.append(sum(f is not None for f in out[1]))
        return out

    monkeypatch.setattr(fmod, "_global", counted)
    together = fmod.forecast_arrivals(region.footfall, 7)
    with monkeypatch.context() as m:
        m.setattr(fmod, "ThreadPoolExecutor", _Inline)
        apart = fmod.forecast_arrivals(region.footfall, 7)
    assert calls == [2, 2]  # both halls had a global model, both ways
    pd.testing.assert_frame_equal(together, apart, check_exact=True)
