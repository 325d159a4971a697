"""Saved work: versions, conflicts between two sessions, survival across restarts.

Every test runs on both backends: a SQLite file, and a PostgreSQL database on a
throwaway server started from the machine's PostgreSQL binaries (``initdb``,
``pg_ctl``; ``.ci/run`` installs Debian's ``postgresql`` when they are missing) on a
Unix socket in a temporary folder, as the ``postgres`` user when the tests run as root.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from queueopt.store import ConflictError, Store


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    hits = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return hits[-1] if hits else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def pg_server() -> Iterator[str]:
    """URL template ``postgresql://postgres@/{db}?host=...&port=...`` of a throwaway server."""
    pytest.importorskip("psycopg")
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl) on this machine")
    root = Path(tempfile.mkdtemp(prefix="queueopt-pg-"))
    kw: dict = {}
    if os.geteuid() == 0:  # initdb refuses to run as root
        pw = pwd.getpwnam("postgres")
        os.chown(root, pw.pw_uid, pw.pw_gid)
        kw = {"user": pw.pw_uid, "group": pw.pw_gid}
    data, port = root / "data", _free_port()
    run = dict(check=True, capture_output=True, timeout=120, **kw)
    subprocess.run([initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"], **run)
    subprocess.run([pg_ctl, "-D", str(data), "-l", str(root / "log"), "-w", "-t", "60", "-o",
                    f"-k {root} -p {port} -c listen_addresses=''", "start"], **run)
    try:
        yield f"postgresql://postgres@/{{db}}?host={root}&port={port}"
    finally:
        subprocess.run([pg_ctl, "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60, **kw)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: a SQLite file or a new PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "q.sqlite")
    import psycopg

    template = request.getfixturevalue("pg_server")
    name = f"t{uuid.uuid4().hex[:12]}"
    with psycopg.connect(template.format(db="postgres"), autocommit=True) as con:
        con.execute(f"CREATE DATABASE {name}")
    return str(template.format(db=name))


def test_versions_and_restart(db: str) -> None:
    s = Store(db)
    v1 = s.save("roster", "H01 week 48", {"rows": [1]}, base_version=None, author="li")
    v2 = s.save("roster", "H01 week 48", {"rows": [1, 2]}, base_version=v1.version, author="li")
    again = Store(db)  # a restart: a new process opens the same database
    assert [v.version for v in again.versions("roster", "H01 week 48")] == [1, 2]
    assert again.latest("roster", "H01 week 48").payload == {"rows": [1, 2]}
    assert again.get("roster", "H01 week 48", 1).payload == {"rows": [1]}  # nothing lost
    assert v2.version == 2
    assert again.names("roster") == ["H01 week 48"]


def test_two_sessions_never_overwrite_each_other(db: str) -> None:
    s = Store(db)
    base = s.save("scenario", "shift 20%", {"shift": 0.2}, base_version=None).version
    s.save("scenario", "shift 20%", {"shift": 0.25}, base_version=base, author="wang")
    with pytest.raises(ConflictError, match="version 2 by wang"):
        s.save("scenario", "shift 20%", {"shift": 0.3}, base_version=base, author="zhao")
    assert s.latest("scenario", "shift 20%").payload == {"shift": 0.25}


def test_concurrent_writers_one_wins(db: str) -> None:
    Store(db).save("roster", "r", {}, base_version=None)
    results: list[str] = []
    start = threading.Barrier(6)

    def write(who: str) -> None:
        store = Store(db)
        start.wait()
        try:
            store.save("roster", "r", {"by": who}, base_version=1, author=who)
            results.append("ok")
        except ConflictError:
            results.append("conflict")

    threads = [threading.Thread(target=write, args=(f"u{k}",)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict"] * 5 + ["ok"]
    assert len(Store(db).versions("roster", "r")) == 2


def test_bad_kind(db: str) -> None:
    with pytest.raises(ValueError, match="kind"):
        Store(db).save("poem", "x", {}, base_version=None)


def test_unreachable_server_is_a_clear_error() -> None:
    pytest.importorskip("psycopg")
    url = f"postgresql://manager:secret@127.0.0.1:{_free_port()}/queueopt"
    with pytest.raises(ValueError, match="cannot reach the database") as err:
        Store(url)
    assert "secret" not in str(err.value) and "manager:***@127.0.0.1" in str(err.value)
