"""Saved work: versions, conflicts between two sessions, survival across restarts."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from queueopt.store import ConflictError, Store


def test_versions_and_restart(tmp_path: Path) -> None:
    db = tmp_path / "q.sqlite"
    s = Store(db)
    v1 = s.save("roster", "H01 week 48", {"rows": [1]}, base_version=None, author="li")
    v2 = s.save("roster", "H01 week 48", {"rows": [1, 2]}, base_version=v1.version, author="li")
    again = Store(db)  # a restart: a new process opens the same file
    assert [v.version for v in again.versions("roster", "H01 week 48")] == [1, 2]
    assert again.latest("roster", "H01 week 48").payload == {"rows": [1, 2]}
    assert again.get("roster", "H01 week 48", 1).payload == {"rows": [1]}  # nothing lost
    assert v2.version == 2
    assert again.names("roster") == ["H01 week 48"]


def test_two_sessions_never_overwrite_each_other(tmp_path: Path) -> None:
    s = Store(tmp_path / "q.sqlite")
    base = s.save("scenario", "shift 20%", {"shift": 0.2}, base_version=None).version
    s.save("scenario", "shift 20%", {"shift": 0.25}, base_version=base, author="wang")
    with pytest.raises(ConflictError, match="version 2 by wang"):
        s.save("scenario", "shift 20%", {"shift": 0.3}, base_version=base, author="zhao")
    assert s.latest("scenario", "shift 20%").payload == {"shift": 0.25}


def test_concurrent_writers_one_wins(tmp_path: Path) -> None:
    s = Store(tmp_path / "q.sqlite")
    s.save("roster", "r", {}, base_version=None)
    results: list[str] = []

    def write(who: str) -> None:
        try:
            Store(tmp_path / "q.sqlite").save("roster", "r", {"by": who}, base_version=1, author=who)
            results.append("ok")
        except ConflictError:
            results.append("conflict")

    threads = [threading.Thread(target=write, args=(f"u{k}",)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "conflict", "conflict", "ok"]
    assert len(s.versions("roster", "r")) == 2


def test_bad_kind(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="kind"):
        Store(tmp_path / "q.sqlite").save("poem", "x", {}, base_version=None)
