"""The data directory's contract: file names, columns, identifiers and documented limits.

One owner for every rule a later step relies on: the readers of
:mod:`queueopt.tables` and :mod:`queueopt.policy_file` check them, and
``queueopt validate`` reports every breach with its file, row and column.
Each limit is here, with its reason, so the README's "Security and data
safety" section and the checks cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from queueopt.model import WEEKDAYS

# --- column constants (long format, like statsforecast's unique_id/ds/y) ---
HALL_ID = "hall_id"
INTERVAL_START = "interval_start"
ARRIVALS = "arrivals"
TRANSACTION_TYPE = "transaction_type"

HALL_COLUMNS: tuple[str, ...] = (
    "hall_id", "name", "region", "kind", "counters", "kiosks",
    *(f"hours_{d}" for d in WEEKDAYS), "hours_holiday",
)
HALL_OPTIONAL: tuple[str, ...] = ("vip_counters",)
TICKET_COLUMNS: tuple[str, ...] = (
    "ticket_id", "hall_id", "issued_at", "called_at", "served_end",
    "transaction_type", "channel", "server_id", "abandoned", "tier",
)
TICKET_OPTIONAL: tuple[str, ...] = ("abandoned_at",)
FOOTFALL_COLUMNS: tuple[str, ...] = ("hall_id", "interval_start", "arrivals")
TRANSACTION_COLUMNS: tuple[str, ...] = (
    "transaction_type", "name", "mean_minutes", "cv", "kiosk_eligible",
    "kiosk_minutes", "cross_sell_minutes",
)
TRANSACTION_OPTIONAL: tuple[str, ...] = ("fast_lane", "skill")
STAFF_COLUMNS: tuple[str, ...] = (
    "staff_id", "hall_id", "name", "skills", "min_hours_week", "max_hours_week",
)
STAFF_OPTIONAL: tuple[str, ...] = ("unavailable", "preferences")
CALENDAR_COLUMNS: tuple[str, ...] = ("date", "kind")

SKILLS: tuple[str, ...] = ("counter", "vip", "broadband", "floor", "manager")

#: The tables of a data directory; each is ``NAME.csv`` or ``NAME.csv.gz`` (never both).
TABLES: tuple[str, ...] = ("halls", "transactions", "staff", "calendar", "tickets", "footfall")

# --- size limits: refuse before reading, so a hostile file costs milliseconds ---
#: Largest file of each table in bytes, after gzip decompression. A ticket log of
#: 5 million tickets is about 500 MB of CSV; a hall or staff table of 10 MB already
#: holds ~100,000 rows, far above any region.
MAX_FILE_BYTES: dict[str, int] = {
    "halls": 2_000_000, "transactions": 1_000_000, "staff": 10_000_000,
    "calendar": 1_000_000, "tickets": 600_000_000, "footfall": 200_000_000,
    "policy": 100_000,
}
#: Counters and kiosks of one hall. Erlang B/C and the roster grow with the
#: number of servers: ``kiosks = 1e7`` hung Erlang B and ``1e9`` used 8 GB.
MAX_COUNTERS = 500
MAX_KIOSKS = 500
#: Weekly hours of one staff member (a week has 168).
MAX_HOURS_WEEK = 84.0
#: Staff members of one hall: the roster model grows with staff x shift templates.
MAX_STAFF_PER_HALL = 1000

# --- dates: a sane range, so no later step meets year 1700 or 9999 ---
DATE_MIN = dt.date(1990, 1, 1)
DATE_MAX = dt.date(2099, 12, 31)
#: Longest span of a ticket log or footfall table (about five years): a log
#: spanning centuries makes every per-day array unbounded.
MAX_SPAN_DAYS = 5 * 366

# --- identifiers are data, never paths ---
#: A hall id names output folders (``plan-region --out OUT`` writes ``OUT/<hall_id>``)
#: and download files: letters (any script), digits, ``_``, ``-`` and ``.``, starting
#: with a letter or digit, at most 64 characters; never ``..``.
SAFE_ID = re.compile(r"^[^\W_][\w.-]{0,63}$")
_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)
#: Longest free text (a hall or staff name), characters.
MAX_NAME_CHARS = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def id_problem(value: str) -> str | None:
    """Why ``value`` is not a safe identifier, or ``None`` when it is.

    >>> id_problem("H01") is None
    True
    >>> id_problem("../../x")
    "'../../x' is not a safe id (letters, digits, _ - . only, starting with a letter or digit, at most 64 characters)"
    """
    if value == "":
        return "is empty"
    if not SAFE_ID.match(value) or ".." in value or _RESERVED.match(value):
        return (f"{value[:80]!r} is not a safe id (letters, digits, _ - . only, starting with "
                "a letter or digit, at most 64 characters)")
    return None


def name_problem(value: str) -> str | None:
    """Why ``value`` is not acceptable free text (control characters, length), or ``None``.

    >>> name_problem("Tianhe 天河") is None
    True
    """
    if _CONTROL.search(value):
        return "contains a control character (tab, newline, NUL...)"
    if len(value) > MAX_NAME_CHARS:
        return f"is {len(value)} characters long; at most {MAX_NAME_CHARS}"
    return None


def output_dir(out: str | Path, hall_id: str) -> Path:
    """``out/hall_id``, refused unless the hall id is safe and the folder stays under ``out``.

    >>> output_dir("plans", "H01").name
    'H01'
    >>> output_dir("plans", "../../x")
    Traceback (most recent call last):
    ...
    ValueError: hall_id '../../x' is not a safe id (letters, digits, _ - . only, starting with a letter or digit, at most 64 characters)
    """
    why = id_problem(hall_id)
    if why:
        raise ValueError(f"hall_id {why}")
    root = Path(out).resolve()
    target = (root / hall_id).resolve()
    if target.parent != root:  # a symlink inside out pointing elsewhere
        raise ValueError(f"hall_id {hall_id!r}: {target} is outside the output folder {root}")
    return target
