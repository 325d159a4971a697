"""How fast does validation refuse input beyond the documented size limits?

Each case copies a small valid data directory (two halls of the synthetic
generator), makes one file hostile, and times :func:`queueopt.io.load_dataset`
until it raises :class:`DataError` (wall-clock and this process's CPU time:
on a shared machine the wall-clock time includes waiting for a core). The figures go into the README's
"Security and data safety" section. Before the limits, ``kiosks = 1e7`` hung
Erlang B, ``1e9`` used 8 GB and a 200 MB ``halls.csv`` was read in 98 s.

Run: ``nice -n 10 python benchmarks/bench_limits.py``
"""

from __future__ import annotations

import gzip
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from queueopt.errors import DataError
from queueopt.io import load_dataset
from queueopt.schema import MAX_FILE_BYTES
from queueopt.synth import generate_region


def _set(path: Path, column: str, value: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index(column)] = value
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _sparse(path: Path, size: int) -> None:
    with path.open("r+b") as fh:
        fh.truncate(size)


def _bomb(d: Path) -> None:
    header = (d / "halls.csv").read_bytes().splitlines()[0] + b"\n"
    (d / "halls.csv").unlink()
    (d / "halls.csv.gz").write_bytes(gzip.compress(header + b"," * 300_000_000, 1))


def _real_200mb_halls(d: Path) -> None:
    lines = (d / "halls.csv").read_bytes().splitlines()
    row = lines[1]
    with (d / "halls.csv").open("wb") as fh:
        fh.write(lines[0] + b"\n")
        for _ in range(200_000_000 // (len(row) + 1)):
            fh.write(row + b"\n")


CASES: dict[str, Callable[[Path], None]] = {
    "kiosks = 1e7": lambda d: _set(d / "halls.csv", "kiosks", "1e7"),
    "counters = kiosks = 1e9": lambda d: (_set(d / "halls.csv", "kiosks", "1e9"),
                                          _set(d / "halls.csv", "counters", "1e9")),
    "halls.csv of 200 MB (real bytes)": _real_200mb_halls,
    "halls.csv of 2.5 GB (sparse)": lambda d: _sparse(d / "halls.csv", 2_500_000_000),
    "tickets.csv over its limit (sparse)": lambda d: _sparse(
        d / "tickets.csv", MAX_FILE_BYTES["tickets"] + 1),
    "halls.csv.gz unpacking to 300 MB": _bomb,
}


def main() -> None:
    base = Path(tempfile.mkdtemp(prefix="bench-limits-"))
    try:
        src = generate_region(n_halls=2, weeks=1, seed=5).write(base / "src")
        text = gzip.decompress((src / "tickets.csv.gz").read_bytes())
        (src / "tickets.csv.gz").unlink()
        (src / "tickets.csv").write_bytes(text)
        load_dataset(src)  # warm imports and caches
        print(f"{'case':38s} {'wall':>8s} {'cpu':>8s}  first problem")
        for name, corrupt in CASES.items():
            d = base / name.replace(" ", "_").replace("/", "_")
            shutil.copytree(src, d)
            corrupt(d)
            t0, c0 = time.perf_counter(), time.process_time()
            try:
                load_dataset(d)
                outcome = "ACCEPTED"
            except DataError as err:
                outcome = str(err.problems[0])[:70]
            took, cpu = time.perf_counter() - t0, time.process_time() - c0
            print(f"{name:38s} {took:7.3f}s {cpu:7.3f}s  {outcome}")
            shutil.rmtree(d)
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
