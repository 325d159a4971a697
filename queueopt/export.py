"""Inert exports: the one writer of every CSV and Excel file the package or the app hands out.

A spreadsheet treats a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return as a formula (OWASP, "CSV Injection"): a hall named
``=HYPERLINK("http://x","click")`` would become a live link in a manager's
roster. Following OWASP's advice, every *text* cell that starts with one of
those characters is written as text:

* in CSV, with a leading apostrophe (``'=HYPERLINK(...)``), which spreadsheets
  read as "this is text" and do not show;
* in Excel, as a string cell marked "quote prefix" (never a formula cell),
  so the workbook shows the exact text.

Numbers are never touched: ``-3`` in a numeric column stays the number -3.
Column names are user text too (a week grid has a column per staff member)
and are treated the same way.

User text shown in the app goes through :func:`escape_markdown`, so a hall
name is never read as markdown or HTML (an image link in a name made the
browser fetch its address).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def inert_text(value: str) -> str:
    """``value`` with a leading apostrophe when a spreadsheet would read it as a formula.

    >>> inert_text('=HYPERLINK("http://x","click")')
    '\\'=HYPERLINK("http://x","click")'
    >>> inert_text("Tianhe")
    'Tianhe'
    """
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _inert_cell(value: Any) -> Any:
    return inert_text(value) if isinstance(value, str) else value


def inert_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names are inert (numbers unchanged).

    >>> df = pd.DataFrame({"name": ["=1+1", "ok"], "delta": [-3, 4]})
    >>> inert_frame(df).to_dict("list")
    {'name': ["'=1+1", 'ok'], 'delta': [-3, 4]}
    """
    out = frame.copy()
    for col in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_datetime64_any_dtype(
                out[col]) or pd.api.types.is_bool_dtype(out[col])):
            out[col] = out[col].map(_inert_cell)
    out.columns = [_inert_cell(c) for c in out.columns]
    if out.index.dtype == object or pd.api.types.is_string_dtype(out.index):
        out.index = out.index.map(_inert_cell)
    return out


def write_csv(frame: pd.DataFrame, path: str | Path | io.IOBase | None = None,
              **kwargs: Any) -> str | None:
    """``frame.to_csv(path, **kwargs)`` with every text cell inert (see the module docstring).

    pandas quotes a cell holding a newline but not one holding a bare carriage
    return, which a spreadsheet reads as a row break: a file with one is
    written with every text cell quoted.
    """
    out = inert_frame(frame)
    text_cells = [out[c] for c in out.columns if out[c].dtype == object
                  or pd.api.types.is_string_dtype(out[c])]
    if any(col.map(lambda v: isinstance(v, str) and "\r" in v).any() for col in text_cells):
        kwargs.setdefault("quoting", csv.QUOTE_NONNUMERIC)
    return out.to_csv(path, **kwargs)  # type: ignore[arg-type]


def csv_bytes(frame: pd.DataFrame, **kwargs: Any) -> bytes:
    """An inert CSV as UTF-8 bytes (for a download button); ``index=False`` by default."""
    kwargs.setdefault("index", False)
    text = write_csv(frame, None, **kwargs)
    return (text or "").encode("utf-8")


def inert_workbook(book: Any) -> None:
    """Make every text cell of an openpyxl workbook a plain string (never a formula).

    Call it on ``ExcelWriter.book`` before the writer closes. openpyxl stores
    a string that starts with ``=`` as a formula; this turns it back into a
    string cell with Excel's quote prefix, as is every other cell starting
    with a character of :data:`FORMULA_STARTS`.
    """
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or (isinstance(cell.value, str)
                                             and cell.value.startswith(FORMULA_STARTS)):
                    cell.data_type = "s"
                    cell.quotePrefix = True


def write_excel(target: str | Path | io.BytesIO, sheets: Mapping[str, pd.DataFrame],
                *, index: bool = False) -> None:
    """Write ``sheets`` (name -> frame) to an inert ``.xlsx`` file or buffer."""
    with pd.ExcelWriter(target, engine="openpyxl") as xl:
        for name, frame in sheets.items():
            frame.to_excel(xl, sheet_name=name, index=index)
        inert_workbook(xl.book)


def excel_bytes(sheets: Mapping[str, pd.DataFrame], *, index: bool = False) -> bytes:
    """An inert workbook as bytes (for a download button)."""
    buf = io.BytesIO()
    write_excel(buf, sheets, index=index)
    return buf.getvalue()


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def escape_markdown(text: str) -> str:
    """``text`` with every markdown and HTML character escaped, for ``st.markdown`` and friends.

    >>> print(escape_markdown("![t](http://127.0.0.1:9999/track.png)"))
    \\!\\[t\\]\\(http\\://127\\.0\\.0\\.1\\:9999/track\\.png\\)
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
