"""Every admissible shift of one day, enumerated explicitly on the planning grid.

A *pattern* is a shift start, a shift length and the start of each break.
Admissible means: the policy text's rules for one shift and nothing else.

* the start lies on the ``start_step_minutes`` grid and on the planning grid;
* the length is a multiple of the planning grid within ``[min_hours, max_hours]``;
* the shift lies inside the day's working window (opening hours widened by
  the opening and closing cover);
* a shift longer than ``meal_break_after_hours`` takes one meal break;
  ``length // short_break_every_hours`` short breaks, one fewer with a meal
  break;
* every break starts and ends on the planning grid, no earlier than
  ``break_earliest_minutes`` after the shift start, and ends no later than
  ``break_latest_minutes`` before the shift end; breaks never overlap.

All times are minutes since midnight; lengths are minutes.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from plan_checker.inputs import Rules

MEAL, SHORT = "meal", "short"


@dataclass(frozen=True, slots=True)
class Pattern:
    """One admissible shift: ``start``/``end`` minutes since midnight, breaks ``(kind, start)``."""

    start: int
    end: int
    breaks: tuple[tuple[str, int], ...]

    @property
    def length(self) -> int:
        """Shift length including breaks, minutes."""
        return self.end - self.start


def break_length(rules: Rules, kind: str) -> int:
    """Length of a break of ``kind`` (``meal`` or ``short``), minutes."""
    return rules.meal_break if kind == MEAL else rules.short_break


@functools.lru_cache(maxsize=256)
def break_placements(rules: Rules, length: int) -> tuple[tuple[tuple[str, int], ...], ...]:
    """Every rule-keeping placement of a ``length``-minute shift's breaks.

    Offsets are minutes after the shift start, on the planning grid (a
    break whose length is not a multiple of the grid has no placement); each
    placement is sorted by offset. Breaks of the same kind are
    interchangeable, so each set of positions appears once.

    >>> from pathlib import Path
    >>> from plan_checker.inputs import read_rules
    >>> r = read_rules(Path(__file__).parents[2] / "data" / "sample" / "policy.toml")
    >>> [p for p in break_placements(r, 240)]  # one short break, 90..165 min in
    [(('short', 90),), (('short', 105),), (('short', 120),), (('short', 135),), (('short', 150),), (('short', 165),)]
    >>> len(break_placements(r, 540))  # meal and short break, not overlapping
    600
    """
    g = rules.grid
    meal, short = rules.breaks_for(length)
    kinds = [MEAL] * meal + [SHORT] * short
    lo, hi_end = rules.break_earliest, length - rules.break_latest
    first = -(-lo // g) * g
    found: set[tuple[tuple[str, int], ...]] = set()

    def place(order: tuple[str, ...], earliest: int) -> Iterator[tuple[tuple[str, int], ...]]:
        if not order:
            yield ()
            return
        kind, rest = order[0], order[1:]
        size = break_length(rules, kind)
        for b in range(max(earliest, first), hi_end - size + 1, g):
            for tail in place(rest, b + size):
                yield ((kind, b),) + tail

    if any(break_length(rules, k) % g for k in kinds):
        return ()  # a break that cannot start and end on the grid: no placement at all
    for order in set(itertools.permutations(kinds)):
        for combo in place(tuple(order), first):
            found.add(tuple(sorted(combo, key=lambda kb: kb[1])))
    return tuple(sorted(found, key=lambda c: [b for _, b in c]))


def shift_lengths(rules: Rules) -> list[int]:
    """Admissible shift lengths on the planning grid, minutes."""
    g = rules.grid
    first = -(-rules.min_length // g) * g
    return list(range(first, rules.max_length + 1, g))


@dataclass(frozen=True, slots=True)
class PatternSet:
    """Every admissible pattern of a window, as arrays (one entry per pattern).

    ``start`` and ``length`` in minutes; pattern ``j``'s breaks are
    ``placement(length[j])[config[j]]`` offset by ``start[j]`` (see :meth:`pattern`).
    """

    rules: Rules
    start: npt.NDArray[np.int64]
    length: npt.NDArray[np.int64]
    config: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return len(self.start)

    def pattern(self, j: int) -> Pattern:
        """Pattern ``j`` with its break starts as clock minutes."""
        s, length = int(self.start[j]), int(self.length[j])
        pl = break_placements(self.rules, length)[int(self.config[j])]
        return Pattern(s, s + length, tuple((k, s + b) for k, b in pl))

    def paid(self) -> npt.NDArray[np.float64]:
        """Paid minutes of every pattern (length less the meal break)."""
        return np.array([self.rules.paid(int(n)) for n in self.length], dtype=float)


def cover_matrix(rules: Rules, lo: int, hi: int, cell: int
                 ) -> tuple[PatternSet, npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Every admissible pattern in ``[lo, hi)`` and its sparse cover matrix over cells.

    Cell ``k`` is the minutes ``[lo + k*cell, lo + (k+1)*cell)``; ``cell``
    must divide the planning grid, the break lengths and ``lo``. A pattern
    covers a cell when its person is on duty (present, not on a break) for
    every minute of the cell.

    Returns
    -------
    (patterns, rows, cols)
        The patterns, then cell index and pattern index of every 1 of the matrix.
    """
    g = rules.grid
    if g % cell or lo % cell or rules.meal_break % cell or rules.short_break % cell:
        raise ValueError(f"cell={cell} must divide the grid, the breaks and the window start")
    step = rules.start_step * g // int(np.gcd(rules.start_step, g))
    first = -(-lo // step) * step
    starts_l, lengths_l, configs_l = [], [], []
    rows: list[npt.NDArray[np.int64]] = []
    cols: list[npt.NDArray[np.int64]] = []
    base = 0
    for length in shift_lengths(rules):
        placements = break_placements(rules, length)
        starts = np.arange(first, hi - length + 1, step, dtype=np.int64)
        if not len(starts) or not placements:
            continue
        k = len(placements)
        rel = np.ones((k, length // cell), dtype=bool)
        for i, pl in enumerate(placements):
            for kind, b in pl:
                rel[i, b // cell:(b + break_length(rules, kind)) // cell] = False
        cfg, cel = np.nonzero(rel)
        offs = (starts - lo) // cell
        rows.append((offs[:, None] + cel[None, :]).ravel())
        cols.append((base + np.arange(len(starts))[:, None] * k + cfg[None, :]).ravel())
        starts_l.append(np.repeat(starts, k))
        lengths_l.append(np.full(len(starts) * k, length, dtype=np.int64))
        configs_l.append(np.tile(np.arange(k, dtype=np.int64), len(starts)))
        base += len(starts) * k

    def cat(parts: list[npt.NDArray[np.int64]]) -> npt.NDArray[np.int64]:
        return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64)

    return (PatternSet(rules, cat(starts_l), cat(lengths_l), cat(configs_l)), cat(rows),
            cat(cols))
