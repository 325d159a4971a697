"""Data page: upload your own files; nothing replaces the current data until it validates."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from queueopt.errors import DataError
from queueopt.io import load_dataset
from queueopt.ui import state
from queueopt.ui.i18n import t

st.title(t("page_data"))
st.caption(t("using_sample") if Path(state.data_dir()) == state.SAMPLE_DIR else t("using_upload"))
files = st.file_uploader(t("upload"), accept_multiple_files=True,
                         type=["csv", "gz", "toml"], key="uploads")
if st.button(t("validate"), type="primary", disabled=not files):
    staging = Path(tempfile.mkdtemp(prefix="queueopt-upload-"))
    for f in files or []:
        (staging / Path(f.name).name).write_bytes(f.getvalue())
    # files the user did not upload (e.g. policy.toml) come from the current data
    for f in Path(state.data_dir()).iterdir():
        if f.is_file() and not (staging / f.name).exists() and not (
                f.name.startswith("tickets") and any(x.name.startswith(("tickets", "footfall"))
                                                     for x in staging.iterdir())):
            shutil.copy(f, staging / f.name)
    try:
        ds = load_dataset(staging)
    except DataError as err:
        st.error(f"{t('problems')} ({len(err.problems)})")
        st.dataframe(pd.DataFrame([{"file": p.file, "row": p.row, "column": p.column,
                                    "problem": p.message} for p in err.problems]),
                     hide_index=True, width="stretch")
        shutil.rmtree(staging, ignore_errors=True)
    else:
        st.session_state["data_dir"] = str(staging)
        st.session_state.pop("hall", None)
        st.success(f"{len(ds.halls)} halls, {len(ds.staff)} staff: {t('using_upload')}")
if Path(state.data_dir()) != state.SAMPLE_DIR and st.button(t("back_to_sample")):
    st.session_state["data_dir"] = str(state.SAMPLE_DIR)
    st.session_state.pop("hall", None)
    st.rerun()
