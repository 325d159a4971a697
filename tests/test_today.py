"""The Today page under AppTest: the live state, waits and advice render in both languages.

The app runs on a small one-hall data directory (``QUEUEOPT_DATA``; ten
simulated days). The page's figures come from :func:`queueopt.live.live_view`;
these tests count the same things independently from the ticket files and
check that 中文 shows no English words apart from data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from _live_data import write_small_dir
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PAGE = "queueopt/ui/today_page.py"


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_small_dir(tmp_path_factory.mktemp("today"))


@pytest.fixture(autouse=True)
def _fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small: Path) -> Iterator[None]:
    monkeypatch.setenv("QUEUEOPT_DB", str(tmp_path / "q.sqlite"))
    monkeypatch.setenv("QUEUEOPT_CACHE", "off")
    monkeypatch.setenv("QUEUEOPT_DATA", str(small))
    monkeypatch.delenv("QUEUEOPT_TODAY", raising=False)
    st.cache_data.clear()
    yield


def _run(lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def test_today_page_demo_shows_the_live_state(small: Path) -> None:
    """Without a feed the page replays the log's last day at the slider's time; the counts
    match the log read independently, and a later time shows more tickets."""
    at = _run()
    log = pd.read_csv(small / "tickets.csv", parse_dates=["issued_at", "served_end"])
    last = log[log["issued_at"].dt.date == log["issued_at"].dt.date.max()]
    now = pd.Timestamp(at.select_slider[0].value)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Tickets today"] == str(int((last["issued_at"] < now).sum()))
    assert metrics["Served"] == str(int((last["served_end"] <= now).sum()))
    headers = [list(d.value.columns) for d in at.dataframe]
    assert any("Counter wait" in h and "80% range" in h for h in headers)
    assert any("Counters advised" in h for h in headers)
    assert any(s.value == "Recommendation" for s in at.subheader)
    at.select_slider[0].set_value(pd.Timestamp(at.select_slider[0].options[-2])).run()
    assert not at.exception
    later = {m.label: m.value for m in at.metric}
    assert int(later["Tickets today"]) > int(metrics["Tickets today"])


def test_today_page_reads_a_live_feed(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``QUEUEOPT_TODAY`` names today's export: its tickets and queue are what the page shows."""
    monkeypatch.setenv("QUEUEOPT_TODAY", str(small / "today.csv"))
    at = _run()
    today = pd.read_csv(small / "today.csv", keep_default_na=False)
    waiting = int(((today["called_at"] == "") & (today["abandoned"] == 0)).sum())
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Tickets today"] == str(len(today))
    assert metrics["Waiting now"] == str(waiting)
    assert not at.select_slider  # no demo clock


def test_today_page_in_chinese_has_no_english() -> None:
    """Every label, header and recommendation in 中文; data (type codes, times) may stay."""
    at = _run("zh")
    texts = [s.value for s in at.subheader] + [c.value for c in at.caption] + \
        [m.label for m in at.metric] + [m.value for m in at.markdown] + \
        [str(c) for d in at.dataframe for c in d.value.columns]
    english = [w for text in texts for w in re.findall(r"[A-Za-z]{3,}", str(text))
               if w not in {"VIP", "Small"}]
    assert not english, english
