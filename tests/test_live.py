"""Live hall mode: today's queue state, delay predictors, announcements, advice.

Worked by hand on tiny logs (every count below is read off the ticket table
in the test) and checked against simulation where a formula is claimed.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from queueopt.delay import (
    PREDICTORS,
    DelayPriors,
    places_to_move,
    predict,
    wait_given_position,
)
from queueopt.queue_state import QueueRules, snapshot, state_at, ticket_log
from queueopt.simulate import serve_queue

DAY = dt.date(2026, 11, 20)


def _frame(rows: list[tuple]) -> pd.DataFrame:
    """Tickets from (id, issued, called, end, abandoned_at, channel, server, tier, type), HH:MM."""
    def ts(x: str | None) -> pd.Timestamp:
        return pd.NaT if x is None else pd.Timestamp(f"{DAY} {x}")
    return pd.DataFrame({
        "ticket_id": [r[0] for r in rows], "hall_id": "H",
        "issued_at": [ts(r[1]) for r in rows], "called_at": [ts(r[2]) for r in rows],
        "served_end": [ts(r[3]) for r in rows],
        "abandoned": [r[2] is None and r[4] != "waiting" for r in rows],
        "abandoned_at": [ts(r[4]) if r[4] not in (None, "waiting") else pd.NaT for r in rows],
        "channel": [r[5] for r in rows], "server_id": [r[6] for r in rows],
        "tier": [r[7] for r in rows], "transaction_type": [r[8] for r in rows]})


# issued, called, end; C1 and C2 counters, K1 a kiosk
LOG = _frame([
    ("a", "09:00", "09:00", "09:20", None, "counter", "C1", "regular", "SIM"),
    ("b", "09:01", "09:01", "09:05", None, "counter", "C2", "regular", "TOPUP"),
    ("c", "09:02", "09:05", "09:30", None, "counter", "C2", "regular", "SIM"),
    ("d", "09:03", None, None, "09:08", "counter", "", "regular", "TOPUP"),
    ("e", "09:04", "09:20", "09:22", None, "counter", "C1", "vip", "TOPUP"),
    ("f", "09:06", None, None, None, "counter", "", "regular", "TOPUP"),   # left, time unknown
    ("g", "09:07", "09:22", "09:24", None, "counter", "C1", "regular", "TOPUP"),
    ("k", "09:03", "09:03", "09:06", None, "kiosk", "K1", "regular", "TOPUP"),
])


def _m(hhmm: str) -> float:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def test_state_at_reads_the_log_as_known_then() -> None:
    """At 09:10: c is called (09:05), d left at 09:08, so e (vip), f and g wait.

    f left without a time: the hall learns it when the queue passes it, i.e.
    when g (issued after f) is called at 09:22. Busy at 09:10: a (C1, to 09:20)
    and c (C2, from 09:05). Kiosk K1 finished at 09:06.
    """
    log = ticket_log(LOG, DAY)
    assert log.gone[list(log.ticket_id).index("f")] == _m("09:22")
    t = _m("09:10")
    st = state_at(log, [t, t, t], [False, False, True], [False, True, False],
                  QueueRules(idle_gap=5))
    assert st.waiting.tolist() == [3, 3, 0]
    assert st.ahead.tolist() == [3, 1, 0]          # a regular: everyone; a VIP: only e
    assert st.busy.tolist() == [2, 2, 0]
    assert st.servers_open.tolist() == [2, 2, 1]   # K1 finished 4 minutes ago (< 5)
    assert st.free.tolist() == [0, 0, 1]
    # last to enter service: c at 09:05 after 3 minutes (regular); for a VIP nobody
    # of the tier yet, so anyone's: c too
    assert st.les_wait.tolist()[:2] == [3.0, 3.0]
    # longest waiting of the same tier: f since 09:06 (regular), e since 09:04 (vip)
    assert st.hol_wait.tolist()[:2] == [4.0, 6.0]
    assert st.abandoned_known.tolist()[:1] == [1]  # d; f is not known yet
    # exposure: a 0 + b 0 + c 3 + d 5 + e 6 + f 4 + g 3 = 21 minutes waited by 09:10
    assert st.exposure[0] == pytest.approx(21.0)
    # drain over the last 30 minutes: one call from the queue (c at 09:05); the queue was
    # non-empty from 09:02 (c joins while C1, C2 serve) to 09:10: 8 minutes
    assert st.drain_calls[0] == 1
    assert st.drain_minutes[0] == pytest.approx(8.0)


def test_state_at_head_start_and_idle_gap() -> None:
    """A head start of h minutes: a VIP at 09:10 passes regulars who joined after 09:10 - h.

    Regulars waiting at 09:10: f (09:06) and g (09:07); e is a VIP.
    """
    log = ticket_log(LOG, DAY)
    t = _m("09:10")
    ahead = [int(state_at(log, [t], [False], [True], QueueRules(vip_head_start=h)).ahead[0])
             for h in (1.5, 3.5, 5.0)]
    assert ahead == [3, 2, 1]
    late = state_at(log, [_m("09:40")], [False], [False], QueueRules(idle_gap=5))
    assert late.servers_open.tolist() == [0]  # last activity 09:30


def test_snapshot_counts_today() -> None:
    log = ticket_log(LOG, DAY)
    snap = snapshot(log, _m("09:10"), QueueRules(idle_gap=5), kiosks=1)
    assert (snap.issued, snap.called, snap.served, snap.abandoned) == (8, 4, 2, 1)
    assert (snap.counters_open, snap.counters_busy, snap.kiosks_open) == (2, 2, 1)
    assert snap.waiting["waiting"].sum() == 3
    assert snap.now_text == "09:10"


def test_wait_given_position_by_hand() -> None:
    """sum_{k<m} 1/(rate + k theta): 1/2 + 1/2.5 + 1/3 for m = 3, rate 2, theta 0.5."""
    assert float(wait_given_position(3, 2.0, 0.5)) == pytest.approx(0.5 + 0.4 + 1 / 3)
    assert float(wait_given_position(0, 2.0, 0.5)) == 0.0
    assert float(wait_given_position(4, 2.0, 0.0)) == pytest.approx(2.0)
    assert places_to_move([2], [3]).tolist() == [0.0]


def test_wait_given_position_matches_a_simulated_queue() -> None:
    """M/M/s+M from a known state: 2 busy counters, 4 waiting, then a patient newcomer.

    Simulated with the package's event loop (exponential services and
    patience are memoryless, so everyone starting at time 0 is that state);
    Ibrahim and Whitt's QL_m says E[W] = sum_{k=0}^{4} 1/(2 mu + k theta)
    (5 places to move). The simulated mean must lie within 3 standard errors.
    """
    rng = np.random.default_rng(7)
    mu, theta, n, reps = 1 / 4.0, 1 / 6.0, 4, 2000
    arrive = np.r_[0.0, 0.0, 1e-6 * np.arange(1, n + 2)]
    waits = np.empty(reps)
    for r in range(reps):
        service = rng.exponential(1 / mu, len(arrive))
        patience = np.r_[np.inf, np.inf, rng.exponential(1 / theta, n), np.inf]
        call, _ = serve_queue(arrive, service, patience, np.zeros(len(arrive), bool),
                              np.array([2]), 10_000.0, 0.0)
        waits[r] = call[-1] - arrive[-1]
    expected = float(wait_given_position(n + 1, 2 * mu, theta))
    se = waits.std(ddof=1) / np.sqrt(reps)
    assert abs(waits.mean() - expected) < 3 * se
    # ignoring abandonment (QL) is measurably off here
    assert abs(waits.mean() - (n + 1) / (2 * mu)) > 3 * se


def test_predict_ql_by_hand() -> None:
    """QL = m / (s mu): 3 ahead, 2 busy servers of 4 min, nobody free -> 4 places / 0.5 = 8 min."""
    log = ticket_log(LOG, DAY)
    st = state_at(log, [_m("09:10")], [False], [False], QueueRules(idle_gap=5))
    pri = DelayPriors(handle_minutes=4.0, kiosk_handle_minutes=2.0, patience=1e9, weight=1e9)
    pr = predict(st, [False], [False], pri)
    assert pr.of("QL")[0] == pytest.approx(4 / (2 / 4.0), rel=1e-6)
    assert pr.of("QL-A")[0] == pytest.approx(pr.of("QL")[0], rel=1e-6)
    assert pr.values.shape == (1, len(PREDICTORS))
    with pytest.raises(ValueError, match="predictor"):
        pr.of("nope")
