"""Reading one CSV table as text, and parsing its columns with every problem collected.

Shared by the table readers (:mod:`queueopt.tables`): a problem collector
that summarises a problem repeated on many rows, a reader that refuses
oversized, undecodable, header-only or duplicate-column files before pandas
sees them, and vectorised parsers of numbers, flags and timestamps that name
the row and column of every bad cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import gzip
import io as _io
import os
import re
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from queueopt.errors import Problem
from queueopt.schema import DATE_MAX, DATE_MIN, MAX_FILE_BYTES

MAX_ROWS_PER_PROBLEM = 20
"""Rows listed for one kind of problem in one column before it is summarised."""

_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"0", "false", "no", "n", "f", ""}
# a UTC offset or "Z" after a time: the log must be in the hall's local time
_TZ_RE = r"(?:\d[zZ]|[+-]\d{2}:?\d{2})$"
# a plain local timestamp (ASCII digits, no offset): the common case, checked in one pass
_PLAIN_TS_RE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?"


@dataclass(frozen=True)
class RowIssue:
    """One rule broken on some rows of a table (the seam for per-row quarantine).

    ``rows`` are 0-based data-row positions; ``message(r)`` says what is wrong
    on row ``r``.
    """

    column: str
    rows: np.ndarray
    message: Callable[[int], str]
    per_row: bool = True
    """False for a rule of the whole table (a row only shows where): never quarantined."""


class Problems:
    """Collects problems, summarising a problem repeated on many rows."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, file: str, row: int | None, column: str | None, message: str) -> None:
        """Add one problem (``row`` is the editor line: the header is line 1)."""
        self.items.append(Problem(file, row, column, message))

    def rows(self, file: str, rows: Iterable[int], column: str | None,
             message: Callable[[int], str] | str) -> None:
        """Add one problem per row (data index -> editor line), summarised past a cap."""
        rows = list(rows)
        for r in rows[:MAX_ROWS_PER_PROBLEM]:
            text = message(r) if callable(message) else message
            self.items.append(Problem(file, int(r) + 2, column, text))
        if len(rows) > MAX_ROWS_PER_PROBLEM:
            first = message(rows[0]) if callable(message) else message
            self.items.append(Problem(
                file, None, column,
                f"{len(rows) - MAX_ROWS_PER_PROBLEM} more rows with the same problem "
                f"({len(rows)} in all), e.g. {first}",
            ))

    def issues(self, file: str, issues: Iterable[RowIssue]) -> None:
        """Report every :class:`RowIssue`."""
        for issue in issues:
            self.rows(file, issue.rows, issue.column, issue.message)


def _mb(n: int) -> str:
    return f"{n:,} bytes ({n / 1e6:.1f} MB)"


def read_bytes(path: Path, table: str, problems: Problems) -> bytes | None:
    """The file's bytes (gunzipped), refused past :data:`MAX_FILE_BYTES` without reading it all."""
    name, limit = path.name, MAX_FILE_BYTES[table]
    try:
        size = path.stat().st_size
        if size > limit:
            problems.add(name, None, None, f"the file is {_mb(size)}; the limit for {table} "
                         f"is {_mb(limit)} (see README, Security and data safety)")
            return None
        if not name.endswith(".gz"):
            return path.read_bytes()
        raw = _gunzip_one_member(path.read_bytes(), limit + 1)
        if raw is None:
            with gzip.open(path, "rb") as fh:
                raw = fh.read(limit + 1)
    except (OSError, EOFError, zlib.error) as err:
        problems.add(name, None, None, f"cannot read the file: {err}")
        return None
    if len(raw) > limit:
        problems.add(name, None, None, f"the file unpacks to more than {_mb(limit)}; the limit "
                     f"for {table} is {_mb(limit)} (see README, Security and data safety)")
        return None
    return raw


@functools.cache
def _inflate() -> Any:
    """The deflate library of :func:`_gunzip_one_member`: python-isal's ``isal_zlib`` (zlib's
    interface and checks; the sample's 36 MB ticket log unpacks in 0.06 s instead of zlib's
    0.13 s) where it is installed, else ``zlib``."""
    try:
        from isal import isal_zlib
    except ImportError:
        return zlib
    return isal_zlib


def _gunzip_one_member(packed: bytes, most: int) -> bytes | None:
    """The first ``most`` bytes of a gzip file of one member, unpacked in one call (checked
    against its CRC); None for anything else (several members, damage), which the
    ``gzip`` module then reads and explains."""
    lib = _inflate()
    unpack = lib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        raw = unpack.decompress(packed, most)
    except (zlib.error, lib.error):
        return None
    if len(raw) >= most:
        return raw  # over the limit: the caller refuses it
    return raw if unpack.eof and not unpack.unused_data else None


def _header_names(text: str, name: str, problems: Problems) -> list[str] | None:
    """The header's column names as written; None (and the problems reported) when a name
    is blank or repeated or the header is not CSV."""
    try:
        header = next(csv.reader(_io.StringIO(text.split("\n", 1)[0], newline="")), [])
    except csv.Error as err:  # a carriage return inside a quoted name, an unclosed quote...
        problems.add(name, 1, None, f"the header cannot be read as CSV: {err}")
        return None
    names = [h.strip() for h in header]
    ok = True
    for i, col in enumerate(names):
        if col == "":
            problems.add(name, 1, f"#{i + 1}", "a column has no name in the header")
            ok = False
        elif col in names[:i]:
            problems.add(name, 1, col, f"column appears twice in the header (columns "
                         f"{names.index(col) + 1} and {i + 1}); keep one")
            ok = False
    return header if ok else None


def read_csv_text(path: Path, table: str, problems: Problems, required: Iterable[str],
                  optional: Iterable[str] = ()) -> pd.DataFrame | None:
    """Read a CSV table as stripped strings, or report why it cannot be read.

    Refused (one problem each, ``None`` returned): a file over the table's
    size limit, not UTF-8, empty, header only, duplicate or blank column
    names, not CSV, a required column missing.
    """
    name = path.name
    raw = read_bytes(path, table, problems)
    if raw is None:
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    df = _arrow_frame(raw)
    if df is None:  # not a clean UTF-8 CSV: the careful path says why, or reads it
        df = _checked_frame(raw, name, problems)
    if df is None:
        return None
    missing = [c for c in required if c not in df.columns]
    for col in missing:
        problems.add(name, 1, col, "required column is missing from the header")
    if missing:
        return None
    if len(df) == 0:
        problems.add(name, None, None, "the file has a header but no data rows; "
                     "add rows or remove the file")
        return None
    for col in optional:
        if col not in df.columns:
            df[col] = ""
    return df


def _checked_frame(raw: bytes, name: str, problems: Problems) -> pd.DataFrame | None:
    """The table as stripped strings, or None and why not (not UTF-8, empty, a bad header,
    not CSV) in ``problems``."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        problems.add(name, line, None,
                     f"the file is not UTF-8 (byte 0x{raw[err.start]:02x}); save it as UTF-8 CSV")
        return None
    if not text.strip():
        problems.add(name, None, None, "the file is empty")
        return None
    if _header_names(text, name, problems) is None:
        return None
    df = _parse_csv(raw, text, name, problems)
    return None if df is None else df.apply(lambda s: s.str.strip())


_STR = pd.StringDtype("pyarrow", na_value=np.nan) if int(pd.__version__.split(".")[0]) >= 3 else None
"""pandas' default string type, the one ``pd.read_csv(dtype=str)`` gives (pandas >= 3)."""


@functools.cache
def arrow_pool() -> Any:
    """The pyarrow memory pool of the fast reading paths: jemalloc where pyarrow has it.

    Measured on a busy two-core server: pyarrow's default (mimalloc) made one first read of
    the 300,000-row ticket log in three several times slower (0.2 s or 1.2-1.8 s); jemalloc
    took 0.2-0.3 s every time. It also becomes the process's default pool (unless
    ``ARROW_DEFAULT_MEMORY_POOL`` chooses one), which pandas' pyarrow-backed strings use.
    The first call imports pyarrow's csv and compute modules (the loader calls it before
    it reads the ticket log on a worker thread, so that thread imports nothing).
    """
    import pyarrow as pa
    import pyarrow.compute  # noqa: F401  (the fast paths' modules: imported on the caller's thread)
    import pyarrow.csv  # noqa: F401

    try:
        pool = pa.jemalloc_memory_pool()
    except (NotImplementedError, pa.ArrowNotImplementedError):
        return pa.default_memory_pool()
    if "ARROW_DEFAULT_MEMORY_POOL" not in os.environ:
        # pandas' own pyarrow calls (string comparisons, takes) use the default pool: the
        # first of them stalled 0.15-0.27 s in one process in three under mimalloc
        pa.set_memory_pool(pool)
    return pool


def _arrow_frame(raw: bytes) -> pd.DataFrame | None:
    """What :func:`_checked_frame` gives for a clean UTF-8 CSV, read faster; None for any
    other file (the careful path then explains it).

    pyarrow reads on one thread (on a busy two-core server its thread pool made the first
    read of a 300,000-row log several times slower), the text is not decoded to Python, and
    the strip (pyarrow's, what pandas' ``str.strip`` calls for these strings) is skipped when
    the bytes show that no cell can start or end with white space.
    """
    if _STR is None:
        return None
    import pyarrow as pa
    import pyarrow.csv as pcsv
    from pyarrow import compute as pc

    end = raw.find(b"\n")
    try:
        first = raw[: end if end >= 0 else len(raw)].decode("utf-8")
    except UnicodeDecodeError:
        return None
    header = _header_names(first, "", Problems())
    if not header:
        return None
    try:
        table = pcsv.read_csv(
            pa.py_buffer(raw), read_options=pcsv.ReadOptions(use_threads=False),
            memory_pool=arrow_pool(),
            convert_options=pcsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.large_string()), strings_can_be_null=False,
                null_values=[], quoted_strings_can_be_null=False))
    except (pa.ArrowException, ValueError):
        return None
    if table.column_names != header or not all(t == pa.large_string() for t in table.schema.types):
        return None
    strip = _may_need_strip(raw)
    columns = {n.strip(): (pc.utf8_trim_whitespace(table.column(i), memory_pool=arrow_pool())
                           if strip else table.column(i))
               for i, n in enumerate(table.column_names)}
    return pa.table(columns).to_pandas(types_mapper={pa.large_string(): _STR}.get,
                                       memory_pool=arrow_pool())


def _may_need_strip(raw: bytes) -> bool:
    """False only when no cell of the CSV ``raw`` can start or end with white space: ASCII,
    no quote, no control character but line ends, and no space at either end of the file or
    next to a separator or a line end (a scan of the bytes, a megabyte at a time)."""
    if not raw.isascii() or any(c in raw for c in (b'"', b"\t", b"\x0b", b"\x0c", b"\x1c",
                                                   b"\x1d", b"\x1e", b"\x1f")):
        return True
    if raw[:1] == b" " or raw[-1:] == b" ":
        return True
    byte = np.frombuffer(raw, dtype=np.uint8)
    step = 1 << 20
    for start in range(0, len(byte), step):
        part = byte[max(start - 1, 0): start + step + 1]  # one byte of overlap each side
        space = part == ord(" ")
        if not space.any():
            continue
        edge = (part == ord(",")) | (part == ord("\n")) | (part == ord("\r"))
        if (space[1:] & edge[:-1]).any() or (space[:-1] & edge[1:]).any():
            return True
    return False


def _parse_csv(raw: bytes, text: str, name: str, problems: Problems) -> pd.DataFrame | None:
    try:
        # pyarrow's reader is ~4x faster on a large ticket log; the C reader gives
        # the line number of a malformed row, so it speaks when pyarrow refuses
        df = pd.read_csv(_io.BytesIO(raw), dtype=str, engine="pyarrow", keep_default_na=False)
        df = df.fillna("")
    except Exception:  # noqa: BLE001 - any pyarrow refusal: let the C reader explain
        try:
            df = pd.read_csv(_io.StringIO(text), dtype=str, keep_default_na=False,
                             skipinitialspace=True)
        except (pd.errors.ParserError, ValueError) as err:
            match = re.search(r"line (\d+)", str(err))
            problems.add(name, int(match.group(1)) if match else None, None,
                         f"not a valid CSV: {err}")
            return None
    df.columns = [str(c).strip() for c in df.columns]
    return df


def parse_number(df: pd.DataFrame, col: str, file: str, problems: Problems, *,
                 integer: bool = False, minimum: float | None = None,
                 strict_minimum: bool = False, maximum: float | None = None,
                 allow_blank: bool = False) -> pd.Series:
    """Column ``col`` as finite numbers; every bad cell is a problem (NaN in the result)."""
    text = df[col]
    values = pd.to_numeric(text, errors="coerce")
    blank = text.eq("")
    infinite = np.isinf(values.to_numpy(dtype=float, na_value=np.nan))
    problems.rows(file, np.flatnonzero(infinite), col,
                  lambda r: f"{text.iloc[r]!r} is not a finite number")
    values = values.where(~infinite)
    bad = values.isna() & ~(blank & allow_blank) & ~infinite
    problems.rows(file, np.flatnonzero(bad.to_numpy()), col,
                  lambda r: f"{text.iloc[r]!r} is not a number")
    if integer:
        frac = values.notna() & (values % 1 != 0)
        problems.rows(file, np.flatnonzero(frac.to_numpy()), col,
                      lambda r: f"{text.iloc[r]!r} is not a whole number")
    if minimum is not None:
        low = values < minimum if not strict_minimum else values <= minimum
        op = ">" if strict_minimum else ">="
        problems.rows(file, np.flatnonzero(low.fillna(False).to_numpy()), col,
                      lambda r: f"{text.iloc[r]} must be {op} {minimum:g}")
    if maximum is not None:
        high = values > maximum
        problems.rows(file, np.flatnonzero(high.fillna(False).to_numpy()), col,
                      lambda r: f"{text.iloc[r]} is above the limit of {maximum:g}")
    return values


def parse_bool(df: pd.DataFrame, col: str, file: str, problems: Problems) -> pd.Series:
    """Column ``col`` as flags (1/0, true/false, yes/no; blank is false)."""
    text = df[col].str.lower()
    bad = ~text.isin(_TRUE | _FALSE)
    problems.rows(file, np.flatnonzero(bad.to_numpy()), col,
                  lambda r: f"{df[col].iloc[r]!r} is not a flag (use 1 or 0)")
    return text.isin(_TRUE)


def datetime_issues(text: pd.Series, col: str,
                    required: pd.Series | bool = True) -> tuple[pd.Series, list[RowIssue]]:
    """Parse local timestamps; the per-row issues: not a timestamp, a time zone, out of range.

    The range is :data:`~queueopt.schema.DATE_MIN` to :data:`~queueopt.schema.DATE_MAX`.
    """
    blank = text.eq("")
    fast = _arrow_timestamps(text)
    if fast is not None:  # every cell blank or a valid plain timestamp within the dates
        values = fast
        tz = out_of_range = pd.Series(False, index=text.index)
    elif bool((blank | text.str.fullmatch(_PLAIN_TS_RE)).all()):
        values, tz, out_of_range = _plain_timestamps(text, blank)
    else:
        tz = text.str.contains(_TZ_RE, regex=True) & text.str.contains(r"\d[ T]\d", regex=True)
        year = pd.to_numeric(text.str.extract(r"^\s*(\d{4})", expand=False), errors="coerce")
        out_of_range = ~blank & ~tz & year.notna() & ~year.between(DATE_MIN.year, DATE_MAX.year)
        usable = text.where(~(tz | out_of_range), "")
        try:
            values = pd.to_datetime(usable, format="ISO8601", errors="coerce")
        except (ValueError, TypeError, OverflowError):  # whatever slipped past: cell by cell
            values = pd.Series([_one_timestamp(v) for v in usable], index=text.index,
                               dtype="datetime64[ns]")
    need = required if isinstance(required, pd.Series) else pd.Series(required, index=text.index)
    bad = (values.isna() & ~blank & ~tz & ~out_of_range) | (blank & need)
    issues = [
        RowIssue(col, np.flatnonzero(bad.to_numpy()),
                 lambda r: ("is empty but required" if text.iloc[r] == "" else
                            f"{text.iloc[r]!r} is not a timestamp (use YYYY-MM-DD HH:MM[:SS])")),
        RowIssue(col, np.flatnonzero(tz.to_numpy()),
                 lambda r: (f"{text.iloc[r]!r} carries a time zone; write the hall's local "
                            "time without an offset")),
        RowIssue(col, np.flatnonzero(out_of_range.to_numpy()),
                 lambda r: (f"{text.iloc[r]!r} is outside the supported dates "
                            f"{DATE_MIN.year}-{DATE_MAX.year}")),
    ]
    return values.where(~(tz | out_of_range)), [i for i in issues if len(i.rows)]


_SIMPLE_TS_RE = r"^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2})?)?$"
"""Blank, or ``YYYY-MM-DD HH:MM[:SS]`` (``T`` or a space between date and time)."""


def _arrow_timestamps(text: pd.Series) -> pd.Series | None:
    """:func:`datetime_issues`' values when every cell of ``text`` is blank or a valid
    ``YYYY-MM-DD HH:MM[:SS]`` between :data:`DATE_MIN` and :data:`DATE_MAX` and one at least
    is not blank; otherwise None (the general path then finds and names the bad cells).

    pyarrow's ISO 8601 reader parses the strings where they are, without a Python string
    per cell; it refuses an impossible date or time (30 February, 24:00) as pandas does.
    """
    if _STR is None or text.dtype != _STR or len(text) == 0:
        return None
    import pyarrow as pa
    from pyarrow import compute as pc

    cells = pa.array(text.array)
    pool = arrow_pool()
    if not _all_simple_stamps(cells):
        return None
    blank = pc.equal(cells, "", memory_pool=pool)
    if pc.all(blank).as_py():
        return None
    if pc.any(blank).as_py():
        cells = pc.if_else(blank, pa.scalar(None, cells.type), cells, memory_pool=pool)
    try:
        stamps = pc.cast(cells, pa.timestamp("us"), memory_pool=pool)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    span = pc.min_max(stamps).as_py()  # the years DATE_MIN to DATE_MAX, as instants
    if span["min"] < dt.datetime(DATE_MIN.year, 1, 1) or span["max"] >= dt.datetime(DATE_MAX.year + 1, 1, 1):
        return None
    values = pd.Series(stamps.to_numpy(zero_copy_only=False), index=text.index)
    return values if values.dtype == _ts_dtype() else None


_STAMP_DIGITS = {16: [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15],
                 19: [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]}
"""Byte positions of the digits in ``YYYY-MM-DD HH:MM`` (16 bytes) and ``...:SS`` (19)."""
_STAMP_MARKS = {16: ([4, 7, 13], b"--:"), 19: ([4, 7, 13, 16], b"--::")}
"""Byte positions of the separators and the separators there (the date/time one is apart)."""


def _all_simple_stamps(cells: Any) -> bool:
    """Does every cell of the pyarrow string array ``cells`` match :data:`_SIMPLE_TS_RE`?

    Read from the bytes where a chunk allows it (no nulls, every cell blank or of one
    length: its characters then lie one cell per row of a byte matrix), else by the regex.
    """
    from pyarrow import compute as pc

    for chunk in getattr(cells, "chunks", [cells]):
        verdict = _simple_stamp_bytes(chunk)
        if verdict is None:
            verdict = pc.all(pc.match_substring_regex(chunk, _SIMPLE_TS_RE,
                                                      memory_pool=arrow_pool())).as_py()
        if not verdict:
            return False
    return True


def _simple_stamp_bytes(chunk: Any) -> bool | None:
    """:func:`_all_simple_stamps` of one pyarrow ``large_string`` array from its bytes; None
    when the bytes cannot tell (nulls, another type, cells of 16 and 19 bytes mixed)."""
    import pyarrow as pa

    if chunk.type != pa.large_string() or chunk.null_count or len(chunk) == 0:
        return None
    buffers = chunk.buffers()
    offsets = np.frombuffer(buffers[1], dtype=np.int64)[chunk.offset: chunk.offset + len(chunk) + 1]
    lengths = np.diff(offsets)
    width = int(lengths.max())
    if width == 0:
        return True  # every cell blank
    blank_or_wide = (lengths == 0) | (lengths == width)
    if width not in _STAMP_DIGITS or not blank_or_wide.all():
        # no cell of another length matches; cells of 16 and 19 bytes: the regex tells
        return None if (blank_or_wide | (lengths == 16)).all() else False
    cell = np.frombuffer(buffers[2], dtype=np.uint8)[offsets[0]:offsets[-1]].reshape(-1, width)
    digits = cell[:, _STAMP_DIGITS[width]]
    where, marks = _STAMP_MARKS[width]
    middle = cell[:, 10]
    return bool(((digits >= ord("0")) & (digits <= ord("9"))).all()
                and (cell[:, where] == np.frombuffer(marks, dtype=np.uint8)).all()
                and ((middle == ord(" ")) | (middle == ord("T"))).all())


@functools.cache
def _ts_dtype() -> np.dtype:
    """The dtype pandas' ISO 8601 parse gives plain timestamps (microseconds in pandas 3)."""
    return pd.to_datetime(pd.Series(["2000-01-01 00:00:00", ""]), format="ISO8601",
                          errors="coerce").dtype


def duplicated(text: pd.Series) -> pd.Series:
    """``text.duplicated()`` (each repeat after the first), with quick answers first for a
    column of unique ids, the common case: strictly increasing (a log in ticket order), or
    as many distinct values as rows."""
    if _STR is not None and text.dtype == _STR and len(text) > 1:
        import pyarrow as pa
        from pyarrow import compute as pc

        cells = pa.array(text.array)
        pool = arrow_pool()
        if (pc.all(pc.greater(cells[1:], cells[:-1], memory_pool=pool)).as_py()
                or pc.count_distinct(cells, mode="all", memory_pool=pool).as_py() == len(text)):
            return pd.Series(False, index=text.index)
    return text.duplicated()


def _plain_timestamps(text: pd.Series, blank: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """:func:`datetime_issues`' parse when every cell is blank or ``YYYY-MM-DD HH:MM[:SS]``.

    The same values and flags as the general path, without its per-cell regex
    extraction (a ticket log of 300,000 rows parses in a fifth of the time): no
    cell carries a time zone, and the year is read from the parsed value (from
    the text only where the value does not parse).
    """
    tz = pd.Series(False, index=text.index)
    year = pd.Series(pd.NA, index=text.index, dtype="Float64")
    try:
        values = pd.to_datetime(text, format="ISO8601", errors="coerce")
        year = values.dt.year.astype("Float64")
    except (ValueError, TypeError, OverflowError):
        values = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    unparsed = values.isna() & ~blank
    if unparsed.any():
        year = year.mask(unparsed, pd.to_numeric(text[unparsed].str.slice(0, 4),
                                                 errors="coerce"))
    out_of_range = (~blank & year.notna() & ~year.between(DATE_MIN.year, DATE_MAX.year)
                    ).fillna(False).astype(bool)
    if out_of_range.any():
        values = values.where(~out_of_range)
        # the general path parses the in-range cells without the out-of-range ones
        keep = text.where(~out_of_range, "")
        values = pd.to_datetime(keep, format="ISO8601", errors="coerce")
    return values, tz, out_of_range


def _one_timestamp(value: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(value).tz_localize(None) if value else pd.NaT
    except (ValueError, TypeError, OverflowError):
        return pd.NaT


def parse_datetime(df: pd.DataFrame, col: str, file: str, problems: Problems, *,
                   required: pd.Series | bool = True) -> pd.Series:
    """Column ``col`` as local timestamps; every bad cell is a problem (NaT in the result)."""
    values, issues = datetime_issues(df[col], col, required)
    problems.issues(file, issues)
    return values


def clock_minute(text: str) -> int:
    """``"HH:MM"`` as minutes after midnight (0-1440).

    >>> clock_minute("08:30")
    510
    >>> clock_minute("25:00")
    Traceback (most recent call last):
    ...
    ValueError: '25:00' is not a clock time between 00:00 and 24:00
    """
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    value = int(match.group(1)) * 60 + int(match.group(2)) if match else -1
    if not match or int(match.group(2)) >= 60 or not 0 <= value <= 24 * 60:
        raise ValueError(f"{text!r} is not a clock time between 00:00 and 24:00")
    return value
