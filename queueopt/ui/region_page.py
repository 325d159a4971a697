"""Region page: halls ranked super-busy / busy / normal, and where capacity helps most."""

from __future__ import annotations

import io

import altair as alt
import pandas as pd
import streamlit as st

from queueopt.ui import cache, state
from queueopt.ui.i18n import t

path = state.data_dir()
sig = cache.signature(path)
table = cache.region_table(path, sig)
st.title(t("region_title"))
st.caption("super-busy: mean wait ≥ 8 min or busy-hour utilisation ≥ 0.95; busy: ≥ 4 min or ≥ 0.80. "
           "Gains: customer-minutes of waiting saved on a typical day.")
colors = alt.Scale(domain=["super-busy", "busy", "normal"], range=["#d62728", "#ff7f0e", "#2ca02c"])
st.altair_chart(alt.Chart(table).mark_bar().encode(
    x=alt.X("observed_mean_wait:Q", title="observed mean wait (min)"),
    y=alt.Y("hall_id:N", sort="-x", title=None), color=alt.Color("busy_class:N", scale=colors),
    tooltip=["hall_id", "name", "busy_class", "observed_mean_wait", "customers_per_day",
             "best_lever"]).properties(height=28 * len(table)), width="stretch")
st.dataframe(table, hide_index=True, width="stretch")
buf = io.BytesIO()
with pd.ExcelWriter(buf, engine="openpyxl") as xl:
    table.to_excel(xl, sheet_name="Region", index=False)
c1, c2 = st.columns(2)
c1.download_button(t("download_csv_table"), table.to_csv(index=False).encode("utf-8"),
                   "region.csv", "text/csv", on_click="ignore")
c2.download_button(t("download_xlsx_table"), buf.getvalue(), "region.xlsx",
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   on_click="ignore")
