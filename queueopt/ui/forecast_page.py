"""Hall forecast page: next week's footfall with its band, a wait heatmap, peak hours."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from queueopt.export import escape_markdown
from queueopt.ui import cache, state
from queueopt.ui.i18n import t

path = state.data_dir()
sig = cache.signature(path)
hall_id = state.hall()
fc = cache.week_forecast(path, sig, hall_id)
req = cache.requirements(path, sig, hall_id)

st.title(f"{t('forecast_title')} · {escape_markdown(hall_id)}")
st.caption(t("forecast_caption"))
peak = fc.loc[fc["arrivals"].idxmax()]
c1, c2, c3 = st.columns(3)
c1.metric(t("week_total"), f"{fc['arrivals'].sum():,.0f}")
c2.metric(t("busiest"), f"{peak['interval_start']:%a %H:%M}", f"{peak['arrivals']:.0f} / 15 min",
          delta_color="off")
c3.metric(t("mean_wait"), f"{(req['mean_wait'] * req['counter_arrivals']).sum() / max(req['counter_arrivals'].sum(), 1):.1f}")

fc["date"] = fc["interval_start"].dt.strftime("%Y-%m-%d")  # one line per day: no line over the night
band = alt.Chart(fc).mark_area(opacity=0.25).encode(
    x=alt.X("interval_start:T", title=None), y=alt.Y("lo80:Q", title=t("arrivals")), y2="hi80:Q",
    detail="date:N")
line = alt.Chart(fc).mark_line().encode(
    x="interval_start:T", y="arrivals:Q", detail="date:N",
    tooltip=[alt.Tooltip("interval_start:T", format="%a %H:%M"), alt.Tooltip("arrivals:Q", format=".1f"),
             "lo80:Q", "hi80:Q"])
days = fc.groupby(fc["interval_start"].dt.date).agg(
    start=("interval_start", "min"), end=("interval_start", "max"),
    month_end=("month_end", "first"), holiday=("holiday", "first")).reset_index(drop=True)
marks = days[days["month_end"] | (days["holiday"] != "")].copy()
marks["label"] = marks["holiday"].where(marks["holiday"] != "", "month-end / 月末")
rules = alt.Chart(marks).mark_rect(opacity=0.08, color="orange").encode(x="start:T", x2="end:T")
text = alt.Chart(marks).mark_text(align="left", dy=-120, color="darkorange").encode(
    x="start:T", text="label:N")
st.altair_chart((rules + band + line + text).properties(height=320), width="stretch")

# peak hours: the busiest hours of each day
fc["hour"] = fc["interval_start"].dt.hour
fc["day"] = fc["interval_start"].dt.strftime("%a %m-%d")
hourly = fc.groupby(["day", "hour"], sort=False)["arrivals"].sum().reset_index()
top = hourly.sort_values("arrivals", ascending=False).groupby("day", sort=False).head(2)
st.subheader(t("peak_hours"))
st.dataframe(top.sort_values(["day", "hour"]).assign(
    hour=lambda d: d["hour"].map(lambda h: f"{h:02d}:00-{h + 1:02d}:00"),
    arrivals=lambda d: d["arrivals"].round(0)), hide_index=True, width="stretch")

st.subheader(t("wait_heatmap"))
req = req.assign(weekday=req["interval_start"].dt.strftime("%a"), hour=req["interval_start"].dt.hour)
heat = req.groupby(["weekday", "hour"], sort=False).apply(
    lambda d: pd.Series({"wait": (d["mean_wait"] * d["counter_arrivals"]).sum()
                         / max(d["counter_arrivals"].sum(), 1e-9)}), include_groups=False).reset_index()
order = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
st.altair_chart(alt.Chart(heat).mark_rect().encode(
    x=alt.X("hour:O", title="hour"), y=alt.Y("weekday:N", sort=order, title=None),
    color=alt.Color("wait:Q", scale=alt.Scale(scheme="orangered"), title="min"),
    tooltip=["weekday", "hour", alt.Tooltip("wait:Q", format=".1f")]).properties(height=260),
    width="stretch")
