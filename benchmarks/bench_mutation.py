"""Mutation testing: the share of small deliberate bugs the unit tests catch, per module.

A small AST mutation runner (no mutmut configuration needed): for each module
it makes mutants by one change each inside function bodies (docstrings left
alone):

* arithmetic: ``+`` <-> ``-``, ``*`` <-> ``/``, ``//`` -> ``/``, ``**`` -> ``*``;
* comparisons: ``<`` <-> ``<=``, ``>`` <-> ``>=``, ``==`` <-> ``!=``;
* boolean: ``and`` <-> ``or``, ``not x`` -> ``x``;
* numbers: an integer or float constant ``k`` -> ``k + 1`` (``0.5`` -> ``1.5``).

Each mutant is written into a scratch copy of the package and the module's
unit tests run against it (:data:`UNIT_TESTS`, default ``tests/test_<module>.py``,
without the ``slow`` mark, plus the module's doctests), stopping at the first
failure (the first, fast file alone first, then all of them). A mutant
is *killed* when a test fails (or the run times out), *survives* when every
test passes. Surviving mutants include equivalent ones (a change that cannot
alter behaviour), so 100% is not always reachable.

Usage::

    nice -n 10 python benchmarks/bench_mutation.py [--modules queueing staffing]
        [--sample 60] [--seed 1] [--timeout 120] [--list-survivors]

``--sample N`` runs N mutants per module drawn at random (seeded) from all of
them (0 = all); the report says how many there were.
"""

from __future__ import annotations

import argparse
import ast
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SWAP_BIN = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
            ast.FloorDiv: ast.Div, ast.Pow: ast.Mult}
SWAP_CMP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
            ast.Eq: ast.NotEq, ast.NotEq: ast.Eq}
SWAP_BOOL = {ast.And: ast.Or, ast.Or: ast.And}


UNIT_TESTS: dict[str, tuple[str, ...]] = {
    # the roster rules: their limits (test_rules), and the roster that must keep them
    "rules": ("tests/test_rules.py", "tests/test_scheduling.py"),
    # the search driven by a plan check with a known answer, then the simulated checks
    "staffing": ("tests/test_staffing_units.py", "tests/test_staffing.py"),
    # tiny instances against a brute force and hand values, then the fast end-to-end tests
    "scheduling": ("tests/test_scheduling_units.py", "tests/test_scheduling.py"),
}
"""Unit tests of a module when they are not ``tests/test_<module>.py``."""


@dataclass(frozen=True)
class Mutant:
    """One change: the index of the node in a walk of the tree, and what it becomes."""

    index: int
    line: int
    what: str


def _docstring_ids(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out


def _in_functions(tree: ast.AST) -> set[int]:
    """ids of the nodes inside function bodies (not signatures' defaults or module constants)."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for stmt in node.body:
                inside.update(id(n) for n in ast.walk(stmt))
    return inside


def mutants(source: str) -> list[Mutant]:
    """Every single-change mutant of a module's source."""
    tree = ast.parse(source)
    docs, inside = _docstring_ids(tree), _in_functions(tree)
    out = []
    for i, node in enumerate(ast.walk(tree)):
        if id(node) not in inside or id(node) in docs:
            continue
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.BinOp) and type(node.op) in SWAP_BIN:
            out.append(Mutant(i, line, f"{type(node.op).__name__} -> "
                                       f"{SWAP_BIN[type(node.op)].__name__}"))
        elif isinstance(node, ast.Compare) and type(node.ops[0]) in SWAP_CMP:
            out.append(Mutant(i, line, f"{type(node.ops[0]).__name__} -> "
                                       f"{SWAP_CMP[type(node.ops[0])].__name__}"))
        elif isinstance(node, ast.BoolOp):
            out.append(Mutant(i, line, f"{type(node.op).__name__} -> "
                                       f"{SWAP_BOOL[type(node.op)].__name__}"))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            out.append(Mutant(i, line, "not x -> x"))
        elif (isinstance(node, ast.Constant) and type(node.value) in (int, float)
              and not isinstance(node.value, bool)):
            out.append(Mutant(i, line, f"{node.value!r} -> {node.value + 1!r}"))
    return out


def apply(source: str, m: Mutant) -> str:
    """The source with mutant ``m`` applied."""
    tree = ast.parse(source)
    for i, node in enumerate(ast.walk(tree)):
        if i != m.index:
            continue
        if isinstance(node, ast.BinOp):
            node.op = SWAP_BIN[type(node.op)]()
        elif isinstance(node, ast.Compare):
            node.ops = [SWAP_CMP[type(node.ops[0])]()] + list(node.ops[1:])
        elif isinstance(node, ast.BoolOp):
            node.op = SWAP_BOOL[type(node.op)]()
        elif isinstance(node, ast.UnaryOp):
            # replace `not x` by `x`: rewrite the node in place as a unary plus of a bool()
            node.op = ast.UAdd()
            node.operand = ast.Call(func=ast.Name("bool", ast.Load()), args=[node.operand],
                                    keywords=[])
        elif isinstance(node, ast.Constant):
            node.value = node.value + 1
        break
    return ast.unparse(ast.fix_missing_locations(tree))


def run_tests(work: Path, module: str, timeout: float) -> str:
    """``"survived"`` when the module's unit tests and doctests pass, ``"killed"`` when one
    fails, ``"timeout"`` when they run longer than ``timeout`` seconds (counted as killed:
    a mutant that loops forever; the report shows how many, since on a loaded machine a slow
    run of a surviving mutant could end the same way)."""
    tests = UNIT_TESTS.get(module, (f"tests/test_{module}.py",))
    base = [sys.executable, "-m", "pytest", "-x", "-q", "-m", "not slow", "-p", "no:cacheprovider"]
    env = dict(os.environ, PYTHONPATH=str(work), PYTHONDONTWRITEBYTECODE="1")
    # the first (fast) file alone first: a failure there is a failure of the whole run, and
    # it spares collecting the slower files for most mutants; then everything
    stages = ([[*tests[:1]]] if len(tests) > 1 else []) + [
        [*tests, "--doctest-modules", f"queueopt/{module}.py"]]
    for args in stages:
        try:
            done = subprocess.run(base + args, cwd=work, env=env, capture_output=True,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            return "timeout"
        if done.returncode != 0:
            return "killed"
    return "survived"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--modules", nargs="+", default=["queueing", "staffing", "rules", "scheduling"])
    ap.add_argument("--sample", type=int, default=60, help="mutants per module (0 = all)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=180.0, help="seconds per test run")
    ap.add_argument("--list-survivors", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="queueopt-mut-") as tmp:
        work = Path(tmp)
        shutil.copytree(ROOT / "queueopt", work / "queueopt")
        shutil.copytree(ROOT / "tests", work / "tests")
        shutil.copytree(ROOT / "data", work / "data")
        shutil.copy(ROOT / "pyproject.toml", work / "pyproject.toml")
        print("module       mutants  run  killed  survived  killed%   seconds  timeouts")
        for module in args.modules:
            path = work / "queueopt" / f"{module}.py"
            original = path.read_text(encoding="utf-8")
            baseline = run_tests(work, module, args.timeout)
            if baseline != "survived":
                print(f"{module:12s} unit tests {'fail' if baseline == 'killed' else 'time out'} "
                      f"without any mutant: skipped")
                continue
            every = mutants(original)
            chosen = (random.Random(args.seed).sample(every, min(args.sample, len(every)))
                      if args.sample else every)
            t0 = time.perf_counter()
            survivors, timeouts = [], []
            for k, m in enumerate(sorted(chosen, key=lambda m: m.index), 1):
                path.write_text(apply(original, m), encoding="utf-8")
                outcome = run_tests(work, module, args.timeout)
                if outcome == "survived":
                    survivors.append(m)
                elif outcome == "timeout":
                    timeouts.append(m)
                print(f"  {module}: {k}/{len(chosen)} run, {len(survivors)} survived",
                      file=sys.stderr, flush=True)
            path.write_text(original, encoding="utf-8")
            killed = len(chosen) - len(survivors)
            share = killed / len(chosen) if chosen else float("nan")
            print(f"{module:12s} {len(every):7d} {len(chosen):4d} {killed:7d} {len(survivors):9d} "
                  f"{share:8.1%} {time.perf_counter() - t0:9.0f} {len(timeouts):9d}", flush=True)
            if args.list_survivors:
                for m in survivors:
                    print(f"    survived: {module}.py:{m.line}  {m.what}")
                for m in timeouts:
                    print(f"    timed out (counted killed): {module}.py:{m.line}  {m.what}")


if __name__ == "__main__":
    main()
