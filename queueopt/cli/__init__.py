"""The ``queueopt`` command line.

Each subcommand lives in its own module of this package and exposes
``register(subparsers) -> None``, which adds an ``argparse`` parser whose
``func(args) -> int`` does the work. ``main`` turns :class:`DataError`,
``ValueError`` and ``OSError`` into a message on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from queueopt import __version__
from queueopt.errors import DataError, InfeasibleError

#: Subcommand modules, in the order ``--help`` lists them.
COMMANDS: tuple[str, ...] = (
    "validate",
    "forecast",
    "backtest",
    "staff",
    "plan",
    "plan-region",
    "compare",
    "nudges",
    "whatif",
    "synth",
    "live",
    "replay",
    "import",
    "modelcheck",
)


def _module_name(command: str) -> str:
    """Module of a subcommand: ``plan-region`` -> ``plan_region``, ``import`` -> ``import_``."""
    name = command.replace("-", "_")
    return f"{name}_" if name in ("import",) else name


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="queueopt",
        description="Plan queues and staffing for business halls.",
    )
    parser.add_argument("--version", action="version", version=f"queueopt {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        module = importlib.import_module(f"queueopt.cli.{_module_name(name)}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except DataError as err:
        print(f"queueopt {args.command}: the input has {len(err.problems)} problem(s):", file=sys.stderr)
        for problem in err.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    except (InfeasibleError, ValueError, FileNotFoundError, OverflowError) as err:
        print(f"queueopt {args.command}: error: {err}", file=sys.stderr)
        return 2
    except OSError as err:  # --out at an existing file, a read-only folder, a full disk
        where = f" {err.filename}" if err.filename else ""
        print(f"queueopt {args.command}: error: cannot write{where}: {err.strerror or err}",
              file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"queueopt {args.command}: interrupted", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
