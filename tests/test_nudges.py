"""Busy and quiet windows and messages come from the numbers."""

from __future__ import annotations

import pandas as pd
import pytest

from queueopt.nudges import messages, windows


def _frame() -> pd.DataFrame:
    idx = pd.date_range("2026-11-23 09:00", periods=40, freq="15min")
    arr = [4] * 12 + [25] * 8 + [6] * 20
    wait = [1.0] * 12 + [12.0] * 8 + [2.0] * 20
    return pd.DataFrame({"interval_start": idx, "arrivals": arr, "mean_wait": wait})


def test_windows_and_messages_follow_the_numbers() -> None:
    ws = windows(_frame(), hours=2)
    busy = next(w for w in ws if w.kind == "busy")
    quiet = next(w for w in ws if w.kind == "quiet")
    assert busy.label == "12:00-14:00" and busy.arrivals == 200
    assert quiet.start < busy.start  # 09:00-11:00 has 4 a quarter
    en = messages(ws, hall_name="Tianhe", lang="en")["text"].iloc[0]
    zh = messages(ws, lang="zh")["text"].iloc[0]
    assert "12:00-14:00" in en and "expected wait 12 min" in en
    assert "12:00-14:00" in zh and "预计等候12分钟" in zh
    # change the numbers and the message changes with them
    f = _frame()
    f.loc[f["mean_wait"] > 10, "mean_wait"] = 30.0
    assert "expected wait 30 min" in messages(windows(f), lang="en")["text"].iloc[0]


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        windows(_frame(), hours=0)
    with pytest.raises(ValueError):
        messages([], lang="fr")


def test_shift_demand_moves_customers_inside_opening_hours() -> None:
    from queueopt.nudges import shift_demand

    f = _frame()[["interval_start", "arrivals"]]
    moved = shift_demand(f, 0.5, app_share=0.2)
    assert set(moved["interval_start"]) == set(f["interval_start"])  # no new intervals
    assert moved["arrivals"].sum() == pytest.approx(f["arrivals"].sum() - 0.5 * 200 * 0.2)
    assert moved["arrivals"].max() < f["arrivals"].max()
    assert shift_demand(f, 0.0)["arrivals"].tolist() == f["arrivals"].tolist()


def test_windows_by_day_type() -> None:
    import datetime as dt

    from queueopt.nudges import windows_by_day_type

    days = pd.date_range("2026-10-01", "2026-10-31", freq="D")
    rows = []
    for d in days:
        for k in range(32):  # 09:00-17:00
            t = d + pd.Timedelta(minutes=9 * 60 + 15 * k)
            peak = 3.0 if (d.day >= 21 and 14 <= t.hour < 16) else 1.0
            rows.append((t, 10 * peak, 2.0 * peak))
    f = pd.DataFrame(rows, columns=["interval_start", "arrivals", "mean_wait"])
    from queueopt.calendar import HallCalendar

    dates = [d.date() for d in days]
    kinds = dict(zip(dates, HallCalendar("CN").day_kinds(dates)))
    table = windows_by_day_type(f, kinds)
    assert set(table["day_type"]) == {"weekday", "weekend", "month-end", "holiday"}
    month_end_busy = table[(table["day_type"] == "month-end") & (table["kind"] == "busy")].iloc[0]
    assert month_end_busy["window"] == "14:00-16:00"
    # National Day 2026: Oct 1-3 and 5-7 are days off; Sunday Oct 4 stays a weekend day
    assert table.loc[table["day_type"] == "holiday", "days"].iloc[0] == 6
    assert dt.date(2026, 10, 1) in kinds


def test_shift_to_the_next_day() -> None:
    """Movers who come back tomorrow land in tomorrow's quiet window; the last day keeps its own."""
    from queueopt.nudges import shift_demand, windows

    one = _frame()[["interval_start", "arrivals"]]
    two = pd.concat([one, one.assign(interval_start=one["interval_start"] + pd.Timedelta(days=1))],
                    ignore_index=True)
    out = shift_demand(two, 0.5, app_share=0.0, next_day_share=1.0)
    day = out["interval_start"].dt.day
    assert out["arrivals"].sum() == pytest.approx(two["arrivals"].sum())
    total = out.groupby(day)["arrivals"].sum()
    assert total[23] == pytest.approx(two["arrivals"].sum() / 2 - 100)
    assert total[24] == pytest.approx(two["arrivals"].sum() / 2 + 100)
    quiet = [w for w in windows(two.assign(mean_wait=0.0)) if w.kind == "quiet" and w.day.day == 24][0]
    m = out["interval_start"].dt.hour * 60 + out["interval_start"].dt.minute
    inside = (day == 24) & (m >= quiet.start) & (m < quiet.end)
    gained = (out["arrivals"] - two["arrivals"])[inside].sum()
    assert gained == pytest.approx(100 + 100)  # day 23's movers and day 24's own
    with pytest.raises(ValueError, match="next_day_share"):
        shift_demand(two, 0.5, next_day_share=1.5)
