"""A hall's model inputs, made once at the edge from the data directory.

Staffing, the plan evaluator, the what-ifs and the peak policies take a
:class:`HallInputs` value, never the whole :class:`queueopt.io.Dataset`: the
transaction mix, the handling-time moments per type (with and without
cross-selling), the kiosk-eligible and fast-lane types, the measured kiosk
adoption and VIP share, patience and the service target are unpacked here
once (the same shape as statsforecast unpacking its DataFrame once in
``fit``). :func:`region_inputs` builds every hall's value with one
calibration of the ticket log.

Units: handling times and patience in minutes, shares 0-1.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from queueopt.calibrate import kiosk_adoption
from queueopt.io import Dataset
from queueopt.model import ServiceTarget

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

KIOSK_CV = 0.5
"""Coefficient of variation of a kiosk's handling time (machines vary less than people)."""


@dataclass(frozen=True, eq=False)
class HallInputs:
    """Everything the models need to know about one hall (read-only arrays).

    Attributes
    ----------
    hall_id, counters, kiosks, vip_counters:
        The hall and its physical counters, kiosks and reserved VIP counters.
    types:
        Transaction type codes; every array below is per type in this order.
    shares:
        The hall's transaction mix (sums to 1).
    mean_minutes:
        Counter handling time with cross-selling paused, minutes.
    cross_sell_minutes:
        Extra counter minutes when cross-selling is on.
    cv:
        Coefficient of variation of the counter handling time.
    kiosk_eligible, fast_lane:
        Types a kiosk can do; types that may use a fast-lane counter.
    kiosk_minutes:
        Kiosk handling time, minutes.
    kiosk_adoption:
        Measured share of kiosk-eligible customers who use a kiosk (0 where
        nobody could; the requirements use 0 while the hall has no kiosks).
    vip_share:
        Measured share of counter customers who are VIP.
    patience:
        Mean patience, minutes (``None``: nobody leaves).
    target:
        The service target of ``policy.toml``.
    interval_minutes:
        Planning interval, minutes.
    """

    hall_id: str
    counters: int
    kiosks: int
    vip_counters: int
    types: tuple[str, ...]
    shares: FloatArray
    mean_minutes: FloatArray
    cross_sell_minutes: FloatArray
    cv: FloatArray
    kiosk_eligible: BoolArray
    fast_lane: BoolArray
    kiosk_minutes: FloatArray
    kiosk_adoption: float
    vip_share: float
    patience: float | None
    target: ServiceTarget
    interval_minutes: int
    correction: str = ""
    """What the hall's fitted correction does (``""``: none); counter handling times above
    already include it (:class:`queueopt.model.HallCorrection`)."""
    type_patience: FloatArray | None = None
    """Mean patience per type at counters, minutes, from the correction (``None``: every
    type leaves at ``patience``); the simulation draws each customer's patience from it."""

    def counter_patience(self) -> float | FloatArray | None:
        """Patience the counter simulation uses: per type when fitted, else ``patience``."""
        return self.patience if self.type_patience is None else self.type_patience

    def __post_init__(self) -> None:
        n = len(self.types)
        for name in ("shares", "mean_minutes", "cross_sell_minutes", "cv", "kiosk_eligible",
                     "fast_lane", "kiosk_minutes"):
            arr = np.asarray(getattr(self, name))
            if arr.shape != (n,):
                raise ValueError(f"{name} has shape {arr.shape}; expected ({n},) like types")
            arr = arr.copy()
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)
        if not 0 <= self.kiosk_adoption <= 1:
            raise ValueError(f"kiosk_adoption={self.kiosk_adoption} must be in [0, 1]")
        if not 0 <= self.vip_share < 1:
            raise ValueError(f"vip_share={self.vip_share} must be in [0, 1)")
        if self.type_patience is not None:
            tp = np.array(self.type_patience, dtype=float)
            if tp.shape != (n,) or not np.all(tp > 0):
                raise ValueError(f"type_patience must be {n} patience(s) > 0 minutes, one per type")
            tp.setflags(write=False)
            object.__setattr__(self, "type_patience", tp)

    def handle_minutes(self, cross_sell: bool) -> FloatArray:
        """Counter handling time per type (minutes), with or without cross-selling."""
        return np.asarray(self.mean_minutes + (self.cross_sell_minutes if cross_sell else 0.0),
                          dtype=float)

    def with_mix(self, mix: pd.DataFrame) -> HallInputs:
        """The same hall with another mix (``transaction_type, share``; equal shares if empty)."""
        return dataclasses.replace(self, shares=_shares(mix, self.types))

    def with_kiosks(self, kiosks: int) -> HallInputs:
        """The same hall with ``kiosks`` kiosks."""
        if kiosks < 0:
            raise ValueError(f"kiosks={kiosks} must be >= 0")
        return dataclasses.replace(self, kiosks=kiosks)

    def eligible_share(self) -> float:
        """Share of the hall's customers whose transaction a kiosk can do (0-1)."""
        return float(self.shares[self.kiosk_eligible].sum())


def _shares(mix: pd.DataFrame, types: tuple[str, ...]) -> FloatArray:
    s = mix.set_index("transaction_type")["share"] if len(mix) else pd.Series(dtype=float)
    shares = s.reindex(list(types), fill_value=0.0).to_numpy(float)
    if not shares.sum() > 0:
        return np.full(len(types), 1.0 / len(types))
    return np.asarray(shares / shares.sum(), dtype=float)


def measured_vip_share(tickets: pd.DataFrame) -> float:
    """Share of a ticket log's counter tickets with tier ``vip`` (0 without tickets or tiers)."""
    if not len(tickets) or "tier" not in tickets.columns:
        return 0.0
    counter_t = tickets[tickets["channel"] == "counter"] if "channel" in tickets else tickets
    return float((counter_t["tier"] == "vip").mean()) if len(counter_t) else 0.0


def hall_inputs(ds: Dataset, hall_id: str, *, mix: pd.DataFrame | None = None,
                adoption: Mapping[str, float] | None = None) -> HallInputs:
    """Build a hall's inputs from a :class:`queueopt.io.Dataset`.

    Parameters
    ----------
    ds:
        The data directory (halls, transactions, policy, ticket log).
    hall_id:
        The hall.
    mix:
        ``transaction_type, share``; default the hall's measured mix.
    adoption:
        ``hall_id -> kiosk adoption`` already measured (see
        :func:`region_inputs`); default: calibrate this hall's tickets.
    """
    if not isinstance(ds, Dataset):
        raise TypeError("ds must be a queueopt.io.Dataset")
    hall = ds.hall(hall_id)
    types = tuple(ds.transactions)
    tt = [ds.transactions[c] for c in types]
    tickets = ds.tickets_of(hall_id)
    if adoption is None:
        adoption = kiosk_adoption(tickets, ds.transactions) if len(tickets) else {}
    # the hall's fitted correction (queueopt modelcheck): the queue sees each counter
    # transaction take handle_factor times its recorded time
    # and its callers leave at the patience fitted on the same weeks (per transaction
    # type, mixed by the hall's mix), the model queueopt modelcheck judged
    correction = ds.corrections.get(hall_id)
    factor = correction.handle_factor if correction is not None else 1.0
    shares = _shares(ds.mix_for(hall_id) if mix is None else mix, types)
    patience = (ds.policy.patience if correction is None
                else correction.patience_for(types, shares.tolist()))
    return HallInputs(
        hall_id=hall_id, counters=hall.counters, kiosks=hall.kiosks,
        vip_counters=hall.vip_counters, types=types,
        shares=shares,
        mean_minutes=factor * np.array([t.mean_minutes for t in tt], float),
        cross_sell_minutes=factor * np.array([t.cross_sell_minutes for t in tt], float),
        cv=np.array([t.cv for t in tt], float),
        kiosk_eligible=np.array([t.kiosk_eligible for t in tt], bool),
        fast_lane=np.array([t.fast_lane for t in tt], bool),
        kiosk_minutes=np.array([t.kiosk_minutes for t in tt], float),
        kiosk_adoption=float(adoption.get(hall_id, 0.0)),
        vip_share=measured_vip_share(tickets), patience=patience,
        target=ds.policy.target, interval_minutes=ds.policy.interval_minutes,
        correction="" if correction is None else correction.describe(),
        type_patience=(None if correction is None or not correction.patience_by_type else
                       np.array([dict(correction.patience_by_type).get(c, correction.patience)
                                 for c in types], float)))


def region_inputs(ds: Dataset) -> dict[str, HallInputs]:
    """Every hall's inputs, with one measurement of the region's kiosk adoption."""
    tickets = ds.tickets
    adoption = (kiosk_adoption(tickets, ds.transactions)
                if tickets is not None and len(tickets) else {})
    return {h: hall_inputs(ds, h, adoption=adoption) for h in ds.halls}
