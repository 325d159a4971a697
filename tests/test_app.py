"""The Streamlit app under AppTest: every page for several halls, one interaction per page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGES = ["forecast_page", "roster_page", "nudges_page", "region_page", "data_page"]


@pytest.fixture(autouse=True)
def _fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """st.cache_data is shared across AppTest runs in one process: clear it; own database."""
    monkeypatch.setenv("QUEUEOPT_DB", str(tmp_path / "q.sqlite"))
    monkeypatch.setenv("QUEUEOPT_TIME_LIMIT", "3")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield


def _app(hall: str | None = None, lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["lang"] = lang
    if hall:
        at.session_state["hall"] = hall
        at.session_state["region"] = REGION_OF[hall]
    return at.run()


REGION_OF = {"H01": "Guangzhou-East", "H02": "Guangzhou-West", "H03": "Foshan",
             "H04": "Guangzhou-East", "H05": "Guangzhou-West", "H06": "Foshan",
             "H07": "Guangzhou-East", "H08": "Guangzhou-West", "H09": "Foshan",
             "H10": "Guangzhou-East", "H11": "Guangzhou-West", "H12": "Foshan"}


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
    at.slider[0].set_value(0.3).run()
    at.checkbox[0].check().run()
    after = at.dataframe[0].value
    assert not at.exception
    assert after.iloc[0, 1] < before.iloc[0, 1]  # fewer staff-hours after the levers
    assert len(at.markdown) >= 7  # a message per day
    [b for b in at.button if b.label == "Save scenario"][0].click().run()
    assert any("as version 1" in s.value for s in at.success)


def test_region_page_ranks_every_hall() -> None:
    at = _app("H01")
    at.switch_page("queueopt/ui/region_page.py").run()
    table = at.dataframe[0].value
    assert len(table) == 12 and table["rank"].tolist() == list(range(1, 13))


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
    assert kiosks["kiosks"].tolist()[:2] == [0, 1]
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
    assert len(ranking) == 12 and ranking["rank"].tolist() == list(range(1, 13))


def test_unreachable_shared_database_is_a_message_not_a_traceback(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUEUEOPT_DB", "postgresql://manager:secret@127.0.0.1:9/queueopt")
    at = _app("H12")
    at.switch_page("queueopt/ui/nudges_page.py").run()
    assert not at.exception
    assert any("Saved work is unavailable" in e.value and "secret" not in e.value for e in at.error)
