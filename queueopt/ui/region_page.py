"""Region page: halls ranked super-busy / busy / normal, and where capacity helps most."""

from __future__ import annotations

import altair as alt
import streamlit as st

from queueopt.export import csv_bytes, excel_bytes
from queueopt.ui import cache, state
from queueopt.ui.i18n import t

path = state.data_dir()
sig = cache.signature(path)
table = cache.region_table(path, sig).copy()
# what next week's plan promises (planned counters) next to what customers get today
predicted = {}
for h in table["hall_id"]:
    req = cache.requirements(path, sig, h)
    w = req["counter_arrivals"]
    predicted[h] = float((req["mean_wait"] * w).sum() / max(w.sum(), 1e-9))
table.insert(table.columns.get_loc("observed_mean_wait") + 1, "predicted_mean_wait",
             table["hall_id"].map(predicted).round(2))
st.title(t("region_title"))
st.caption("super-busy: mean wait ≥ 8 min or busy-hour utilisation ≥ 0.95; busy: ≥ 4 min or ≥ 0.80. "
           "Gains: customer-minutes of waiting saved on a typical day.")
colors = alt.Scale(domain=["super-busy", "busy", "normal"], range=["#d62728", "#ff7f0e", "#2ca02c"])
st.altair_chart(alt.Chart(table).mark_bar().encode(
    x=alt.X("observed_mean_wait:Q", title="observed mean wait (min)"),
    y=alt.Y("hall_id:N", sort="-x", title=None), color=alt.Color("busy_class:N", scale=colors),
    tooltip=["hall_id", "name", "busy_class", "observed_mean_wait", "customers_per_day",
             "best_lever"]).properties(height=28 * len(table)), width="stretch")
st.subheader("Predicted (next week's plan) vs observed (last 4 weeks) mean wait, minutes")
pv = table.melt(id_vars="hall_id", value_vars=["observed_mean_wait", "predicted_mean_wait"],
                var_name="wait", value_name="minutes")
st.altair_chart(alt.Chart(pv).mark_bar().encode(
    x=alt.X("minutes:Q"), y=alt.Y("hall_id:N", title=None), color="wait:N",
    yOffset="wait:N").properties(height=40 * len(table)), width="stretch")
st.dataframe(table, hide_index=True, width="stretch")
c1, c2 = st.columns(2)
c1.download_button(t("download_csv_table"), csv_bytes(table),
                   "region.csv", "text/csv", on_click="ignore")
c2.download_button(t("download_xlsx_table"), excel_bytes({"Region": table}), "region.xlsx",
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   on_click="ignore")

st.subheader("Where one more kiosk saves most / 新增自助终端收益排名")
if st.toggle("Rank halls for one more kiosk", key="rank_kiosks"):
    with st.spinner("Sizing kiosks for every hall…"):
        kiosks = cache.region_kiosks(path, sig)
    st.caption("Counter staff-hours saved per week by one more kiosk (kiosk customers who would "
               "wait past the target go to a counter), then customer-minutes of kiosk wait saved.")
    st.dataframe(kiosks.round(2), hide_index=True, width="stretch")
    st.download_button("Kiosk ranking (CSV)", csv_bytes(kiosks),
                       "region_kiosks.csv", "text/csv", on_click="ignore")
