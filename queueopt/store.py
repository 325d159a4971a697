"""Saved work: scenarios and published rosters, versioned, in SQLite or a shared PostgreSQL.

Every save creates a new version; nothing is overwritten or deleted. Saving
names the version it started from (``base_version``); when someone else saved
a newer version in the meantime, :class:`ConflictError` is raised instead of
silently overwriting their work (optimistic concurrency, as in HTTP's
``If-Match``); the table's primary key (kind, name, version) makes two
simultaneous saves of the same version impossible in either database.

The database comes from the argument, else the ``QUEUEOPT_DB`` environment
variable, else ``~/.queueopt/queueopt.sqlite``: a file path or
``sqlite:///path`` for SQLite, or a
``postgresql://user:password@host:port/dbname`` URL for a PostgreSQL server
shared by a region's managers (``pip install "queueopt[postgres]"``, psycopg 3).
Any other address is refused (:func:`parse_address`); every error is a
:class:`StoreError` (a ``ValueError``) whose message never holds a password.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
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


class StoreError(ValueError):
    """The saved-work database cannot be used (bad address, unreadable file, server down).

    The message never holds a password.
    """


def default_path() -> Path | str:
    """``QUEUEOPT_DB`` (an address :func:`parse_address` accepts) or ``~/.queueopt/queueopt.sqlite``."""
    env = os.environ.get("QUEUEOPT_DB", "").strip()
    return env if env else Path.home() / ".queueopt" / "queueopt.sqlite"


def is_url(location: str | Path) -> bool:
    """True for a PostgreSQL URL (``postgresql://`` or ``postgres://``)."""
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):")


def parse_address(location: str | Path) -> Path | str:
    """The SQLite file (a :class:`Path`) or the PostgreSQL URL (a ``str``) an address names.

    Accepted: a plain file path; ``sqlite:///relative/file`` and
    ``sqlite:////absolute/file`` (SQLAlchemy's spelling); ``postgresql://`` or
    ``postgres://`` URLs. Anything else (another scheme such as ``mysql://``,
    ``:memory:``, which would forget every save between two calls) raises
    :class:`StoreError` naming only the scheme, never the rest of the address.

    >>> parse_address("sqlite:///saved/q.sqlite")
    PosixPath('saved/q.sqlite')
    >>> parse_address("mysql://u:secret@h/db")
    Traceback (most recent call last):
    ...
    queueopt.store.StoreError: QUEUEOPT_DB: 'mysql' databases are not supported; use a file path, sqlite:///path or postgresql://...
    """
    if isinstance(location, Path):
        return location
    text = location.strip()
    if is_url(text):
        return text
    if text.lower().startswith("sqlite:///"):
        rest = text[len("sqlite:///"):]
        if rest in ("", ":memory:"):
            raise StoreError("QUEUEOPT_DB: sqlite:/// needs a file path (an in-memory database "
                             "would forget every save)")
        return Path(rest)
    if text == ":memory:":
        raise StoreError("QUEUEOPT_DB: an in-memory database would forget every save between "
                         "two calls; give a file path")
    match = _SCHEME.match(text)
    if match:
        raise StoreError(f"QUEUEOPT_DB: {match.group(1)[:20]!r} databases are not supported; use "
                         "a file path, sqlite:///path or postgresql://...")
    if not text:
        raise StoreError("QUEUEOPT_DB: the database address is empty")
    return Path(text)


class Store:
    """Versioned storage of scenarios and rosters: one SQLite file or a PostgreSQL database.

    Parameters
    ----------
    path:
        A SQLite file (created with its folder when missing) or a
        ``postgresql://`` URL; default :func:`default_path`.

    Raises
    ------
    ValueError
        A PostgreSQL URL without psycopg installed, or a server that cannot
        be reached (the message names the URL without its password).

    >>> import tempfile, pathlib
    >>> s = Store(pathlib.Path(tempfile.mkdtemp()) / "t.sqlite")
    >>> s.save("roster", "H01 2026-11-23", {"rows": []}, base_version=None).version
    1
    """

    def __init__(self, path: str | Path | None = None) -> None:
        location = parse_address(path if path else default_path())
        self.url: str | None = location if isinstance(location, str) else None
        self.path: Path | None = location if isinstance(location, Path) else None
        if self.url:
            try:
                import psycopg  # noqa: F401
            except ImportError:
                raise StoreError(f"{_redact(self.url)}: a PostgreSQL database needs psycopg "
                                 '(pip install "queueopt[postgres]")') from None
        else:
            assert self.path is not None
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                raise StoreError(f"cannot create the folder of {self.path}: "
                                 f"{err.strerror}") from None
            if self.path.is_dir():
                raise StoreError(f"{self.path} is a folder, not a SQLite database file")
        with self._connect() as con:
            if self.url:
                con.execute(_SCHEMA)
            else:
                con.executescript(_SCHEMA)

    @property
    def location(self) -> str:
        """Where the work is saved (a file path, or the URL without its password)."""
        return _redact(self.url) if self.url else str(self.path)

    @contextmanager
    def _connect(self) -> Iterator[Any]:
        if self.url:
            import psycopg

            try:
                con = psycopg.connect(self.url, autocommit=True, connect_timeout=15)
            except psycopg.Error as err:
                raise StoreError(f"cannot reach the database {_redact(self.url)}: "
                                 f"{str(err).strip()}") from None
            try:
                yield _Postgres(con)
            finally:
                con.close()
            return
        assert self.path is not None
        try:
            lite = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        except sqlite3.Error as err:
            raise StoreError(f"cannot open the database {self.path}: {err}") from None
        try:
            lite.execute("PRAGMA journal_mode=WAL")
            yield lite
        except sqlite3.IntegrityError:
            raise  # a concurrent save of the same version: save() turns it into a conflict
        except sqlite3.DatabaseError as err:
            raise StoreError(f"the database {self.path} cannot be used ({err}); is it a "
                             "queueopt SQLite file?") from None
        finally:
            lite.close()

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
            except BaseException as err:
                con.execute("ROLLBACK")
                if _duplicate(err):  # another session inserted this version first
                    newest = self.latest(kind, name)
                    raise ConflictError(kind, name, base_version,
                                        newest.version if newest else 0,
                                        newest.author if newest else "?") from None
                raise
        return Saved(kind, name, version, now, author, note, json.loads(text))


class _Postgres:
    """The few sqlite3 connection calls the store makes, on a psycopg connection."""

    def __init__(self, con: Any) -> None:
        self._con = con

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        if sql == "BEGIN IMMEDIATE":
            sql = "BEGIN"
        return self._con.execute(sql.replace("?", "%s"), params)


def _duplicate(err: BaseException) -> bool:
    """Was ``err`` a primary-key violation (SQLite or PostgreSQL)?"""
    if isinstance(err, sqlite3.IntegrityError):
        return True
    return type(err).__name__ == "UniqueViolation"


def _redact(url: str | None) -> str:
    """The URL without its password."""
    if not url:
        return ""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _row(row: tuple[Any, ...]) -> Saved:
    return Saved(row[0], row[1], int(row[2]), row[3], row[4], row[5], json.loads(row[6]))
