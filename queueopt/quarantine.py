"""Bad rows set aside: the run goes on while they are few, and every one is accounted for.

A real export always has a few odd rows (a ten-hour service, a time that is
not a time). Refusing the whole log for one of them helps nobody; dropping
them silently hides a broken export. The rule here: every broken rule of a
row is written to ``quarantine.csv`` (``file, row, column, reason``; ``row``
is the line an editor shows, the header being line 1), the bad rows are left
out, and the run goes on **while the share of bad rows is at most**
``policy.toml``'s ``max_bad_share`` (default 0.005 = 0.5%). Above it the data
is refused with every problem listed, as before.

:class:`Quarantine` keeps the count of rows read, kept and set aside, so
``rows_read == rows_kept + rows_set_aside`` always holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from queueopt._reading import RowIssue
from queueopt.errors import DataError, Problem
from queueopt.export import write_csv

QUARANTINE_COLUMNS: tuple[str, ...] = ("file", "row", "column", "reason")
"""Columns of ``quarantine.csv``; ``row`` is the editor line (header = line 1)."""

QUARANTINE_FILE = "quarantine.csv"


@dataclass(frozen=True)
class Quarantine:
    """The rows of one file set aside, one entry per broken rule.

    Parameters
    ----------
    file:
        Name of the file the rows come from.
    rows_read:
        Data rows read from it (the header not counted).
    entries:
        ``(row, column, reason)`` per broken rule; ``row`` is the editor line.
    """

    file: str
    rows_read: int
    entries: tuple[tuple[int, str, str], ...] = field(default_factory=tuple)

    @property
    def bad_lines(self) -> frozenset[int]:
        """Editor lines of the rows set aside (a row breaking two rules counts once)."""
        return frozenset(r for r, _, _ in self.entries)

    @property
    def rows_set_aside(self) -> int:
        """Number of rows set aside."""
        return len(self.bad_lines)

    @property
    def rows_kept(self) -> int:
        """Number of rows kept (``rows_read - rows_set_aside``)."""
        return self.rows_read - self.rows_set_aside

    @property
    def share(self) -> float:
        """Share of the rows read that were set aside (0-1)."""
        return self.rows_set_aside / self.rows_read if self.rows_read else 0.0

    def to_frame(self) -> pd.DataFrame:
        """``file, row, column, reason``, sorted by row."""
        rows = sorted(self.entries)
        return pd.DataFrame({"file": [self.file] * len(rows), "row": [r for r, _, _ in rows],
                             "column": [c for _, c, _ in rows],
                             "reason": [m for _, _, m in rows]},
                            columns=list(QUARANTINE_COLUMNS))

    def summary(self) -> str:
        """One line for the user: how many rows were read, kept and set aside."""
        return (f"{self.file}: {self.rows_read} rows read, {self.rows_kept} kept, "
                f"{self.rows_set_aside} set aside ({100 * self.share:.2f}%)")


def merge(parts: Sequence[Quarantine]) -> pd.DataFrame:
    """All entries of several quarantines as one ``quarantine.csv`` frame."""
    frames = [q.to_frame() for q in parts if q.entries]
    if not frames:
        return pd.DataFrame(columns=list(QUARANTINE_COLUMNS))
    return pd.concat(frames, ignore_index=True)


def write_quarantine(parts: Sequence[Quarantine], path: Path) -> Path:
    """Write ``quarantine.csv`` (header only when nothing was set aside)."""
    write_csv(merge(parts), path, index=False)  # inert: reasons quote the export's cells
    return path


def from_issues(file: str, n_rows: int, issues: Iterable[RowIssue],
                first_line: int = 2) -> Quarantine:
    """A quarantine of every row an issue names (``RowIssue.rows`` are 0-based data rows).

    ``first_line`` is the editor line of data row 0 (2 when the header is line 1).
    """
    entries = [(int(r) + first_line, issue.column, issue.message(int(r)))
               for issue in issues for r in issue.rows]
    return Quarantine(file, n_rows, tuple(entries))


def keep_mask(q: Quarantine, n_rows: int, first_line: int = 2) -> npt.NDArray[np.bool_]:
    """True for the data rows (0-based) that were not set aside."""
    keep = np.ones(n_rows, dtype=bool)
    bad = np.array(sorted(q.bad_lines), dtype=np.int64) - first_line
    keep[bad[(bad >= 0) & (bad < n_rows)]] = False
    return keep


def check_share(q: Quarantine, max_share: float, setting: str = "policy.toml max_bad_share"
                ) -> None:
    """Refuse (:class:`DataError` listing every entry) when too many rows are bad.

    The run may go on with the bad rows set aside while their share is at most
    ``max_share`` (0-1).
    """
    if q.share <= max_share or not q.entries:
        return
    problems = [Problem(q.file, r, c, m) for r, c, m in sorted(q.entries)[:200]]
    if len(q.entries) > 200:
        problems.append(Problem(q.file, None, None,
                                f"{len(q.entries) - 200} more problems of the same kinds"))
    problems.append(Problem(
        q.file, None, None,
        f"{q.rows_set_aside} of {q.rows_read} rows are bad ({100 * q.share:.2f}%), more than "
        f"{setting} = {max_share:g} ({100 * max_share:g}%): mend the export or raise the "
        "threshold; below it the bad rows are set aside in quarantine.csv and the run goes on"))
    raise DataError(problems)
