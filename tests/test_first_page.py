"""The first page's speed work keeps every figure: scipy.stats' quantiles re-derived from
scipy.special agree exactly with scipy.stats, and the first page's modules do not import the
heavy libraries it does not use (measured by benchmarks/bench_first_page.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from queueopt.forecast import nbinom_ppf, poisson_ppf
from queueopt.simulate import _t_ppf

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("q", [0.05, 0.1, 0.2, 0.5, 0.8, 0.9, 0.95])
def test_quantiles_equal_scipy_stats(q: float) -> None:
    rng = np.random.default_rng(7)
    mu = np.concatenate([rng.gamma(0.5, 20.0, 5000), [0.0, 1e-12, 3.0, 1e5, np.nan, -1.0]])
    assert np.array_equal(poisson_ppf(q, mu), stats.poisson.ppf(q, mu), equal_nan=True)
    n = np.concatenate([rng.gamma(1.0, 5.0, 5000), [0.0, -1.0, np.nan, 2.0]])
    p = np.concatenate([rng.uniform(0.0, 1.0, 5000), [0.5, 0.5, 0.5, 1.0]])
    assert np.array_equal(nbinom_ppf(q, n, p), stats.nbinom.ppf(q, n, p), equal_nan=True)
    df = np.arange(1, 300)
    assert np.array_equal(_t_ppf(q, df), stats.t.ppf(q, df))


def test_first_page_modules_skip_heavy_imports() -> None:
    """The modules behind the Hall forecast page import neither scipy.stats, the solver,
    nor matplotlib (each costs a visible part of the first render)."""
    code = ("import sys; import queueopt.ui.cache, queueopt.io, queueopt.forecast, "
            "queueopt.requirements, queueopt.whatif, queueopt.nudges, queueopt.calendar; "
            "print(sorted(m for m in ('scipy.stats', 'ortools', 'matplotlib', 'scipy.optimize')"
            " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
