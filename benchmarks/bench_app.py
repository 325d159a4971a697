"""Issue 8 figures: first page render, switching hall once cached, generating a roster.

Uses Streamlit's AppTest (the same script run the browser gets) on the bundled
sample region: a cold first render of the Hall forecast page, then switching
to another hall and back (the second visit is cached), and generating a
hall-week roster on the Roster page; then the Nudges & kiosks page (and its
simulated peak policies) and the Region page (and its kiosk ranking).

    python benchmarks/bench_app.py
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def main() -> None:
    os.environ.setdefault("QUEUEOPT_DB", str(Path(tempfile.mkdtemp()) / "bench.sqlite"))
    # an empty disk cache: every figure below is computed, none read back
    os.environ["QUEUEOPT_CACHE"] = tempfile.mkdtemp(prefix="bench_app_cache_")
    t0 = time.perf_counter()
    at = AppTest.from_file(APP, default_timeout=300).run()
    first = time.perf_counter() - t0
    box = at.sidebar.selectbox(key="hall")
    first_hall, other = box.value, box.options[1].split(" · ")[0]
    print(f"first page (Hall forecast, {first_hall}, cold caches): {first:.2f} s")
    from queueopt.io import load_dataset

    t0 = time.perf_counter()
    ds = load_dataset(Path(APP).parent / "data" / "sample")
    print(f"  of which loading and validating the sample region ({len(ds.tickets):,} tickets) "
          f"takes {time.perf_counter() - t0:.2f} s")
    box.set_value(other)
    t0 = time.perf_counter()
    at.run()
    cold = time.perf_counter() - t0
    at.sidebar.selectbox(key="hall").set_value(first_hall)
    t0 = time.perf_counter()
    at.run()
    warm = time.perf_counter() - t0
    print(f"switch hall, first visit: {cold:.2f} s; back to a cached hall: {warm:.2f} s")
    at.switch_page("queueopt/ui/roster_page.py").run()
    t0 = time.perf_counter()
    at.button[0].click().run()
    print(f"generate the {first_hall} hall-week roster (forecast, requirements, roster, simulated "
          f"check): {time.perf_counter() - t0:.1f} s; "
          f"{[s.value[:60] for s in at.success][:1]}")
    nudges = _seconds(lambda: at.switch_page("queueopt/ui/nudges_page.py").run())
    sim = _seconds(lambda: at.toggle(key="simulate_policies").set_value(True).run())
    print(f"Nudges & kiosks page, first visit (what-if, kiosk sizing, messages, poster): "
          f"{nudges:.1f} s; simulating the fast lane and the emergency counter: {sim:.1f} s")
    region = _seconds(lambda: at.switch_page("queueopt/ui/region_page.py").run())
    rank = _seconds(lambda: at.toggle(key="rank_kiosks").set_value(True).run())
    print(f"Region page, first visit: {region:.1f} s; ranking 12 halls for one more kiosk: "
          f"{rank:.1f} s")


def _seconds(step: Callable[[], object]) -> float:
    """Wall-clock seconds of one app step."""
    t0 = time.perf_counter()
    step()
    return time.perf_counter() - t0

if __name__ == "__main__":
    main()
