"""Data page: upload your own files; nothing replaces the current data until it validates."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from queueopt.errors import DataError
from queueopt.ui import state
from queueopt.ui.i18n import headers, t
from queueopt.upload import discard, stage_upload, sweep_stale


def _switch_to(folder: str) -> None:
    """Use ``folder`` from now on; the upload folder this session used before is removed."""
    previous = state.data_dir()
    st.session_state["data_dir"] = folder
    st.session_state.pop("hall", None)
    if previous != folder:
        discard(previous)


st.title(t("page_data"))
st.caption(t("using_sample") if Path(state.data_dir()) == state.SAMPLE_DIR else t("using_upload"))
files = st.file_uploader(t("upload"), accept_multiple_files=True,
                         type=["csv", "gz", "toml"], key="uploads")
if st.button(t("validate"), type="primary", disabled=not files):
    sweep_stale()
    try:
        staged = stage_upload({f.name: f.getvalue() for f in files or []}, state.data_dir())
    except DataError as err:
        st.error(f"{t('problems')} ({len(err.problems)})")
        st.dataframe(headers(pd.DataFrame([{"file": p.file, "row": p.row, "column": p.column,
                                            "problem": p.message} for p in err.problems])),
                     hide_index=True, width="stretch")
    else:
        _switch_to(str(staged.folder))
        ds = staged.dataset
        st.success(t("upload_ok", halls=len(ds.halls), staff=len(ds.staff)))
if Path(state.data_dir()) != state.SAMPLE_DIR and st.button(t("back_to_sample")):
    _switch_to(str(state.SAMPLE_DIR))
    st.rerun()
