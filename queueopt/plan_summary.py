"""The plan's figures, typed: what ``summary.json``, the CLI and the Roster page show.

One owner for the words of a solver status (:func:`status_words`) and for the
gap (:func:`gap`), so the command line and the app print the same sentence.
Units: hours for ``*_hours``, staff-minutes for ``*_staff_minutes`` (one
person on duty for one minute), seconds for ``solve_seconds``, shares in 0-1.
"""

from __future__ import annotations

import enum
import json
from dataclasses import asdict, dataclass, field
from typing import Any


class SolverStatus(enum.StrEnum):
    """How the roster search ended.

    ``OPTIMAL`` only when proved: the roster leaves no shortfall and its
    staff-hours equal the proven lower bound. ``FEASIBLE``: a roster within
    the work limit, not proved optimal. ``WALL_LIMIT``: the wall-clock safety
    limit stopped the search (the roster may then differ between runs).
    ``NO_ROSTER``: no roster was found.
    """

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    WALL_LIMIT = "wall_limit"
    NO_ROSTER = "no_roster"


_WORDS = {
    SolverStatus.OPTIMAL: "proved optimal: staff-hours equal the lower bound",
    SolverStatus.FEASIBLE: "best roster found within the work limit, not proved optimal",
    SolverStatus.WALL_LIMIT: "stopped by the wall-clock safety limit, not proved optimal; "
                             "re-running may give another roster",
    SolverStatus.NO_ROSTER: "no roster found",
}


def status_words(status: SolverStatus | str) -> str:
    """The sentence the CLI and the Roster page print for a solver status."""
    return _WORDS[SolverStatus(status)]


def gap(staff_hours: float, lower_bound_hours: float | None, shortfall_staff_minutes: float
        ) -> float | None:
    """Relative excess of the roster's staff-hours over the proven lower bound.

    ``None`` when there is no bound, the bound is 0, or the roster leaves a
    shortfall (the bound is for full cover). Never negative: a roster below a
    valid bound of full cover cannot exist, so a negative value means the
    bound does not hold for this roster (e.g. a locked shift off the rules)
    and no gap is reported.

    >>> gap(101.0, 100.0, 0.0), gap(99.0, None, 0.0), gap(120.0, 100.0, 15.0)
    (0.01, None, None)
    """
    if lower_bound_hours is None or lower_bound_hours <= 0 or shortfall_staff_minutes > 0:
        return None
    value = staff_hours / lower_bound_hours - 1.0
    if value < -1e-9:
        return None
    return round(max(value, 0.0), 6)


@dataclass(frozen=True, slots=True)
class PlanSummary:
    """Figures of a hall-week plan (written to ``summary.json``).

    Parameters
    ----------
    staff_hours:
        Paid hours of the roster (meal breaks unpaid).
    lower_bound_hours:
        Proven lower bound on the paid hours of every roster that covers the
        need fully (``None`` when no roster can): the sum over days of the
        larger of the covering LP bound (:mod:`queueopt.covering`) and the
        integer-cover bound (:mod:`queueopt.cover_bound`), each rounded up to
        the paid-minute step.
    gap:
        ``staff_hours / lower_bound_hours - 1`` (see :func:`gap`), or ``None``.
    solver_status:
        :class:`SolverStatus`.
    solve_seconds:
        Wall-clock seconds of the roster stage.
    shortfall_staff_minutes:
        Staff-minutes the roster leaves below the need (requirement capped at
        the hall's counters, at least the minimum staff on duty).
    over_counters_staff_minutes:
        Staff-minutes of requirement above the hall's counters (no roster can
        open them).
    unavoidable_shortfall_staff_minutes:
        Proven lower bound on the shortfall of every roster of these staff.
    """

    hall_id: str
    week_start: str
    staff_hours: float
    lower_bound_hours: float | None
    gap: float | None
    solver_status: SolverStatus
    solve_seconds: float
    shortfall_staff_minutes: float
    over_counters_staff_minutes: float
    unavoidable_shortfall_staff_minutes: float
    predicted_service_level: float
    predicted_mean_wait_minutes: float
    share_intervals_meeting_target: float
    requirement_staff_hours: float
    forecast_arrivals: float
    service_target: str
    slot_minutes: int
    provisional_calendar: bool = False
    binding: tuple[str, ...] = field(default_factory=tuple)
    rule_violations: tuple[str, ...] = field(default_factory=tuple)

    @property
    def solver_status_words(self) -> str:
        """:func:`status_words` of the status."""
        return status_words(self.solver_status)

    def headline(self) -> str:
        """One sentence: staff-hours, bound and gap, status, shortfall (the CLI and the app print it)."""
        bound = ("no lower bound (the need cannot be covered fully)"
                 if self.lower_bound_hours is None else f"lower bound {self.lower_bound_hours:.2f} h")
        gap_text = (f"gap {self.gap:.2%}" if self.gap is not None
                    else "gap not defined (cover short or no bound)")
        short = (f"{self.shortfall_staff_minutes:.0f} staff-minutes short "
                 f"(at least {self.unavoidable_shortfall_staff_minutes:.0f} unavoidable)")
        if self.over_counters_staff_minutes:
            short += (f"; {self.over_counters_staff_minutes:.0f} staff-minutes of need above the "
                      "hall's counters")
        return (f"{self.staff_hours:.2f} staff-hours, {bound}, {gap_text}; "
                f"{self.solver_status_words} ({self.solve_seconds:.1f} s); {short}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (the status as its value, lists for tuples, plus the status words)."""
        out = asdict(self)
        out["solver_status"] = self.solver_status.value
        out["solver_status_words"] = self.solver_status_words
        out["binding"] = list(self.binding)
        out["rule_violations"] = list(self.rule_violations)
        return out

    def to_json(self) -> str:
        """``summary.json`` text."""
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PlanSummary:
        """Inverse of :meth:`to_dict` (extra keys such as the status words are ignored)."""
        names = set(cls.__dataclass_fields__)
        kw = {k: v for k, v in data.items() if k in names}
        kw["solver_status"] = SolverStatus(kw["solver_status"])
        kw["binding"] = tuple(kw.get("binding", ()))
        kw["rule_violations"] = tuple(kw.get("rule_violations", ()))
        return cls(**kw)
