"""The Streamlit app under AppTest: every page in both languages, one interaction per page.

The language check walks every page in 中文 and collects everything the page
shows (labels, help, options, table headers and cells, chart titles, legends,
axis labels and chart data); any English word that is not data (hall, region,
staff and transaction names from the data files) fails the test.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
import streamlit as st
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
SAMPLE = ROOT / "data" / "sample"
PAGES = ["forecast_page", "roster_page", "nudges_page", "region_page", "data_page"]
"""Pages rendered for every hall (the Today page has its own tests; the zh walk visits it)."""


@pytest.fixture(scope="session")
def disk_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One disk cache for the session: pages computed once are read back by later tests."""
    return tmp_path_factory.mktemp("qcache")


@pytest.fixture(autouse=True)
def _fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, disk_cache: Path) -> Iterator[None]:
    """st.cache_data is shared across AppTest runs in one process: clear it; own database."""
    monkeypatch.setenv("QUEUEOPT_DB", str(tmp_path / "q.sqlite"))
    monkeypatch.setenv("QUEUEOPT_TIME_LIMIT", "3")
    monkeypatch.setenv("QUEUEOPT_CACHE", str(disk_cache))
    st.cache_data.clear()
    st.cache_resource.clear()
    yield


REGION_OF = {"H01": "Guangzhou-East", "H02": "Guangzhou-West", "H03": "Foshan",
             "H04": "Guangzhou-East", "H05": "Guangzhou-West", "H06": "Foshan",
             "H07": "Guangzhou-East", "H08": "Guangzhou-West", "H09": "Foshan",
             "H10": "Guangzhou-East", "H11": "Guangzhou-West", "H12": "Foshan"}


def _app(hall: str | None = None, lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["lang"] = lang
    if hall:
        at.session_state["hall"] = hall
        at.session_state["region"] = REGION_OF[hall]
    return at.run()


# ---------------------------------------------------------------- what a page shows, as text
_SKIP_KEYS = {"id", "formId", "type", "tag", "elementType", "url", "format", "dataType", "align",
              "direction", "gapSize", "data", "columns", "spec", "icon", "mimetype", "imgs",
              "widthConfig", "heightConfig", "deployParams", "selectionMode", "editingMode",
              "theme", "color", "style", "value"}
"""Proto fields that are not shown as words (ids, layout, raw data read separately)."""


def _nodes(node: Any) -> Iterator[Any]:
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _nodes(child)


def _strings(value: Any, key: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            if k not in _SKIP_KEYS:
                yield from _strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, key)
    elif isinstance(value, str) and not re.fullmatch(r"[A-Z_]+", value):  # not an enum name
        yield value


def _frame_text(frame: pd.DataFrame) -> Iterator[str]:
    yield from (str(c) for c in frame.columns)
    if not isinstance(frame.index, pd.RangeIndex):
        yield from (str(i) for i in frame.index)
    for col in frame.columns:
        if frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col]):
            yield from (str(v) for v in frame[col].dropna().unique())


def _chart_text(proto: Any) -> Iterator[str]:
    """Titles, label expressions and the default titles (field names) a chart would show."""
    spec = json.loads(proto.spec)

    def walk(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            enc = node.get("encoding")
            if isinstance(enc, dict):
                for channel, defn in enc.items():
                    if channel in ("detail", "x2", "y2", "order", "text", "xOffset", "yOffset"):
                        continue
                    for d in defn if isinstance(defn, list) else [defn]:
                        if isinstance(d, dict) and "field" in d and "title" not in d:
                            yield f"{d['field']}"  # Vega-Lite shows the field name
            for k, v in node.items():
                if k in ("title", "text") and isinstance(v, str):
                    yield v
                elif k == "labelExpr" and isinstance(v, str):
                    yield from re.findall(r"'([^']*)'", re.sub(r"%[A-Za-z]", "", v))
                elif k not in ("field", "encoding", "data", "datasets"):
                    yield from walk(v)
            if isinstance(enc, dict):
                for defn in enc.values():
                    for d in defn if isinstance(defn, list) else [defn]:
                        if isinstance(d, dict):
                            yield from walk({k: v for k, v in d.items() if k != "field"})
        elif isinstance(node, list):
            for v in node:
                yield from walk(v)

    yield from walk(spec)
    for ds in proto.datasets:
        frame = pa.ipc.open_stream(ds.data.data).read_pandas()
        yield from (v for c in frame.columns
                    if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])
                    for v in frame[c].dropna().astype(str).unique())


def shown_text(at: AppTest) -> list[str]:
    """Every piece of text the current page shows."""
    out: list[str] = []
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        kind = getattr(node, "type", "")
        if proto is None:
            continue
        if kind in ("dataframe", "table", "arrow_data_frame", "arrow_table"):
            out.extend(_frame_text(node.value))
        if kind == "vega_lite_chart":
            out.extend(_chart_text(proto))
            continue
        if kind == "text_input":
            out.append(str(node.value))
        out.extend(_strings(MessageToDict(proto)))
    return out


def _data_words() -> set[str]:
    """Words of the data: hall, region, staff and transaction names and ids."""
    words: set[str] = set()
    for file, cols in (("halls.csv", ("hall_id", "name", "region")),
                       ("staff.csv", ("staff_id", "name", "hall_id")),
                       ("transactions.csv", ("transaction_type", "name"))):
        with (SAMPLE / file).open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                for c in cols:
                    words.update(w.lower() for w in _WORD.findall(row[c]))
    return words


_WORD = re.compile(r"[A-Za-z]+")
_FILE_NAME = re.compile(r"[\w.-]+\.(?:csv|toml|gz|xlsx|png|pdf)\b")
ALLOWED = {"csv", "excel", "pdf", "png", "toml", "readme", "vip", "sipp", "queueopt",
           "english", "language"}
"""Names of file formats and commands, VIP (used in Chinese too) and the language picker's
own name. File names (``tickets.csv``) are taken out before the words are read."""


def english_words(at: AppTest) -> set[str]:
    """English words shown on the page that are neither data nor :data:`ALLOWED`."""
    allowed = ALLOWED | _data_words()
    words = {w for text in shown_text(at) for w in _WORD.findall(_FILE_NAME.sub("", text))}
    return {w for w in words if w.lower() not in allowed}


def _walk_every_page(at: AppTest) -> Iterator[tuple[str, AppTest]]:
    """Every page, with its on-demand parts switched on; a roster generated."""
    yield "forecast", at
    at.switch_page("queueopt/ui/roster_page.py").run()
    yield "roster (none yet)", at
    at.button[0].click().run()
    yield "roster", at
    _check_roster_by_day(at)
    yield "roster, another day", at
    at.switch_page("queueopt/ui/nudges_page.py").run()
    at.toggle(key="simulate_policies").set_value(True).run()
    yield "nudges", at
    at.switch_page("queueopt/ui/region_page.py").run()
    at.toggle(key="rank_kiosks").set_value(True).run()
    yield "region", at
    at.switch_page("queueopt/ui/today_page.py").run()
    yield "today", at
    at.switch_page("queueopt/ui/data_page.py").run()
    yield "data", at


# ---------------------------------------------------------------- tests
@pytest.mark.slow
def test_chinese_mode_shows_no_english_on_any_page() -> None:
    at = _app("H06", lang="zh")  # a small hall without kiosks: the roster solves in seconds
    for page, state in _walk_every_page(at):
        assert not state.exception, (page, [e.value for e in state.exception])
        assert english_words(state) == set(), page


def test_english_mode_shows_no_chinese_apart_from_the_language_picker() -> None:
    at = _app("H06", lang="en")
    for page in ("forecast_page", "nudges_page", "region_page", "data_page"):
        at.switch_page(f"queueopt/ui/{page}.py").run()
        assert not at.exception, page
        chinese = [s for s in shown_text(at) if re.search(r"[\u4e00-\u9fff]", s)
                   and s not in ("中文", "Language / 语言")]
        assert chinese == [], page


def test_the_language_check_fails_on_one_untranslated_label(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from queueopt.ui import i18n

    at = _app("H06", lang="zh")
    assert english_words(at) == set()
    monkeypatch.setitem(i18n._TEXT, "peak_hours", ("Peak hours", "Peak hours"))
    monkeypatch.setitem(i18n._COLUMNS, "expected_wait", ("Expected wait", "Expected wait"))
    at.run()
    assert english_words(at) == {"Peak", "hours", "Expected", "wait"}


def test_untranslated_chart_titles_and_legends_are_caught() -> None:
    """A chart that leaves a field's default title or legend values in English is caught."""
    import altair as alt

    frame = pd.DataFrame({"interval_start": pd.date_range("2026-11-23", periods=3, freq="h"),
                          "series": ["on_duty"] * 3, "staff": [1, 2, 3]})
    chart = alt.Chart(frame).mark_line().encode(x=alt.X("interval_start:T", title="时间"),
                                                y="staff:Q", color="series:N")
    chart_spec = chart.to_dict()
    data = chart_spec.pop("datasets")
    name, rows = next(iter(data.items()))
    sink = io.BytesIO()
    table = pa.Table.from_pandas(pd.DataFrame(rows))
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)

    arrow = sink.getvalue()

    class Proto:
        spec = json.dumps(chart_spec)
        datasets = [type("D", (), {"data": type("A", (), {"data": arrow})})]

    assert {"staff", "series", "on_duty"} <= set(_chart_text(Proto))
    assert "interval_start" not in set(_chart_text(Proto))  # it has a title


def test_tables_are_in_time_order_and_dates_in_the_language() -> None:
    at = _app("H01", lang="zh")
    peaks = at.dataframe[0].value
    days = peaks["日期"].tolist()
    assert len(days) == 7 and all(re.fullmatch(r"\d{1,2}月\d{1,2}日 周[一二三四五六日]", d) for d in days)
    as_dates = [tuple(int(x) for x in re.findall(r"\d+", d)) for d in days]
    assert as_dates == sorted(as_dates, key=lambda md: (md[0] < 6, md))  # calendar order
    heat = [c for c in at.get("vega_lite_chart")][-1]
    sort = json.loads(heat.proto.spec)["encoding"]["y"]["sort"]
    assert sort == days  # the heatmap's rows are in the same day order
    assert "周" in at.metric[1].value


def _check_roster_by_day(at: AppTest) -> None:
    """Pick the third day: the chart shows that day's shifts, breaks as gaps, roles in words."""
    hall = at.session_state["hall"]
    plan = at.session_state[f"plan_{hall}"]
    day = plan.week[2]
    at.radio(key=f"roster_day_{hall}").set_value(day_label_zh(day)).run()
    chart = at.get("vega_lite_chart")[0]
    frame = pa.ipc.open_stream(chart.proto.datasets[0].data.data).read_pandas()
    shifts = [s for s in plan.schedule.shifts if s.day == day]
    assert shifts and sorted(frame["staff"].unique()) == sorted({s.staff_id for s in shifts})
    assert (pd.to_datetime(frame["begin"]).dt.date == day).all()
    # work and break pieces add up to each shift's span; one piece per break
    span = (pd.to_datetime(frame["finish"]) - pd.to_datetime(frame["begin"])).dt.total_seconds()
    assert span.sum() / 60 == sum(s.end - s.start for s in shifts)
    assert (frame["what"] == "休息").sum() == sum(len(s.breaks) for s in shifts)
    assert set(frame["what"]) - {"休息"} <= {"柜台", "VIP柜台", "大堂引导", "值班经理"}


def day_label_zh(day: dt.date) -> str:
    """``11月25日 周三``, written out here (not by the module under test)."""
    return f"{day.month}月{day.day}日 周{'一二三四五六日'[day.weekday()]}"


@pytest.mark.parametrize("hall", sorted(REGION_OF))
def test_every_page_renders_for_every_sample_hall(hall: str) -> None:
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["hall"] = hall
    at.session_state["region"] = REGION_OF[hall]
    at.run()
    assert not at.exception
    for page in PAGES:
        at.switch_page(f"queueopt/ui/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])


def test_a_restarted_server_shows_seen_data_without_loading_it(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The disk cache: a second cold start reads the first page's figures back; a changed
    data file is a miss."""
    import queueopt.io

    monkeypatch.setenv("QUEUEOPT_CACHE", str(tmp_path / "cache"))
    data = tmp_path / "data"
    data.mkdir()
    for f in SAMPLE.iterdir():
        (data / f.name).write_bytes(f.read_bytes())
    monkeypatch.setenv("QUEUEOPT_DATA", str(data))
    first = _app("H01")
    figures = [m.value for m in first.metric]
    st.cache_data.clear()
    st.cache_resource.clear()

    def no_loading(*_: object, **__: object) -> None:
        raise AssertionError("the data was loaded again")

    monkeypatch.setattr(queueopt.io, "load_dataset", no_loading)
    again = _app("H01")
    assert not again.exception and [m.value for m in again.metric] == figures
    st.cache_data.clear()
    st.cache_resource.clear()
    with (data / "policy.toml").open("a", encoding="utf-8") as fh:
        fh.write("\n# changed\n")
    changed = _app("H01")
    assert changed.exception  # a miss: the (patched) loader is called


def test_sentences_from_the_package_are_translated() -> None:
    """The kiosk reason and the scheduler's binding sentences, as the package writes them."""
    from queueopt.ui.i18n import sentence

    written = [
        "too few counters: 120 staff-minutes of need above the hall's 16 counters (worst Mon "
        "10:30 needs 18); the plan opens all 16",
        "not rostered on counters (no counter skill): S0199, S0198",
        "too few staff: 240 staff-minutes short on Mon 30, Tue 01; at least 180 of them no "
        "roster of these staff can avoid (availability, contract hours 352 h, days per week); "
        "the rest is left by the work limit",
        "the current kiosks meet the target; one more would save 0.4 counter staff-hours a "
        "week (< 2)",
        "2 more kiosk(s) save 5.5 counter staff-hours a week; kiosk wait 1.2 min on average; "
        "with 6 kiosk(s) 12 kiosk customers go to a counter because the kiosks are full",
    ]
    for text in written:
        zh = sentence(text, "zh")
        assert [w for w in _WORD.findall(zh) if w != "S"] == [], zh  # staff ids are data
        assert re.findall(r"\d+(?:\.\d+)?", zh) != []
        assert sentence(text, "en") == text
    assert "周一 10:30" in sentence(written[0], "zh") and "18" in sentence(written[0], "zh")


def test_holiday_names_of_the_calendar_are_translated() -> None:
    """Every name the calendar gives China's days off in 2026-2027, in Chinese."""
    import datetime as dt

    from queueopt.calendar import HallCalendar
    from queueopt.ui.i18n import holiday_name

    days = [dt.date(2026, 1, 1) + dt.timedelta(days=k) for k in range(730)]
    names = {n for n in HallCalendar("CN").holiday_names(days) if n}
    assert len(names) >= 8
    for name in names:
        assert _WORD.findall(holiday_name(name, "zh")) == [], name
        assert holiday_name(name, "en") == name
    assert holiday_name("Day off (substituted from 09/20/2026)", "zh") == "调休（9月20日上班）"


def test_forecast_page_switch_hall_and_language() -> None:
    at = _app("H01")
    assert "H01" in at.title[0].value
    at.sidebar.selectbox(key="region").set_value("Guangzhou-West").run()
    at.sidebar.selectbox(key="hall").set_value("H11").run()
    assert not at.exception and "H11" in at.title[0].value
    at.sidebar.selectbox(key="lang").set_value("zh").run()
    assert "客流预测" in at.title[0].value


@pytest.mark.slow
def test_roster_page_generates_publishes_and_detects_conflicts() -> None:
    at = _app("H11")
    at.switch_page("queueopt/ui/roster_page.py").run()
    at.button[0].click().run()  # generate
    assert not at.exception
    assert any("staff-hours" in s.value for s in at.success)
    assert len(at.get("download_button")) == 2
    publish = [b for b in at.button if b.label == "Publish roster"][0]
    publish.click().run()
    assert any("version 1" in s.value for s in at.success)
    # a second session publishes on top of version 1 ...
    other = _app("H11")
    other.switch_page("queueopt/ui/roster_page.py").run()
    other.button[0].click().run()
    [b for b in other.button if b.label == "Publish roster"][0].click().run()
    assert any("version 2" in s.value for s in other.success)
    # ... so the first session's next publish is refused, not silently overwriting
    [b for b in at.button if b.label == "Publish roster"][0].click().run()
    assert any("saved as version 2" in e.value for e in at.error)


def test_nudges_sliders_change_the_after_column() -> None:
    at = _app("H01")
    at.switch_page("queueopt/ui/nudges_page.py").run()
    before = at.dataframe[0].value
    assert before["Change"].abs().max() == 0  # no lever moved: after = before
    at.slider[0].set_value(0.3).run()
    at.checkbox[0].check().run()
    after = at.dataframe[0].value
    assert not at.exception
    assert after.loc["Staff-hours", "After"] < before.loc["Staff-hours", "After"]
    assert len(at.markdown) >= 7  # a message per day
    [b for b in at.button if b.label == "Save scenario"][0].click().run()
    assert any("as version 1" in s.value for s in at.success)


def test_region_page_ranks_every_hall_with_the_package_thresholds() -> None:
    from queueopt.region import BUSY_THRESHOLDS

    at = _app("H01")
    at.switch_page("queueopt/ui/region_page.py").run()
    table = at.dataframe[0].value
    assert len(table) == 12 and table["Rank"].tolist() == list(range(1, 13))
    w, u = BUSY_THRESHOLDS["super-busy"]
    assert any(f"≥ {w:g} min" in c.value and f"{u:.2f}" in c.value for c in at.caption)


def test_region_page_shows_the_plans_own_waits_on_demand(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The plan's method (a minute of simulation) runs only when asked, and the page shows
    what :func:`queueopt.region.next_week_mean_wait` returns for it."""
    import queueopt.region

    real = queueopt.region.next_week_mean_wait
    calls: list[str] = []

    def plan_waits(ds: Any, forecasts: Any = None, *, method: str = "auto",
                   replications: int | None = None) -> pd.DataFrame:
        calls.append(method)
        if method != "auto":
            return real(ds, forecasts, method=method, replications=replications)
        return pd.DataFrame({"hall_id": sorted(ds.halls),
                             "predicted_mean_wait": [1.25 + k for k in range(len(ds.halls))],
                             "method": "auto"})

    monkeypatch.setenv("QUEUEOPT_CACHE", str(tmp_path / "cache"))  # no shared disk results
    monkeypatch.setattr(queueopt.region, "next_week_mean_wait", plan_waits)
    at = _app("H01")
    at.switch_page("queueopt/ui/region_page.py").run()
    assert "auto" not in calls
    at.toggle(key="plan_waits").set_value(True).run()
    assert not at.exception and calls.count("auto") == 1
    table = at.dataframe[0].value.set_index("Hall")
    column = "Predicted mean wait next week, as planned (min)"
    assert table.loc["H01", column] == 1.25 and table.loc["H12", column] == 12.25


def test_data_page_starts_on_the_sample() -> None:
    at = _app("H01")
    at.switch_page("queueopt/ui/data_page.py").run()
    assert not at.exception
    assert any("sample" in c.value for c in at.caption)


def test_nudges_page_sizes_kiosks_and_simulates_peak_policies() -> None:
    at = _app("H06")  # a hall without kiosks
    at.switch_page("queueopt/ui/nudges_page.py").run()
    assert any("0 now" in m.value for m in at.markdown)
    kiosks = at.dataframe[1].value
    assert kiosks["Kiosks"].tolist()[:2] == [0, 1]
    at.toggle(key="simulate_policies").set_value(True).run()
    assert not at.exception
    tables = [d.value for d in at.dataframe]
    assert any("fast lane" in tb.columns for tb in tables)
    assert any("emergency counter" in tb.columns for tb in tables)


def test_region_page_ranks_halls_for_one_more_kiosk() -> None:
    at = _app("H01")
    at.switch_page("queueopt/ui/region_page.py").run()
    at.toggle(key="rank_kiosks").set_value(True).run()
    assert not at.exception
    ranking = at.dataframe[-1].value
    assert len(ranking) == 12 and ranking["Rank"].tolist() == list(range(1, 13))


def test_unreachable_shared_database_is_a_message_not_a_traceback(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUEUEOPT_DB", "postgresql://manager:secret@127.0.0.1:9/queueopt")
    at = _app("H12")
    at.switch_page("queueopt/ui/nudges_page.py").run()
    assert not at.exception
    assert any("Saved work is unavailable" in e.value and "secret" not in e.value for e in at.error)



def test_region_page_checks_the_wait_model_with_the_clis_figures(tmp_path: Path) -> None:
    """The Region page's model check shows the figures ``queueopt modelcheck`` writes for the
    same hall (run here as a separate process, ``--no-save``): one owner, two views."""
    import json
    import subprocess
    import sys

    out = tmp_path / "mc"
    done = subprocess.run([sys.executable, "-m", "queueopt", "modelcheck", "--data",
                           str(Path(__file__).resolve().parents[1] / "data" / "sample"),
                           "--hall", "H12", "--out", str(out), "--no-save"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    cli = json.loads((out / "modelcheck.json").read_text(encoding="utf-8"))["scores"]

    at = _app("H01")
    at.switch_page("queueopt/ui/region_page.py").run()
    at.selectbox(key="modelcheck_hall").set_value("H12").run()
    at.toggle(key="modelcheck").set_value(True).run()
    assert not at.exception
    hourly = next(d.value for d in at.dataframe if "Mean-wait bias (share)" in d.value.columns)
    assert hourly["Model"].tolist() == ["Erlang C", "Erlang A",
                                        "Erlang A, corrected (staffing starts from it)",
                                        "Simulation, corrected (the plan's figures)"]
    for model, (_, row) in zip(("erlang_c", "erlang_a", "erlang_a_corrected",
                                "simulation_corrected"), hourly.iterrows()):
        assert row["Mean-wait bias (share)"] == pytest.approx(cli[model]["mean_wait"]["bias"], abs=5e-4)
        assert row["Service-level MAE (share)"] == pytest.approx(
            cli[model]["service_level"]["mae"], abs=5e-4)
        assert row["Abandonment MAE (share)"] == pytest.approx(cli[model]["abandonment"]["mae"], abs=5e-4)
    assert any("handling time x" in c.value for c in at.caption)
