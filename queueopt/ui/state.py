"""Session state shared by the pages: the data source and the selected hall."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from queueopt.errors import DataError
from queueopt.export import escape_markdown
from queueopt.ui import cache
from queueopt.ui.i18n import t

if TYPE_CHECKING:
    from queueopt.store import Store

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "sample"


def default_data_dir() -> str:
    """``QUEUEOPT_DATA`` or the bundled sample region."""
    return os.environ.get("QUEUEOPT_DATA", str(SAMPLE_DIR))


def init() -> None:
    """Set defaults once per session."""
    st.session_state.setdefault("lang", "en")
    st.session_state.setdefault("data_dir", default_data_dir())


def data_dir() -> str:
    """The data directory this session uses."""
    init()
    return str(st.session_state["data_dir"])


def sidebar_hall_picker() -> None:
    """Region and hall pickers (in the sidebar)."""
    try:
        info = cache.halls_table(data_dir(), cache.signature(data_dir()))
    except (DataError, OSError) as err:  # QUEUEOPT_DATA, or a folder changed on disk
        bad = data_dir()
        st.session_state["data_dir"] = str(SAMPLE_DIR)
        first = str(err.problems[0]) if isinstance(err, DataError) else str(err)
        st.error(t("bad_data_dir", path=escape_markdown(bad), first=escape_markdown(first)))
        info = cache.halls_table(data_dir(), cache.signature(data_dir()))
    regions = sorted(info["region"].unique())
    region = st.selectbox(t("region"), regions, key="region")
    halls = info[info["region"] == region]
    labels = dict(zip(halls["hall_id"], halls["hall_id"] + " · " + halls["name"]))
    if st.session_state.get("hall") not in labels:
        st.session_state["hall"] = next(iter(labels))
    st.selectbox(t("hall"), list(labels), key="hall", format_func=lambda h: labels[h])
    source = t("using_sample") if Path(data_dir()) == SAMPLE_DIR else t("using_upload")
    st.caption(source)


def hall() -> str:
    """The selected hall id."""
    init()
    if "hall" not in st.session_state:
        info = cache.halls_table(data_dir(), cache.signature(data_dir()))
        st.session_state["hall"] = str(info["hall_id"].iloc[0])
    return str(st.session_state["hall"])


def store() -> Store:
    """The saved-work database (``QUEUEOPT_DB``); a clear message and a stop if it is unreachable."""
    from queueopt.store import Store

    try:
        return Store()
    except ValueError as err:
        st.error(t("store_unavailable", err=escape_markdown(str(err))))
        st.stop()
        raise  # st.stop() raises; this line is for type checkers
