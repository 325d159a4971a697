"""Hall forecast page: next week's footfall with its band, each day's peak, a wait heatmap."""

from __future__ import annotations

import altair as alt
import streamlit as st

from queueopt.export import escape_markdown
from queueopt.ui import cache, state
from queueopt.ui.i18n import (
    day_label,
    header,
    holiday_name,
    slot_label,
    t,
    time_axis_expr,
    word,
)

path = state.data_dir()
sig = cache.signature(path)
hall_id = state.hall()
fc = cache.week_forecast(path, sig, hall_id)
interval = int(fc["interval_start"].diff().dropna().dt.total_seconds().min() // 60) if len(fc) > 1 else 15

st.title(f"{t('forecast_title')} · {escape_markdown(hall_id)}")
st.caption(t("forecast_caption"))
peak = fc.loc[fc["arrivals"].idxmax()]
c1, c2, c3 = st.columns(3)
c1.metric(t("week_total"), f"{fc['arrivals'].sum():,.0f}")
c2.metric(t("busiest"), slot_label(peak["interval_start"]),
          t("per_interval", n=peak["arrivals"], m=interval), delta_color="off", delta_arrow="off")
c3.metric(t("mean_wait"), f"{cache.week_mean_wait(path, sig, hall_id):.1f}")

# one line per day (no line across the night); time axis labelled in the page's language
chart = fc[["interval_start", "arrivals", "lo80", "hi80"]].assign(
    date=fc["interval_start"].dt.strftime("%Y-%m-%d"))
# a label per day, written from the day's start over the day
x_axis = alt.Axis(labelExpr=time_axis_expr(with_clock=False), labelAngle=0, tickCount="day",
                  labelAlign="left", labelPadding=4)
x = alt.X("interval_start:T", title=None, axis=x_axis)
tooltip = [alt.Tooltip("interval_start:T", title=header("interval_start"), format="%m-%d %H:%M"),
           alt.Tooltip("arrivals:Q", title=t("forecast_line"), format=".1f"),
           alt.Tooltip("lo80:Q", title=header("lo80"), format=".1f"),
           alt.Tooltip("hi80:Q", title=header("hi80"), format=".1f")]
band = alt.Chart(chart).mark_area(opacity=0.25).encode(
    x=x, y=alt.Y("lo80:Q", title=t("arrivals")), y2="hi80:Q", detail=alt.Detail("date:N"))
line = alt.Chart(chart).mark_line().encode(
    x=x, y=alt.Y("arrivals:Q", title=t("arrivals")), detail=alt.Detail("date:N"), tooltip=tooltip)
days = fc.groupby(fc["interval_start"].dt.date).agg(
    start=("interval_start", "min"), end=("interval_start", "max"),
    month_end=("month_end", "first"), holiday=("holiday", "first")).reset_index(drop=True)
marks = days[days["month_end"] | (days["holiday"] != "")].copy()
marks["label"] = [holiday_name(h) if h else word("month-end") for h in marks["holiday"]]
rules = alt.Chart(marks).mark_rect(opacity=0.08, color="orange").encode(
    x=alt.X("start:T", title=None, axis=x_axis), x2="end:T")
text = alt.Chart(marks).mark_text(align="left", dy=-120, color="darkorange").encode(
    x=alt.X("start:T", title=None, axis=x_axis), text=alt.Text("label:N"))
st.altair_chart((rules + band + line + text).properties(height=320), width="stretch")

# each day's peak, in day order
st.subheader(t("peak_hours"))
st.caption(t("peak_caption", h=2))
peaks = cache.peak_windows(path, sig, hall_id)
table = peaks.assign(
    day=peaks["day"].map(day_label),
    window=[f"{s // 60:02d}:{s % 60:02d}-{e // 60:02d}:{e % 60:02d}"
            for s, e in zip(peaks["start"], peaks["end"])],
    arrivals=peaks["arrivals"].round(0), expected_wait=peaks["expected_wait"].round(1),
)[["day", "window", "arrivals", "expected_wait"]]
st.dataframe(table.rename(columns=header), hide_index=True, width="stretch")

st.subheader(t("wait_heatmap"))
heat = cache.hourly_waits(path, sig, hall_id)
heat = heat.assign(day=heat["date"].map(day_label))
order = [day_label(d) for d in sorted(heat["date"].unique())]
st.altair_chart(alt.Chart(heat).mark_rect().encode(
    x=alt.X("hour:O", title=t("hour_of_day")),
    y=alt.Y("day:N", sort=order, title=None),
    color=alt.Color("expected_wait:Q", scale=alt.Scale(scheme="orangered"),
                    title=t("wait_legend")),
    tooltip=[alt.Tooltip("day:N", title=header("day")),
             alt.Tooltip("hour:O", title=header("hour")),
             alt.Tooltip("expected_wait:Q", title=header("expected_wait"), format=".1f")],
).properties(height=260), width="stretch")
