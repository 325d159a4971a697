"""Issue 9 figures: halls planned per minute with 1 and 2 worker processes and through Dask.

Generates a synthetic region (footfall counts only, ``queueopt synth
--footfall-only``), plans the first ``--plan`` halls of it three times
(1 process, 2 processes, a Dask LocalCluster of 2 single-threaded worker
processes) into fresh directories, and prints halls per minute, the speed-up
and the peak resident memory of this process and its children.

    python benchmarks/bench_region.py --halls 250 --plan 250   # all three runs (~1 h here)
    python benchmarks/bench_region.py --halls 250 --plan 250 --runs 2   # the full region, 2 processes
    python benchmarks/bench_region.py --halls 250 --plan 16    # a measured subset, all runs
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import threading
import time
from pathlib import Path

from queueopt.runner import run_halls
from queueopt.synth import generate_region


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + kids) / 1024


class _TreeMemory:
    """Peak resident memory of this process and all its children together, sampled every 0.5 s."""

    def __init__(self) -> None:
        import psutil  # a dependency of dask.distributed (the bench and dask extras)

        self.peak = 0.0
        self._me = psutil.Process()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import psutil

        while not self._stop.wait(0.5):
            total = 0
            for p in [self._me, *self._me.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total / 2**20)

    def stop(self) -> float:
        """Stop sampling; the peak in MB."""
        self._stop.set()
        self._thread.join()
        return self.peak


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--halls", type=int, default=250)
    ap.add_argument("--plan", type=int, default=24, help="halls to plan in each run")
    ap.add_argument("--time-limit", type=float, default=5.0)
    ap.add_argument("--runs", nargs="+", choices=["1", "2", "dask"], default=["1", "2", "dask"],
                    help="which runs: 1 process, 2 processes, a Dask LocalCluster")
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-region-"))
    memory = _TreeMemory()
    t0 = time.perf_counter()
    data = generate_region(n_halls=args.halls, weeks=8, with_tickets=False).write(root / "data")
    print(f"synthetic region of {args.halls} halls in {time.perf_counter() - t0:.0f} s at {data}")
    from queueopt.io import load_dataset

    halls = sorted(load_dataset(data).halls)[: args.plan]
    rates = {}
    for label, kwargs in [("1 process", {"workers": 1}), ("2 processes", {"workers": 2})]:
        if label[0] not in args.runs:
            continue
        t0 = time.perf_counter()
        out = run_halls(data, halls, root / label.replace(" ", "_"), time_limit_s=args.time_limit,
                        **kwargs)
        took = time.perf_counter() - t0
        rates[label] = len(out) / took * 60
        failed = sum(o.status == "failed" for o in out)
        print(f"{label:>12}: {len(out)} halls in {took:.0f} s = {rates[label]:.1f} halls/min "
              f"({failed} failed); peak RSS so far {_peak_mb():.0f} MB", flush=True)
    if "dask" not in args.runs:
        _speedup(rates)
        _total(memory)
        return
    from dask.distributed import LocalCluster

    t0 = time.perf_counter()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        start = time.perf_counter() - t0
        t1 = time.perf_counter()
        out = run_halls(data, halls, root / "dask", time_limit_s=args.time_limit,
                        scheduler=cluster.scheduler_address)
        took = time.perf_counter() - t1
    rates["dask"] = len(out) / took * 60
    print(f"{'dask 2x1':>12}: {len(out)} halls in {took:.0f} s = {rates['dask']:.1f} halls/min "
          f"(+{start:.1f} s cluster start-up)", flush=True)
    _speedup(rates)
    _total(memory)


def _speedup(rates: dict[str, float]) -> None:
    parts = []
    if "1 process" in rates and "2 processes" in rates:
        parts.append(f"speed-up 1 -> 2 processes: {rates['2 processes'] / rates['1 process']:.2f}x")
    if "dask" in rates and "2 processes" in rates:
        parts.append(f"Dask vs processes: {rates['dask'] / rates['2 processes']:.2f}x")
    parts.append(f"peak RSS (this process + largest child) {_peak_mb():.0f} MB")
    print("\n" + "; ".join(parts))


def _total(memory: _TreeMemory) -> None:
    print(f"peak memory of the whole process tree (sampled every 0.5 s): {memory.stop():.0f} MB")


if __name__ == "__main__":
    main()
