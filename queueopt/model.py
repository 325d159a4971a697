"""Frozen dataclasses shared by every module: the inputs a hall plan is made of.

Units everywhere in the package: **minutes** for durations, **customers per
minute** for rates, minutes since local midnight for clock times, and
``datetime.date`` for days. Conversion from the CSV/TOML formats of the README
happens only in :mod:`queueopt.io`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from queueopt._validation import check_in_range, check_nonnegative, check_positive

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekday keys in ``datetime.date.weekday()`` order (Monday = 0)."""

HALL_KINDS: tuple[str, ...] = ("main", "cooperative")
CHANNELS: tuple[str, ...] = ("counter", "kiosk")
TIERS: tuple[str, ...] = ("regular", "vip")


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """Opening time and closing time of one day, in minutes since midnight.

    ``open_minute == close_minute == 0`` means the hall is closed that day.
    """

    open_minute: int
    close_minute: int

    def __post_init__(self) -> None:
        check_in_range("open_minute", self.open_minute, 0, 24 * 60)
        check_in_range("close_minute", self.close_minute, 0, 24 * 60)
        if self.close_minute < self.open_minute:
            raise ValueError(
                f"close_minute={self.close_minute} is before open_minute={self.open_minute}"
            )

    @property
    def is_open(self) -> bool:
        """True when the hall opens at all that day."""
        return self.close_minute > self.open_minute

    @property
    def minutes(self) -> int:
        """Length of the opening period in minutes."""
        return self.close_minute - self.open_minute

    @classmethod
    def closed(cls) -> OpeningHours:
        """A closed day."""
        return cls(0, 0)


@dataclass(frozen=True, slots=True)
class Hall:
    """One business hall (营业厅).

    Parameters
    ----------
    hall_id, name, region:
        Identifiers; ``region`` groups halls for the regional view.
    kind:
        ``"main"`` (self-run) or ``"cooperative"``.
    counters:
        Physical staffed counters (台席); never more can open.
    kiosks:
        Self-service kiosks (自助终端).
    hours:
        Opening hours per weekday, Monday first (7 entries).
    holiday_hours:
        Opening hours on public holidays (days off in the official calendar).
    vip_counters:
        Counters reserved for VIP customers (0 = VIP served by priority only).
    """

    hall_id: str
    name: str
    region: str
    kind: str
    counters: int
    kiosks: int
    hours: tuple[OpeningHours, ...]
    holiday_hours: OpeningHours
    vip_counters: int = 0

    def __post_init__(self) -> None:
        if self.kind not in HALL_KINDS:
            raise ValueError(f"kind={self.kind!r} must be one of {HALL_KINDS}")
        check_positive("counters", self.counters)
        check_nonnegative("kiosks", self.kiosks)
        check_in_range("vip_counters", self.vip_counters, 0, self.counters)
        if len(self.hours) != 7:
            raise ValueError(f"hours must have 7 entries (Monday first), got {len(self.hours)}")



@dataclass(frozen=True, slots=True)
class TransactionType:
    """One transaction type (业务类型) and how long it takes.

    Parameters
    ----------
    code:
        Identifier used in ``tickets.csv``.
    name:
        Human-readable name.
    mean_minutes:
        Mean counter handling time in minutes, cross-selling paused.
    cv:
        Coefficient of variation of the counter handling time (lognormal).
    kiosk_eligible:
        True when a kiosk can do it.
    kiosk_minutes:
        Mean kiosk handling time in minutes (self-service is slower).
    cross_sell_minutes:
        Extra mean minutes at the counter when cross-selling is on.
    fast_lane:
        True when the transaction may use a fast-lane counter.
    skill:
        Staff skill needed to serve it (``""`` = any counter staff).
    """

    code: str
    name: str
    mean_minutes: float
    cv: float
    kiosk_eligible: bool
    kiosk_minutes: float
    cross_sell_minutes: float = 0.0
    fast_lane: bool = False
    skill: str = ""

    def __post_init__(self) -> None:
        check_positive("mean_minutes", self.mean_minutes)
        check_nonnegative("cv", self.cv)
        check_positive("kiosk_minutes", self.kiosk_minutes)
        check_nonnegative("cross_sell_minutes", self.cross_sell_minutes)


@dataclass(frozen=True, slots=True)
class Unavailability:
    """A period a staff member cannot work: a whole day or a clock window.

    ``start_minute``/``end_minute`` are minutes since midnight of ``day``;
    ``(0, 1440)`` is the whole day.
    """

    day: dt.date
    start_minute: int = 0
    end_minute: int = 24 * 60


@dataclass(frozen=True, slots=True)
class StaffMember:
    """One member of a hall's staff.

    Parameters
    ----------
    staff_id, hall_id, name:
        Identifiers.
    skills:
        Skills such as ``"counter"``, ``"vip"``, ``"broadband"``, ``"floor"``,
        ``"manager"``.
    min_hours_week, max_hours_week:
        Contracted paid hours per week (hours).
    unavailable:
        Leave and unavailability.
    preferences:
        Soft wishes: ``"early"``, ``"late"``, ``"off:sat"`` (a weekday off),
        ``"off:2026-12-05"`` (a date off).
    """

    staff_id: str
    hall_id: str
    name: str
    skills: frozenset[str]
    min_hours_week: float
    max_hours_week: float
    unavailable: tuple[Unavailability, ...] = ()
    preferences: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_nonnegative("min_hours_week", self.min_hours_week)
        check_positive("max_hours_week", self.max_hours_week)
        if self.min_hours_week > self.max_hours_week:
            raise ValueError(
                f"min_hours_week={self.min_hours_week} exceeds max_hours_week={self.max_hours_week}"
            )


@dataclass(frozen=True, slots=True)
class ServiceTarget:
    """The service a hall promises; every limit applies per interval.

    Parameters
    ----------
    service_level:
        Share of customers who must wait at most ``threshold`` minutes (0-1).
    threshold:
        Wait threshold in minutes.
    max_mean_wait:
        Cap on the mean wait in minutes (``None`` = no cap).
    max_abandonment:
        Cap on the share of customers who leave before being called
        (``None`` = no cap).
    max_occupancy:
        Cap on counter utilisation (0-1].
    shrinkage:
        Share of paid time lost to non-break absence (0-1).
    """

    service_level: float = 0.80
    threshold: float = 10.0
    max_mean_wait: float | None = 5.0
    max_abandonment: float | None = 0.05
    max_occupancy: float = 0.90
    shrinkage: float = 0.0

    def __post_init__(self) -> None:
        check_in_range("service_level", self.service_level, 0.0, 1.0)
        check_positive("threshold", self.threshold)
        if self.max_mean_wait is not None:
            check_positive("max_mean_wait", self.max_mean_wait)
        if self.max_abandonment is not None:
            check_in_range("max_abandonment", self.max_abandonment, 0.0, 1.0)
        check_in_range("max_occupancy", self.max_occupancy, 0.0, 1.0)
        check_in_range("shrinkage", self.shrinkage, 0.0, 0.95)


@dataclass(frozen=True, slots=True)
class ShiftRules:
    """Shape of a shift; all durations in minutes.

    A shift longer than ``meal_break_after`` gets one meal break of
    ``meal_break`` minutes; every ``short_break_every`` minutes worked earn a
    short break of ``short_break`` minutes. Breaks start no earlier than
    ``break_earliest`` after the shift start and end no later than
    ``break_latest`` before its end.
    """

    min_length: int = 4 * 60
    max_length: int = 9 * 60
    start_step: int = 15
    meal_break_after: int = 6 * 60
    meal_break: int = 30
    short_break: int = 15
    short_break_every: int = 4 * 60
    break_earliest: int = 90
    break_latest: int = 60

    def __post_init__(self) -> None:
        check_positive("min_length", self.min_length)
        if self.max_length < self.min_length:
            raise ValueError(f"max_length={self.max_length} is below min_length={self.min_length}")
        if self.start_step not in (15, 30, 60):
            raise ValueError(f"start_step={self.start_step} must be 15, 30 or 60 minutes")


@dataclass(frozen=True, slots=True)
class LabourRules:
    """Labour rules every roster must keep.

    Parameters
    ----------
    min_rest:
        Minimum rest between two shifts, minutes (11 h = 660).
    max_days_per_week:
        Most working days in a Monday-Sunday week.
    max_consecutive_days:
        Most working days in a row (across the week boundary when history is known).
    min_staff_on_duty:
        Fewest staff present whenever the hall is open.
    opening_cover, closing_cover:
        Minutes staff must be present before opening and after closing.
    """

    min_rest: int = 11 * 60
    max_days_per_week: int = 6
    max_consecutive_days: int = 6
    min_staff_on_duty: int = 2
    opening_cover: int = 15
    closing_cover: int = 15

    def __post_init__(self) -> None:
        check_nonnegative("min_rest", self.min_rest)
        check_in_range("max_days_per_week", self.max_days_per_week, 1, 7)
        check_in_range("max_consecutive_days", self.max_consecutive_days, 1, 14)
        check_nonnegative("min_staff_on_duty", self.min_staff_on_duty)


INTERVAL_CHOICES = (5, 10, 15, 30, 60)
"""Planning slots (minutes) a policy may choose: each divides an hour."""


@dataclass(frozen=True, slots=True)
class Policy:
    """Everything in ``policy.toml``."""

    target: ServiceTarget = field(default_factory=ServiceTarget)
    shifts: ShiftRules = field(default_factory=ShiftRules)
    labour: LabourRules = field(default_factory=LabourRules)
    interval_minutes: int = 15
    holiday_country: str = "CN"
    patience: float | None = 20.0
    """Mean customer patience in minutes (``None`` = customers never leave)."""
    weekend: tuple[str, ...] = ("sat", "sun")
    """Weekend days (``"mon"`` .. ``"sun"``); ``policy.toml`` defaults to the holiday country's."""
    max_bad_share: float = 0.005
    """Largest share of bad rows (0-1) a ticket log may have and still be used, the bad
    rows set aside in ``quarantine.csv``; above it the data is refused."""

    def __post_init__(self) -> None:
        if self.interval_minutes not in INTERVAL_CHOICES:
            raise ValueError(
                f"interval_minutes={self.interval_minutes} must be 5, 10, 15, 30 or 60"
            )
        if self.patience is not None:
            check_positive("patience", self.patience)
        if not set(self.weekend) <= set(WEEKDAYS) or len(set(self.weekend)) > 6:
            raise ValueError(f"weekend={self.weekend} must be at most six of {WEEKDAYS}")
        check_in_range("max_bad_share", self.max_bad_share, 0.0, 1.0)


@dataclass(frozen=True, slots=True)
class HallCorrection:
    """A hall's correction of the wait model, fitted on its own log (``corrections.json``).

    Parameters
    ----------
    handle_factor:
        Factor on the recorded handling time that makes the model's mean wait
        match the observed one (on-duty staff are not serving all the time).
    patience:
        Mean patience fitted on the same weeks, minutes (all callers pooled).
    fitted_from, fitted_to:
        Days the fit saw (the hold-out days come after).
    idle_gap:
        Idle minutes that ended an agent's run when staffing was observed.
    interval_minutes:
        Interval of the fit, minutes.
    patience_by_type:
        ``(transaction_type, mean patience in minutes)`` pairs fitted on the
        same weeks; empty: one patience for everyone. A mix of types leaves
        at the mix's mean hazard (:meth:`patience_for`).
    """

    handle_factor: float
    patience: float
    fitted_from: dt.date
    fitted_to: dt.date
    idle_gap: float = 15.0
    interval_minutes: int = 60
    patience_by_type: tuple[tuple[str, float], ...] = ()

    def __post_init__(self) -> None:
        check_in_range("handle_factor", self.handle_factor, 0.5, 5.0)
        check_positive("patience", self.patience)
        for code, minutes in self.patience_by_type:
            check_positive(f"patience_by_type[{code}]", minutes)

    def patience_for(self, types: Sequence[str], shares: Sequence[float]) -> float:
        """Mean patience (minutes) of a mix: ``1 / sum(share_k / patience_k)``.

        Types without a fitted patience take the pooled :attr:`patience`;
        without ``patience_by_type`` this is :attr:`patience`.
        """
        by_type = dict(self.patience_by_type)
        if not by_type:
            return self.patience
        total = float(sum(shares))
        if not total > 0:
            return self.patience
        hazard = sum(float(sh) / by_type.get(code, self.patience)
                     for code, sh in zip(types, shares)) / total
        return 1.0 / hazard if hazard > 0 else self.patience

    def describe(self) -> str:
        """One line saying what staffing does with it."""
        pat = (f"patience by transaction type ({len(self.patience_by_type)} types, "
               f"pooled {self.patience:.1f} min)" if self.patience_by_type
               else f"patience {self.patience:.1f} min")
        return (f"handling time x{self.handle_factor:.2f} (on-duty staff not always serving), "
                f"{pat}, fitted on {self.fitted_from} to {self.fitted_to} by queueopt modelcheck")
