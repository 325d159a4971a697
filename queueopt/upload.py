"""Staging a user's uploaded files into a data directory, swapped in only once it validates.

The app's Data page calls :func:`stage_upload`: the uploaded files go into a
fresh staging folder, the tables the user did not upload are copied from
the current data directory, and the folder is validated with the same
:func:`queueopt.io.load_dataset` as ``queueopt validate``. A failed upload
leaves nothing behind; a staging folder is removed when its session moves to
other data, and :func:`sweep_stale` removes folders left by sessions that
ended (older than a day).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from queueopt.dataset import Dataset
from queueopt.errors import DataError, Problem
from queueopt.io import load_dataset
from queueopt.schema import TABLES

STAGING_PREFIX = "queueopt-upload-"
_ARRIVALS = ("tickets", "footfall")


@dataclass(frozen=True)
class Staged:
    """A validated staging folder and its dataset."""

    folder: Path
    dataset: Dataset


def table_of(filename: str) -> str | None:
    """The table an uploaded file name fills (``halls.csv.gz`` -> ``halls``), or ``None``.

    >>> table_of("halls.csv.gz"), table_of("policy.toml"), table_of("notes.txt")
    ('halls', 'policy', None)
    """
    name = Path(filename).name
    if name == "policy.toml":
        return "policy"
    for table in TABLES:
        if name in (f"{table}.csv", f"{table}.csv.gz"):
            return table
    return None


def _carried_over(current: Path, uploaded: set[str]) -> list[Path]:
    """Files of the current data directory for the tables the user did not upload."""
    replaced = set(uploaded)
    if replaced & set(_ARRIVALS):  # new arrivals replace both arrival tables
        replaced |= set(_ARRIVALS)
    keep = []
    for f in sorted(current.iterdir()) if current.is_dir() else []:
        table = table_of(f.name)
        if f.is_file() and table is not None and table not in replaced:
            keep.append(f)
    return keep


def stage_upload(files: Mapping[str, bytes], current: str | Path) -> Staged:
    """Validate ``files`` (name -> bytes) completed by ``current``; raise :class:`DataError`.

    The staging folder exists only when this returns; on any problem it is
    removed before the error propagates.
    """
    unknown = [n for n in files if table_of(n) is None]
    if unknown:
        raise DataError([Problem(Path(n).name[:80], None, None,
                                 "not a file of a data directory (halls.csv, transactions.csv, "
                                 "staff.csv, tickets.csv, footfall.csv, calendar.csv, "
                                 "policy.toml; .csv.gz allowed)") for n in unknown])
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX))
    try:
        for name, data in files.items():
            (staging / Path(name).name).write_bytes(data)
        uploaded = {t for t in (table_of(n) for n in files) if t}
        for f in _carried_over(Path(current), uploaded):
            shutil.copy(f, staging / f.name)
        return Staged(staging, load_dataset(staging))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def is_staging(folder: str | Path) -> bool:
    """Is ``folder`` a staging folder this module made (and so may remove)?"""
    path = Path(folder)
    return path.parent == Path(tempfile.gettempdir()) and path.name.startswith(STAGING_PREFIX)


def discard(folder: str | Path) -> None:
    """Remove a staging folder (never anything else)."""
    if is_staging(folder):
        shutil.rmtree(folder, ignore_errors=True)


def sweep_stale(max_age_s: float = 24 * 3600) -> int:
    """Remove staging folders untouched for ``max_age_s`` seconds; how many were removed."""
    removed = 0
    now = time.time()
    for folder in Path(tempfile.gettempdir()).glob(STAGING_PREFIX + "*"):
        try:
            if folder.is_dir() and now - folder.stat().st_mtime > max_age_s:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        except OSError:
            continue
    return removed
