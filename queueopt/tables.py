"""Readers of the CSV tables of a data directory (the formats of the README).

Every reader collects :class:`~queueopt.errors.Problem` records instead of
stopping at the first one, so ``queueopt validate`` and the app show all of
them at once, each with its file, row (the line number an editor shows: the
header is line 1) and column. Checks are vectorised with pandas.

A table's rows that reference another table (a ticket's hall, a ticket's
transaction type, a staff member's hall) are checked against every key the
other file *contains*, valid or not (:attr:`Table.keys`): one bad hall row is
one problem, not one more problem per ticket of that hall.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

import numpy as np
import pandas as pd

from queueopt._reading import (
    Problems,
    RowIssue,
    clock_minute,
    datetime_issues,
    duplicated,
    parse_bool,
    parse_datetime,
    parse_number,
    read_csv_text,
)
from queueopt.calendar import HallCalendar
from queueopt.errors import Problem
from queueopt.model import (
    CHANNELS,
    HALL_KINDS,
    TIERS,
    WEEKDAYS,
    Hall,
    OpeningHours,
    StaffMember,
    TransactionType,
    Unavailability,
)
from queueopt.quarantine import Quarantine, from_issues, keep_mask
from queueopt.schema import (
    ARRIVALS,
    CALENDAR_COLUMNS,
    DATE_MAX,
    DATE_MIN,
    FOOTFALL_COLUMNS,
    HALL_COLUMNS,
    HALL_ID,
    HALL_OPTIONAL,
    INTERVAL_START,
    MAX_COUNTERS,
    MAX_HOURS_WEEK,
    MAX_KIOSKS,
    MAX_SPAN_DAYS,
    MAX_STAFF_PER_HALL,
    SKILLS,
    STAFF_COLUMNS,
    STAFF_OPTIONAL,
    TICKET_COLUMNS,
    TICKET_OPTIONAL,
    TRANSACTION_COLUMNS,
    TRANSACTION_OPTIONAL,
    id_problem,
    name_problem,
)

T = TypeVar("T")
_HOURS_RE = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")
#: Arrivals in one footfall interval (a hall of 500 counters serves far fewer).
MAX_ARRIVALS_PER_INTERVAL = 100_000


@dataclass(frozen=True)
class Table(Generic[T]):
    """The valid records of a table by key, and every key the file holds (valid or not)."""

    valid: dict[str, T]
    keys: frozenset[str]


def _text_issue(df: pd.DataFrame, col: str, check: Callable[[str], str | None]) -> RowIssue:
    why = df[col].map(check)
    return RowIssue(col, np.flatnonzero(why.notna().to_numpy()),
                    lambda r: f"{col} {why.iloc[r]}")


def _text_issues(df: pd.DataFrame, ids: Collection[str], texts: Collection[str]) -> list[RowIssue]:
    """Identifier columns must be safe ids; free-text columns free of control characters."""
    issues = ([_text_issue(df, c, id_problem) for c in ids]
              + [_text_issue(df, c, name_problem) for c in texts])
    return [i for i in issues if len(i.rows)]


def _bad_rows(n: int, issues: Collection[RowIssue]) -> np.ndarray:
    bad = np.zeros(n, dtype=bool)
    for issue in issues:
        bad[issue.rows] = True
    return bad


def _within(values: pd.Series, low: float, high: float, *, integer: bool = True) -> pd.Series:
    ok = values.notna() & values.between(low, high)
    return ok & (values % 1 == 0) if integer else ok


# ------------------------------------------------------------------ halls
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
        raise ValueError(f"{text[:40]!r} is not opening hours (use HH:MM-HH:MM or closed)")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if m1 >= 60 or m2 >= 60 or h1 > 24 or h2 > 24:
        raise ValueError(f"{text!r} has an impossible clock time")
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if end <= start or end > 24 * 60:
        raise ValueError(f"{text!r}: closing time must be after opening time, same day")
    return OpeningHours(start, end)


def _hours_of(df: pd.DataFrame, file: str, problems: Problems) -> list[list[OpeningHours] | None]:
    """Each row's eight opening hours (Monday first, then holidays), ``None`` when one is bad."""
    out: list[list[OpeningHours] | None] = []
    cols = [f"hours_{d}" for d in WEEKDAYS] + ["hours_holiday"]
    for i in range(len(df)):
        hours: list[OpeningHours] | None = []
        for col in cols:
            try:
                hours.append(parse_hours(df[col].iloc[i]))  # type: ignore[union-attr]
            except ValueError as err:
                problems.add(file, i + 2, col, str(err))
                hours = None
                break
        if hours is not None and not any(h.is_open for h in hours[:7]):
            problems.add(file, i + 2, "hours_mon", "the hall is closed every day of the week")
            hours = None
        out.append(hours)
    return out


def read_halls(path: Path, problems: Problems) -> Table[Hall]:
    """Halls of ``halls.csv`` keyed by ``hall_id``; problems are collected."""
    file = path.name
    df = read_csv_text(path, "halls", problems, HALL_COLUMNS, HALL_OPTIONAL)
    if df is None:
        return Table({}, frozenset())
    counters = parse_number(df, "counters", file, problems, integer=True, minimum=1,
                            maximum=MAX_COUNTERS)
    kiosks = parse_number(df, "kiosks", file, problems, integer=True, minimum=0,
                          maximum=MAX_KIOSKS)
    vip = parse_number(df, "vip_counters", file, problems, integer=True, minimum=0,
                       maximum=MAX_COUNTERS, allow_blank=True).fillna(0)
    issues = _text_issues(df, ["hall_id"], ["name", "region"])
    dup = df["hall_id"].duplicated(keep="first") & df["hall_id"].ne("")
    issues.append(RowIssue("hall_id", np.flatnonzero(dup.to_numpy()),
                           lambda r: f"duplicate hall_id {df['hall_id'].iloc[r]!r}"))
    bad_kind = ~df["kind"].isin(HALL_KINDS)
    issues.append(RowIssue("kind", np.flatnonzero(bad_kind.to_numpy()),
                           lambda r: f"{df['kind'].iloc[r]!r} is not one of {', '.join(HALL_KINDS)}"))
    numbers_ok = (_within(counters, 1, MAX_COUNTERS) & _within(kiosks, 0, MAX_KIOSKS)
                  & _within(vip, 0, MAX_COUNTERS))
    too_many_vip = numbers_ok & (vip > counters)
    issues.append(RowIssue("vip_counters", np.flatnonzero(too_many_vip.to_numpy()),
                           lambda r: f"{int(vip.iloc[r])} VIP counters but only "
                                     f"{int(counters.iloc[r])} counters"))
    problems.issues(file, issues)
    bad = _bad_rows(len(df), issues) | ~numbers_ok.to_numpy()
    hours = _hours_of(df, file, problems)
    halls: dict[str, Hall] = {}
    for i, record in enumerate(df.to_dict("records")):
        h = hours[i]
        if bad[i] or h is None:
            continue
        halls[record["hall_id"]] = Hall(
            hall_id=record["hall_id"], name=record["name"] or record["hall_id"],
            region=record["region"], kind=record["kind"],
            counters=int(counters.iloc[i]), kiosks=int(kiosks.iloc[i]),
            hours=tuple(h[:7]), holiday_hours=h[7], vip_counters=int(vip.iloc[i]),
        )
    return Table(halls, frozenset(df["hall_id"]) - {""})


# ----------------------------------------------------------- transactions
def read_transactions(path: Path, problems: Problems) -> Table[TransactionType]:
    """Transaction types of ``transactions.csv`` keyed by code."""
    file = path.name
    df = read_csv_text(path, "transactions", problems, TRANSACTION_COLUMNS, TRANSACTION_OPTIONAL)
    if df is None:
        return Table({}, frozenset())
    n_before = len(problems.items)
    mean = parse_number(df, "mean_minutes", file, problems, minimum=0, strict_minimum=True,
                        maximum=24 * 60)
    cv = parse_number(df, "cv", file, problems, minimum=0, maximum=100)
    eligible = parse_bool(df, "kiosk_eligible", file, problems)
    kiosk = parse_number(df, "kiosk_minutes", file, problems, minimum=0, strict_minimum=True,
                         maximum=24 * 60, allow_blank=True)
    cross = parse_number(df, "cross_sell_minutes", file, problems, minimum=0, maximum=24 * 60,
                         allow_blank=True).fillna(0.0)
    fast = parse_bool(df, "fast_lane", file, problems)
    code = df["transaction_type"]
    issues = _text_issues(df, [], ["transaction_type", "name"])
    missing_kiosk = eligible & df["kiosk_minutes"].eq("")
    issues.append(RowIssue("kiosk_minutes", np.flatnonzero(missing_kiosk.to_numpy()),
                           lambda r: "kiosk-eligible type needs kiosk_minutes"))
    issues.append(RowIssue("transaction_type", np.flatnonzero(code.eq("").to_numpy()),
                           lambda r: "transaction_type is empty"))
    dup = code.duplicated() & code.ne("")
    issues.append(RowIssue("transaction_type", np.flatnonzero(dup.to_numpy()),
                           lambda r: f"duplicate transaction_type {code.iloc[r]!r}"))
    bad_skill = ~df["skill"].isin(("",) + SKILLS)
    issues.append(RowIssue("skill", np.flatnonzero(bad_skill.to_numpy()),
                           lambda r: f"{df['skill'].iloc[r]!r} is not a skill ({', '.join(SKILLS)})"))
    problems.issues(file, issues)
    if len(problems.items) > n_before:  # keys still let the ticket log be checked
        return Table({}, frozenset(code) - {""})
    out: dict[str, TransactionType] = {}
    for i in range(len(df)):
        k = float(kiosk.iloc[i]) if not pd.isna(kiosk.iloc[i]) else 1.5 * float(mean.iloc[i])
        out[code.iloc[i]] = TransactionType(
            code=code.iloc[i], name=df["name"].iloc[i],
            mean_minutes=float(mean.iloc[i]), cv=float(cv.iloc[i]),
            kiosk_eligible=bool(eligible.iloc[i]), kiosk_minutes=k,
            cross_sell_minutes=float(cross.iloc[i]), fast_lane=bool(fast.iloc[i]),
            skill=df["skill"].iloc[i],
        )
    return Table(out, frozenset(code))


# ------------------------------------------------------------------ staff
def _date_in_range(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text[:40]!r} is not a date YYYY-MM-DD") from None
    if not DATE_MIN <= day <= DATE_MAX:
        raise ValueError(f"{text!r} is outside the supported dates {DATE_MIN.year}-{DATE_MAX.year}")
    return day


def parse_unavailable(text: str) -> tuple[Unavailability, ...]:
    """``"YYYY-MM-DD; YYYY-MM-DD HH:MM-HH:MM"`` as :class:`Unavailability` records.

    >>> parse_unavailable("2026-11-24 25:00-26:00")
    Traceback (most recent call last):
    ...
    ValueError: '2026-11-24 25:00-26:00': '25:00' is not a clock time between 00:00 and 24:00
    """
    out: list[Unavailability] = []
    for token in filter(None, (t.strip() for t in text.split(";"))):
        parts = token.split()
        day = _date_in_range(parts[0])
        if len(parts) == 1:
            out.append(Unavailability(day))
        elif len(parts) == 2 and parts[1].count("-") == 1:
            a, b = parts[1].split("-")
            try:
                start, end = clock_minute(a), clock_minute(b)
            except ValueError as err:
                raise ValueError(f"{token[:60]!r}: {err}") from None
            if end <= start:
                raise ValueError(f"{token!r}: end before start")
            out.append(Unavailability(day, start, end))
        else:
            raise ValueError(f"{token[:60]!r} is not YYYY-MM-DD or YYYY-MM-DD HH:MM-HH:MM")
    return tuple(out)


def _check_preference(token: str) -> None:
    if token in ("early", "late"):
        return
    if token.startswith("off:"):
        what = token[4:]
        if what in WEEKDAYS:
            return
        _date_in_range(what)
        return
    raise ValueError(f"{token[:40]!r} is not a preference (early, late, off:sat, off:YYYY-MM-DD)")


def _staff_cells(row: Mapping[str, str], line: int, file: str, hall_keys: Collection[str],
                 problems: Problems) -> tuple[frozenset[str], tuple[Unavailability, ...],
                                              tuple[str, ...]] | None:
    """A staff row's skills, unavailability and preferences, or ``None`` after a problem."""
    ok = True
    if hall_keys and row["hall_id"] not in hall_keys:
        problems.add(file, line, "hall_id", f"unknown hall {row['hall_id'][:80]!r} (not in halls.csv)")
        ok = False
    skills = frozenset(s.strip() for s in row["skills"].split(";") if s.strip())
    unknown = sorted(skills - set(SKILLS))
    if unknown:
        problems.add(file, line, "skills",
                     f"unknown skill(s) {', '.join(unknown)[:80]}; use {', '.join(SKILLS)}")
        ok = False
    unavailable: tuple[Unavailability, ...] = ()
    try:
        unavailable = parse_unavailable(row["unavailable"])
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
    return (skills, unavailable, prefs) if ok else None


def read_staff(path: Path, problems: Problems,
               hall_keys: Collection[str]) -> tuple[StaffMember, ...]:
    """Staff of ``staff.csv``; unknown halls, skills and bad hours are problems."""
    file = path.name
    df = read_csv_text(path, "staff", problems, STAFF_COLUMNS, STAFF_OPTIONAL)
    if df is None:
        return ()
    lo = parse_number(df, "min_hours_week", file, problems, minimum=0, maximum=MAX_HOURS_WEEK)
    hi = parse_number(df, "max_hours_week", file, problems, minimum=0, strict_minimum=True,
                      maximum=MAX_HOURS_WEEK)
    sid = df["staff_id"]
    issues = _text_issues(df, [], ["staff_id", "name"])
    issues.append(RowIssue("staff_id", np.flatnonzero(sid.eq("").to_numpy()),
                           lambda r: "staff_id is empty"))
    dup = sid.duplicated() & sid.ne("")
    issues.append(RowIssue("staff_id", np.flatnonzero(dup.to_numpy()),
                           lambda r: f"duplicate staff_id {sid.iloc[r]!r}"))
    hours_ok = (_within(lo, 0, MAX_HOURS_WEEK, integer=False)
                & _within(hi, 1e-9, MAX_HOURS_WEEK, integer=False))
    crowd = df.groupby("hall_id").cumcount() >= MAX_STAFF_PER_HALL
    issues.append(RowIssue("hall_id", np.flatnonzero(crowd.to_numpy()),
                           lambda r: f"more than {MAX_STAFF_PER_HALL} staff in hall "
                                     f"{df['hall_id'].iloc[r][:80]!r}"))
    inverted = hours_ok & (lo > hi)
    issues.append(RowIssue("min_hours_week", np.flatnonzero(inverted.to_numpy()),
                           lambda r: f"min_hours_week {lo.iloc[r]:g} exceeds max_hours_week "
                                     f"{hi.iloc[r]:g}"))
    problems.issues(file, issues)
    bad = _bad_rows(len(df), issues) | ~hours_ok.to_numpy()
    out: list[StaffMember] = []
    for i, row in enumerate(df.to_dict("records")):
        cells = _staff_cells(row, i + 2, file, hall_keys, problems)
        if cells is None or bad[i]:
            continue
        skills, unavailable, prefs = cells
        out.append(StaffMember(
            staff_id=row["staff_id"], hall_id=row["hall_id"], name=row["name"],
            skills=skills, min_hours_week=float(lo.iloc[i]), max_hours_week=float(hi.iloc[i]),
            unavailable=unavailable, preferences=prefs,
        ))
    return tuple(out)


# ---------------------------------------------------------------- tickets
def _span_issue(times: pd.Series, col: str) -> list[RowIssue]:
    """A table whose timestamps span more than :data:`MAX_SPAN_DAYS` days."""
    if times.notna().sum() < 2:
        return []
    first, last = times.min(), times.max()
    if (last - first).days <= MAX_SPAN_DAYS:
        return []
    row = int(np.flatnonzero((times == first).to_numpy())[0])
    return [RowIssue(col, np.array([row]),
                     lambda r: f"the table spans {first.date()} to {last.date()}; at most "
                               f"{MAX_SPAN_DAYS} days are supported", per_row=False)]


@dataclass(frozen=True)
class TicketRows:
    """A ticket log parsed from its text and checked on its own: the flag, the timestamps,
    the tier, and every rule that needs no other table, per row.

    The part of :func:`ticket_issues` that needs neither ``halls.csv`` nor
    ``transactions.csv``.
    """

    abandoned: pd.Series
    times: dict[str, pd.Series]
    """``issued_at``, ``called_at``, ``served_end``, ``abandoned_at`` (NaT where bad or blank)."""
    tier: pd.Series
    """``tier`` in lower case."""
    issues: list[RowIssue]


def _rows(mask: pd.Series) -> np.ndarray:
    return np.flatnonzero(mask.fillna(False).to_numpy())


def ticket_rows(df: pd.DataFrame) -> TicketRows:
    """Parse ``tickets.csv`` (``df`` as text) and check every rule that needs no other table."""
    sink = Problems()  # flags' problems are per row too: turn them into issues below
    abandoned = parse_bool(df, "abandoned", "", sink)
    flag_rows = np.array(sorted({p.row - 2 for p in sink.items if p.row}), dtype=int)
    issues = [RowIssue("abandoned", flag_rows,
                       lambda r: f"{df['abandoned'].iloc[r]!r} is not a flag (use 1 or 0)")]
    times = {}
    for col, need in (("issued_at", True), ("called_at", ~abandoned), ("served_end", ~abandoned),
                      ("abandoned_at", False)):
        times[col], found = datetime_issues(df[col], col, need)
        issues += found
    issued, called, ended, left = (times[c] for c in (
        "issued_at", "called_at", "served_end", "abandoned_at"))
    issues += _span_issue(issued, "issued_at")
    tid = df["ticket_id"]
    tier = df["tier"].str.lower()
    served = ~abandoned
    issues += [
        RowIssue("ticket_id", _rows(duplicated(tid) & tid.ne("")),
                 lambda r: f"duplicate ticket id {tid.iloc[r][:80]!r}"),
        RowIssue("ticket_id", _rows(tid.eq("")), lambda r: "ticket id is empty"),
        RowIssue("channel", _rows(~df["channel"].isin(CHANNELS)),
                 lambda r: f"{df['channel'].iloc[r][:40]!r} is not counter or kiosk"),
        RowIssue("tier", _rows(~tier.isin(TIERS)),
                 lambda r: f"{df['tier'].iloc[r][:40]!r} is not regular or vip"),
        RowIssue("called_at", _rows(served & (called < issued)),
                 lambda r: f"called_at {df['called_at'].iloc[r]} is before issued_at "
                           f"{df['issued_at'].iloc[r]}"),
        RowIssue("served_end", _rows(served & (ended < called)),
                 lambda r: f"served_end {df['served_end'].iloc[r]} is before called_at "
                           f"{df['called_at'].iloc[r]}"),
        RowIssue("abandoned_at", _rows(abandoned & (left < issued)),
                 lambda r: f"abandoned_at {df['abandoned_at'].iloc[r]} is before issued_at"),
        RowIssue("served_end", _rows(served & ((ended - called) > pd.Timedelta(hours=4))),
                 lambda r: "service lasted more than 4 hours"),
    ]
    return TicketRows(abandoned, times, tier, issues)


def ticket_issues(df: pd.DataFrame, hall_keys: Collection[str], type_keys: Collection[str],
                  halls: Mapping[str, Hall], own: TicketRows | None = None
                  ) -> tuple[pd.DataFrame, list[RowIssue]]:
    """The parsed ticket log and every rule broken, per row (the seam for a row quarantine).

    ``df`` is ``tickets.csv`` as text; ``own`` is :func:`ticket_rows` of it when the caller
    already has it. The returned frame has datetimes and flags; it is only trustworthy on
    rows outside every issue's ``rows``.
    """
    own = ticket_rows(df) if own is None else own
    abandoned, tier, issues = own.abandoned, own.tier, list(own.issues)
    if hall_keys:
        issues.append(RowIssue("hall_id", _rows(~df["hall_id"].isin(list(hall_keys))),
                               lambda r: f"unknown hall {df['hall_id'].iloc[r][:80]!r} "
                                         "(not in halls.csv)"))
    if type_keys:
        issues.append(RowIssue("transaction_type",
                               _rows(~df["transaction_type"].isin(list(type_keys))),
                               lambda r: f"unknown transaction type "
                                         f"{df['transaction_type'].iloc[r][:80]!r} "
                                         "(not in transactions.csv)"))
    no_kiosk = [h for h, hall in halls.items() if hall.kiosks == 0]
    issues.append(RowIssue("channel", _rows(df["channel"].eq("kiosk") & df["hall_id"].isin(no_kiosk)),
                           lambda r: f"kiosk ticket but hall {df['hall_id'].iloc[r]!r} has no kiosks"))
    parsed = pd.DataFrame({
        "ticket_id": df["ticket_id"], "hall_id": df["hall_id"], "issued_at": own.times["issued_at"],
        "called_at": own.times["called_at"], "served_end": own.times["served_end"],
        "transaction_type": df["transaction_type"], "channel": df["channel"],
        "server_id": df["server_id"], "abandoned": abandoned.astype(bool),
        "abandoned_at": own.times["abandoned_at"], "tier": tier,
    })
    return parsed, [i for i in issues if len(i.rows)]


@dataclass(frozen=True)
class TicketText:
    """``tickets.csv`` read as text (None when it cannot be: ``problems`` say why) and its
    :func:`ticket_rows`: what :func:`read_tickets` does before it needs the other tables."""

    frame: pd.DataFrame | None
    problems: tuple[Problem, ...]
    rows: TicketRows | None


def read_ticket_text(path: Path) -> TicketText:
    """Read ``tickets.csv``, parse it and check the rules that need no other table (so
    :func:`queueopt.io.load_dataset` runs it on a worker thread while it reads the others)."""
    sink = Problems()
    df = read_csv_text(path, "tickets", sink, TICKET_COLUMNS, TICKET_OPTIONAL)
    return TicketText(df, tuple(sink.items), None if df is None else ticket_rows(df))


def read_tickets(path: Path, problems: Problems, hall_keys: Collection[str],
                 type_keys: Collection[str], halls: Mapping[str, Hall],
                 max_bad_share: float = 0.0, text: TicketText | None = None
                 ) -> tuple[pd.DataFrame | None, Quarantine | None]:
    """The ticket log with parsed datetimes and flags, and the rows set aside.

    Every row is checked. While the share of bad rows is at most
    ``max_bad_share`` (0-1, ``policy.toml``'s ``max_bad_share``) they are
    left out and listed in the returned :class:`~queueopt.quarantine.Quarantine`;
    above it every problem is reported and no log is returned. ``text`` is
    :func:`read_ticket_text` of ``path`` when the caller has already read it.
    """
    text = read_ticket_text(path) if text is None else text
    problems.items.extend(text.problems)
    df = text.frame
    if df is None:
        return None, None
    parsed, issues = ticket_issues(df, hall_keys, type_keys, halls, text.rows)
    whole = [i for i in issues if not i.per_row]
    quarantine = from_issues(path.name, len(df), [i for i in issues if i.per_row])
    if whole or quarantine.share > max_bad_share:
        problems.issues(path.name, issues)
        if quarantine.entries and not whole:
            problems.add(path.name, None, None,
                         f"{quarantine.rows_set_aside} of {quarantine.rows_read} rows are bad "
                         f"({100 * quarantine.share:.2f}%), more than policy.toml's "
                         f"max_bad_share = {max_bad_share:g}; below it they are set aside in "
                         "quarantine.csv and the run goes on")
        return None, None
    keep = keep_mask(quarantine, len(df))
    if keep.all():  # the common case: no copy of the log
        return parsed, quarantine
    return parsed[keep].reset_index(drop=True), quarantine


# --------------------------------------------------------------- footfall
def read_footfall(path: Path, problems: Problems,
                  hall_keys: Collection[str]) -> pd.DataFrame | None:
    """Arrival counts per hall and interval (the interval is checked per hall by the loader)."""
    from queueopt.dataset import infer_interval_minutes

    file = path.name
    df = read_csv_text(path, "footfall", problems, FOOTFALL_COLUMNS)
    if df is None:
        return None
    n_before = len(problems.items)
    start = parse_datetime(df, "interval_start", file, problems)
    problems.issues(file, _span_issue(start, "interval_start"))
    arrivals = parse_number(df, "arrivals", file, problems, integer=True, minimum=0,
                            maximum=MAX_ARRIVALS_PER_INTERVAL)
    if hall_keys:
        unknown = ~df["hall_id"].isin(list(hall_keys))
        problems.rows(file, np.flatnonzero(unknown.to_numpy()), "hall_id",
                      lambda r: f"unknown hall {df['hall_id'].iloc[r][:80]!r} (not in halls.csv)")
    dup = pd.DataFrame({"h": df["hall_id"], "t": start}).duplicated() & start.notna()
    problems.rows(file, np.flatnonzero(dup.to_numpy()), "interval_start",
                  lambda r: f"duplicate interval {df['interval_start'].iloc[r]} for hall "
                            f"{df['hall_id'].iloc[r]}")
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


def read_calendar(path: Path, problems: Problems, country: str,
                  weekend: Sequence[str] = ("sat", "sun")) -> HallCalendar:
    """Optional ``calendar.csv`` of official holidays and make-up working days.

    ``country`` and ``weekend`` are ``policy.toml``'s ``holiday_country`` and ``weekend``.
    """
    file = path.name
    df = read_csv_text(path, "calendar", problems, CALENDAR_COLUMNS)
    if df is None:
        return HallCalendar.for_policy(country, weekend)
    dates = parse_datetime(df, "date", file, problems)
    kind = df["kind"].str.lower()
    bad = ~kind.isin(("holiday", "workday"))
    problems.rows(file, np.flatnonzero(bad.to_numpy()), "kind",
                  lambda r: f"{df['kind'].iloc[r][:40]!r} is not holiday or workday")
    ok = dates.notna() & ~bad
    hol = frozenset(d.date() for d in dates[ok & kind.eq("holiday")])
    work = frozenset(d.date() for d in dates[ok & kind.eq("workday")])
    return HallCalendar.for_policy(country, weekend, extra_holidays=hol, extra_workdays=work)
