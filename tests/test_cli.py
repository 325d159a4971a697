"""The CLI entry point: help works and bad arguments never raise."""

from __future__ import annotations

import subprocess
import sys

from queueopt.cli import COMMANDS, build_parser


def test_every_subcommand_has_help() -> None:
    parser = build_parser()
    for name in COMMANDS:
        proc = subprocess.run(
            [sys.executable, "-m", "queueopt", name, "--help"],
            capture_output=True, text=True, timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        assert "usage:" in proc.stdout
    assert parser.prog == "queueopt"


def test_version() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "queueopt", "--version"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0
    assert "queueopt" in proc.stdout
