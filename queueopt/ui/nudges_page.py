"""Nudges and kiosks page: what moving demand, kiosks and pausing cross-selling buy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from queueopt.export import csv_bytes, escape_markdown
from queueopt.ui import cache, state
from queueopt.ui.i18n import lang, t

path = state.data_dir()
sig = cache.signature(path)
hall_id = state.hall()
info = cache.halls_table(path, sig).set_index("hall_id").loc[hall_id]
st.title(f"{t('page_nudges')} · {escape_markdown(hall_id)}")

shift = st.slider(t("shift_share"), 0.0, 0.5, 0.0, 0.05)
has_kiosks = int(info["kiosks"]) > 0
adoption = st.slider(t("kiosk_adoption"), 0.0, 1.0, 0.5, 0.05, disabled=not has_kiosks,
                     help=None if has_kiosks else "This hall has no kiosks.")
pause = st.checkbox(t("pause_cross_sell"))

base = cache.requirements(path, sig, hall_id)
after = cache.requirements(path, sig, hall_id, round(shift, 2),
                           round(adoption, 2) if has_kiosks else 0.0, pause)


policy = cache.dataset(path, sig).policy


def summary(r: pd.DataFrame) -> dict[str, float]:
    w = r["counter_arrivals"]
    return {t("staff_hours"): float(r["staff"].sum() * policy.interval_minutes / 60),
            t("mean_wait"): float((r["mean_wait"] * w).sum() / max(w.sum(), 1e-9)),
            t("worst_wait"): float(np.nanmax(r["mean_wait"])),
            t("meet_share"): float((r["service_level"] >= policy.target.service_level).mean()),
            t("kiosk_worst_wait"): float(np.nanmax(r["kiosk_mean_wait"]))}


table = pd.DataFrame({t("before"): summary(base), t("after"): summary(after)})
table["Δ"] = table[t("after")] - table[t("before")]
st.dataframe(table.round(2), width="stretch")

st.subheader("Kiosks: how many to add / 自助终端配置")
k_rec, k_reason, k_table = cache.kiosk_plan(path, sig, hall_id,
                                            round(adoption, 2) if has_kiosks else None)
st.markdown(f"**{int(info['kiosks'])} now → {k_rec} recommended.** {escape_markdown(k_reason)}.")
st.caption("Counter staff-hours per week when kiosk customers who would wait past the target "
           "go to a counter instead; kiosk waits in minutes.")
st.dataframe(k_table.round(2), hide_index=True, width="stretch")
st.download_button("Kiosk options (CSV)", csv_bytes(k_table),
                   f"kiosks_{hall_id}.csv", "text/csv", on_click="ignore")

st.subheader("Peak policies, simulated / 高峰策略仿真")
c1, c2 = st.columns(2)
factor = c1.slider("Demand vs forecast", 0.8, 1.5, 1.0, 0.05,
                   help="Simulate a quieter or busier week than forecast at the planned counters.")
trigger = c2.slider("Emergency counter opens after (min)", 0, 30, 10, 1)
if st.toggle("Simulate fast lane and emergency counter", key="simulate_policies"):
    with st.spinner("Simulating 20 weeks per scenario…"):
        sims = cache.peak_policies(path, sig, hall_id, round(factor, 2), float(trigger))
    st.caption("Waits in minutes, hours per week; _low/_high: 95% interval over simulated weeks; "
               "wait_change: vs the first column, paired.")
    if "fast_lane" in sims:
        st.markdown("**Fast lane for quick transactions vs pooled counters**")
        st.dataframe(sims["fast_lane"].T.round(2), width="stretch")
    st.markdown("**Duty manager's emergency counter**")
    st.dataframe(sims["emergency"].T.round(2), width="stretch")

st.subheader(t("messages"))
msgs = cache.nudge_messages(path, sig, hall_id, lang())
for text in msgs["text"]:
    st.markdown(f"- {escape_markdown(text)}")
st.download_button(t("download_messages"), csv_bytes(msgs),
                   f"messages_{hall_id}.csv", "text/csv", on_click="ignore")

st.subheader("Poster / 海报")
files = cache.poster_files(path, sig, hall_id)
st.image(files["png"], width=520)
p1, p2 = st.columns(2)
p1.download_button("Poster (PDF)", files["pdf"], f"poster_{hall_id}.pdf", "application/pdf",
                   on_click="ignore")
p2.download_button("Poster (PNG)", files["png"], f"poster_{hall_id}.png", "image/png",
                   on_click="ignore")

st.subheader("Save this scenario / 保存方案")
from queueopt.store import ConflictError  # noqa: E402  (page code runs top to bottom)

store = state.store()
scenario_name = st.text_input("Scenario name", value=f"{hall_id} what-if", key="scenario_name")
latest = store.latest("scenario", scenario_name)
base_key = f"scenario_base_{scenario_name}"
st.session_state.setdefault(base_key, latest.version if latest else None)
if st.button("Save scenario"):
    try:
        saved = store.save("scenario", scenario_name,
                           {"hall_id": hall_id, "shift": shift, "kiosk_adoption": adoption,
                            "pause_cross_sell": pause, "figures": table.round(4).to_dict()},
                           base_version=st.session_state[base_key],
                           author=st.session_state.get("author", "manager"))
        st.session_state[base_key] = saved.version
        st.success(f"Saved scenario '{escape_markdown(scenario_name)}' as version {saved.version}.")
    except ConflictError as err:
        st.error(escape_markdown(str(err)))
if latest:
    st.caption(f"Saved versions: {len(store.versions('scenario', scenario_name))}; latest by "
               f"{escape_markdown(latest.author)} at {latest.saved_at}.")
