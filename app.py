"""queueopt's Streamlit app: router and shared sidebar only (pages live in queueopt/ui/)."""

from __future__ import annotations

import streamlit as st

from queueopt.ui import state
from queueopt.ui.i18n import LANGUAGES, t

st.set_page_config(page_title="queueopt", page_icon=":material/storefront:", layout="wide")
state.init()

with st.sidebar:
    st.selectbox(t("language_picker"), list(LANGUAGES), key="lang",
                 format_func=lambda code: LANGUAGES[code])
    state.sidebar_hall_picker()

pages = [
    st.Page("queueopt/ui/forecast_page.py", title=t("page_forecast"), icon=":material/show_chart:", default=True),
    st.Page("queueopt/ui/roster_page.py", title=t("page_roster"), icon=":material/calendar_month:"),
    st.Page("queueopt/ui/nudges_page.py", title=t("page_nudges"), icon=":material/campaign:"),
    st.Page("queueopt/ui/region_page.py", title=t("page_region"), icon=":material/map:"),
    st.Page("queueopt/ui/today_page.py", title=t("page_today"), icon=":material/schedule:"),
    st.Page("queueopt/ui/data_page.py", title=t("page_data"), icon=":material/folder_open:"),
]
st.navigation(pages).run()
