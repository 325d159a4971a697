"""Today page: the queue now, the wait to announce, the next two hours and what to do.

Live mode (:func:`queueopt.live.live_view`) in a fragment that reruns every
``REFRESH`` seconds. Today's tickets come from an upload, from the file named
by ``QUEUEOPT_TODAY`` (an export the ticket machine rewrites), or, without
either, the last day of the hall's log replayed as if it were today at the
time picked on the page. The hall's history is prepared once per hall and
day (cached); each refresh only reads today's new tickets.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from queueopt.export import escape_markdown
from queueopt.live import HallHistory, LiveView, history_for, last_event, live_view, read_today
from queueopt.ui import cache, state
from queueopt.ui.i18n import day_label, t

# seconds between refreshes of the live part of the page (QUEUEOPT_TODAY_REFRESH overrides)
REFRESH = max(int(os.environ.get("QUEUEOPT_TODAY_REFRESH", "30") or 30), 1)


@st.cache_resource(max_entries=8, show_spinner=False)
def _history(path: str, sig: str, hall_id: str, day: dt.date) -> HallHistory:
    """The hall's history before ``day`` (shared, never mutated)."""
    return history_for(cache.dataset(path, sig), hall_id, day)


@st.cache_data(max_entries=8, show_spinner=False)
def _demo_day(path: str, sig: str, hall_id: str) -> pd.DataFrame:
    """The last day of the hall's ticket log (the demo's 'today')."""
    tickets = cache.dataset(path, sig).tickets_of(hall_id)
    if tickets.empty:
        return tickets
    last = tickets["issued_at"].dt.date.max()
    return tickets[tickets["issued_at"].dt.date == last].reset_index(drop=True)


def _today(path: str, sig: str, hall_id: str) -> tuple[pd.DataFrame, str, bool]:
    """Today's tickets, a caption saying where they come from, and whether it is the demo."""
    upload = st.session_state.get("today_upload")
    feed = os.environ.get("QUEUEOPT_TODAY")
    ds = cache.dataset(path, sig)
    if upload is not None:
        with tempfile.TemporaryDirectory() as tmp:
            file = Path(tmp) / "today.csv"
            file.write_bytes(upload.getvalue())
            tickets = read_today(file, ds, hall_id)
        return tickets, t("today_uploaded", day=day_label(tickets["issued_at"].iloc[0])), False
    if feed:
        return read_today(feed, ds, hall_id), t("today_feed", file=escape_markdown(feed)), False
    demo = _demo_day(path, sig, hall_id)
    return demo, t("today_demo", day=day_label(demo["issued_at"].iloc[0])), True


def _clock(minute: float) -> str:
    m = round(minute)
    return f"{m // 60:02d}:{m % 60:02d}"


def _action_text(kind: str, start: float, end: float, counters: int) -> str:
    return t(f"today_act_{kind}", n=counters, a=_clock(start), b=_clock(end))


path = state.data_dir()
sig = cache.signature(path)
hall_id = state.hall()
st.title(f"{t('today_title')} · {escape_markdown(hall_id)}")
with st.expander(t("today_source")):
    st.file_uploader(t("today_upload"), type=["csv"], key="today_upload")

if cache.dataset(path, sig).tickets_of(hall_id).empty:
    st.info(t("today_no_log"))
    st.stop()

try:
    first, _, demo = _today(path, sig, hall_id)
except (ValueError, OSError) as err:  # DataError is a ValueError: file, row and column named
    st.error(escape_markdown(str(err)))
    st.stop()
if demo:
    opens = first["issued_at"].min().floor("15min")
    closes = last_event(first).ceil("15min")
    moments = list(pd.date_range(opens, closes, freq="15min"))
    st.select_slider(t("today_clock"), options=moments, value=moments[len(moments) // 2],
                     key="today_now", format_func=lambda x: x.strftime("%H:%M"))


@st.fragment(run_every=REFRESH)
def live_part() -> None:
    """The part of the page that refreshes: today's tickets are read again each time."""
    try:
        today, source, demo = _today(path, sig, hall_id)
    except (ValueError, OSError) as err:
        st.error(escape_markdown(str(err)))
        return
    day = today["issued_at"].dt.date.iloc[0]
    now = pd.Timestamp(st.session_state["today_now"]) if demo else last_event(today)
    wall = pd.Timestamp.now().floor("s")
    if not demo and wall.date() == day:  # a live feed: the clock moves on between exports
        now = max(now, wall)
    hist = _history(path, sig, hall_id, day)
    roster, names = _roster(hall_id, day)
    prev = st.session_state.get("today_view")
    view: LiveView = live_view(hist, today, now, hall_id=hall_id, roster=roster, names=names,
                               previous=prev if isinstance(prev, LiveView) else None)
    st.session_state["today_view"] = view
    st.caption(t("today_caption", day=day_label(day), now=_clock(view.now), s=REFRESH))
    st.caption(source)
    _show_counts(view)
    _show_queue(view)
    _show_announced(view)
    _show_advice(view)
    _show_rest_of_day(view, today, now)
    _show_staff(view)


def _show_counts(view: LiveView) -> None:
    """Counter customers waiting, counters open (busy), tickets issued, served and left."""
    snap = view.snapshot
    counter_wait = snap.waiting[snap.waiting["channel"] == "counter"]["waiting"].sum() \
        if len(snap.waiting) else 0
    c = st.columns(5)
    c[0].metric(t("today_waiting"), int(counter_wait))
    c[1].metric(t("today_counters"), f"{snap.counters_open} ({snap.counters_busy})")
    c[2].metric(t("today_issued"), snap.issued)
    c[3].metric(t("today_served"), snap.served)
    c[4].metric(t("today_left"), snap.abandoned)


def _show_queue(view: LiveView) -> None:
    """Who waits now, per channel, transaction type and tier (longest wait in minutes)."""
    snap = view.snapshot
    st.subheader(t("today_queue"))
    if len(snap.waiting):
        w = snap.waiting.assign(
            channel=snap.waiting["channel"].map(lambda x: t(f"today_{x}_q")),
            tier=snap.waiting["tier"].map(lambda x: t(f"today_{'vip' if x == 'vip' else 'regular'}")),
            longest_wait=snap.waiting["longest_wait"].round(1))
        st.dataframe(w.rename(columns={
            "channel": t("today_col_channel"), "transaction_type": t("today_col_type"),
            "tier": t("today_col_tier"), "waiting": t("today_col_waiting"),
            "longest_wait": t("today_col_longest")}), hide_index=True, width="stretch")
    else:
        st.write(t("today_nobody"))


def _show_announced(view: LiveView) -> None:
    """The waits to announce per transaction type and tier (minutes, with 80% ranges)."""
    st.subheader(t("today_announce"))
    st.caption(t("today_announce_caption"))
    a = view.announced

    def rng(lo: pd.Series, hi: pd.Series) -> list[str]:
        return ["" if pd.isna(x) else f"{x:.1f}-{y:.1f}" for x, y in zip(lo, hi)]
    table = pd.DataFrame({
        t("today_col_type"): a["transaction_type"],
        t("today_col_tier"): a["tier"].map(lambda x: t(f"today_{'vip' if x == 'vip' else 'regular'}")),
        t("today_col_counter"): a["counter_wait"],
        t("today_col_counter_range"): rng(a["counter_lo80"], a["counter_hi80"]),
        t("today_col_kiosk"): a["kiosk_wait"],
        t("today_col_kiosk_range"): rng(a["kiosk_lo80"], a["kiosk_hi80"])})
    if a["kiosk_wait"].isna().all():
        table = table.drop(columns=[t("today_col_kiosk"), t("today_col_kiosk_range")])
    st.dataframe(table, hide_index=True, width="stretch")


def _show_advice(view: LiveView) -> None:
    """The duty manager's advice and the next intervals' planned/needed/advised counters."""
    adv = view.advice
    if adv is not None:
        st.subheader(t("today_advice"))
        for act in adv.actions:
            st.markdown(f"- {_action_text(act.kind, act.start, act.end, act.counters)}")
        if not adv.actions:
            st.markdown(f"- {t('today_keep')}")
        st.subheader(t("today_next"))
        nxt = adv.table
        st.dataframe(pd.DataFrame({
            t("today_col_interval"): nxt["interval_start"],
            t("today_col_arrivals"): nxt["arrivals"],
            t("today_col_planned"): nxt["planned"], t("today_col_needed"): nxt["needed"],
            t("today_col_advised"): nxt["advised"],
            t("today_col_wait_planned"): nxt["wait_planned"],
            t("today_col_wait_advised"): nxt["wait_advised"]}), hide_index=True, width="stretch")


def _show_rest_of_day(view: LiveView, today: pd.DataFrame, now: pd.Timestamp) -> None:
    """Customers per 15 minutes for the rest of the day: forecast, updated and seen so far."""
    if not len(view.rest_of_day):
        return
    st.subheader(t("today_rest"))
    rest = view.rest_of_day
    step = 15
    seen = today[today["issued_at"] < now]["issued_at"].dt.floor(f"{step}min").value_counts()
    long = pd.concat([
        pd.DataFrame({"time": rest["interval_start"], "customers": rest["forecast"],
                      "series": t("today_forecast")}),
        pd.DataFrame({"time": rest["interval_start"], "customers": rest["updated"],
                      "series": t("today_updated")}),
        pd.DataFrame({"time": seen.index, "customers": seen.to_numpy(float),
                      "series": t("today_seen")})])
    chart: Any = alt.Chart(long).mark_line(point=True).encode(
        x=alt.X("time:T", title=t("today_time"), axis=alt.Axis(format="%H:%M")),
        y=alt.Y("customers:Q", title=t("today_customers")),
        color=alt.Color("series:N", title=t("today_series")))
    st.altair_chart(chart.properties(height=260), width="stretch")


def _show_staff(view: LiveView) -> None:
    """Each person's status now and until when (when a roster is published)."""
    st.subheader(t("today_staff"))
    if view.staff is None:
        st.caption(t("today_no_roster"))
    else:
        free = view.staff
        st.dataframe(pd.DataFrame({
            t("today_col_name"): free["name"].where(free["name"] != "", free["staff_id"]),
            t("today_col_status"): free["status"].map(lambda x: t(f"today_st_{x}")),
            t("today_col_until"): free["until"]}), hide_index=True, width="stretch")


def _roster(hall_id: str, day: dt.date) -> tuple[pd.DataFrame | None, dict[str, str]]:
    """The roster published for the week of ``day`` (``None`` when there is none)."""
    ds = cache.dataset(path, sig)
    names = {s.staff_id: s.name for s in ds.staff_of(hall_id)}
    try:
        latest = state.store().latest("roster", f"{hall_id} {day - dt.timedelta(days=day.weekday())}")
    except (ValueError, OSError):
        return None, names
    if latest is None or "roster" not in latest.payload:
        return None, names
    roster = pd.DataFrame(latest.payload["roster"])
    need = {"staff_id", "date", "start", "end", "breaks", "role"}
    if not need <= set(roster.columns):
        return None, names
    return roster.astype({"start": str, "end": str, "date": str}), names


live_part()
