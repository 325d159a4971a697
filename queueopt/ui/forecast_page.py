"""Hall forecast page: next week's footfall with its band, each day's peak, a wait heatmap."""

from __future__ import annotations

import streamlit as st

from queueopt.export import escape_markdown
from queueopt.ui import cache, charts, state
from queueopt.ui.i18n import day_label, header, slot_label, t

# Each part is sent as soon as it is known (the browser draws it while the next is computed):
# the title, then the forecast's figures and chart, then the mean wait in its column.
path = state.data_dir()
sig = cache.signature(path)
hall_id = state.hall()
st.title(f"{t('forecast_title')} · {escape_markdown(hall_id)}")
st.caption(t("forecast_caption"))

fc = cache.week_forecast(path, sig, hall_id)
interval = int(fc["interval_start"].diff().dropna().dt.total_seconds().min() // 60) if len(fc) > 1 else 15
peak = fc.loc[fc["arrivals"].idxmax()]
c1, c2, c3 = st.columns(3)
c1.metric(t("week_total"), f"{fc['arrivals'].sum():,.0f}")
c2.metric(t("busiest"), slot_label(peak["interval_start"]),
          t("per_interval", n=peak["arrivals"], m=interval), delta_color="off", delta_arrow="off")

# one line per day (no line across the night), month-end and holidays marked; Vega-Lite
# specs (queueopt/ui/charts.py): the first page does not import altair
st.vega_lite_chart(spec=charts.forecast_chart(fc), width="stretch")
c3.metric(t("mean_wait"), f"{cache.week_mean_wait(path, sig, hall_id):.1f}")

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
st.vega_lite_chart(spec=charts.wait_heatmap(cache.hourly_waits(path, sig, hall_id)),
                  width="stretch")
