"""Saved work: scenarios and published rosters, versioned, in SQLite.

Every save creates a new version; nothing is overwritten or deleted. Saving
names the version it started from (``base_version``); when someone else saved
a newer version in the meantime, :class:`ConflictError` is raised instead of
silently overwriting their work (optimistic concurrency, as in HTTP's
``If-Match``). The database path comes from the argument, else the
``QUEUEOPT_DB`` environment variable, else ``~/.queueopt/queueopt.sqlite``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

KINDS: tuple[str, ...] = ("roster", "scenario")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS saved (
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    version INTEGER NOT NULL,
    saved_at TEXT NOT NULL,
    author TEXT NOT NULL,
    note TEXT NOT NULL,
    payload TEXT NOT NULL,
    PRIMARY KEY (kind, name, version)
);
"""


class ConflictError(Exception):
    """Someone saved a newer version since ``base_version`` was loaded."""

    def __init__(self, kind: str, name: str, base: int | None, latest: int, author: str) -> None:
        self.latest = latest
        super().__init__(
            f"{kind} {name!r} was saved as version {latest} by {author} after you loaded "
            f"version {base}; reload it, re-apply your change and save again")


@dataclass(frozen=True, slots=True)
class Saved:
    """One saved version."""

    kind: str
    name: str
    version: int
    saved_at: str
    author: str
    note: str
    payload: dict[str, Any]


def default_path() -> Path:
    """``QUEUEOPT_DB`` or ``~/.queueopt/queueopt.sqlite``."""
    env = os.environ.get("QUEUEOPT_DB")
    return Path(env) if env else Path.home() / ".queueopt" / "queueopt.sqlite"


class Store:
    """Versioned storage of scenarios and rosters in one SQLite file.

    >>> import tempfile, pathlib
    >>> s = Store(pathlib.Path(tempfile.mkdtemp()) / "t.sqlite")
    >>> s.save("roster", "H01 2026-11-23", {"rows": []}, base_version=None).version
    1
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con:
            con.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            con.execute("PRAGMA journal_mode=WAL")
            yield con
        finally:
            con.close()

    def latest(self, kind: str, name: str) -> Saved | None:
        """The newest version, or ``None`` when nothing is saved under that name."""
        with self._connect() as con:
            row = con.execute(
                "SELECT kind, name, version, saved_at, author, note, payload FROM saved "
                "WHERE kind = ? AND name = ? ORDER BY version DESC LIMIT 1", (kind, name)).fetchone()
        return _row(row) if row else None

    def get(self, kind: str, name: str, version: int) -> Saved:
        """One version; ``KeyError`` when it does not exist."""
        with self._connect() as con:
            row = con.execute(
                "SELECT kind, name, version, saved_at, author, note, payload FROM saved "
                "WHERE kind = ? AND name = ? AND version = ?", (kind, name, version)).fetchone()
        if not row:
            raise KeyError(f"{kind} {name!r} has no version {version}")
        return _row(row)

    def versions(self, kind: str, name: str) -> list[Saved]:
        """Every version, oldest first."""
        with self._connect() as con:
            rows = con.execute(
                "SELECT kind, name, version, saved_at, author, note, payload FROM saved "
                "WHERE kind = ? AND name = ? ORDER BY version", (kind, name)).fetchall()
        return [_row(r) for r in rows]

    def names(self, kind: str) -> list[str]:
        """Names saved under ``kind``."""
        with self._connect() as con:
            rows = con.execute("SELECT DISTINCT name FROM saved WHERE kind = ? ORDER BY name",
                               (kind,)).fetchall()
        return [r[0] for r in rows]

    def save(self, kind: str, name: str, payload: dict[str, Any], *, base_version: int | None,
             author: str = "anonymous", note: str = "") -> Saved:
        """Save a new version on top of ``base_version`` (``None`` for a new name).

        Raises
        ------
        ConflictError
            When the newest version is not ``base_version``.
        ValueError
            Unknown ``kind`` or an empty name.
        """
        if kind not in KINDS:
            raise ValueError(f"kind={kind!r} must be one of {KINDS}")
        if not name.strip():
            raise ValueError("name must not be empty")
        text = json.dumps(payload, default=str)
        now = dt.datetime.now().isoformat(timespec="seconds")
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")  # one writer at a time: the check and insert are atomic
            try:
                row = con.execute("SELECT version, author FROM saved WHERE kind = ? AND name = ? "
                                  "ORDER BY version DESC LIMIT 1", (kind, name)).fetchone()
                latest = row[0] if row else None
                if latest != base_version:
                    raise ConflictError(kind, name, base_version, latest or 0,
                                        row[1] if row else "?")
                version = (latest or 0) + 1
                con.execute("INSERT INTO saved VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (kind, name, version, now, author, note, text))
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return Saved(kind, name, version, now, author, note, json.loads(text))


def _row(row: tuple[Any, ...]) -> Saved:
    return Saved(row[0], row[1], int(row[2]), row[3], row[4], row[5], json.loads(row[6]))
