"""The Today page in headless Chromium: it renders, refreshes by itself and speaks 中文.

Debian's chromium driven by Playwright. The app reads a small one-hall data
directory and today's export from ``QUEUEOPT_TODAY``; the test appends a
ticket to the export and waits for the page to show it without any click
(the ``st.fragment(run_every=...)`` refresh, set to 2 s here).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from _app_server import ARGS, ARTIFACTS, CHROMIUM, app_server
from _live_data import write_small_dir

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed")]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    small = write_small_dir(tmp_path_factory.mktemp("today_browser"))
    env = dict(os.environ, QUEUEOPT_DB=str(small / "q.sqlite"), QUEUEOPT_DATA=str(small),
               QUEUEOPT_TODAY=str(small / "today.csv"), QUEUEOPT_TODAY_REFRESH="2",
               QUEUEOPT_CACHE="off", STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    with app_server(env) as url:
        yield url, small


def _tickets_today(page) -> int:  # noqa: ANN001
    box = page.locator("[data-testid='stMetric']", has_text="Tickets today").first
    return int(box.locator("[data-testid='stMetricValue']").inner_text().strip())


def test_today_page_refreshes_itself_and_speaks_chinese(app: tuple[str, Path]) -> None:
    from playwright.sync_api import sync_playwright

    url, small = app
    today = small / "today.csv"
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(url)
        page.get_by_role("link", name="Today").click()
        page.get_by_text("Wait to announce").first.wait_for(timeout=120_000)
        page.get_by_text("Recommendation").first.wait_for(timeout=60_000)
        assert page.locator("[data-testid='stException']").count() == 0
        before = _tickets_today(page)
        rows = today.read_text(encoding="utf-8").splitlines()
        assert before == len(rows) - 1
        page.screenshot(path=str(ARTIFACTS / "today.png"), full_page=True)
        # a new ticket in the export: the page shows it by itself within a few refreshes
        last = rows[-1].split(",")
        last[0] = "NEW-1"
        last[2] = "2026-11-11 10:59:59"
        last[3] = last[4] = last[7] = last[9] = ""
        last[8] = "0"
        today.write_text("\n".join([*rows, ",".join(last)]) + "\n", encoding="utf-8")
        deadline = time.time() + 60
        while time.time() < deadline and _tickets_today(page) == before:
            page.wait_for_timeout(500)
        assert _tickets_today(page) == before + 1
        # 中文
        page.locator("[data-testid='stSelectbox']", has_text="Language").first.click()
        page.get_by_role("option", name="中文").click()
        page.get_by_text("今日厅堂实况").first.wait_for(timeout=60_000)
        page.get_by_text("此刻取号应告知的等候时间").first.wait_for(timeout=60_000)
        assert page.locator("[data-testid='stException']").count() == 0
        page.screenshot(path=str(ARTIFACTS / "today_zh.png"), full_page=True)
        browser.close()
