"""Reading ``policy.toml``: every key checked against its rule, every problem at once.

Each key has one rule in :data:`POLICY_RULES`: its unit, its range and
whether it must be whole. The range is what a later step needs: a service
level of 1.0 or an occupancy cap of 0 can never be met, a break every 0
hours or a meal break of -30 minutes has no meaning, so ``validate``
refuses them instead of ``plan`` failing later.
"""

from __future__ import annotations

import dataclasses
import math
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from queueopt._reading import Problems, read_bytes
from queueopt.calendar import country_weekend
from queueopt.model import INTERVAL_CHOICES, WEEKDAYS, LabourRules, Policy, ServiceTarget, ShiftRules


@dataclass(frozen=True, slots=True)
class Rule:
    """One policy key: the dataclass field, the multiplier to minutes, the allowed range."""

    field: str
    multiplier: float
    low: float
    high: float
    low_open: bool = False
    high_open: bool = False
    whole: bool = False

    def problem(self, value: Any) -> str | None:
        """Why ``value`` breaks the rule, or ``None``."""
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return f"{value!r} is not a number"
        if not math.isfinite(value):
            return f"{value!r} is not a finite number"
        below = value <= self.low if self.low_open else value < self.low
        above = value >= self.high if self.high_open else value > self.high
        if below or above:
            return (f"{value!r} must be in {'(' if self.low_open else '['}{self.low:g}, "
                    f"{self.high:g}{')' if self.high_open else ']'}")
        if self.whole and value % 1:
            return f"{value!r} must be a whole number"
        return None


POLICY_RULES: dict[str, dict[str, Rule]] = {
    # section -> toml key -> rule (the key names its unit)
    "target": {
        # a service level of 1 is never met by a queue with random arrivals
        "service_level": Rule("service_level", 1, 0, 1, high_open=True),
        "threshold_minutes": Rule("threshold", 1, 0, 240, low_open=True),
        "max_mean_wait_minutes": Rule("max_mean_wait", 1, 0, 240, low_open=True),
        # customers with finite patience always abandon a little: 0 cannot be met
        "max_abandonment": Rule("max_abandonment", 1, 0, 1, low_open=True),
        "max_occupancy": Rule("max_occupancy", 1, 0, 1, low_open=True),
        "shrinkage": Rule("shrinkage", 1, 0, 0.95),
    },
    "shifts": {
        "min_hours": Rule("min_length", 60, 0, 24, low_open=True),
        "max_hours": Rule("max_length", 60, 0, 24, low_open=True),
        "start_step_minutes": Rule("start_step", 1, 15, 60, whole=True),
        "meal_break_after_hours": Rule("meal_break_after", 60, 0, 24, low_open=True),
        "meal_break_minutes": Rule("meal_break", 1, 0, 120),
        "short_break_minutes": Rule("short_break", 1, 0, 60),
        "short_break_every_hours": Rule("short_break_every", 60, 0, 24, low_open=True),
        "break_earliest_minutes": Rule("break_earliest", 1, 0, 12 * 60),
        "break_latest_minutes": Rule("break_latest", 1, 0, 12 * 60),
    },
    "labour": {
        "min_rest_hours": Rule("min_rest", 60, 0, 24),
        "max_days_per_week": Rule("max_days_per_week", 1, 1, 7, whole=True),
        "max_consecutive_days": Rule("max_consecutive_days", 1, 1, 14, whole=True),
        "min_staff_on_duty": Rule("min_staff_on_duty", 1, 0, 500, whole=True),
        "opening_cover_minutes": Rule("opening_cover", 1, 0, 240),
        "closing_cover_minutes": Rule("closing_cover", 1, 0, 240),
    },
}
_TOP_KEYS = ("interval_minutes", "holiday_country", "patience_minutes", "weekend",
             "max_bad_share")
_INT_FIELDS = {rule.field for section in ("shifts", "labour")
               for rule in POLICY_RULES[section].values()}
_CLASSES = {"target": ServiceTarget, "shifts": ShiftRules, "labour": LabourRules}


def known_country(code: str) -> bool:
    """Does the ``holidays`` package know the country ``code`` (``"CN"``, ``"IL"``...)?"""
    import holidays  # imported lazily: the package loads every country

    try:
        holidays.country_holidays(code, years=[2026])
    except (NotImplementedError, KeyError, ValueError, TypeError, AttributeError):
        return False
    return True


def _parse(path: Path, problems: Problems) -> dict[str, Any] | None:
    raw = read_bytes(path, "policy", problems)
    if raw is None:
        return None
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        problems.add(path.name, None, None, "the file is not UTF-8")
    except tomllib.TOMLDecodeError as err:
        match = re.search(r"line (\d+)", str(err))
        problems.add(path.name, int(match.group(1)) if match else None, None,
                     f"not valid TOML: {err}")
    return None


def _sections(doc: dict[str, Any], file: str, problems: Problems) -> dict[str, dict[str, Any]]:
    """Each section's dataclass keyword arguments; every bad key is a problem."""
    kwargs: dict[str, dict[str, Any]] = {s: {} for s in POLICY_RULES}
    for key, value in doc.items():
        if key in _TOP_KEYS:
            continue
        if key not in POLICY_RULES:
            problems.add(file, None, key, "unknown key or section")
            continue
        if not isinstance(value, dict):
            problems.add(file, None, key, "must be a [section]")
            continue
        for sub, v in value.items():
            rule = POLICY_RULES[key].get(sub)
            if rule is None:
                problems.add(file, None, f"{key}.{sub}",
                             f"unknown key; known: {', '.join(POLICY_RULES[key])}")
                continue
            why = rule.problem(v)
            if why:
                problems.add(file, None, f"{key}.{sub}", why)
                continue
            val = v * rule.multiplier
            kwargs[key][rule.field] = round(val) if rule.field in _INT_FIELDS else float(val)
    return kwargs


def _top(doc: dict[str, Any], file: str, problems: Problems) -> dict[str, Any]:
    """``interval_minutes``, ``holiday_country``, ``weekend`` (default: the country's),
    ``max_bad_share`` (0-1) and ``patience`` (minutes or ``None``)."""
    out: dict[str, Any] = {}
    interval = doc.get("interval_minutes", 15)
    if isinstance(interval, bool) or interval not in INTERVAL_CHOICES:
        problems.add(file, None, "interval_minutes", f"{interval!r} must be 5, 10, 15, 30 or 60")
    else:
        out["interval_minutes"] = int(interval)
    country = doc.get("holiday_country", "CN")
    if not isinstance(country, str) or not known_country(country):
        problems.add(file, None, "holiday_country",
                     f"{str(country)[:40]!r} is not a country the holidays package knows "
                     "(an ISO code such as CN, HK, IL)")
    else:
        out["holiday_country"] = country
    weekend = doc.get("weekend")
    if weekend is None:  # the holiday country's weekend (Friday-Saturday in Israel)
        if "holiday_country" in out:
            out["weekend"] = country_weekend(out["holiday_country"])
    elif (not isinstance(weekend, list) or not all(isinstance(w, str) for w in weekend)
          or not set(weekend) <= set(WEEKDAYS) or len(set(weekend)) > 6):
        problems.add(file, None, "weekend",
                     f"{str(weekend)[:60]} must be a list of at most six of "
                     f"{', '.join(WEEKDAYS)} (for example [\"fri\", \"sat\"])")
    else:
        out["weekend"] = tuple(dict.fromkeys(weekend))
    bad_share = doc.get("max_bad_share", 0.005)
    why = Rule("max_bad_share", 1, 0, 1).problem(bad_share)
    if why:
        problems.add(file, None, "max_bad_share",
                     f"{why} (the largest share of bad rows set aside, 0.005 = 0.5%)")
    else:
        out["max_bad_share"] = float(bad_share)
    patience = doc.get("patience_minutes", 20.0)
    why = None if patience == 0 else Rule("patience", 1, 0, 24 * 60, low_open=True).problem(patience)
    if why:
        problems.add(file, None, "patience_minutes", f"{why} (0 = customers never leave)")
    else:
        out["patience"] = None if patience == 0 else float(patience)
    return out


def _key_lines(text: str) -> dict[str, int]:
    """Line of each ``key`` and ``section.key`` in a TOML text (1-based), for the messages.

    >>> _key_lines("a = 1\\n[target]\\nservice_level = 1.0\\n")
    {'a': 1, 'target': 2, 'target.service_level': 3}
    """
    lines: dict[str, int] = {}
    section = ""
    for n, line in enumerate(text.splitlines(), 1):
        head = re.match(r"^\s*\[\s*([^\]]+?)\s*\]", line)
        key = re.match(r"^\s*([A-Za-z0-9_\-]+)\s*=", line)
        if head:
            section = head.group(1)
            lines.setdefault(section, n)
        elif key:
            lines.setdefault(f"{section}.{key.group(1)}" if section else key.group(1), n)
    return lines


def with_lines(path: Path, problems: Problems, first: int = 0) -> None:
    """Give the policy problems from index ``first`` on the line of their key."""
    try:
        lines = _key_lines(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return
    for i in range(first, len(problems.items)):
        p = problems.items[i]
        if p.file == path.name and p.row is None and p.column in lines:
            problems.items[i] = dataclasses.replace(p, row=lines[p.column])


def read_policy(path: Path | None, problems: Problems) -> Policy:
    """``policy.toml`` as a :class:`Policy`; a missing file means the defaults.

    Every key is checked on its own (all problems at once), then the rules
    between keys (``min_hours <= max_hours``) by the dataclasses.
    """
    if path is None:
        return Policy()
    file = path.name
    doc = _parse(path, problems)
    if doc is None:
        return Policy()
    n_before = len(problems.items)
    kwargs = _sections(doc, file, problems)
    top = _top(doc, file, problems)
    built: dict[str, Any] = {}
    for section, cls in _CLASSES.items():
        try:
            built[section] = cls(**kwargs[section])
        except (ValueError, TypeError) as err:
            problems.add(file, None, section, str(err))
            built[section] = cls()
    if len(problems.items) > n_before:
        with_lines(path, problems, n_before)
        return Policy()
    return Policy(target=built["target"], shifts=built["shifts"], labour=built["labour"], **top)
