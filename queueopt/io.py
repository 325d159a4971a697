"""Read and validate a data directory (the formats of the README).

Every reader collects :class:`~queueopt.errors.Problem` records instead of
stopping at the first one, so ``queueopt validate`` and the app can show all
of them at once, each with its file, row (line number as an editor shows it:
the header is line 1) and column. :func:`load_dataset` raises one
:class:`~queueopt.errors.DataError` holding every problem.

Checks are vectorised with pandas: a 500,000-row ticket log validates in a
few seconds. A problem that repeats on many rows is listed for the first
:data:`MAX_ROWS_PER_PROBLEM` rows and then summarised with a count.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io as _io
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from queueopt.calendar import HallCalendar
from queueopt.errors import DataError, Problem
from queueopt.model import (
    CHANNELS,
    HALL_KINDS,
    TIERS,
    WEEKDAYS,
    Hall,
    LabourRules,
    OpeningHours,
    Policy,
    ServiceTarget,
    ShiftRules,
    StaffMember,
    TransactionType,
    Unavailability,
)

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
MAX_ROWS_PER_PROBLEM = 20
"""Rows listed for one kind of problem in one column before it is summarised."""

_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"0", "false", "no", "n", "f", ""}
_HOURS_RE = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


# ---------------------------------------------------------------- problems
class _Problems:
    """Collects problems, summarising a problem repeated on many rows."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, file: str, row: int | None, column: str | None, message: str) -> None:
        self.items.append(Problem(file, row, column, message))

    def rows(self, file: str, rows: Iterable[int], column: str | None,
             message: Callable[[int], str] | str) -> None:
        """Add one problem per row (data index -> editor line), summarised past a cap."""
        rows = list(rows)
        for r in rows[:MAX_ROWS_PER_PROBLEM]:
            text = message(r) if callable(message) else message
            self.items.append(Problem(file, int(r) + 2, column, text))
        if len(rows) > MAX_ROWS_PER_PROBLEM:
            first = message(rows[0]) if callable(message) else message
            self.items.append(Problem(
                file, None, column,
                f"{len(rows) - MAX_ROWS_PER_PROBLEM} more rows with the same problem "
                f"({len(rows)} in all), e.g. {first}",
            ))


# ----------------------------------------------------------------- reading
def find_file(root: Path, name: str) -> Path | None:
    """``root/name.csv`` or ``root/name.csv.gz``, whichever exists."""
    for candidate in (root / f"{name}.csv", root / f"{name}.csv.gz"):
        if candidate.is_file():
            return candidate
    return None


def read_csv_text(path: Path, problems: _Problems, required: Iterable[str],
                  optional: Iterable[str] = ()) -> pd.DataFrame | None:
    """Read a CSV as strings; report encoding, parse and missing-column problems."""
    name = path.name
    try:
        raw = path.read_bytes()
        if name.endswith(".gz"):
            raw = gzip.decompress(raw)
    except (OSError, EOFError) as err:
        problems.add(name, None, None, f"cannot read the file: {err}")
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        problems.add(name, line, None,
                     f"the file is not UTF-8 (byte 0x{raw[err.start]:02x}); save it as UTF-8 CSV")
        return None
    if not text.strip():
        problems.add(name, None, None, "the file is empty")
        return None
    try:
        # pyarrow's reader is ~4x faster on a large ticket log; the C reader gives
        # the line number of a malformed row, so it speaks when pyarrow refuses
        df = pd.read_csv(_io.BytesIO(text.encode("utf-8")), dtype=str, engine="pyarrow",
                         keep_default_na=False)
        df = df.fillna("")
    except Exception:  # noqa: BLE001 - any pyarrow refusal: let the C reader explain
        try:
            df = pd.read_csv(_io.StringIO(text), dtype=str, keep_default_na=False,
                             skipinitialspace=True)
        except (pd.errors.ParserError, ValueError) as err:
            match = re.search(r"line (\d+)", str(err))
            problems.add(name, int(match.group(1)) if match else None, None,
                         f"not a valid CSV: {err}")
            return None
    df.columns = [str(c).strip() for c in df.columns]
    missing = [c for c in required if c not in df.columns]
    for col in missing:
        problems.add(name, 1, col, "required column is missing from the header")
    if missing:
        return None
    for col in optional:
        if col not in df.columns:
            df[col] = ""
    return df.apply(lambda s: s.str.strip())


def _parse_number(df: pd.DataFrame, col: str, file: str, problems: _Problems, *,
                  integer: bool = False, minimum: float | None = None,
                  strict_minimum: bool = False, allow_blank: bool = False) -> pd.Series:
    text = df[col]
    values = pd.to_numeric(text, errors="coerce")
    blank = text.eq("")
    bad = values.isna() & ~(blank & allow_blank)
    problems.rows(file, np.flatnonzero(bad.to_numpy()), col,
                  lambda r: f"{text.iloc[r]!r} is not a number")
    if integer:
        frac = values.notna() & (values % 1 != 0)
        problems.rows(file, np.flatnonzero(frac.to_numpy()), col,
                      lambda r: f"{text.iloc[r]!r} is not a whole number")
    if minimum is not None:
        low = values < minimum if not strict_minimum else values <= minimum
        op = ">" if strict_minimum else ">="
        problems.rows(file, np.flatnonzero(low.fillna(False).to_numpy()), col,
                      lambda r: f"{text.iloc[r]} must be {op} {minimum:g}")
    return values


def _parse_bool(df: pd.DataFrame, col: str, file: str, problems: _Problems) -> pd.Series:
    text = df[col].str.lower()
    bad = ~text.isin(_TRUE | _FALSE)
    problems.rows(file, np.flatnonzero(bad.to_numpy()), col,
                  lambda r: f"{df[col].iloc[r]!r} is not a flag (use 1 or 0)")
    return text.isin(_TRUE)


def _parse_datetime(df: pd.DataFrame, col: str, file: str, problems: _Problems, *,
                    required: pd.Series | bool = True) -> pd.Series:
    text = df[col]
    values = pd.to_datetime(text, format="ISO8601", errors="coerce")
    blank = text.eq("")
    need = required if isinstance(required, pd.Series) else pd.Series(required, index=df.index)
    bad = (values.isna() & ~blank) | (blank & need)
    problems.rows(
        file, np.flatnonzero(bad.to_numpy()), col,
        lambda r: ("is empty but required" if text.iloc[r] == "" else
                   f"{text.iloc[r]!r} is not a timestamp (use YYYY-MM-DD HH:MM[:SS])"),
    )
    return values


def parse_hours(text: str) -> OpeningHours:
    """Parse ``"HH:MM-HH:MM"`` or ``"closed"`` into :class:`OpeningHours`.

    >>> parse_hours("08:30-20:00")
    OpeningHours(open_minute=510, close_minute=1200)
    >>> parse_hours("closed").is_open
    False
    """
    text = text.strip().lower()
    if text in ("closed", "-", "休息"):
        return OpeningHours.closed()
    match = _HOURS_RE.match(text)
    if not match:
        raise ValueError(f"{text!r} is not opening hours (use HH:MM-HH:MM or closed)")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if m1 >= 60 or m2 >= 60 or h1 > 24 or h2 > 24:
        raise ValueError(f"{text!r} has an impossible clock time")
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if end <= start or end > 24 * 60:
        raise ValueError(f"{text!r}: closing time must be after opening time, same day")
    return OpeningHours(start, end)


def _clock(text: str) -> int:
    h, m = text.split(":")
    value = int(h) * 60 + int(m)
    if not (0 <= int(m) < 60 and 0 <= value <= 24 * 60):
        raise ValueError(text)
    return value


# ------------------------------------------------------------------ halls
def read_halls(path: Path, problems: _Problems) -> dict[str, Hall]:
    """Halls of ``halls.csv`` keyed by ``hall_id``; problems are collected."""
    file = path.name
    df = read_csv_text(path, problems, HALL_COLUMNS, HALL_OPTIONAL)
    if df is None:
        return {}
    counters = _parse_number(df, "counters", file, problems, integer=True, minimum=1)
    kiosks = _parse_number(df, "kiosks", file, problems, integer=True, minimum=0)
    vip = _parse_number(df, "vip_counters", file, problems, integer=True, minimum=0,
                        allow_blank=True).fillna(0)
    dup = df["hall_id"].duplicated(keep="first")
    problems.rows(file, np.flatnonzero(dup.to_numpy()), "hall_id",
                  lambda r: f"duplicate hall_id {df['hall_id'].iloc[r]!r}")
    problems.rows(file, np.flatnonzero(df["hall_id"].eq("").to_numpy()), "hall_id",
                  "hall_id is empty")
    bad_kind = ~df["kind"].isin(HALL_KINDS)
    problems.rows(file, np.flatnonzero(bad_kind.to_numpy()), "kind",
                  lambda r: f"{df['kind'].iloc[r]!r} is not one of {', '.join(HALL_KINDS)}")
    halls: dict[str, Hall] = {}
    for i, row in enumerate(df.itertuples(index=False)):
        record = row._asdict()
        hours: list[OpeningHours] = []
        ok = True
        for col in [f"hours_{d}" for d in WEEKDAYS] + ["hours_holiday"]:
            try:
                hours.append(parse_hours(record[col]))
            except ValueError as err:
                problems.add(file, i + 2, col, str(err))
                ok = False
        if (not ok or dup.iloc[i] or bad_kind.iloc[i] or record["hall_id"] == ""
                or pd.isna(counters.iloc[i]) or pd.isna(kiosks.iloc[i])
                or counters.iloc[i] < 1 or kiosks.iloc[i] < 0 or pd.isna(vip.iloc[i])):
            continue
        if vip.iloc[i] > counters.iloc[i]:
            problems.add(file, i + 2, "vip_counters",
                         f"{int(vip.iloc[i])} VIP counters but only {int(counters.iloc[i])} counters")
            continue
        if not any(h.is_open for h in hours[:7]):
            problems.add(file, i + 2, "hours_mon", "the hall is closed every day of the week")
            continue
        halls[record["hall_id"]] = Hall(
            hall_id=record["hall_id"], name=record["name"] or record["hall_id"],
            region=record["region"], kind=record["kind"],
            counters=int(counters.iloc[i]), kiosks=int(kiosks.iloc[i]),
            hours=tuple(hours[:7]), holiday_hours=hours[7], vip_counters=int(vip.iloc[i]),
        )
    return halls


# ----------------------------------------------------------- transactions
def read_transactions(path: Path, problems: _Problems) -> dict[str, TransactionType]:
    """Transaction types of ``transactions.csv`` keyed by code."""
    file = path.name
    df = read_csv_text(path, problems, TRANSACTION_COLUMNS, TRANSACTION_OPTIONAL)
    if df is None:
        return {}
    mean = _parse_number(df, "mean_minutes", file, problems, minimum=0, strict_minimum=True)
    cv = _parse_number(df, "cv", file, problems, minimum=0)
    eligible = _parse_bool(df, "kiosk_eligible", file, problems)
    kiosk = _parse_number(df, "kiosk_minutes", file, problems, minimum=0, strict_minimum=True,
                          allow_blank=True)
    cross = _parse_number(df, "cross_sell_minutes", file, problems, minimum=0,
                          allow_blank=True).fillna(0.0)
    fast = _parse_bool(df, "fast_lane", file, problems)
    missing_kiosk = eligible & kiosk.isna() & df["kiosk_minutes"].eq("")
    problems.rows(file, np.flatnonzero(missing_kiosk.to_numpy()), "kiosk_minutes",
                  "kiosk-eligible type needs kiosk_minutes")
    dup = df["transaction_type"].duplicated()
    problems.rows(file, np.flatnonzero(dup.to_numpy()), "transaction_type",
                  lambda r: f"duplicate transaction_type {df['transaction_type'].iloc[r]!r}")
    bad_skill = ~df["skill"].isin(("",) + SKILLS)
    problems.rows(file, np.flatnonzero(bad_skill.to_numpy()), "skill",
                  lambda r: f"{df['skill'].iloc[r]!r} is not a skill ({', '.join(SKILLS)})")
    out: dict[str, TransactionType] = {}
    for i in range(len(df)):
        if (dup.iloc[i] or bad_skill.iloc[i] or missing_kiosk.iloc[i] or pd.isna(mean.iloc[i])
                or mean.iloc[i] <= 0 or pd.isna(cv.iloc[i]) or cv.iloc[i] < 0
                or pd.isna(cross.iloc[i]) or cross.iloc[i] < 0
                or (not pd.isna(kiosk.iloc[i]) and kiosk.iloc[i] <= 0)
                or df["transaction_type"].iloc[i] == ""):
            continue
        k = float(kiosk.iloc[i]) if not pd.isna(kiosk.iloc[i]) else 1.5 * float(mean.iloc[i])
        out[df["transaction_type"].iloc[i]] = TransactionType(
            code=df["transaction_type"].iloc[i], name=df["name"].iloc[i],
            mean_minutes=float(mean.iloc[i]), cv=float(cv.iloc[i]),
            kiosk_eligible=bool(eligible.iloc[i]), kiosk_minutes=k,
            cross_sell_minutes=float(cross.iloc[i]), fast_lane=bool(fast.iloc[i]),
            skill=df["skill"].iloc[i],
        )
    return out


# ------------------------------------------------------------------ staff
def _parse_unavailable(text: str) -> tuple[Unavailability, ...]:
    out: list[Unavailability] = []
    for token in filter(None, (t.strip() for t in text.split(";"))):
        parts = token.split()
        day = dt.date.fromisoformat(parts[0])
        if len(parts) == 1:
            out.append(Unavailability(day))
        elif len(parts) == 2 and "-" in parts[1]:
            a, b = parts[1].split("-")
            start, end = _clock(a), _clock(b)
            if end <= start:
                raise ValueError(f"{token!r}: end before start")
            out.append(Unavailability(day, start, end))
        else:
            raise ValueError(f"{token!r} is not YYYY-MM-DD or YYYY-MM-DD HH:MM-HH:MM")
    return tuple(out)


def _check_preference(token: str) -> None:
    if token in ("early", "late"):
        return
    if token.startswith("off:"):
        what = token[4:]
        if what in WEEKDAYS:
            return
        dt.date.fromisoformat(what)
        return
    raise ValueError(f"{token!r} is not a preference (early, late, off:sat, off:YYYY-MM-DD)")


def read_staff(path: Path, problems: _Problems, halls: Mapping[str, Hall]) -> tuple[StaffMember, ...]:
    """Staff of ``staff.csv``; unknown halls, skills and bad hours are problems."""
    file = path.name
    df = read_csv_text(path, problems, STAFF_COLUMNS, STAFF_OPTIONAL)
    if df is None:
        return ()
    lo = _parse_number(df, "min_hours_week", file, problems, minimum=0)
    hi = _parse_number(df, "max_hours_week", file, problems, minimum=0, strict_minimum=True)
    dup = df["staff_id"].duplicated()
    problems.rows(file, np.flatnonzero(dup.to_numpy()), "staff_id",
                  lambda r: f"duplicate staff_id {df['staff_id'].iloc[r]!r}")
    out: list[StaffMember] = []
    for i in range(len(df)):
        row = df.iloc[i]
        line = i + 2
        ok = not dup.iloc[i]
        if halls and row["hall_id"] not in halls:
            problems.add(file, line, "hall_id", f"unknown hall {row['hall_id']!r} (not in halls.csv)")
            ok = False
        skills = frozenset(s.strip() for s in row["skills"].split(";") if s.strip())
        unknown = sorted(skills - set(SKILLS))
        if unknown:
            problems.add(file, line, "skills",
                         f"unknown skill(s) {', '.join(unknown)}; use {', '.join(SKILLS)}")
            ok = False
        try:
            unavailable = _parse_unavailable(row["unavailable"])
        except ValueError as err:
            problems.add(file, line, "unavailable", str(err))
            ok = False
        prefs = tuple(p.strip() for p in row["preferences"].split(";") if p.strip())
        for p in prefs:
            try:
                _check_preference(p)
            except ValueError as err:
                problems.add(file, line, "preferences", str(err))
                ok = False
        if pd.isna(lo.iloc[i]) or pd.isna(hi.iloc[i]) or lo.iloc[i] < 0 or hi.iloc[i] <= 0:
            continue
        if lo.iloc[i] > hi.iloc[i]:
            problems.add(file, line, "min_hours_week",
                         f"min_hours_week {lo.iloc[i]:g} exceeds max_hours_week {hi.iloc[i]:g}")
            continue
        if ok:
            out.append(StaffMember(
                staff_id=row["staff_id"], hall_id=row["hall_id"], name=row["name"],
                skills=skills, min_hours_week=float(lo.iloc[i]),
                max_hours_week=float(hi.iloc[i]), unavailable=unavailable, preferences=prefs,
            ))
    return tuple(out)


# ----------------------------------------------------------------- policy
_POLICY_KEYS: dict[str, dict[str, tuple[str, float]]] = {
    # section -> toml key -> (dataclass field, multiplier to minutes/units)
    "target": {
        "service_level": ("service_level", 1), "threshold_minutes": ("threshold", 1),
        "max_mean_wait_minutes": ("max_mean_wait", 1), "max_abandonment": ("max_abandonment", 1),
        "max_occupancy": ("max_occupancy", 1), "shrinkage": ("shrinkage", 1),
    },
    "shifts": {
        "min_hours": ("min_length", 60), "max_hours": ("max_length", 60),
        "start_step_minutes": ("start_step", 1),
        "meal_break_after_hours": ("meal_break_after", 60),
        "meal_break_minutes": ("meal_break", 1), "short_break_minutes": ("short_break", 1),
        "short_break_every_hours": ("short_break_every", 60),
        "break_earliest_minutes": ("break_earliest", 1),
        "break_latest_minutes": ("break_latest", 1),
    },
    "labour": {
        "min_rest_hours": ("min_rest", 60), "max_days_per_week": ("max_days_per_week", 1),
        "max_consecutive_days": ("max_consecutive_days", 1),
        "min_staff_on_duty": ("min_staff_on_duty", 1),
        "opening_cover_minutes": ("opening_cover", 1),
        "closing_cover_minutes": ("closing_cover", 1),
    },
}
_POLICY_TOP = {"interval_minutes", "holiday_country", "patience_minutes"}
_INT_FIELDS = {"min_length", "max_length", "start_step", "meal_break_after", "meal_break",
               "short_break", "short_break_every", "break_earliest", "break_latest", "min_rest",
               "max_days_per_week", "max_consecutive_days", "min_staff_on_duty",
               "opening_cover", "closing_cover"}


def read_policy(path: Path | None, problems: _Problems) -> Policy:
    """``policy.toml`` as a :class:`Policy`; missing file = defaults."""
    if path is None:
        return Policy()
    file = path.name
    try:
        doc = tomllib.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        problems.add(file, None, None, "the file is not UTF-8")
        return Policy()
    except tomllib.TOMLDecodeError as err:
        match = re.search(r"line (\d+)", str(err))
        problems.add(file, int(match.group(1)) if match else None, None, f"not valid TOML: {err}")
        return Policy()
    kwargs: dict[str, dict[str, Any]] = {s: {} for s in _POLICY_KEYS}
    top: dict[str, Any] = {}
    for key, value in doc.items():
        if key in _POLICY_KEYS:
            if not isinstance(value, dict):
                problems.add(file, None, key, "must be a [section]")
                continue
            for sub, v in value.items():
                spec = _POLICY_KEYS[key].get(sub)
                if spec is None:
                    problems.add(file, None, f"{key}.{sub}",
                                 f"unknown key; known: {', '.join(_POLICY_KEYS[key])}")
                    continue
                if not isinstance(v, (int, float)) or isinstance(v, bool):
                    problems.add(file, None, f"{key}.{sub}", f"{v!r} is not a number")
                    continue
                name, mult = spec
                val = v * mult
                kwargs[key][name] = int(round(val)) if name in _INT_FIELDS else float(val)
        elif key in _POLICY_TOP:
            top[key] = value
        else:
            problems.add(file, None, key, "unknown key or section")
    built: dict[str, Any] = {}
    for section, cls in (("target", ServiceTarget), ("shifts", ShiftRules), ("labour", LabourRules)):
        try:
            built[section] = cls(**kwargs[section])
        except (ValueError, TypeError) as err:
            problems.add(file, None, section, str(err))
            built[section] = cls()
    try:
        return Policy(
            target=built["target"], shifts=built["shifts"], labour=built["labour"],
            interval_minutes=int(top.get("interval_minutes", 15)),
            holiday_country=str(top.get("holiday_country", "CN")),
            patience=(None if top.get("patience_minutes", 20.0) in (None, 0)
                      else float(top.get("patience_minutes", 20.0))),
        )
    except (ValueError, TypeError) as err:
        problems.add(file, None, None, str(err))
        return Policy(target=built["target"], shifts=built["shifts"], labour=built["labour"])


# ---------------------------------------------------------------- tickets
def read_tickets(path: Path, problems: _Problems, halls: Mapping[str, Hall],
                 transactions: Mapping[str, TransactionType]) -> pd.DataFrame | None:
    """The ticket log with parsed datetimes and flags; every row is checked."""
    file = path.name
    df = read_csv_text(path, problems, TICKET_COLUMNS, TICKET_OPTIONAL)
    if df is None:
        return None
    n_before = len(problems.items)
    abandoned = _parse_bool(df, "abandoned", file, problems)
    issued = _parse_datetime(df, "issued_at", file, problems)
    called = _parse_datetime(df, "called_at", file, problems, required=~abandoned)
    ended = _parse_datetime(df, "served_end", file, problems, required=~abandoned)
    left = _parse_datetime(df, "abandoned_at", file, problems, required=False)
    dup = df["ticket_id"].duplicated(keep="first")
    problems.rows(file, np.flatnonzero(dup.to_numpy()), "ticket_id",
                  lambda r: f"duplicate ticket id {df['ticket_id'].iloc[r]!r}")
    problems.rows(file, np.flatnonzero(df["ticket_id"].eq("").to_numpy()), "ticket_id",
                  "ticket id is empty")
    if halls:
        unknown = ~df["hall_id"].isin(list(halls))
        problems.rows(file, np.flatnonzero(unknown.to_numpy()), "hall_id",
                      lambda r: f"unknown hall {df['hall_id'].iloc[r]!r} (not in halls.csv)")
    if transactions:
        unknown = ~df["transaction_type"].isin(list(transactions))
        problems.rows(file, np.flatnonzero(unknown.to_numpy()), "transaction_type",
                      lambda r: (f"unknown transaction type {df['transaction_type'].iloc[r]!r} "
                                 "(not in transactions.csv)"))
    bad_channel = ~df["channel"].isin(CHANNELS)
    problems.rows(file, np.flatnonzero(bad_channel.to_numpy()), "channel",
                  lambda r: f"{df['channel'].iloc[r]!r} is not counter or kiosk")
    bad_tier = ~df["tier"].str.lower().isin(TIERS)
    problems.rows(file, np.flatnonzero(bad_tier.to_numpy()), "tier",
                  lambda r: f"{df['tier'].iloc[r]!r} is not regular or vip")
    served = ~abandoned
    early_call = served & (called < issued)
    problems.rows(file, np.flatnonzero(early_call.fillna(False).to_numpy()), "called_at",
                  lambda r: f"called_at {df['called_at'].iloc[r]} is before issued_at {df['issued_at'].iloc[r]}")
    early_end = served & (ended < called)
    problems.rows(file, np.flatnonzero(early_end.fillna(False).to_numpy()), "served_end",
                  lambda r: f"served_end {df['served_end'].iloc[r]} is before called_at {df['called_at'].iloc[r]}")
    early_leave = abandoned & (left < issued)
    problems.rows(file, np.flatnonzero(early_leave.fillna(False).to_numpy()), "abandoned_at",
                  lambda r: f"abandoned_at {df['abandoned_at'].iloc[r]} is before issued_at")
    long_service = served & ((ended - called) > pd.Timedelta(hours=4))
    problems.rows(file, np.flatnonzero(long_service.fillna(False).to_numpy()), "served_end",
                  lambda r: "service lasted more than 4 hours")
    if halls:
        no_kiosk_halls = [h for h, hall in halls.items() if hall.kiosks == 0]
        kiosk_bad = df["channel"].eq("kiosk") & df["hall_id"].isin(no_kiosk_halls)
        problems.rows(file, np.flatnonzero(kiosk_bad.to_numpy()), "channel",
                      lambda r: f"kiosk ticket but hall {df['hall_id'].iloc[r]!r} has no kiosks")
    if len(problems.items) > n_before:
        return None
    out = pd.DataFrame({
        "ticket_id": df["ticket_id"], "hall_id": df["hall_id"], "issued_at": issued,
        "called_at": called, "served_end": ended,
        "transaction_type": df["transaction_type"], "channel": df["channel"],
        "server_id": df["server_id"], "abandoned": abandoned.astype(bool),
        "abandoned_at": left, "tier": df["tier"].str.lower(),
    })
    return out


# --------------------------------------------------------------- footfall
def infer_interval_minutes(times: pd.Series) -> int:
    """The regular interval (5, 15, 30 or 60 minutes) of sorted timestamps.

    The largest allowed interval that divides every gap and every clock time.

    >>> t = pd.Series(pd.to_datetime(["2026-11-02 09:00", "2026-11-02 09:15", "2026-11-02 10:00"]))
    >>> infer_interval_minutes(t)
    15
    """
    t = pd.to_datetime(times)
    minute_of_day = (t.dt.hour * 60 + t.dt.minute).to_numpy()
    seconds = t.dt.second.to_numpy()
    if (seconds != 0).any():
        raise ValueError("interval starts must fall on whole minutes")
    for step in (60, 30, 15, 5):
        if (minute_of_day % step == 0).all():
            diffs = np.diff(np.sort(t.to_numpy()).astype("datetime64[m]").astype(np.int64))
            if len(diffs) == 0 or (diffs[diffs > 0] % step == 0).all():
                if step == 60 or len(diffs) == 0:
                    return step
                # the step must actually occur (30-min data is also 5-min aligned)
                if (diffs == step).any():
                    return step
                continue
    raise ValueError("interval starts are not on a regular 5, 15, 30 or 60 minute grid")


def read_footfall(path: Path, problems: _Problems, halls: Mapping[str, Hall]) -> pd.DataFrame | None:
    """Arrival counts per hall and interval; the interval is inferred per hall."""
    file = path.name
    df = read_csv_text(path, problems, FOOTFALL_COLUMNS)
    if df is None:
        return None
    n_before = len(problems.items)
    start = _parse_datetime(df, "interval_start", file, problems)
    arrivals = _parse_number(df, "arrivals", file, problems, integer=True, minimum=0)
    if halls:
        unknown = ~df["hall_id"].isin(list(halls))
        problems.rows(file, np.flatnonzero(unknown.to_numpy()), "hall_id",
                      lambda r: f"unknown hall {df['hall_id'].iloc[r]!r} (not in halls.csv)")
    dup = pd.DataFrame({"h": df["hall_id"], "t": start}).duplicated()
    problems.rows(file, np.flatnonzero(dup.to_numpy()), "interval_start",
                  lambda r: f"duplicate interval {df['interval_start'].iloc[r]} for hall {df['hall_id'].iloc[r]}")
    if len(problems.items) > n_before:
        return None
    out = pd.DataFrame({HALL_ID: df["hall_id"], INTERVAL_START: start,
                        ARRIVALS: arrivals.astype(np.int64)})
    for hall_id, part in out.groupby(HALL_ID, sort=False):
        try:
            infer_interval_minutes(part[INTERVAL_START])
        except ValueError as err:
            problems.add(file, int(part.index[0]) + 2, "interval_start", f"hall {hall_id}: {err}")
    return out.sort_values([HALL_ID, INTERVAL_START], kind="stable").reset_index(drop=True)


def read_calendar(path: Path, problems: _Problems, country: str) -> HallCalendar:
    """Optional ``calendar.csv`` of official holidays and make-up working days."""
    file = path.name
    df = read_csv_text(path, problems, CALENDAR_COLUMNS)
    if df is None:
        return HallCalendar(country)
    dates = pd.to_datetime(df["date"], format="ISO8601", errors="coerce")
    problems.rows(file, np.flatnonzero(dates.isna().to_numpy()), "date",
                  lambda r: f"{df['date'].iloc[r]!r} is not a date (YYYY-MM-DD)")
    kind = df["kind"].str.lower()
    bad = ~kind.isin(("holiday", "workday"))
    problems.rows(file, np.flatnonzero(bad.to_numpy()), "kind",
                  lambda r: f"{df['kind'].iloc[r]!r} is not holiday or workday")
    ok = dates.notna() & ~bad
    hol = frozenset(d.date() for d in dates[ok & kind.eq("holiday")])
    work = frozenset(d.date() for d in dates[ok & kind.eq("workday")])
    return HallCalendar(country, extra_holidays=hol, extra_workdays=work)


# ---------------------------------------------------------------- dataset
@dataclass(frozen=True)
class Dataset:
    """A validated data directory.

    ``tickets`` has the README columns with ``issued_at``/``called_at``/
    ``served_end``/``abandoned_at`` as datetimes and ``abandoned`` as bool;
    ``footfall`` has ``hall_id, interval_start, arrivals``.
    """

    root: Path
    halls: dict[str, Hall]
    transactions: dict[str, TransactionType]
    staff: tuple[StaffMember, ...]
    policy: Policy
    calendar: HallCalendar
    tickets: pd.DataFrame | None = None
    footfall: pd.DataFrame | None = None
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    def hall(self, hall_id: str) -> Hall:
        """The hall ``hall_id``; ``ValueError`` naming the known halls otherwise."""
        try:
            return self.halls[hall_id]
        except KeyError:
            raise ValueError(
                f"hall={hall_id!r} is not in halls.csv; known halls: {', '.join(sorted(self.halls))}"
            ) from None

    def staff_of(self, hall_id: str) -> tuple[StaffMember, ...]:
        """Staff members of one hall, in file order."""
        self.hall(hall_id)
        return tuple(s for s in self.staff if s.hall_id == hall_id)

    def tickets_of(self, hall_id: str) -> pd.DataFrame:
        """The ticket rows of one hall (empty frame when there is no ticket log)."""
        self.hall(hall_id)
        if self.tickets is None:
            return pd.DataFrame(columns=list(TICKET_COLUMNS) + list(TICKET_OPTIONAL))
        key = ("tickets", hall_id)
        if key not in self._cache:
            self._cache[key] = self.tickets[self.tickets[HALL_ID] == hall_id].reset_index(drop=True)
        return self._cache[key]  # type: ignore[no-any-return]

    def last_day(self, hall_id: str | None = None) -> dt.date:
        """Last day with data (tickets, else footfall), for one hall or all."""
        frames = []
        if self.tickets is not None:
            t = self.tickets if hall_id is None else self.tickets_of(hall_id)
            if len(t):
                frames.append(t["issued_at"].max())
        if self.footfall is not None:
            f = self.footfall if hall_id is None else self.footfall[self.footfall[HALL_ID] == hall_id]
            if len(f):
                frames.append(f[INTERVAL_START].max())
        if not frames:
            raise ValueError(f"no tickets or footfall for hall {hall_id!r}")
        return max(frames).date()  # type: ignore[no-any-return]

    def footfall_for(self, hall_id: str, interval_minutes: int = 15) -> pd.DataFrame:
        """Arrivals per interval of one hall: ``hall_id, interval_start, arrivals``.

        From the ticket log when the hall has tickets (every open interval
        appears, with 0 when nobody came), else from ``footfall.csv``
        (aggregated up to ``interval_minutes`` when it is finer).
        """
        hall = self.hall(hall_id)
        key = ("footfall", hall_id, interval_minutes)
        if key in self._cache:
            return self._cache[key]  # type: ignore[no-any-return]
        tickets = self.tickets_of(hall_id)
        if len(tickets):
            freq = f"{interval_minutes}min"
            counts = tickets["issued_at"].dt.floor(freq).value_counts()
            grid = open_intervals(hall, self.calendar, tickets["issued_at"].min().date(),
                                  tickets["issued_at"].max().date(), interval_minutes)
            index = grid.union(counts.index)
            series = counts.reindex(index, fill_value=0)
            out = pd.DataFrame({HALL_ID: hall_id, INTERVAL_START: index,
                                ARRIVALS: series.to_numpy().astype(np.int64)})
        elif self.footfall is not None and (self.footfall[HALL_ID] == hall_id).any():
            part = self.footfall[self.footfall[HALL_ID] == hall_id]
            native = infer_interval_minutes(part[INTERVAL_START])
            if interval_minutes % native:
                raise ValueError(
                    f"footfall for hall {hall_id} comes in {native}-minute intervals; "
                    f"interval_minutes={interval_minutes} is not a multiple of it")
            floored = part[INTERVAL_START].dt.floor(f"{interval_minutes}min")
            agg = part.groupby(floored)[ARRIVALS].sum()
            out = pd.DataFrame({HALL_ID: hall_id, INTERVAL_START: agg.index,
                                ARRIVALS: agg.to_numpy().astype(np.int64)})
        else:
            raise ValueError(f"hall {hall_id} has neither tickets nor footfall rows")
        out = out.sort_values(INTERVAL_START).reset_index(drop=True)
        self._cache[key] = out
        return out

    def mix_for(self, hall_id: str) -> pd.DataFrame:
        """Share of each transaction type in the hall's tickets (counter and kiosk).

        Columns ``transaction_type, share``; falls back to equal shares over
        ``transactions.csv`` when the hall has no ticket log.
        """
        tickets = self.tickets_of(hall_id)
        if len(tickets):
            counts = tickets[TRANSACTION_TYPE].value_counts()
        else:
            counts = pd.Series(1.0, index=list(self.transactions))
        counts = counts.reindex(list(self.transactions), fill_value=0)
        return pd.DataFrame({TRANSACTION_TYPE: counts.index,
                             "share": (counts / counts.sum()).to_numpy()})


def open_intervals(hall: Hall, calendar: HallCalendar, first: dt.date, last: dt.date,
                   interval_minutes: int) -> pd.DatetimeIndex:
    """Start times of every interval the hall is open, ``first`` to ``last`` inclusive."""
    days = pd.date_range(first, last, freq="D")
    kinds = calendar.day_kinds([d.date() for d in days])
    starts: list[np.ndarray] = []
    for day, kind in zip(days, kinds):
        hours = hall.hours_on(day.date(), is_holiday=(kind == "holiday"))
        if kind == "makeup":  # a make-up working day follows Friday's hours
            hours = hall.hours[4]
        if not hours.is_open:
            continue
        first_slot = -(-hours.open_minute // interval_minutes) * interval_minutes
        minutes = np.arange(first_slot, hours.close_minute, interval_minutes)
        starts.append(day.to_datetime64() + minutes.astype("timedelta64[m]"))
    if not starts:
        return pd.DatetimeIndex([])
    return pd.DatetimeIndex(np.concatenate(starts).astype("datetime64[ns]"))


def validate_dir(path: str | Path) -> list[Problem]:
    """Every problem of a data directory (empty list = valid)."""
    try:
        load_dataset(path)
    except DataError as err:
        return err.problems
    return []


def load_dataset(path: str | Path) -> Dataset:
    """Read and validate a data directory; raise :class:`DataError` listing every problem.

    ``halls.csv`` and ``transactions.csv`` are required; then ``tickets.csv``
    or ``footfall.csv`` (or both); ``staff.csv``, ``policy.toml`` and
    ``calendar.csv`` are optional.
    """
    root = Path(path)
    problems = _Problems()
    if not root.is_dir():
        raise DataError([Problem(str(root), None, None, "is not a directory")])
    halls_path = find_file(root, "halls")
    trans_path = find_file(root, "transactions")
    if halls_path is None:
        problems.add("halls.csv", None, None, f"file is missing from {root}")
    if trans_path is None:
        problems.add("transactions.csv", None, None, f"file is missing from {root}")
    halls = read_halls(halls_path, problems) if halls_path else {}
    transactions = read_transactions(trans_path, problems) if trans_path else {}
    policy_path = root / "policy.toml"
    policy = read_policy(policy_path if policy_path.is_file() else None, problems)
    cal_path = find_file(root, "calendar")
    calendar = (read_calendar(cal_path, problems, policy.holiday_country) if cal_path
                else HallCalendar(policy.holiday_country))
    staff_path = find_file(root, "staff")
    staff = read_staff(staff_path, problems, halls) if staff_path else ()
    tickets_path = find_file(root, "tickets")
    footfall_path = find_file(root, "footfall")
    if tickets_path is None and footfall_path is None:
        problems.add("tickets.csv", None, None,
                     "neither tickets.csv nor footfall.csv is present: no arrivals to plan from")
    tickets = read_tickets(tickets_path, problems, halls, transactions) if tickets_path else None
    footfall = read_footfall(footfall_path, problems, halls) if footfall_path else None
    if problems.items:
        raise DataError(problems.items)
    return Dataset(root=root, halls=halls, transactions=transactions, staff=staff,
                   policy=policy, calendar=calendar, tickets=tickets, footfall=footfall)
