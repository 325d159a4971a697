"""Shared fixtures: paths to the bundled sample region."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DIR = ROOT / "data" / "sample"


@pytest.fixture(scope="session")
def sample_dir() -> Path:
    """The bundled sample region ``data/sample``."""
    return SAMPLE_DIR
