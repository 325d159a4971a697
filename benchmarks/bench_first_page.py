"""First page in Chromium: a cold queueopt server vs a hello-world Streamlit app, same run.

Each round starts a fresh ``streamlit run`` server (a cold process: nothing
imported, no ``st.cache`` filled) for each app and times, in headless Debian
Chromium driven by Playwright, from ``page.goto`` until the first page is
drawn: for queueopt the Hall forecast page's title, both charts (their marks
drawn) and the peak-hours table; for the hello-world app (a title, a
line chart and a table, :data:`HELLO`) its title, chart and table. The
browser is started once and each visit gets a new context (no browser cache).

queueopt is timed in two cold cases:

* **never-seen data**: an empty disk cache (``QUEUEOPT_CACHE`` in a fresh
  folder): the server loads and validates the data and computes the page;
* **seen data**: a restarted server whose disk cache already holds the page's
  results for these data files (keyed by their content hash).

Each never-seen server starts without its cache folder and must fill it; the
seen servers must add nothing to theirs (every result a hit), else the run
stops: a changed package would silently turn "seen" into "never seen".

Prints each case's median over the rounds and its ratio to the hello-world
app's median (target <= 1.5x, goal 1.2x).

    python benchmarks/bench_first_page.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

HELLO = '''import numpy as np
import pandas as pd
import streamlit as st

st.title("Hello world")
frame = pd.DataFrame({"x": np.arange(200), "y": np.sin(np.arange(200) / 20)})
st.line_chart(frame, x="x", y="y")
st.dataframe(frame.head(20))
'''
"""The hello-world app: a title, a line chart and a table."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(script: Path, env: dict[str, str]) -> Iterator[str]:
    """A fresh ``streamlit run`` of ``script``; yields its URL once it answers health checks."""
    port = _free_port()
    full = dict(os.environ, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false", **env)
    full["PYTHONPATH"] = str(ROOT) + os.pathsep + full.get("PYTHONPATH", "")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env=full, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"{script} did not start within 120 s")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def first_render(browser: object, url: str, title: str, charts: int, tables: int) -> float:
    """Seconds from ``goto`` until ``title``, ``charts`` drawn charts and ``tables`` tables show."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
    page = context.new_page()
    t0 = time.perf_counter()
    page.goto(url)
    page.get_by_text(title).first.wait_for(timeout=180_000)
    page.wait_for_function(
        """([charts, tables]) =>
             [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
               .filter(c => c.querySelector('svg path, canvas')).length >= charts
             && document.querySelectorAll('[data-testid="stDataFrame"] canvas').length >= tables""",
        arg=[charts, tables], timeout=180_000, polling=50)
    seconds = time.perf_counter() - t0
    context.close()
    return seconds


def _entries(folder: Path) -> set[str]:
    """The disk cache entries in ``folder`` (none when it does not exist)."""
    return {f.name for f in folder.glob("*.pkl")} if folder.exists() else set()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    start_load = os.getloadavg()[0]  # other jobs on the machine stretch the CPU work
    work = Path(tempfile.mkdtemp(prefix="bench_first_page_"))
    hello = work / "hello.py"
    hello.write_text(HELLO, encoding="utf-8")
    app = ROOT / "app.py"
    base = {"QUEUEOPT_DB": str(work / "q.sqlite")}
    seen_cache = work / "seen"
    times: dict[str, list[float]] = {"hello": [], "never-seen": [], "seen": []}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        # fill the disk cache once (a server that has shown these data before)
        with server(app, {**base, "QUEUEOPT_CACHE": str(seen_cache)}) as url:
            first_render(browser, url, "Next week's footfall", 2, 1)
        seen_files = _entries(seen_cache)
        for k in range(args.rounds):
            with server(hello, {}) as url:
                times["hello"].append(first_render(browser, url, "Hello world", 1, 1))
            empty = work / f"empty{k}"
            assert not empty.exists()
            with server(app, {**base, "QUEUEOPT_CACHE": str(empty)}) as url:
                times["never-seen"].append(first_render(browser, url, "Next week's footfall", 2, 1))
            assert _entries(empty), "the never-seen server stored nothing: did it compute the page?"
            with server(app, {**base, "QUEUEOPT_CACHE": str(seen_cache)}) as url:
                times["seen"].append(first_render(browser, url, "Next week's footfall", 2, 1))
            # a server that missed (a changed package, say) would have added entries
            assert _entries(seen_cache) == seen_files, "the seen server recomputed: not a seen run"
            print(f"round {k + 1}: " + ", ".join(f"{n} {v[-1]:.2f} s" for n, v in times.items()),
                  flush=True)
        browser.close()
    hello_s = statistics.median(times["hello"])
    print(f"\nfirst render in Chromium, median of {args.rounds} cold servers each "
          f"(from goto to title, charts and table drawn; load average {start_load:.1f} at the "
          f"start, {os.getloadavg()[0]:.1f} at the end, {os.cpu_count()} cores):")
    print(f"  hello-world Streamlit app (title, line chart, table): {hello_s:.2f} s")
    for name, label in (("never-seen", "queueopt Hall forecast, never-seen data (empty disk "
                                       "cache)"),
                        ("seen", "queueopt Hall forecast, seen data (restarted server, disk "
                                 "cache)")):
        s = statistics.median(times[name])
        print(f"  {label}: {s:.2f} s = {s / hello_s:.2f}x hello world")


if __name__ == "__main__":
    main()
