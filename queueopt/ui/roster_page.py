"""Roster page: generate, inspect, lock and re-optimise, download and publish a hall-week roster."""

from __future__ import annotations

import io
import json
import os

import altair as alt
import pandas as pd
import streamlit as st

from queueopt.export import csv_bytes, escape_markdown
from queueopt.pipeline import week_grid, write_roster_excel
from queueopt.store import ConflictError
from queueopt.ui import cache, state
from queueopt.ui.i18n import t

path = state.data_dir()
sig = cache.signature(path)
hall_id = state.hall()
limit = float(os.environ.get("QUEUEOPT_TIME_LIMIT", "15"))
start = cache.week_start(path, sig)
st.title(f"{t('page_roster')} · {escape_markdown(hall_id)} · {start:%Y-%m-%d}")

key = f"locked_{hall_id}"
locked_json = st.session_state.get(key, "[]")
c1, c2 = st.columns(2)
go = c1.button(t("generate"), type="primary")
again = c2.button(t("reoptimise"), disabled=locked_json == "[]")
if go or again:
    bar = st.progress(0.0, text="…")
    plan = cache.plan(path, sig, hall_id, locked_json if again else "[]", limit,
                      progress=lambda f, m: bar.progress(min(max(f, 0.0), 1.0), text=m))
    bar.empty()
    st.session_state[f"plan_{hall_id}"] = plan

plan = st.session_state.get(f"plan_{hall_id}")
if plan is None:
    st.info(t("roster_none"))
    st.stop()

s = plan.summary  # a PlanSummary: the same sentence as `queueopt plan` prints
st.success(
    f"{s.headline()}. Predicted service level {s.predicted_service_level:.1%} "
    f"({s.service_target}).")
for line in s.binding:
    st.warning(line)

cov = plan.counters.melt(id_vars="interval_start", value_vars=["required", "on_duty", "counters_open"],
                         var_name="series", value_name="staff")
st.subheader(t("cover_chart"))
st.altair_chart(alt.Chart(cov).mark_line(interpolate="step-after").encode(
    x=alt.X("interval_start:T", title=None), y="staff:Q", color="series:N").properties(height=260),
    width="stretch")

roster = plan.roster.copy()
gantt = roster.assign(
    begin=pd.to_datetime(roster["date"] + " " + roster["start"]),
    finish=pd.to_datetime(roster["date"] + " " + roster["end"]))
st.altair_chart(alt.Chart(gantt).mark_bar(height=10).encode(
    x=alt.X("begin:T", title=None), x2="finish:T", y=alt.Y("staff_id:N", title=None),
    color="role:N", tooltip=["staff_id", "date", "start", "end", "breaks", "role"]).properties(
    height=max(200, 18 * roster["staff_id"].nunique())), width="stretch")

st.caption("Tick 'lock' on shifts to keep, edit times if needed, then re-optimise the rest.")
editable = roster[["staff_id", "date", "start", "end", "breaks", "role"]].assign(lock=False)
edited = st.data_editor(editable, hide_index=True, width="stretch", key=f"editor_{hall_id}",
                        disabled=["staff_id", "date"])
locked_rows = edited[edited["lock"]].drop(columns="lock")
new_locked = json.dumps(locked_rows.to_dict("records"))
if new_locked != locked_json:
    st.session_state[key] = new_locked
    st.rerun()

csv = csv_bytes(roster)
buf = io.BytesIO()
write_roster_excel(plan, buf)  # type: ignore[arg-type]
d1, d2 = st.columns(2)
d1.download_button(t("download_csv"), csv, f"roster_{hall_id}_{start}.csv", "text/csv",
                   on_click="ignore")
d2.download_button(t("download_xlsx"), buf.getvalue(), f"roster_{hall_id}_{start}.xlsx",
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   on_click="ignore")

with st.expander(t("week_view")):
    st.table(week_grid(plan.schedule.shifts, plan.week))

store = state.store()
name = f"{hall_id} {start}"
latest = store.latest("roster", name)
base_key = f"base_{name}"
st.session_state.setdefault(base_key, latest.version if latest else None)
author = st.text_input("Your name", value="manager", key="author")
if st.button(t("publish")):
    try:
        saved = store.save("roster", name, {"roster": roster.to_dict("records"), "summary": s.to_dict()},
                           base_version=st.session_state[base_key], author=author)
        st.session_state[base_key] = saved.version
        st.success(f"Published as version {saved.version}.")
    except ConflictError as err:
        st.error(escape_markdown(str(err)))
if latest:
    st.caption(f"Last published: version {latest.version} by {escape_markdown(latest.author)} at {latest.saved_at}.")
