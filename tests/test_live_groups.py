"""Agent groups: which servers serve which transaction type (learnt from the history) and
the newcomer's group as known at a moment. Values worked by hand from the tiny logs below."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from queueopt.live import agent_groups
from queueopt.queue_state import group_state, ticket_log

DAY = dt.date(2026, 11, 20)


def _frame(rows: list[tuple[str, str, str | None, str | None, str, str]]) -> pd.DataFrame:
    def ts(x: str | None) -> pd.Timestamp:
        return pd.NaT if x is None else pd.Timestamp(f"{DAY} {x}")
    return pd.DataFrame({
        "ticket_id": [f"t{i}" for i in range(len(rows))], "hall_id": "H",
        "issued_at": [ts(r[0]) for r in rows], "called_at": [ts(r[2]) for r in rows],
        "served_end": [ts(r[3]) for r in rows], "abandoned": False, "abandoned_at": pd.NaT,
        "channel": "counter", "server_id": [r[4] for r in rows],
        "tier": "regular", "transaction_type": [r[1] for r in rows]})


def test_agent_groups_by_share() -> None:
    """A served 9 X and 1 Y (10% Y), B 20 Y and 0 X: at a 5% share X -> {A}, Y -> {A, B};
    at 20% Y -> {B}; Z nobody served -> no group; kiosk customers do not count."""
    rows = ([("09:00", "X", "09:00", "09:01", "A", "")] * 9 + [("09:00", "Y", "09:00", "09:01", "A", "")]
            + [("09:00", "Y", "09:00", "09:01", "B", "")] * 20)
    df = _frame(rows)
    kiosk = _frame([("09:00", "X", "09:00", "09:01", "B", "")] * 50).assign(channel="kiosk")
    both = pd.concat([df, kiosk], ignore_index=True)
    assert agent_groups(both, ("X", "Y", "Z"), 0.05) == {
        "X": frozenset({"A"}), "Y": frozenset({"A", "B"}), "Z": frozenset()}
    assert agent_groups(both, ("X", "Y"), 0.2)["Y"] == frozenset({"B"})


def test_group_state_by_hand() -> None:
    """At 09:10: A serves an X since 09:08 (busy), B finished a Y at 09:02 (idle, active in
    the last 15 min), C finished at 08:30 (closed); waiting: two X (09:05, 09:06); the Y of
    09:07 called at 09:10 exactly has left the queue (as in ``state_at``) but does not make
    B busy (calls strictly earlier only); the X of 09:11 is not issued yet.
    Groups X -> {A}, Y -> {B, C}."""
    rows = [("08:00", "Y", "08:00", "08:30", "C", ""), ("09:00", "Y", "09:00", "09:02", "B", ""),
            ("09:00", "X", "09:08", "09:20", "A", ""), ("09:05", "X", None, None, "", ""),
            ("09:06", "X", None, None, "", ""), ("09:07", "Y", "09:10", "09:12", "B", ""),
            ("09:11", "X", None, None, "", "")]
    log = ticket_log(_frame(rows), DAY, ("X", "Y"))
    groups = {"X": frozenset({"A"}), "Y": frozenset({"B", "C"})}
    t = np.full(4, 9 * 60 + 10.0)
    g_open, g_free, g_wait = group_state(log, t, [0, 1, -1, 0], groups, 15.0)
    assert g_open.tolist() == [1, 1, 2, 1]
    assert g_free.tolist() == [0, 1, 1, 0]
    assert g_wait.tolist() == [2, 0, 2, 2]
    # with a 40-minute idle gap C (finished 08:30) is open again and idle
    g_open, g_free, _ = group_state(log, t[:2], [0, 1], groups, 40.0)
    assert g_open.tolist() == [1, 2] and g_free.tolist() == [0, 2]
    # no groups known: the hall is one group
    g_open, g_free, g_wait = group_state(log, t[:1], [0], {}, 15.0)
    assert (g_open.tolist(), g_free.tolist(), g_wait.tolist()) == ([2], [1], [2])


def test_group_share_reaches_the_handling_model() -> None:
    """The announcement's ``group_share`` is the one the history's handling model groups by
    (20%: Y -> {B} only, as above); a share outside [0, 1] is refused."""
    import pytest

    from queueopt.announce import AnnounceRules
    from queueopt.live import handling_model
    rows = ([("09:00", "X", "09:00", "09:01", "A", "")] * 9 + [("09:00", "Y", "09:00", "09:01", "A", "")]
            + [("09:00", "Y", "09:00", "09:01", "B", "")] * 20)
    assert handling_model(_frame(rows), ("X", "Y"), 0.2).groups["Y"] == frozenset({"B"})
    assert handling_model(_frame(rows), ("X", "Y")).groups["Y"] == frozenset({"A", "B"})
    with pytest.raises(ValueError, match="group_share"):
        AnnounceRules(group_share=1.5)
