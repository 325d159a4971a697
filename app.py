"""queueopt's Streamlit app: router and shared sidebar only (pages live in queueopt/ui/)."""

from __future__ import annotations

import streamlit as st

from queueopt.ui import state
from queueopt.ui.i18n import LANGUAGES, t

st.set_page_config(page_title="queueopt", page_icon="🏢", layout="wide")
state.init()

with st.sidebar:
    st.selectbox("Language / 语言", list(LANGUAGES), key="lang",
                 format_func=lambda code: LANGUAGES[code])
    state.sidebar_hall_picker()

pages = [
    st.Page("queueopt/ui/forecast_page.py", title=t("page_forecast"), icon="📈", default=True),
    st.Page("queueopt/ui/roster_page.py", title=t("page_roster"), icon="🗓️"),
    st.Page("queueopt/ui/nudges_page.py", title=t("page_nudges"), icon="🪧"),
    st.Page("queueopt/ui/region_page.py", title=t("page_region"), icon="🗺️"),
    st.Page("queueopt/ui/data_page.py", title=t("page_data"), icon="📂"),
]
st.navigation(pages).run()
