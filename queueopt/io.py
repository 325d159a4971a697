"""Load and validate a data directory: the one validation planning can trust.

:func:`load_dataset` reads every table (:mod:`queueopt.tables`,
:mod:`queueopt.policy_file`), checks the rules between tables, and either
returns a :class:`~queueopt.dataset.Dataset` or raises one
:class:`~queueopt.errors.DataError` listing every problem, each with its
file, row (the line an editor shows: the header is line 1), column and rule.
Anything a later step relies on (dates in range, sizes within the limits of
:mod:`queueopt.schema`, a known holiday country, a target that can be met)
is checked here, so ``queueopt validate`` passing means ``plan`` will not
fail on the data.

The column constants and the dataset views are re-exported from here, so
``from queueopt.io import Dataset, HALL_ID`` keeps working.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from queueopt._reading import MAX_ROWS_PER_PROBLEM, Problems, RowIssue, arrow_pool, read_csv_text
from queueopt.calendar import HallCalendar
from queueopt.dataset import Dataset, infer_interval_minutes, open_intervals
from queueopt.errors import DataError, Problem
from queueopt.model import Hall, HallCorrection, Policy, StaffMember, TransactionType
from queueopt.policy_file import read_policy, with_lines
from queueopt.schema import (
    ARRIVALS,
    CALENDAR_COLUMNS,
    FOOTFALL_COLUMNS,
    HALL_COLUMNS,
    HALL_ID,
    HALL_OPTIONAL,
    INTERVAL_START,
    SKILLS,
    STAFF_COLUMNS,
    STAFF_OPTIONAL,
    TABLES,
    TICKET_COLUMNS,
    TICKET_OPTIONAL,
    TRANSACTION_COLUMNS,
    TRANSACTION_OPTIONAL,
    TRANSACTION_TYPE,
)
from queueopt.tables import (
    Table,
    parse_hours,
    read_calendar,
    read_footfall,
    read_halls,
    read_staff,
    read_ticket_text,
    read_tickets,
    read_transactions,
    ticket_issues,
)

__all__ = [
    "ARRIVALS", "CALENDAR_COLUMNS", "FOOTFALL_COLUMNS", "HALL_COLUMNS", "HALL_ID", "HALL_OPTIONAL",
    "INTERVAL_START", "MAX_ROWS_PER_PROBLEM", "SKILLS", "STAFF_COLUMNS", "STAFF_OPTIONAL",
    "TICKET_COLUMNS", "TICKET_OPTIONAL", "TRANSACTION_COLUMNS", "TRANSACTION_OPTIONAL",
    "TRANSACTION_TYPE", "Dataset", "Problems", "RowIssue", "Table", "find_file", "infer_interval_minutes",
    "load_dataset", "open_intervals", "parse_hours", "read_csv_text", "read_footfall",
    "ticket_issues",
]

_Problems = Problems  # the old private name, still imported by cli/backtest.py


def find_file(root: Path, name: str) -> Path | None:
    """``root/name.csv`` or ``root/name.csv.gz``, whichever exists (the plain file first)."""
    for candidate in (root / f"{name}.csv", root / f"{name}.csv.gz"):
        if candidate.is_file():
            return candidate
    return None


def table_file(root: Path, name: str, problems: Problems) -> Path | None:
    """The one file of table ``name``; both ``.csv`` and ``.csv.gz`` present is a problem.

    An empty ``tickets.csv`` must never silently shadow a full ``tickets.csv.gz``.
    """
    found = [p for p in (root / f"{name}.csv", root / f"{name}.csv.gz") if p.is_file()]
    if len(found) > 1:
        problems.add(f"{name}.csv", None, None,
                     f"both {name}.csv and {name}.csv.gz are present; keep exactly one")
        return None
    return found[0] if found else None


def _interval_problems(footfall: pd.DataFrame | None, policy: Policy, problems: Problems) -> None:
    """Footfall must come in intervals that divide the planning slot (``interval_minutes``).

    A hall without any arrivals is not a data problem: planning it says so by name.
    """
    if footfall is None:
        return
    for hall_id, part in footfall.groupby(HALL_ID, sort=False):
        try:
            native = infer_interval_minutes(part[INTERVAL_START])
        except ValueError:
            continue  # already reported by the footfall reader
        if policy.interval_minutes % native:
            problems.add("footfall.csv", None, "interval_start",
                         f"hall {hall_id}: footfall comes in {native}-minute intervals, which do "
                         f"not divide policy.toml's interval_minutes = {policy.interval_minutes}")


def _staffing_problems(staff: tuple[StaffMember, ...], policy: Policy,
                       problems: Problems) -> None:
    """A hall with a staff list must have enough people for the minimum on duty."""
    need = policy.labour.min_staff_on_duty
    per_hall = Counter(s.hall_id for s in staff)
    for hall_id, n in per_hall.items():
        if n < need:
            problems.add("policy.toml", None, "labour.min_staff_on_duty",
                         f"{need} staff must be on duty but hall {hall_id} has only {n} in "
                         "staff.csv: the rule can never be met")


CORRECTIONS_FILE = "corrections.json"


def read_corrections(path: Path, problems: Problems,
                     hall_keys: Collection[str]) -> dict[str, HallCorrection]:
    """Optional ``corrections.json`` (written by ``queueopt modelcheck``): hall -> correction."""
    if not path.is_file():
        return {}
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as err:
        problems.add(path.name, None, None, f"not valid JSON: {err}")
        return {}
    if not isinstance(doc, dict):
        problems.add(path.name, None, None, "must map hall ids to corrections")
        return {}
    out: dict[str, HallCorrection] = {}
    for hall_id, value in doc.items():
        if hall_keys and hall_id not in hall_keys:
            problems.add(path.name, None, hall_id, "unknown hall (not in halls.csv)")
            continue
        try:
            out[hall_id] = HallCorrection(
                handle_factor=float(value["handle_factor"]), patience=float(value["patience"]),
                fitted_from=dt.date.fromisoformat(str(value["fitted_from"])),
                fitted_to=dt.date.fromisoformat(str(value["fitted_to"])),
                idle_gap=float(value.get("idle_gap", 15.0)),
                interval_minutes=int(value.get("interval_minutes", 60)),
                patience_by_type=tuple((str(k), float(v)) for k, v in
                                       dict(value.get("patience_by_type") or {}).items()))
        except (KeyError, TypeError, ValueError) as err:
            problems.add(path.name, None, hall_id, f"not a correction ({err}); rerun "
                         "queueopt modelcheck or delete the file")
    return out


def _small_tables(root: Path, files: dict[str, Path | None], problems: Problems
                  ) -> tuple[Table[Hall], Table[TransactionType], Policy, HallCalendar,
                             tuple[StaffMember, ...]]:
    """The halls, transaction types, policy, calendar and staff (each problem in ``problems``)."""
    for name in ("halls", "transactions"):
        if files[name] is None and not any(p.file == f"{name}.csv" for p in problems.items):
            problems.add(f"{name}.csv", None, None, f"file is missing from {root}")
    halls = read_halls(files["halls"], problems) if files["halls"] else Table({}, frozenset())
    types = (read_transactions(files["transactions"], problems) if files["transactions"]
             else Table({}, frozenset()))
    policy_path = root / "policy.toml"
    policy = read_policy(policy_path if policy_path.is_file() else None, problems)
    calendar = (read_calendar(files["calendar"], problems, policy.holiday_country, policy.weekend)
                if files["calendar"] else
                HallCalendar.for_policy(policy.holiday_country, policy.weekend))
    staff = read_staff(files["staff"], problems, halls.keys) if files["staff"] else ()
    return halls, types, policy, calendar, staff


def load_dataset(path: str | Path, *, meanwhile: Callable[[], object] | None = None) -> Dataset:
    """Read and validate a data directory; raise :class:`DataError` listing every problem.

    ``halls.csv`` and ``transactions.csv`` are required; then ``tickets.csv``
    or ``footfall.csv`` (or both); ``staff.csv``, ``policy.toml`` and
    ``calendar.csv`` are optional. Each table may be gzipped (``.csv.gz``),
    never both forms at once.

    The ticket log is read and its timestamps parsed on a worker thread (pyarrow
    and zlib release the GIL) while this thread reads the other tables and then
    calls ``meanwhile`` (the app imports the first page's models there); the log
    is validated against the other tables once both are done, so the result and
    every problem (and their order) are those of reading one table after another.
    """
    root = Path(path)
    problems = Problems()
    if not root.is_dir():
        raise DataError([Problem(str(root), None, None, "is not a directory")])
    files = {name: table_file(root, name, problems) for name in TABLES}
    arrow_pool()  # pyarrow's modules are imported here, never on the worker
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="queueopt-tickets") as worker:
        reading = worker.submit(read_ticket_text, files["tickets"]) if files["tickets"] else None
        halls, types, policy, calendar, staff = _small_tables(root, files, problems)
        if meanwhile is not None:
            meanwhile()
        text = reading.result() if reading is not None else None
    if files["tickets"] is None and files["footfall"] is None and not any(
            p.file in ("tickets.csv", "footfall.csv") for p in problems.items):
        problems.add("tickets.csv", None, None,
                     "neither tickets.csv nor footfall.csv is present: no arrivals to plan from")
    # with other problems the load fails anyway: then list every bad ticket row too
    max_bad = 0.0 if problems.items else policy.max_bad_share
    tickets, quarantine = (read_tickets(files["tickets"], problems, halls.keys, types.keys,
                                        halls.valid, max_bad, text)
                           if files["tickets"] else (None, None))
    footfall = read_footfall(files["footfall"], problems, halls.keys) if files["footfall"] else None
    policy_path = root / "policy.toml"
    if not problems.items:
        _interval_problems(footfall, policy, problems)
        _staffing_problems(staff, policy, problems)
        if policy_path.is_file():
            with_lines(policy_path, problems)
    corrections = read_corrections(root / CORRECTIONS_FILE, problems, halls.keys)
    if problems.items:
        raise DataError(problems.items)
    return Dataset(root=root, halls=halls.valid, transactions=types.valid, staff=staff,
                   policy=policy, calendar=calendar, tickets=tickets, footfall=footfall,
                   quarantine=quarantine, corrections=corrections)
