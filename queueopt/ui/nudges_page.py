"""Nudges and kiosks page: what moving demand, kiosks and pausing cross-selling buy.

The before/after table is :func:`queueopt.whatif.evaluate`'s (what ``queueopt whatif``
prints); kiosk sizing is :func:`queueopt.kiosks.kiosk_options`'s; the peak policies are
:mod:`queueopt.peak_policies`' simulations. This page only renders them.
"""

from __future__ import annotations

import streamlit as st

from queueopt.export import csv_bytes, escape_markdown
from queueopt.ui import cache, state
from queueopt.ui.i18n import date_time, header, headers, lang, sentence, t, word

path = state.data_dir()
sig = cache.signature(path)
hall_id = state.hall()
info = cache.halls_table(path, sig).set_index("hall_id").loc[hall_id]
st.title(f"{t('page_nudges')} · {escape_markdown(hall_id)}")

shift = st.slider(t("shift_share"), 0.0, 0.5, 0.0, 0.05)
has_kiosks = int(info["kiosks"]) > 0
measured = round(cache.measured_adoption(path, sig, hall_id), 2)
adoption = st.slider(t("kiosk_adoption"), 0.0, 1.0, measured, 0.01, disabled=not has_kiosks,
                     help=None if has_kiosks else t("no_kiosks_help"))
pause = st.checkbox(t("pause_cross_sell"))
# the measured adoption is the what-if's default (None), as in `queueopt whatif`
lever = None if not has_kiosks or round(adoption, 2) == measured else round(adoption, 2)
figures = cache.whatif(path, sig, hall_id, round(shift, 2), lever, pause)
st.caption(t("whatif_caption"))
st.dataframe(headers(figures.round(2), index=True), width="stretch")

st.subheader(t("kiosks_title"))
k_rec, k_reason, k_table = cache.kiosk_plan(path, sig, hall_id, lever)
st.markdown(f"**{t('kiosks_now', now=int(info['kiosks']), rec=k_rec)}** "
            f"{escape_markdown(sentence(k_reason))}")
st.caption(t("kiosk_caption"))
st.dataframe(headers(k_table.round(2)), hide_index=True, width="stretch")
st.download_button(t("kiosk_csv"), csv_bytes(k_table),
                   f"kiosks_{hall_id}.csv", "text/csv", on_click="ignore")

st.subheader(t("policies_title"))
c1, c2 = st.columns(2)
factor = c1.slider(t("demand_factor"), 0.8, 1.5, 1.0, 0.05, help=t("demand_factor_help"))
trigger = c2.slider(t("emergency_after"), 0, 30, 10, 1)
if st.toggle(t("simulate_toggle"), key="simulate_policies"):
    with st.spinner(t("simulating")):
        sims = cache.peak_policies(path, sig, hall_id, round(factor, 2), float(trigger))
    st.caption(t("policies_caption"))
    for key, title in (("fast_lane", "fast_lane_title"), ("emergency", "emergency_title")):
        if key in sims:
            st.markdown(f"**{t(title)}**")
            table = sims[key].T.round(2)
            table.columns = [word(c) for c in table.columns]
            table.index = [header(i) for i in table.index]
            st.dataframe(table, width="stretch")

st.subheader(t("messages"))
msgs = cache.nudge_messages(path, sig, hall_id, lang())
for text in msgs["text"]:
    st.markdown(f"- {escape_markdown(text)}")
st.download_button(t("download_messages"), csv_bytes(msgs),
                   f"messages_{hall_id}.csv", "text/csv", on_click="ignore")

st.subheader(t("poster_title"))
files = cache.poster_files(path, sig, hall_id)
st.image(files["png"], width=520)
p1, p2 = st.columns(2)
p1.download_button(t("poster_pdf"), files["pdf"], f"poster_{hall_id}.pdf", "application/pdf",
                   on_click="ignore")
p2.download_button(t("poster_png"), files["png"], f"poster_{hall_id}.png", "image/png",
                   on_click="ignore")

st.subheader(t("scenario_title"))
store = state.store()
scenario_name = st.text_input(t("scenario_name"), value=t("scenario_default", hall=hall_id),
                              key="scenario_name")
latest = store.latest("scenario", scenario_name)
base_key = f"scenario_base_{scenario_name}"
st.session_state.setdefault(base_key, latest.version if latest else None)
if st.button(t("save_scenario")):
    from queueopt.store import ConflictError

    try:
        saved = store.save("scenario", scenario_name,
                           {"hall_id": hall_id, "shift": shift, "kiosk_adoption": lever,
                            "pause_cross_sell": pause, "figures": figures.round(4).to_dict()},
                           base_version=st.session_state[base_key],
                           author=st.session_state.get("author") or "manager")
        st.session_state[base_key] = saved.version
        st.success(t("scenario_saved", name=escape_markdown(scenario_name), v=saved.version))
    except ConflictError as err:
        st.error(t("conflict", msg=escape_markdown(str(err)), v=err.latest))
if latest:
    st.caption(t("scenario_versions", n=len(store.versions("scenario", scenario_name)),
                 who=escape_markdown(latest.author), when=date_time(latest.saved_at)))
