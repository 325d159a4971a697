"""Bring a real export in: a documented mapping turns its records into ``tickets.csv``.

A mapping (a TOML file, :data:`BUILTIN_MAPPINGS` or ``--mapping FILE``) names
the export's columns for each meaning (queue start, queue exit, service
start and end, outcome, agent or counter, type, priority) and the values of
its outcomes; ``queueopt/mappings/anonymous-bank.toml`` documents every key
and the rules, record by record. :func:`convert` applies it:

* **every row is accounted for**: ``rows_read == tickets + skipped +
  set_aside``. Skipped rows are not queue customers by a documented rule
  (counted per reason); rows set aside are bad (:mod:`queueopt.quarantine`,
  ``quarantine.csv``) and the import stops with every problem listed when
  they are more than ``max_bad_share`` of the rows;
* **clock skew** between the export's clocks up to ``clock_skew_seconds`` is
  tolerated and counted (:attr:`ImportReport.clock_skew`);
* the tickets written pass the same row checks as ``tickets.csv`` itself
  (:func:`queueopt.tables.ticket_issues`), so ``validate`` finds nothing new.

:func:`import_export` writes ``tickets.csv``, ``quarantine.csv``,
``import_report.json`` and, where missing, the scaffolding that lets
``validate``, ``forecast``, ``backtest``, ``staff`` and ``plan`` run
(``halls.csv`` with the mapping's hours, ``transactions.csv`` with the
handling times measured in the log, ``staff.csv`` with one person per agent
seen, ``policy.toml`` with the mapping's calendar and weekend).
"""

from __future__ import annotations

import dataclasses
import io as _io
import json
import tomllib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from queueopt._reading import Problems, RowIssue, read_bytes
from queueopt.errors import DataError, Problem
from queueopt.model import WEEKDAYS
from queueopt.quarantine import Quarantine, check_share, write_quarantine
from queueopt.schema import TICKET_COLUMNS, id_problem
from queueopt.tables import ticket_issues

MAPPINGS_DIR = Path(__file__).parent / "mappings"
BUILTIN_MAPPINGS: tuple[str, ...] = tuple(sorted(p.stem for p in MAPPINGS_DIR.glob("*.toml")))
"""Names accepted by ``--format`` (files in ``queueopt/mappings/``)."""

_MEANINGS = ("ticket_id", "queue_start", "queue_exit", "service_start", "service_end",
             "arrival_without_queue", "outcome", "server", "transaction_type", "priority")
_REQUIRED = ("queue_start", "queue_exit", "service_start", "service_end", "outcome")
MAX_SERVICE = pd.Timedelta(hours=4)
"""A service longer than this is a bad row (the rule of ``tickets.csv``)."""


@dataclass(frozen=True)
class Mapping:
    """A parsed mapping file (see ``queueopt/mappings/anonymous-bank.toml``)."""

    name: str
    columns: dict[str, Any]
    served: tuple[str, ...]
    abandoned: tuple[str, ...]
    ignore: tuple[str, ...] = ()
    no_server: tuple[str, ...] = ()
    vip: tuple[str, ...] = ()
    delimiter: str = ","
    date_column: str = ""
    date_format: str = "%Y-%m-%d"
    time_format: str = "%H:%M:%S"
    datetime_format: str = "ISO8601"
    missing_time: str = ""
    clock_skew_seconds: float = 3.0
    scaffold: dict[str, Any] = field(default_factory=dict)


def read_mapping(name_or_path: str | Path) -> Mapping:
    """A built-in mapping by name (``"anonymous-bank"``) or a mapping file; problems raise.

    Raises
    ------
    DataError
        Unknown name, unreadable TOML, a missing or unknown key.
    """
    text = str(name_or_path)
    path = MAPPINGS_DIR / f"{text}.toml" if text in BUILTIN_MAPPINGS else Path(text)
    file = path.name
    if not path.is_file():
        raise DataError([Problem(file, None, None,
                                 f"no such mapping; built-in formats: {', '.join(BUILTIN_MAPPINGS)}"
                                 " (or give --mapping FILE)")])
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise DataError([Problem(file, None, None, f"not a valid TOML mapping: {err}")]) from None
    problems: list[Problem] = []
    cols = doc.get("columns", {})
    if not isinstance(cols, dict):
        cols = {}
        problems.append(Problem(file, None, "columns", "must be a [columns] section"))
    for key in cols:
        if key not in _MEANINGS:
            problems.append(Problem(file, None, f"columns.{key}",
                                    f"unknown meaning; known: {', '.join(_MEANINGS)}"))
    for key in _REQUIRED:
        if key not in cols:
            problems.append(Problem(file, None, f"columns.{key}", "required; name the export's column"))
    outcomes = doc.get("outcomes", {})
    values = doc.get("values", {})
    for key in ("served", "abandoned"):
        if not outcomes.get(key):
            problems.append(Problem(file, None, f"outcomes.{key}", "required: the outcome values"))
    if problems:
        raise DataError(problems)
    top = {k: doc[k] for k in ("delimiter", "date_column", "date_format", "time_format",
                               "datetime_format", "missing_time", "clock_skew_seconds") if k in doc}
    return Mapping(name=str(doc.get("name", path.stem)), columns=dict(cols),
                   served=tuple(map(str, outcomes["served"])),
                   abandoned=tuple(map(str, outcomes["abandoned"])),
                   ignore=tuple(map(str, outcomes.get("ignore", ()))),
                   no_server=tuple(map(str, values.get("no_server", ()))),
                   vip=tuple(map(str, values.get("vip", ()))),
                   scaffold=dict(doc.get("scaffold", {})), **top)


@dataclass(frozen=True)
class ImportReport:
    """Where every row of the export went (``rows_read == tickets + skipped + set_aside``).

    ``skipped`` counts rows that are not queue customers, per documented
    reason; ``clock_skew`` counts rows whose clocks differ by at most the
    tolerated seconds, and ``clock_disagree`` those that differ by more.
    """

    files: tuple[str, ...]
    rows_read: int
    tickets: int
    skipped: dict[str, int]
    set_aside: int
    clock_skew: int
    clock_disagree: int
    quarantine: tuple[Quarantine, ...]

    def check(self) -> None:
        """Every row accounted for, else ``AssertionError`` (a bug, not bad data)."""
        assert self.rows_read == self.tickets + sum(self.skipped.values()) + self.set_aside, self

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready values."""
        return {"files": list(self.files), "rows_read": self.rows_read, "tickets": self.tickets,
                "skipped": dict(self.skipped), "set_aside": self.set_aside,
                "set_aside_share": self.set_aside / self.rows_read if self.rows_read else 0.0,
                "clock_skew_tolerated": self.clock_skew,
                "clock_disagree_queue_wait_kept": self.clock_disagree}

    def summary(self) -> str:
        """A few lines for the user."""
        skipped = ", ".join(f"{n} {why}" for why, n in self.skipped.items() if n) or "none"
        return (f"{self.rows_read} rows read: {self.tickets} tickets, {self.set_aside} set aside "
                f"in quarantine.csv ({100 * self.set_aside / max(self.rows_read, 1):.2f}%), "
                f"skipped by rule: {skipped}; clock skew tolerated on {self.clock_skew} rows, "
                f"clocks more than the tolerance apart on {self.clock_disagree} (queue wait kept)")


def _read_export(path: Path, mapping: Mapping) -> pd.DataFrame:
    """The export as stripped strings (gzip by suffix); a read problem raises DataError."""
    problems = Problems()
    raw = read_bytes(path, "tickets", problems)  # size limits and gzip bombs refused
    if raw is None:
        raise DataError(problems.items)
    try:
        text = raw.decode("utf-8-sig")
        df = pd.read_csv(_io.StringIO(text), sep=mapping.delimiter, dtype=str,
                         keep_default_na=False, engine="python" if len(mapping.delimiter) > 1 else "c")
    except UnicodeDecodeError as err:
        raise DataError([Problem(path.name, None, None, f"the export is not UTF-8: {err}")]) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise DataError([Problem(path.name, None, None, f"not a {mapping.name} export: {err}")]) from None
    needed = [c for m, c in mapping.columns.items() for c in ([c] if isinstance(c, str) else c)]
    if mapping.date_column:
        needed.append(mapping.date_column)
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise DataError([Problem(path.name, 1, c, f"column of the {mapping.name} mapping is missing "
                                 "from the header") for c in missing])
    return df.apply(lambda s: s.str.strip())


def _time_of_day(text: pd.Series, fmt: str) -> pd.Series:
    """Clock times as timedeltas since midnight, strictly (``"8:6x:00"`` is not 08:06)."""
    if fmt == "%H:%M:%S":
        parts = text.str.extract(r"^(\d{1,2}):([0-5]\d):([0-5]\d)$").astype(float)
        seconds = parts[0] * 3600 + parts[1] * 60 + parts[2]
        seconds = seconds.where(parts[0] <= 23)
        return pd.to_timedelta(seconds, unit="s")
    stamp = pd.to_datetime(text, format=fmt, errors="coerce")
    return stamp - stamp.dt.normalize()


def _times(df: pd.DataFrame, col: str, mapping: Mapping
           ) -> tuple[pd.Series, npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Column ``col`` as timestamps; (values, missing, unreadable)."""
    text = df[col]
    missing = (text.eq("") | text.eq(mapping.missing_time)).to_numpy()
    if mapping.date_column:
        date = pd.to_datetime(df[mapping.date_column], format=mapping.date_format, errors="coerce")
        tod = _time_of_day(text.where(~missing, ""), mapping.time_format)
        values = date + tod
        bad = (values.isna().to_numpy() & ~missing) | (date.isna().to_numpy() & ~missing)
    else:
        fmt = mapping.datetime_format
        values = pd.to_datetime(text.where(~missing, None), format=fmt, errors="coerce")
        bad = values.isna().to_numpy() & ~missing
    return values, missing, bad


def convert(path: Path, mapping: Mapping, hall_id: str
            ) -> tuple[pd.DataFrame, Quarantine, dict[str, int], int, int, int]:
    """One export file as ``tickets.csv`` rows (times as datetimes) and its bookkeeping.

    Returns ``(tickets, quarantine, skipped per reason, rows read, clock-skew rows,
    clock-disagree rows)``; ``tickets`` has a private ``_line`` column (editor line
    of the source record).
    """
    df = _read_export(path, mapping)
    n = len(df)
    c = mapping.columns
    issues: list[RowIssue] = []
    outcome = df[c["outcome"]]
    served = outcome.isin(mapping.served).to_numpy()
    abandoned = outcome.isin(mapping.abandoned).to_numpy()
    ignored = outcome.isin(mapping.ignore).to_numpy()
    _issue(issues, c["outcome"], ~(served | abandoned | ignored),
           lambda r: f"{outcome.iloc[r][:40]!r} is not a known outcome "
                     f"({', '.join(mapping.served + mapping.abandoned + mapping.ignore)})")
    times = _ExportTimes.read(df, mapping, issues)
    server = df[c["server"]] if "server" in c else pd.Series("", index=df.index)
    no_agent = server.isin(mapping.no_server).to_numpy() | server.eq("").to_numpy()
    # skipped by documented rules (not queue customers)
    skip_ignored = ignored
    skip_left_menu = abandoned & ~times.queued
    skip_no_agent = served & no_agent & ~skip_ignored
    skipped_mask = skip_ignored | skip_left_menu | skip_no_agent
    duration = _record_rules(times, served, skipped_mask, mapping, issues)
    # clock skew: the service starts when the queue (or the menu) lets the call go
    gap = (times.ss - times.qe.where(times.queued, times.av)).dt.total_seconds().to_numpy()
    ok_gap = served & ~skipped_mask & np.isfinite(gap)
    skew = ok_gap & (gap != 0) & (np.abs(gap) <= mapping.clock_skew_seconds)
    disagree = ok_gap & (np.abs(gap) > mapping.clock_skew_seconds)
    bad_rows = np.zeros(n, dtype=bool)
    for i in issues:
        bad_rows[i.rows] = True
    # a skipped row is skipped (by rule) unless it is unreadable: then it is bad
    skipped_mask &= ~bad_rows
    tickets = _export_tickets(df, mapping, path, hall_id, times, duration, served, abandoned,
                              server.where(~no_agent, ""))
    _recheck_as_tickets(tickets, ~bad_rows & ~skipped_mask, issues, bad_rows)
    keep = ~bad_rows & ~skipped_mask
    entries = tuple((int(r) + 2, col.column, col.message(int(r))) for col in issues for r in col.rows)
    quarantine = Quarantine(path.name, n, entries)
    skipped = {
        f"{'/'.join(mapping.ignore) or 'ignored'} outcome (not a call)": int((skip_ignored & ~bad_rows).sum()),
        "hung up before joining the queue": int((skip_left_menu & ~skip_ignored & ~bad_rows).sum()),
        "answered with no agent named": int((skip_no_agent & ~skip_ignored & ~skip_left_menu
                                            & ~bad_rows).sum()),
    }
    return (tickets[keep].reset_index(drop=True), quarantine, skipped, n,
            int((skew & keep).sum()), int((disagree & keep).sum()))


def _issue(issues: list[RowIssue], col: str, mask: npt.NDArray[np.bool_], msg: Any) -> None:
    """Add the rule broken on the rows of ``mask`` (if any) to ``issues``."""
    if mask.any():
        issues.append(RowIssue(col, np.flatnonzero(mask), msg))


@dataclass
class _ExportTimes:
    """An export's four times (and the arrival of a customer served without queueing) as
    timestamps, with the rows where each is missing or unreadable."""

    qs: pd.Series
    qs_missing: npt.NDArray[np.bool_]
    qe: pd.Series
    qe_missing: npt.NDArray[np.bool_]
    qe_bad: npt.NDArray[np.bool_]
    ss: pd.Series
    ss_missing: npt.NDArray[np.bool_]
    ss_bad: npt.NDArray[np.bool_]
    se: pd.Series
    se_missing: npt.NDArray[np.bool_]
    se_bad: npt.NDArray[np.bool_]
    av: pd.Series
    av_missing: npt.NDArray[np.bool_]
    av_bad: npt.NDArray[np.bool_]
    arrive_col: str

    @property
    def queued(self) -> npt.NDArray[np.bool_]:
        """Rows with a queue start."""
        return ~self.qs_missing

    @staticmethod
    def read(df: pd.DataFrame, mapping: Mapping, issues: list[RowIssue]) -> _ExportTimes:
        """The times of ``df``; an unreadable time (or date) is an issue."""
        c = mapping.columns
        qs, qs_missing, qs_bad = _times(df, c["queue_start"], mapping)
        qe, qe_missing, qe_bad = _times(df, c["queue_exit"], mapping)
        ss, ss_missing, ss_bad = _times(df, c["service_start"], mapping)
        se, se_missing, se_bad = _times(df, c["service_end"], mapping)
        for col, bad in ((c["queue_start"], qs_bad), (c["queue_exit"], qe_bad),
                         (c["service_start"], ss_bad), (c["service_end"], se_bad)):
            text = df[col]
            _issue(issues, col, bad, lambda r, t=text: f"{t.iloc[r][:40]!r} is not a time")
        if mapping.date_column:
            dcol = pd.to_datetime(df[mapping.date_column], format=mapping.date_format,
                                  errors="coerce")
            _issue(issues, mapping.date_column, dcol.isna().to_numpy(),
                   lambda r: f"{df[mapping.date_column].iloc[r][:40]!r} is not a date "
                             f"({mapping.date_format})")
        arrive_col = c.get("arrival_without_queue")
        if arrive_col:
            av, av_missing, av_bad = _times(df, arrive_col, mapping)
        else:
            av, av_missing, av_bad = qs, qs_missing, qs_bad
        return _ExportTimes(qs, qs_missing, qe, qe_missing, qe_bad, ss, ss_missing, ss_bad,
                            se, se_missing, se_bad, av, av_missing, av_bad,
                            arrive_col or c["queue_start"])


def _record_rules(times: _ExportTimes, served: npt.NDArray[np.bool_],
                  skipped: npt.NDArray[np.bool_], mapping: Mapping,
                  issues: list[RowIssue]) -> pd.Series:
    """The rules of the records that are customers (issues added); the service durations.

    A queue exit or a service end before its start is past midnight (``times.qe`` is
    moved a day on).
    """
    c = mapping.columns
    one_day = pd.Timedelta(days=1)
    qe, qs, queued = times.qe, times.qs, times.queued
    times.qe = qe.where(~(queued & ~times.qe_missing & (qe < qs)), qe + one_day)
    _issue(issues, c["queue_exit"], served & queued & times.qe_missing & ~times.qe_bad & ~skipped,
           lambda r: "served after queueing but the queue exit (call) time is missing")
    need_service = served & ~skipped
    _issue(issues, c["service_start"], need_service & (times.ss_missing | times.se_missing)
           & ~times.ss_bad & ~times.se_bad,
           lambda r: "served but the service start or end time is missing")
    duration = times.se - times.ss
    duration = duration.where(~(duration < pd.Timedelta(0)), duration + one_day)  # past midnight
    _issue(issues, c["service_end"], need_service & (duration > MAX_SERVICE).to_numpy(),
           lambda r: f"service lasted {duration.iloc[r]} (more than 4 hours)")
    unqueued_served = served & ~queued & ~skipped
    _issue(issues, times.arrive_col, unqueued_served & times.av_missing & ~times.av_bad,
           lambda r: "served without queueing but the arrival time is missing")
    return duration


def _export_tickets(df: pd.DataFrame, mapping: Mapping, path: Path, hall_id: str,
                    times: _ExportTimes, duration: pd.Series, served: npt.NDArray[np.bool_],
                    abandoned: npt.NDArray[np.bool_], server: pd.Series) -> pd.DataFrame:
    """Every record as a ticket (``tickets.csv`` columns with datetimes, and ``_line``)."""
    c = mapping.columns
    n = len(df)
    issued = times.qs.where(times.queued, times.av)
    called = times.qe.where(times.queued, times.av).where(served, pd.NaT)
    ended = (called + duration).where(served, pd.NaT)
    left = times.qe.where(abandoned, pd.NaT)
    date_key = (df[mapping.date_column] + "-") if mapping.date_column else ""
    ids = c.get("ticket_id")
    if ids:
        parts = [df[x] for x in ([ids] if isinstance(ids, str) else ids)]
        tid = date_key + parts[0]
        for p in parts[1:]:
            tid = tid + "-" + p
    else:
        tid = pd.Series([f"{path.stem}-{k + 2}" for k in range(n)], index=df.index)
    ttype = df[c["transaction_type"]] if "transaction_type" in c else pd.Series("ALL", index=df.index)
    tier = (df[c["priority"]].isin(mapping.vip).map({True: "vip", False: "regular"})
            if "priority" in c else pd.Series("regular", index=df.index))
    return pd.DataFrame({
        "ticket_id": tid, "hall_id": hall_id, "issued_at": issued, "called_at": called,
        "served_end": ended, "transaction_type": ttype.where(ttype.ne(""), "UNKNOWN"),
        "channel": "counter", "server_id": server,
        "abandoned": abandoned, "abandoned_at": left, "tier": tier, "_line": np.arange(n) + 2})


def _recheck_as_tickets(tickets: pd.DataFrame, keep: npt.NDArray[np.bool_],
                        issues: list[RowIssue], bad_rows: npt.NDArray[np.bool_]) -> None:
    """The same row checks as ``tickets.csv`` itself on the kept tickets: each broken rule
    is added to ``issues`` by source row and its rows marked in ``bad_rows``."""
    _, more = ticket_issues(_as_text(tickets[keep]), (), (), {})
    kept_idx = np.flatnonzero(keep)
    for i in more:
        if not i.per_row:
            continue
        src = kept_idx[i.rows]
        issues.append(RowIssue(i.column, src, _relabel(i, src)))
        bad_rows[src] = True


def _relabel(issue: RowIssue, src: npt.NDArray[np.int64]) -> Any:
    """The message of ``issue`` (rows of the kept tickets) by source row."""
    where = dict(zip(src.tolist(), issue.rows.tolist()))
    return lambda r: issue.message(where[r])


def _as_text(t: pd.DataFrame) -> pd.DataFrame:
    """Tickets in the ``tickets.csv`` text layout (times ``YYYY-MM-DD HH:MM:SS``, flags 0/1)."""
    out = t[list(TICKET_COLUMNS) + ["abandoned_at"]].copy()
    for col in ("issued_at", "called_at", "served_end", "abandoned_at"):
        out[col] = pd.to_datetime(out[col]).dt.strftime("%Y-%m-%d %H:%M:%S").fillna("")
    out["abandoned"] = out["abandoned"].astype(int).astype(str)
    return out.reset_index(drop=True)


def import_export(files: Sequence[str | Path], mapping: Mapping, hall_id: str, out: str | Path,
                  *, max_bad_share: float = 0.005) -> ImportReport:
    """Convert export files into ``out/tickets.csv`` (+ quarantine, report, scaffolding).

    Parameters
    ----------
    files:
        Export files (plain or ``.gz``), converted in order.
    mapping:
        The export's mapping (:func:`read_mapping`).
    hall_id:
        Hall the tickets belong to (an identifier as in ``halls.csv``).
    out:
        Data directory to write; created if missing. Other halls' tickets in an
        existing ``tickets.csv`` are kept; existing scaffolding files are kept.
    max_bad_share:
        Largest share (0-1) of bad rows set aside before the import is refused.

    Raises
    ------
    DataError
        Unreadable export, missing columns, or more bad rows than ``max_bad_share``.
    """
    why = id_problem(hall_id)
    if why:
        raise DataError([Problem("--hall", None, None, f"{hall_id[:40]!r}: {why}")])
    parts, quarantines = [], []
    skipped: Counter[str] = Counter()
    rows = skew = disagree = 0
    for f in files:
        t, q, s, n, k, d = convert(Path(f), mapping, hall_id)
        parts.append(t)
        quarantines.append(q)
        skipped.update(s)
        rows, skew, disagree = rows + n, skew + k, disagree + d
    for q in quarantines:
        check_share(q, max_bad_share, "--max-bad-share / policy.toml max_bad_share")
    tickets = pd.concat(parts, ignore_index=True).sort_values("issued_at", kind="stable")
    if tickets.empty:
        raise DataError([Problem(Path(files[0]).name if files else "--files", None, None,
                                 f"{rows} rows read but no queue customer among them "
                                 f"(skipped by rule: {dict(skipped)}): nothing to import")])
    dup = tickets["ticket_id"].duplicated(keep=False)
    if dup.any():  # the same record in two files: keep the ids apart by file
        tickets.loc[dup, "ticket_id"] = tickets.loc[dup, "ticket_id"] + "-" + \
            tickets.loc[dup, "_line"].astype(str)
    root = Path(out)
    root.mkdir(parents=True, exist_ok=True)
    text = _as_text(tickets)
    old = root / "tickets.csv"
    if old.is_file():
        prev = pd.read_csv(old, dtype=str, keep_default_na=False)
        if "hall_id" in prev.columns:
            text = pd.concat([prev[prev["hall_id"] != hall_id], text], ignore_index=True)
    text.to_csv(old, index=False)
    write_quarantine(quarantines, root / "quarantine.csv")
    report = ImportReport(tuple(Path(f).name for f in files), rows, len(tickets), dict(skipped),
                          sum(q.rows_set_aside for q in quarantines), skew, disagree,
                          tuple(quarantines))
    report.check()
    (root / "import_report.json").write_text(json.dumps(report.to_dict(), indent=2) + "\n",
                                             encoding="utf-8")
    write_scaffold(root, tickets, mapping, hall_id, max_bad_share)
    return report


# ----------------------------------------------------------------- scaffolding
def _peak_agents(tickets: pd.DataFrame) -> int:
    """Most agents serving at the same moment in the log (0 when no agent is named)."""
    s = tickets[tickets["server_id"].ne("") & tickets["called_at"].notna()]
    if s.empty:
        return 0
    ev = pd.concat([pd.Series(1, index=s["called_at"]), pd.Series(-1, index=s["served_end"])])
    ev = ev.groupby(level=0).sum().sort_index()
    return int(ev.cumsum().max())


def _scaffold_tables(tickets: pd.DataFrame, mapping: Mapping, hall_id: str
                     ) -> dict[str, pd.DataFrame]:
    sc = mapping.scaffold
    hours = sc.get("hours", {})
    served = tickets[~tickets["abandoned"]]
    minutes = (served["served_end"] - served["called_at"]).dt.total_seconds() / 60
    counters = int(sc.get("counters", 0)) or max(_peak_agents(tickets), 1)
    hall = {"hall_id": hall_id, "name": hall_id, "region": sc.get("region", "imported"),
            "kind": "main", "counters": counters, "kiosks": 0, "vip_counters": 0}
    hall.update({f"hours_{d}": hours.get(d, "08:00-18:00") for d in WEEKDAYS})
    hall["hours_holiday"] = hours.get("holiday", "closed")
    types = []
    for code, m in minutes.groupby(served["transaction_type"]):
        mean = float(m.mean()) if len(m) else 1.0
        cv = float(m.std() / mean) if len(m) > 1 and mean > 0 else 1.0
        types.append({"transaction_type": code, "name": code, "mean_minutes": round(max(mean, 0.05), 3),
                      "cv": round(min(max(cv, 0.05), 5.0), 3), "kiosk_eligible": 0,
                      "kiosk_minutes": "", "cross_sell_minutes": 0})
    for code in sorted(set(tickets["transaction_type"]) - set(served["transaction_type"])):
        types.append({"transaction_type": code, "name": code, "mean_minutes": 1.0, "cv": 1.0,
                      "kiosk_eligible": 0, "kiosk_minutes": "", "cross_sell_minutes": 0})
    agents = sorted(a for a in tickets["server_id"].unique() if a)
    staff = pd.DataFrame({"staff_id": [f"{hall_id}-{a}" for a in agents], "hall_id": hall_id,
                          "name": agents, "skills": "counter", "min_hours_week": 0,
                          "max_hours_week": 48})
    return {"halls": pd.DataFrame([hall]), "transactions": pd.DataFrame(types), "staff": staff}


def _policy_text(tickets: pd.DataFrame, mapping: Mapping, max_bad_share: float) -> str:
    sc = mapping.scaffold
    queued = tickets["issued_at"].notna()
    exposure = ((tickets["called_at"].fillna(tickets["abandoned_at"]) - tickets["issued_at"])
                .dt.total_seconds().clip(lower=0) / 60)[queued]
    n_ab = int(tickets["abandoned"].sum())
    patience = round(float(exposure.sum() / n_ab), 2) if n_ab else 0
    weekend = ", ".join(f'"{d}"' for d in sc.get("weekend", ["sat", "sun"]))
    return (f"# written by queueopt import ({mapping.name}); edit freely\n"
            f"interval_minutes = {int(sc.get('interval_minutes', 15))}\n"
            f"holiday_country = \"{sc.get('holiday_country', 'CN')}\"\n"
            f"weekend = [{weekend}]\n"
            f"max_bad_share = {max_bad_share:g}\n"
            f"# exponential maximum-likelihood patience from the log: time in queue / abandonments\n"
            f"patience_minutes = {patience}\n\n[target]\n"
            f"service_level = {sc.get('service_level', 0.8)}\n"
            f"threshold_minutes = {sc.get('threshold_minutes', 10)}\n"
            f"max_mean_wait_minutes = {sc.get('max_mean_wait_minutes', 5)}\n"
            f"max_abandonment = {sc.get('max_abandonment', 0.08)}\n\n[labour]\n"
            "min_staff_on_duty = 1\nopening_cover_minutes = 0\nclosing_cover_minutes = 0\n")


def write_scaffold(root: Path, tickets: pd.DataFrame, mapping: Mapping, hall_id: str,
                   max_bad_share: float) -> list[str]:
    """Write the files that are missing so the directory validates and plans; names written.

    An existing ``halls.csv`` without this hall gets it appended; every other
    existing file is left as it is.
    """
    written = []
    tables = _scaffold_tables(tickets, mapping, hall_id)
    halls_path = root / "halls.csv"
    if not halls_path.is_file():
        tables["halls"].to_csv(halls_path, index=False)
        written.append("halls.csv")
    else:
        prev = pd.read_csv(halls_path, dtype=str, keep_default_na=False)
        if hall_id not in set(prev.get("hall_id", [])):
            pd.concat([prev, tables["halls"].astype(str)], ignore_index=True).to_csv(
                halls_path, index=False)
            written.append("halls.csv")
    for name in ("transactions", "staff"):
        path = root / f"{name}.csv"
        if not path.is_file():
            tables[name].to_csv(path, index=False)
            written.append(path.name)
    policy = root / "policy.toml"
    if not policy.is_file():
        policy.write_text(_policy_text(tickets, mapping, max_bad_share), encoding="utf-8")
        written.append("policy.toml")
    return written


def mapping_with(mapping: Mapping, **changes: Any) -> Mapping:
    """A copy of ``mapping`` with some fields changed (tests, other exports)."""
    return dataclasses.replace(mapping, **changes)


__all__ = ["BUILTIN_MAPPINGS", "ImportReport", "Mapping", "convert", "import_export",
           "read_mapping", "write_scaffold"]
