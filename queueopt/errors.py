"""Typed errors that the CLI and the app turn into clear messages (never a traceback)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input.

    ``row`` is the 1-based line number in the file as a text editor shows it
    (the header is line 1, so the first data row is line 2); ``None`` when the
    problem concerns the whole file. ``column`` is ``None`` when it concerns a
    whole row or file.
    """

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        return f"{where}: {self.message}"


class DataError(Exception):
    """Input data failed validation; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        n = len(self.problems)
        head = "; ".join(str(p) for p in self.problems[:3])
        more = f" (and {n - 3} more)" if n > 3 else ""
        super().__init__(f"{n} data problem(s): {head}{more}")


class InfeasibleError(Exception):
    """A request that cannot be met at all (e.g. a what-if outside opening hours)."""
