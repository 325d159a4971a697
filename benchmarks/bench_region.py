"""Issue 9 figures: halls planned per minute with 1 and 2 worker processes and through Dask.

Generates a synthetic region (footfall counts only, ``queueopt synth
--footfall-only``), plans the first ``--plan`` halls of it three times
(1 process, 2 processes, a Dask LocalCluster of 2 single-threaded worker
processes) into fresh directories, and prints halls per minute, the speed-up
and the peak resident memory of this process and its children.

    python benchmarks/bench_region.py --halls 250 --plan 250   # the full run (~1 h here)
    python benchmarks/bench_region.py --halls 250 --plan 24    # a measured subset
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from queueopt.runner import run_halls
from queueopt.synth import generate_region


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + kids) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--halls", type=int, default=250)
    ap.add_argument("--plan", type=int, default=24, help="halls to plan in each run")
    ap.add_argument("--time-limit", type=float, default=5.0)
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-region-"))
    t0 = time.perf_counter()
    data = generate_region(n_halls=args.halls, weeks=8, with_tickets=False).write(root / "data")
    print(f"synthetic region of {args.halls} halls in {time.perf_counter() - t0:.0f} s at {data}")
    from queueopt.io import load_dataset

    halls = sorted(load_dataset(data).halls)[: args.plan]
    rates = {}
    for label, kwargs in [("1 process", {"workers": 1}), ("2 processes", {"workers": 2})]:
        t0 = time.perf_counter()
        out = run_halls(data, halls, root / label.replace(" ", "_"), time_limit_s=args.time_limit,
                        **kwargs)
        took = time.perf_counter() - t0
        rates[label] = len(out) / took * 60
        failed = sum(o.status == "failed" for o in out)
        print(f"{label:>12}: {len(out)} halls in {took:.0f} s = {rates[label]:.1f} halls/min "
              f"({failed} failed); peak RSS so far {_peak_mb():.0f} MB", flush=True)
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
    print(f"\nspeed-up 1 -> 2 processes: {rates['2 processes'] / rates['1 process']:.2f}x; "
          f"Dask vs processes: {rates['dask'] / rates['2 processes']:.2f}x; "
          f"peak RSS (this process + largest child) {_peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
