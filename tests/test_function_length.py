"""No function in the package over about 80 lines of code.

A function's code lines are the lines from its ``def`` to its end that are neither blank,
nor comments only, nor its docstring. Run as a script to list every function over a limit:

    python tests/test_function_length.py [--limit 60]
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "queueopt"
LIMIT = 80

KNOWN_LONG: dict[str, str] = {
    # function -> why it is still long (the test fails once it is short: then drop it here)
}
"""Functions still over the limit, each with its reason; the list may only shrink."""


def code_lines(lines: list[str], node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines of ``node`` (source ``lines``) that are code: not blank, not a comment, not the
    docstring."""
    body = node.body
    doc: set[int] = set()
    if (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)):
        doc = set(range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1))
    end = node.end_lineno or node.lineno
    return sum(1 for i in range(node.lineno, end + 1)
               if i not in doc and lines[i - 1].strip() and not lines[i - 1].strip().startswith("#"))


def function_lengths(root: Path = PACKAGE) -> dict[str, int]:
    """``module.function`` (``module.Class.method``) -> code lines, for every function."""
    out: dict[str, int] = {}
    for path in sorted(root.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        module = ".".join(path.relative_to(root.parent).with_suffix("").parts)

        def visit(node: ast.AST, prefix: str) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                    name = f"{prefix}.{child.name}"
                    out[name] = code_lines(lines, child)
                    visit(child, name)
                elif isinstance(child, ast.ClassDef):
                    visit(child, f"{prefix}.{child.name}")

        visit(ast.parse(source), module)
    return out


def test_no_function_over_the_limit() -> None:
    lengths = function_lengths()
    assert len(lengths) > 500  # the walk found the package's functions
    too_long = {f: n for f, n in lengths.items() if n > LIMIT and f not in KNOWN_LONG}
    assert not too_long, f"functions over {LIMIT} code lines (split them): {too_long}"
    now_short = [f for f in KNOWN_LONG if lengths.get(f, 0) <= LIMIT]
    assert not now_short, f"no longer over {LIMIT} lines, drop from KNOWN_LONG: {now_short}"


def test_code_lines_counts_code_only() -> None:
    source = '''def f(x):
    """Doc
    string."""
    # a comment

    y = x + 1
    return y
'''
    node = ast.parse(source).body[0]
    assert isinstance(node, ast.FunctionDef)
    assert code_lines(source.splitlines(), node) == 3


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="List the package's functions over a limit.")
    parser.add_argument("--limit", type=int, default=LIMIT)
    args = parser.parse_args()
    for name, n in sorted(function_lengths().items(), key=lambda kv: -kv[1]):
        if n > args.limit:
            print(f"{n:4d}  {name}")
