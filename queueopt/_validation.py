"""Argument checks with one message format: ``name=value must be ...``."""

from __future__ import annotations

import math
from typing import Any


def check_positive(name: str, value: Any) -> None:
    """Raise ``ValueError`` unless ``value`` is a finite number > 0.

    >>> check_positive("handle_time", 0)
    Traceback (most recent call last):
    ...
    ValueError: handle_time=0 must be > 0
    """
    if not _finite(value) or value <= 0:
        raise ValueError(f"{name}={value!r} must be > 0")


def check_nonnegative(name: str, value: Any) -> None:
    """Raise ``ValueError`` unless ``value`` is a finite number >= 0."""
    if not _finite(value) or value < 0:
        raise ValueError(f"{name}={value!r} must be >= 0")


def check_in_range(name: str, value: Any, low: float, high: float) -> None:
    """Raise ``ValueError`` unless ``low <= value <= high``.

    >>> check_in_range("target", 1.5, 0, 1)
    Traceback (most recent call last):
    ...
    ValueError: target=1.5 must be in [0, 1]
    """
    if not _finite(value) or not (low <= value <= high):
        raise ValueError(f"{name}={value!r} must be in [{low}, {high}]")


def _finite(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False
