"""Region page: halls ranked super-busy / busy / normal, and where capacity helps most."""

from __future__ import annotations

import altair as alt
import streamlit as st

from queueopt.export import csv_bytes, excel_bytes
from queueopt.region import BUSY_THRESHOLDS, CLASSES
from queueopt.ui import cache, state
from queueopt.ui.i18n import day_label, header, headers, t, word

path = state.data_dir()
sig = cache.signature(path)
table = cache.region_table(path, sig)
(w1, u1), (w2, u2) = BUSY_THRESHOLDS["super-busy"], BUSY_THRESHOLDS["busy"]

st.title(t("region_title"))
st.caption(t("region_caption", rule=t("busy_rule", w1=w1, u1=u1, w2=w2, u2=u2)))
shown = table.assign(busy=table["busy_class"].map(word))[
    ["hall_id", "name", "busy", "observed_mean_wait", "customers_per_day"]]
colors = alt.Scale(domain=[word(c) for c in CLASSES], range=["#d62728", "#ff7f0e", "#2ca02c"])
st.altair_chart(alt.Chart(shown).mark_bar().encode(
    x=alt.X("observed_mean_wait:Q", title=t("observed_wait_axis")),
    y=alt.Y("hall_id:N", sort="-x", title=None),
    color=alt.Color("busy:N", scale=colors, title=t("region_busy_title")),
    tooltip=[alt.Tooltip("hall_id:N", title=header("hall_id")),
             alt.Tooltip("name:N", title=header("name")),
             alt.Tooltip("busy:N", title=header("busy_class")),
             alt.Tooltip("observed_mean_wait:Q", title=header("observed_mean_wait")),
             alt.Tooltip("customers_per_day:Q", title=header("customers_per_day"))],
).properties(height=28 * len(table)), width="stretch")

st.subheader(t("predicted_vs_observed"))
st.caption(t("predicted_caption", method=word(cache.REGION_METHOD)))
series = ["observed_mean_wait", "predicted_mean_wait"]
if st.toggle(t("plan_waits_toggle"), key="plan_waits"):
    with st.spinner(t("plan_waits_spinner")):
        plan_waits = cache.region_plan_waits(path, sig)
    table = table.merge(plan_waits.rename(columns={"predicted_mean_wait": "plan_mean_wait"}),
                        on="hall_id", how="left")
    series.append("plan_mean_wait")
pv = table.melt(id_vars="hall_id", value_vars=series, var_name="kind", value_name="minutes")
pv["wait"] = pv.pop("kind").map(word)
st.altair_chart(alt.Chart(pv).mark_bar().encode(
    x=alt.X("minutes:Q", title=t("minutes")), y=alt.Y("hall_id:N", title=None),
    color=alt.Color("wait:N", title=t("wait_kind"), sort=[word(c) for c in series]),
    yOffset=alt.YOffset("wait:N", sort=[word(c) for c in series]),
    tooltip=[alt.Tooltip("hall_id:N", title=header("hall_id")),
             alt.Tooltip("wait:N", title=t("wait_kind")),
             alt.Tooltip("minutes:Q", title=t("minutes"), format=".2f")],
).properties(height=(14 * len(series) + 12) * len(table)), width="stretch")

shown = table.round({"predicted_mean_wait": 2, "plan_mean_wait": 2})
st.dataframe(headers(shown, words=["kind", "busy_class", "best_lever"]), hide_index=True,
             width="stretch")
c1, c2 = st.columns(2)
c1.download_button(t("download_csv_table"), csv_bytes(table),
                   "region.csv", "text/csv", on_click="ignore")
c2.download_button(t("download_xlsx_table"), excel_bytes({"Region": table}), "region.xlsx",
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   on_click="ignore")

st.subheader(t("kiosk_rank_title"))
if st.toggle(t("kiosk_rank_toggle"), key="rank_kiosks"):
    with st.spinner(t("kiosk_rank_spinner")):
        kiosks = cache.region_kiosks(path, sig)
    st.caption(t("kiosk_rank_caption"))
    st.dataframe(headers(kiosks.round(2), words=["kind", "busy_class"]), hide_index=True,
                 width="stretch")
    st.download_button(t("kiosk_rank_csv"), csv_bytes(kiosks),
                       "region_kiosks.csv", "text/csv", on_click="ignore")

st.subheader(t("modelcheck_title"))
st.caption(t("modelcheck_caption"))
check_hall = st.selectbox(t("modelcheck_hall"), list(table["hall_id"]), key="modelcheck_hall")
if st.toggle(t("modelcheck_toggle"), key="modelcheck"):
    with st.spinner(t("modelcheck_spinner")):
        checked = cache.model_check(path, sig, check_hall)
    if "error" in checked:
        st.warning(checked["error"])
    else:
        first, last = checked["holdout"]
        fit_from, fit_to = checked["fitted"]
        st.caption(t("modelcheck_fit", factor=checked["handle_factor"],
                     patience=checked["patience"], fit_from=day_label(fit_from),
                     fit_to=day_label(fit_to), first=day_label(first), last=day_label(last),
                     sl=100 * checked["noise_floor"]["service_level"],
                     ab=100 * checked["noise_floor"]["abandonment"]))
        for level in ("hour", "day"):
            st.markdown(t(f"modelcheck_{level}"))
            scores = checked[level].round(3)
            st.dataframe(headers(scores, words=["model"]), hide_index=True, width="stretch")
        st.download_button(t("modelcheck_csv"), csv_bytes(checked["hour"]),
                           f"modelcheck_{check_hall}.csv", "text/csv", on_click="ignore")
