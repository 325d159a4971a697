"""Roster page: generate, inspect day by day, lock and re-optimise, download and publish."""

from __future__ import annotations

import io
import json
import os
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from queueopt.export import csv_bytes, escape_markdown
from queueopt.ui import cache, state
from queueopt.ui.i18n import (
    date_time,
    day_label,
    header,
    headers,
    sentence,
    status_label,
    t,
    word,
)

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
    bar = st.progress(0.0, text=t("progress_start"))
    made = cache.plan(path, sig, hall_id, locked_json if again else "[]", limit,
                      progress=lambda f, m: bar.progress(min(max(f, 0.0), 1.0),
                                                         text=t("progress_start")))
    bar.empty()
    st.session_state[f"plan_{hall_id}"] = made

plan = st.session_state.get(f"plan_{hall_id}")
if plan is None:
    st.info(t("roster_none"))
    st.stop()


def _get(summary: Any, name: str) -> Any:
    """A plan summary's field (a dataclass attribute or a ``summary.json`` key)."""
    return getattr(summary, name) if hasattr(summary, name) else summary[name]


s = plan.summary
policy = cache.dataset(path, sig).policy
gap = _get(s, "gap")
lower = _get(s, "lower_bound_hours")
bound = (t("bound_none") if lower is None else t("bound_no_gap", lb=lower) if gap is None
         else t("bound_gap", gap=gap, lb=lower))
st.success(t("plan_summary", hours=_get(s, "staff_hours"), bound=bound,
             status=status_label(_get(s, "solver_status")), secs=_get(s, "solve_seconds"),
             sl=_get(s, "predicted_service_level"),
             target=t("service_target", sl=policy.target.service_level,
                      th=policy.target.threshold),
             short=_get(s, "shortfall_staff_minutes")))
for line in _get(s, "binding"):
    st.warning(sentence(str(line)))

# ---- one day at a time: staff x hours of that day, and the cover of the same hours
st.subheader(t("roster_by_day"))
week = list(plan.week)
labels = {day_label(d): d for d in week}  # options as words: AppTest formats outside the run
day = labels[st.radio(t("roster_day_pick"), list(labels), horizontal=True,
                      key=f"roster_day_{hall_id}") or next(iter(labels))]
shifts = [sh for sh in plan.schedule.shifts if sh.day == day]
midnight = pd.Timestamp(day)
rows = []
for sh in shifts:
    edges = [sh.start, *[m for b in sorted(sh.breaks) for m in b], sh.end]
    for i in range(len(edges) - 1):
        on_break = i % 2 == 1
        rows.append({"staff": sh.staff_id,
                     "begin": midnight + pd.Timedelta(minutes=edges[i]),
                     "finish": midnight + pd.Timedelta(minutes=edges[i + 1]),
                     "what": t("on_break") if on_break else word(sh.role)})
bars = pd.DataFrame(rows, columns=["staff", "begin", "finish", "what"])
cover = plan.counters[pd.to_datetime(plan.counters["interval_start"]).dt.date == day]
ends = [*bars["begin"], *bars["finish"], *pd.to_datetime(cover["interval_start"])]
x_scale = (alt.Scale(domain=[min(ends).isoformat(), max(ends).isoformat()]) if ends
           else alt.Undefined)
x_axis = alt.Axis(format="%H:%M", labelAngle=0)
order = sorted(bars["staff"].unique(), key=lambda sid: bars.loc[bars["staff"] == sid, "begin"].min())
kinds = [word(r) for r in dict.fromkeys(sh.role for sh in shifts)] + [t("on_break")]
st.altair_chart(alt.Chart(bars).mark_bar(height=12).encode(
    x=alt.X("begin:T", title=t("clock_time"), axis=x_axis, scale=x_scale), x2="finish:T",
    y=alt.Y("staff:N", title=None, sort=order, axis=alt.Axis(labelOverlap=False)),
    color=alt.Color("what:N", title=header("role"),
                    scale=alt.Scale(domain=kinds, range=["#4c78a8", "#f58518", "#54a24b",
                                                         "#b279a2"][:len(kinds) - 1] + ["#d0d0d0"])),
    tooltip=[alt.Tooltip("staff:N", title=header("staff_id")),
             alt.Tooltip("what:N", title=header("role")),
             alt.Tooltip("begin:T", title=header("start"), format="%H:%M"),
             alt.Tooltip("finish:T", title=header("end"), format="%H:%M")],
).properties(height=max(160, 26 * max(len(order), 1))), width="stretch")

st.markdown(f"**{t('cover_chart')}**")
series = ["required", "on_duty", "counters_open"]
cov = cover.melt(id_vars="interval_start", value_vars=series, var_name="series", value_name="staff")
cov["series"] = cov["series"].map(word)
st.altair_chart(alt.Chart(cov).mark_line(interpolate="step-after").encode(
    x=alt.X("interval_start:T", title=t("clock_time"), axis=x_axis, scale=x_scale),
    y=alt.Y("staff:Q", title=t("staff_count")),
    color=alt.Color("series:N", title=header("series"), sort=[word(c) for c in series]),
    tooltip=[alt.Tooltip("interval_start:T", title=t("clock_time"), format="%H:%M"),
             alt.Tooltip("series:N", title=header("series")),
             alt.Tooltip("staff:Q", title=t("staff_count"))],
).properties(height=220), width="stretch")

# ---- edit and lock: codes are shown in words and read back as codes
roster = plan.roster.copy()
st.caption(t("lock_caption"))
roles = {word(r): r for r in ("counter", "vip", "floor", "lead")}
editable = roster[["staff_id", "date", "start", "end", "breaks", "role"]].assign(
    role=roster["role"].map(word), lock=False)
shown = headers(editable)
edited = st.data_editor(
    shown, hide_index=True, width="stretch", key=f"editor_{hall_id}",
    disabled=[header("staff_id"), header("date")],
    column_config={header("role"): st.column_config.SelectboxColumn(options=list(roles))})
edited.columns = list(editable.columns)
locked_rows = edited[edited["lock"]].drop(columns="lock")
locked_rows = locked_rows.assign(role=locked_rows["role"].map(lambda w: roles.get(w, w)))
new_locked = json.dumps(locked_rows.to_dict("records"))
if new_locked != locked_json:
    st.session_state[key] = new_locked
    st.rerun()

from queueopt.pipeline import write_roster_excel

buf = io.BytesIO()
write_roster_excel(plan, buf)  # type: ignore[arg-type]
d1, d2 = st.columns(2)
d1.download_button(t("download_csv"), csv_bytes(roster), f"roster_{hall_id}_{start}.csv",
                   "text/csv", on_click="ignore")
d2.download_button(t("download_xlsx"), buf.getvalue(), f"roster_{hall_id}_{start}.xlsx",
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   on_click="ignore")

with st.expander(t("week_view")):
    grid = roster.assign(
        day=pd.to_datetime(roster["date"]).map(day_label),
        cell=roster["start"] + "-" + roster["end"]
        + roster["role"].map(lambda r: "" if r == "counter" else f" ({word(r)})"))
    days = [day_label(d) for d in week]
    table = grid.pivot_table(index="staff_id", columns="day", values="cell", aggfunc="first")
    table = table.reindex(columns=days).astype(object).fillna("")
    table.index.name = header("staff_id")
    st.table(table.reset_index())

store = state.store()
name = f"{hall_id} {start}"
latest = store.latest("roster", name)
base_key = f"base_{name}"
st.session_state.setdefault(base_key, latest.version if latest else None)
author = st.text_input(t("your_name"), key="author")
if st.button(t("publish")):
    from queueopt.store import ConflictError

    summary = s if isinstance(s, dict) else getattr(s, "to_dict", lambda: s.__dict__)()
    try:
        saved = store.save("roster", name, {"roster": roster.to_dict("records"),
                                            "summary": summary},
                           base_version=st.session_state[base_key], author=author or "manager")
        st.session_state[base_key] = saved.version
        st.success(t("published", v=saved.version))
    except ConflictError as err:
        st.error(t("conflict", msg=escape_markdown(str(err)), v=err.latest))
if latest:
    st.caption(t("last_published", v=latest.version, who=escape_markdown(latest.author),
                 when=date_time(latest.saved_at)))
