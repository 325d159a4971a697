"""Live mode's advice spends staff only where the roster misses the target (issue 18).

Hand-derived values: one transaction type, 1 customer a minute, 3-minute visits
plus 1 minute of cross-selling, 80% called within 5 minutes, Erlang C (no
patience). At 4 counters with cross-selling the load is 4 = the counters, so
the service level is 0; without it the load is 3 and Erlang C's delay
probability C(4, 3) = 0.5094, so the service level is
1 - 0.5094 exp(-(4 - 3) 5 / 3) = 0.904 >= 0.8: pausing cross-selling alone
meets the target and no counter is opened (with cross-selling, 5 counters:
C(5, 4) = 0.5541, 1 - 0.5541 exp(-5 / 4) = 0.841).
"""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from queueopt.advice import advise
from queueopt.hall_inputs import HallInputs
from queueopt.model import ServiceTarget


def _hall(threshold: float = 5.0, counters: int = 10) -> HallInputs:
    return HallInputs(
        hall_id="H", counters=counters, kiosks=0, vip_counters=0, types=("A",),
        shares=np.array([1.0]), mean_minutes=np.array([3.0]),
        cross_sell_minutes=np.array([1.0]), cv=np.array([1.0]),
        kiosk_eligible=np.array([False]), fast_lane=np.array([False]),
        kiosk_minutes=np.array([3.0]), kiosk_adoption=0.0, vip_share=0.0, patience=None,
        target=ServiceTarget(service_level=0.8, threshold=threshold, max_mean_wait=60.0,
                             max_abandonment=0.5, max_occupancy=1.0),
        interval_minutes=15)


def _flat(per_interval: float, n: int = 8) -> pd.DataFrame:
    return pd.DataFrame({"interval_start": pd.date_range("2026-11-20 10:00", periods=n,
                                                         freq="15min"),
                         "arrivals": per_interval})


def test_pausing_cross_selling_comes_before_a_counter() -> None:
    adv = advise(_hall(), 600.0, _flat(15.0), waiting=0, head_wait=0.0, counters_open=4)
    assert [a.kind for a in adv.actions] == ["pause_cross_sell"]
    tab = adv.table
    assert tab["needed"].tolist() == [5] * 8  # with cross-selling
    assert tab["advised"].tolist() == [4] * 8
    assert tab["service_level_planned"].tolist() == [0.0] * 8
    assert tab["service_level_advised"].iloc[0] == pytest.approx(0.904, abs=1e-3)
    # the roster already meets the target: nothing to pause, nothing to open
    five = advise(_hall(), 600.0, _flat(15.0), waiting=0, head_wait=0.0, counters_open=5)
    assert five.actions == () and not five.table["pause_cross_sell"].any()
    assert five.table["service_level_planned"].iloc[0] == pytest.approx(0.841, abs=1e-3)


def test_a_backlog_is_spread_over_one_interval() -> None:
    """At 10:10, 15 waiting are added to the rest of the interval as 15 / 15 = 1 a minute
    (spread over one interval, not over the 5 minutes left) on top of the 1 a minute still
    arriving: 2 a minute. With cross-selling (4 minutes, load 8) Erlang C needs 9 counters
    (C(9, 8) = 0.6533, 1 - 0.6533 exp(-5/4) = 0.813); without it (3 minutes, load 6), 7
    (C(7, 6) = 0.6138, 1 - 0.6138 exp(-5/3) = 0.884; at 6 the load equals the counters).
    So cross-selling is paused and 3 counters open, from now."""
    adv = advise(_hall(), 610.0, _flat(15.0), waiting=15, head_wait=2.0, counters_open=4)
    row = adv.table.iloc[0]
    assert (row["needed"], row["advised"], bool(row["pause_cross_sell"])) == (9, 7, True)
    assert row["service_level_advised"] == pytest.approx(0.884, abs=1e-3)
    assert row["arrivals"] == pytest.approx(5.0)  # still to come in the 5 minutes left
    assert [(a.kind, a.start, a.counters) for a in adv.actions][:2] == [
        ("open", 610.0, 3), ("pause_cross_sell", 610.0, 0)]


def _bench():  # noqa: ANN202
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_live.py"
    spec = importlib.util.spec_from_file_location("bench_live", path)
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod


def test_waiting_at_by_hand() -> None:
    """Arrivals at 0, 1, 2, 3; the first called at 0, the second at 4, the third leaves at
    2 + 1 = 3, the fourth is called at 5."""
    waiting_at = _bench().waiting_at
    arrive = np.array([0.0, 1.0, 2.0, 3.0])
    call = np.array([0.0, 4.0, np.nan, 5.0])
    patience = np.array([9.0, 9.0, 1.0, 9.0])
    got = waiting_at(arrive, call, patience, np.array([0.5, 1.5, 2.5, 3.0, 3.5, 4.5, 5.0]))
    assert got.tolist() == [0, 1, 2, 2, 2, 1, 0]


def test_no_pause_needed_means_the_same_day_as_the_plan() -> None:
    """A day at the forecast's rate where the roster has slack everywhere: live mode opens
    nothing and pauses nothing, so its day is the static plan's, customer for customer."""
    bench = _bench()
    hall = dataclasses.replace(_hall(threshold=10.0), patience=45.0)
    plan = pd.DataFrame({"interval_start": pd.date_range("2026-11-20 10:00", periods=8,
                                                         freq="15min"),
                         "counter_arrivals": 6.0, "kiosk_arrivals": 0.0, "required": 6})
    fc = pd.DataFrame({"hall_id": "H", "interval_start": plan["interval_start"],
                       "arrivals": 6.0, "lo80": 4.0, "hi80": 8.0})
    out = bench.advice_day(hall, plan, fc, None, seed=3, factor=1.0)
    assert out["live_extra"] == 0 and out["live_paused_minutes"] == 0
    assert out["live_meet"] == out["static_meet"] == out["intervals"]
    assert out["live_wait"] == pytest.approx(out["static_wait"])
