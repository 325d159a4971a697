"""A seeded generator of realistic hall data: the bundled sample region.

The generator draws halls, transaction types, staff and a queue-ticket log
whose rhythm matches the operators' own figures (the README's Domain notes):

* **month-end**: days 21-31 carry about 50% of the month's visits (a factor
  of 1.73 on those days against 1 on days 1-20: ``11 f / (19 + 11 f) = 0.5``);
* **afternoon**: about 40% of a day's visits arrive 14:00-18:00 (the
  afternoon bump of the daily profile is scaled per hall to hit 40%);
* **handling**: a 1.5-minute top-up next to 15-20-minute bundled contracts,
  lognormal with the coefficient of variation of ``transactions.csv``;
  cross-selling on adds its extra minutes;
* **kiosks**: kiosk-eligible types go to a kiosk at an adoption rate; a kiosk
  is slower per transaction than a counter;
* **abandonment**: exponential patience (20 min at counters, 30 at kiosks);
  customers whose patience runs out before they are called leave;
* **calendar**: China's public holidays (fewer visitors, holiday hours) and
  make-up working days (a normal working day) from :mod:`queueopt.calendar`;
* over-dispersion (a gamma day-level factor), a VIP tier of 7%, and a level
  shift in some halls.

Each hall-day is simulated as a multi-server queue with non-preemptive VIP
priority, the counters the hall opens per 15-minute interval (a simple rule
of the hall's own, not queueopt's plan) and abandonment, so the ticket log's
called and end times are consistent. The true parameters are returned with
the data so tests can check that calibration recovers them.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io as _io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from queueopt.calendar import MONTH_END_FIRST_DAY, HallCalendar, is_month_end
from queueopt.model import WEEKDAYS, Hall, OpeningHours, TransactionType
from queueopt.simulate import lognormal, serve_queue

FloatArray = npt.NDArray[np.float64]

#: Month-end factor on days 21-31 that puts ~50% of visits there.
MONTH_END_FACTOR = 19 / 11
#: Share of a day's visits that arrive 14:00-18:00.
AFTERNOON_SHARE = 0.40
AFTERNOON = (14 * 60, 18 * 60)
VIP_SHARE = 0.07
COUNTER_PATIENCE = 45.0
KIOSK_PATIENCE = 60.0
KIOSK_CV = 0.5
DAY_DISPERSION = 25.0
"""Gamma shape of the day-level factor (variance of the daily total = m + m^2/25)."""

_TRANSACTIONS: tuple[TransactionType, ...] = (
    TransactionType("TOPUP", "Top-up / bill payment", 1.5, 0.6, True, 2.5, 0.5, True),
    TransactionType("INVOICE", "Bill / invoice printing", 2.0, 0.5, True, 2.0, 0.5, True),
    TransactionType("PLAN", "Simple plan change", 5.0, 0.6, True, 6.0, 3.0, False),
    TransactionType("SIM", "SIM replacement / ID check", 6.0, 0.5, False, 8.0, 2.0, False),
    TransactionType("ENQUIRY", "Questions and complaints", 6.0, 0.9, False, 8.0, 2.0, False),
    TransactionType("NEWLINE", "New line / number porting", 12.0, 0.5, False, 15.0, 4.0, False),
    TransactionType("BUNDLE", "Bundled contract / handset offer", 15.0, 0.6, False, 20.0, 5.0, False),
    TransactionType("BROADBAND", "Broadband order / repair", 12.0, 0.7, False, 15.0, 4.0, False,
                    "broadband"),
)
_MIX = np.array([0.38, 0.08, 0.12, 0.10, 0.12, 0.07, 0.07, 0.06])
"""Share of visitors per transaction type (same order as ``_TRANSACTIONS``)."""

_REGIONS = ("Guangzhou-East", "Guangzhou-West", "Foshan")
_NAMES = ("Tianhe", "Zhujiang", "Yuexiu", "Haizhu", "Liwan", "Baiyun", "Panyu", "Huangpu",
          "Nansha", "Huadu", "Conghua", "Zengcheng", "Chancheng", "Nanhai", "Shunde",
          "Sanshui", "Gaoming", "Xiqiao", "Jiujiang", "Lecong")
_SURNAMES = ("Li", "Wang", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou",
             "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo", "He", "Lin", "Luo", "Gao")
_GIVEN = ("Na", "Wei", "Fang", "Min", "Jing", "Lei", "Yan", "Jun", "Hui", "Xin", "Ping",
          "Tao", "Qiang", "Ying", "Hong", "Bo", "Mei", "Lan", "Chao", "Rui")


@dataclass(frozen=True)
class SyntheticRegion:
    """A generated region and the truth it was drawn from.

    ``expected_arrivals`` holds the true mean arrivals per hall and
    15-minute interval (columns ``hall_id, interval_start, arrivals``);
    ``patience`` the mean patience in minutes per channel; handling-time
    truth is in ``transactions`` (counter mean = ``mean_minutes`` +
    ``cross_sell_minutes`` when ``cross_selling``).
    """

    halls: tuple[Hall, ...]
    transactions: tuple[TransactionType, ...]
    staff: pd.DataFrame
    tickets: pd.DataFrame | None
    footfall: pd.DataFrame | None
    expected_arrivals: pd.DataFrame
    cross_selling: bool
    patience: dict[str, float]
    kiosk_adoption: dict[str, float]
    counters_open: pd.DataFrame | None = None
    """The truth of staffing: counters open per hall and 15-minute interval
    (``hall_id, interval_start, open``); ``None`` without a ticket log."""

    def write(self, directory: str | Path) -> Path:
        """Write the README files into ``directory`` (tickets as ``tickets.csv.gz``)."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        halls_frame(self.halls).to_csv(out / "halls.csv", index=False)
        transactions_frame(self.transactions).to_csv(out / "transactions.csv", index=False)
        self.staff.to_csv(out / "staff.csv", index=False)
        (out / "policy.toml").write_text(POLICY_TOML, encoding="utf-8")
        if self.tickets is not None:
            t = self.tickets.copy()
            for col in ("issued_at", "called_at", "served_end", "abandoned_at"):
                t[col] = t[col].dt.strftime("%Y-%m-%d %H:%M:%S").fillna("")
            t["abandoned"] = t["abandoned"].astype(int)
            # mtime=0 keeps the file byte-identical for the same seed
            with gzip.GzipFile(out / "tickets.csv.gz", "wb", compresslevel=9, mtime=0) as raw, \
                    _io.TextIOWrapper(raw, encoding="utf-8", newline="") as fh:
                t.to_csv(fh, index=False)
        if self.footfall is not None:
            f = self.footfall.copy()
            f["interval_start"] = f["interval_start"].dt.strftime("%Y-%m-%d %H:%M")
            f.to_csv(out / "footfall.csv.gz" if len(f) > 200_000 else out / "footfall.csv",
                     index=False)
        return out


POLICY_TOML = """\
# queueopt policy for the sample region (units in the key names)
interval_minutes = 15
holiday_country = "CN"
patience_minutes = 45

[target]
service_level = 0.80
threshold_minutes = 10
max_mean_wait_minutes = 5
max_abandonment = 0.08
max_occupancy = 0.90
shrinkage = 0.0

[shifts]
min_hours = 4
max_hours = 9
start_step_minutes = 15
meal_break_after_hours = 6
meal_break_minutes = 30
short_break_minutes = 15
short_break_every_hours = 4
break_earliest_minutes = 90
break_latest_minutes = 60

[labour]
min_rest_hours = 11
max_days_per_week = 6
max_consecutive_days = 6
min_staff_on_duty = 2
opening_cover_minutes = 15
closing_cover_minutes = 15
"""


def halls_frame(halls: tuple[Hall, ...]) -> pd.DataFrame:
    """Halls in the ``halls.csv`` layout."""
    def fmt(h: OpeningHours) -> str:
        if not h.is_open:
            return "closed"
        return (f"{h.open_minute // 60:02d}:{h.open_minute % 60:02d}-"
                f"{h.close_minute // 60:02d}:{h.close_minute % 60:02d}")
    rows = []
    for h in halls:
        row = {"hall_id": h.hall_id, "name": h.name, "region": h.region, "kind": h.kind,
               "counters": h.counters, "kiosks": h.kiosks, "vip_counters": h.vip_counters}
        row.update({f"hours_{d}": fmt(x) for d, x in zip(WEEKDAYS, h.hours)})
        row["hours_holiday"] = fmt(h.holiday_hours)
        rows.append(row)
    return pd.DataFrame(rows)


def transactions_frame(types: tuple[TransactionType, ...]) -> pd.DataFrame:
    """Transaction types in the ``transactions.csv`` layout."""
    return pd.DataFrame([{
        "transaction_type": t.code, "name": t.name, "mean_minutes": t.mean_minutes, "cv": t.cv,
        "kiosk_eligible": int(t.kiosk_eligible), "kiosk_minutes": t.kiosk_minutes,
        "cross_sell_minutes": t.cross_sell_minutes, "fast_lane": int(t.fast_lane),
        "skill": t.skill,
    } for t in types])


# ------------------------------------------------------------------ halls
def _make_halls(n: int, rng: np.random.Generator) -> tuple[Hall, ...]:
    halls = []
    for i in range(n):
        size = [16, 14, 12, 10, 9, 8, 7, 6, 6, 5, 4, 4][i % 12] if i < 12 else int(rng.integers(4, 17))
        kind = "main" if (i % 3 != 2) else "cooperative"
        kiosks = [6, 4, 3, 2, 3, 0, 2, 1, 0, 2, 0, 1][i % 12] if i < 12 else int(rng.integers(0, 7))
        if kind == "cooperative":
            kiosks = min(kiosks, 2)
        variant = i % 4
        weekday = OpeningHours(8 * 60 + 30, 20 * 60) if variant in (0, 1) else OpeningHours(9 * 60, 18 * 60)
        if variant == 3:
            weekday = OpeningHours(9 * 60, 19 * 60)
        sat = OpeningHours(9 * 60, 20 * 60) if variant in (0, 1) else OpeningHours(9 * 60, 17 * 60)
        sun = sat if variant in (0, 3) else (OpeningHours(10 * 60, 17 * 60) if variant == 1
                                             else OpeningHours.closed())
        holiday = OpeningHours(9 * 60, 18 * 60) if kind == "main" else OpeningHours.closed()
        if variant == 2 and kind == "main":
            holiday = OpeningHours(10 * 60, 16 * 60)
        name = _NAMES[i % len(_NAMES)] + (" Flagship" if size >= 12 else " Hall")
        if i >= len(_NAMES):
            name += f" {i // len(_NAMES) + 1}"
        halls.append(Hall(
            hall_id=f"H{i + 1:02d}" if n < 100 else f"H{i + 1:04d}", name=name,
            region=_REGIONS[i % len(_REGIONS)], kind=kind, counters=size, kiosks=kiosks,
            hours=(weekday,) * 5 + (sat, sun), holiday_hours=holiday,
            vip_counters=1 if size >= 12 else 0,
        ))
    return tuple(halls)


# --------------------------------------------------------------- arrivals
def _intraday_weights(minutes: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Relative arrival rate over clock minutes, afternoon bump scaled to 40%."""
    def bump(c: float, w: float) -> npt.NDArray[np.float64]:
        return np.exp(-0.5 * ((minutes - c) / w) ** 2)
    base = 0.35 + 0.9 * bump(10.5 * 60, 70) + 0.25 * bump(19 * 60, 60) - 0.15 * bump(12.5 * 60, 40)
    pm = bump(16 * 60, 75)
    in_pm = (minutes >= AFTERNOON[0]) & (minutes < AFTERNOON[1])
    b_all, b_pm = base.sum(), base[in_pm].sum()
    p_all, p_pm = pm.sum(), pm[in_pm].sum()
    denom = p_pm - AFTERNOON_SHARE * p_all
    a = (AFTERNOON_SHARE * b_all - b_pm) / denom if abs(denom) > 1e-9 else 0.0
    w = np.clip(base + a * pm, 0.05, None)
    return w / w.sum()


def _month_factor(day: dt.date) -> float:
    # month-end days (calendar.is_month_end) average MONTH_END_FACTOR, rising towards the bill date
    if not is_month_end(day):
        return 1.0
    return MONTH_END_FACTOR - 0.25 + 0.05 * (day.day - MONTH_END_FIRST_DAY)


_DOW = np.array([1.0, 0.95, 0.95, 1.0, 1.08, 1.2, 1.1])
_HOLIDAY = {"main": 0.75, "cooperative": 0.55}


# -------------------------------------------------------------------- api
def generate_region(n_halls: int = 12, weeks: int = 16, end: dt.date = dt.date(2026, 11, 22),
                    seed: int = 20261122, *, with_tickets: bool = True,
                    cross_selling: bool = True) -> SyntheticRegion:
    """Generate a region of ``n_halls`` halls with ``weeks`` weeks of history ending ``end``.

    Parameters
    ----------
    n_halls:
        Number of halls (the first 12 have fixed sizes 4-16 counters).
    weeks:
        Weeks of history (days ``end - 7*weeks + 1`` to ``end``).
    end:
        Last day of history.
    seed:
        Seed of the random generator: the same arguments give the same data.
    with_tickets:
        Simulate a ticket log; ``False`` writes only footfall counts per
        15-minute interval (fast, for synthetic regions of thousands of halls).
    cross_selling:
        Whether counter staff cross-sell (adds ``cross_sell_minutes``).

    Examples
    --------
    >>> region = generate_region(n_halls=2, weeks=1, seed=1)
    >>> sorted(region.tickets.columns)[:3]
    ['abandoned', 'abandoned_at', 'called_at']
    """
    rng = np.random.default_rng(seed)
    halls = _make_halls(n_halls, rng)
    types = _TRANSACTIONS
    calendar = HallCalendar("CN")
    first = end - dt.timedelta(days=7 * weeks - 1)
    days = [first + dt.timedelta(days=k) for k in range((end - first).days + 1)]
    mix = _TypeArrays.of(types, cross_selling)
    histories = [_hall_history(hall, h_index, np.random.default_rng([seed, h_index]), days,
                               calendar, mix, weeks, with_tickets)
                 for h_index, hall in enumerate(halls)]
    ticket_frames = [f for h in histories for f in h.tickets]
    tickets = _in_time_order(pd.concat(ticket_frames, ignore_index=True)) if ticket_frames else None
    footfall_rows = [f for h in histories for f in h.footfall]
    open_rows = [f for h in histories for f in h.counters_open]
    footfall = pd.concat(footfall_rows, ignore_index=True) if footfall_rows else None
    expected = pd.concat([f for h in histories for f in h.expected], ignore_index=True)
    last4 = expected[expected["interval_start"] >= pd.Timestamp(end - dt.timedelta(days=27))]
    work_hours = {h.hall_id: float(last4.loc[last4["hall_id"] == h.hall_id, "arrivals"].sum())
                  / 4 * story.work_per_visit / 60 for h, story in zip(halls, histories)}
    staff = _make_staff(halls, rng, end, work_hours)
    return SyntheticRegion(
        halls=halls, transactions=types, staff=staff, tickets=tickets, footfall=footfall,
        expected_arrivals=expected,
        cross_selling=cross_selling,
        patience={"counter": COUNTER_PATIENCE, "kiosk": KIOSK_PATIENCE},
        kiosk_adoption={h.hall_id: story.adoption for h, story in zip(halls, histories)},
        counters_open=pd.concat(open_rows, ignore_index=True) if open_rows else None,
    )


_INTERVAL = 15
"""Minutes per footfall interval of the synthetic region."""


@dataclass(frozen=True)
class _TypeArrays:
    """The transaction types as arrays (in :data:`_TRANSACTIONS` order)."""

    counter_mean: FloatArray
    """Mean counter minutes, cross-selling included when staff cross-sell."""
    counter_cv: FloatArray
    kiosk_mean: FloatArray
    """Mean kiosk minutes."""
    eligible: npt.NDArray[np.bool_]
    codes: npt.NDArray[np.str_]

    @staticmethod
    def of(types: tuple[TransactionType, ...], cross_selling: bool) -> _TypeArrays:
        return _TypeArrays(
            counter_mean=np.array([t.mean_minutes + (t.cross_sell_minutes if cross_selling
                                                     else 0.0) for t in types]),
            counter_cv=np.array([t.cv for t in types]),
            kiosk_mean=np.array([t.kiosk_minutes for t in types]),
            eligible=np.array([t.kiosk_eligible for t in types]),
            codes=np.array([t.code for t in types]))


@dataclass
class _HallHistory:
    """One synthetic hall's history: its kiosk adoption (0-1), counter minutes per visit,
    and frames per open day (expected arrivals, tickets or footfall, counters open)."""

    adoption: float
    work_per_visit: float
    expected: list[pd.DataFrame]
    tickets: list[pd.DataFrame]
    footfall: list[pd.DataFrame]
    counters_open: list[pd.DataFrame]


def _hall_history(hall: Hall, h_index: int, hall_rng: np.random.Generator, days: list[dt.date],
                  calendar: HallCalendar, mix: _TypeArrays, weeks: int,
                  with_tickets: bool) -> _HallHistory:
    """Expected arrivals, then a day's count (gamma day factor, Poisson per interval) and
    its tickets or footfall, for each day the hall opens."""
    adopt = min(0.75, 0.18 * hall.kiosks) if hall.kiosks else 0.0
    # daily volume: sized so a normal weekday peaks at ~60-75% of the counters
    counter_share = 1 - adopt * float(_MIX[mix.eligible].sum())
    work_per_visit = counter_share * float(_MIX @ mix.counter_mean)
    base_day = hall.counters * 0.24 * 600 / work_per_visit * (0.9 if hall.kind == "cooperative" else 1.0)
    first = days[0]
    shift_day = (first + dt.timedelta(days=int(hall_rng.integers(20, 7 * weeks - 10)))
                 if h_index % 4 == 1 and weeks >= 5 else None)
    shift = 1.0 + (0.15 if h_index % 8 == 1 else -0.12)
    out = _HallHistory(adopt, work_per_visit, [], [], [], [])
    for day, kind, hours in zip(days, calendar.day_kinds(days), calendar.hours_for(hall, days)):
        if not hours.is_open:
            continue
        minutes = np.arange(hours.open_minute, hours.close_minute, _INTERVAL, dtype=float)
        weights = _intraday_weights(minutes + _INTERVAL / 2)
        dow = 1.0 if kind == "makeup" else _DOW[day.weekday()]
        factor = dow * _month_factor(day) * (_HOLIDAY[hall.kind] if kind == "holiday" else 1.0)
        if shift_day is not None and day >= shift_day:
            factor *= shift
        # a shorter day loses some visitors and concentrates the rest
        mean_day = base_day * factor * min(1.0, hours.minutes / 690.0) ** 0.8
        expected = mean_day * weights
        starts = pd.Timestamp(day) + pd.to_timedelta(minutes, unit="min")
        out.expected.append(pd.DataFrame({"hall_id": hall.hall_id, "interval_start": starts,
                                          "arrivals": expected}))
        day_factor = hall_rng.gamma(DAY_DISPERSION, 1 / DAY_DISPERSION)
        counts = hall_rng.poisson(expected * day_factor)
        if not with_tickets:
            out.footfall.append(pd.DataFrame({"hall_id": hall.hall_id, "interval_start": starts,
                                              "arrivals": counts}))
            continue
        n = int(counts.sum())
        if n == 0:
            continue
        # counters the hall opens: its own simple rule on expected load
        load = expected * work_per_visit / _INTERVAL
        open_at = np.clip(np.ceil(load / 0.93).astype(np.int64), 2, hall.counters)
        out.counters_open.append(pd.DataFrame({"hall_id": hall.hall_id, "interval_start": starts,
                                               "open": open_at}))
        out.tickets.append(_day_tickets(hall, day, minutes, counts, open_at, adopt, mix, hall_rng))
    return out


def _day_tickets(hall: Hall, day: dt.date, minutes: FloatArray, counts: npt.NDArray[np.int64],
                 open_at: npt.NDArray[np.int64], adopt: float, mix: _TypeArrays,
                 hall_rng: np.random.Generator) -> pd.DataFrame:
    """One day's ticket log: ``counts`` arrivals per interval starting at ``minutes`` (since
    midnight), each a type and a tier, served at the ``open_at`` counters or at a kiosk."""
    n = int(counts.sum())
    arrive = np.repeat(minutes, counts) + hall_rng.uniform(0, _INTERVAL, n)
    arrive.sort()
    ttype = hall_rng.choice(len(mix.codes), size=n, p=_MIX)
    vip = hall_rng.random(n) < VIP_SHARE
    to_kiosk = mix.eligible[ttype] & (hall_rng.random(n) < adopt) & ~vip
    call = np.full(n, np.nan)
    server = np.full(n, "", dtype=object)
    service = np.empty(n)
    patience = np.empty(n)
    c = ~to_kiosk
    service[c] = lognormal(hall_rng, mix.counter_mean[ttype[c]], mix.counter_cv[ttype[c]])
    patience[c] = hall_rng.exponential(COUNTER_PATIENCE, int(c.sum()))
    call[c], server[c] = _served(arrive[c], service[c], patience[c], vip[c], open_at, minutes, "C")
    k = to_kiosk
    if k.any():
        nk = int(k.sum())
        service[k] = lognormal(hall_rng, mix.kiosk_mean[ttype[k]], np.full(nk, KIOSK_CV))
        patience[k] = hall_rng.exponential(KIOSK_PATIENCE, nk)
        call[k], server[k] = _served(arrive[k], service[k], patience[k], np.zeros(nk, bool),
                                     np.full(len(minutes), hall.kiosks, dtype=np.int64),
                                     minutes, "K")
    abandoned = np.isnan(call)
    left = np.where(abandoned, arrive + patience, np.nan)
    end_t = np.where(abandoned, np.nan, call + service)
    stamp = pd.Timestamp(day)

    def to_ts(x: FloatArray) -> pd.Series:
        return stamp + pd.to_timedelta(np.round(x * 60), unit="s")

    return pd.DataFrame({
        "ticket_id": [f"{hall.hall_id}-{day:%Y%m%d}-{j + 1:04d}" for j in range(n)],
        "hall_id": hall.hall_id, "issued_at": to_ts(arrive),
        "called_at": to_ts(call), "served_end": to_ts(end_t),
        "transaction_type": mix.codes[ttype],
        "channel": np.where(to_kiosk, "kiosk", "counter"), "server_id": server,
        "abandoned": abandoned, "abandoned_at": to_ts(left),
        "tier": np.where(vip, "vip", "regular"),
    })


def _served(arrive: FloatArray, service: FloatArray, patience: FloatArray,
            vip: npt.NDArray[np.bool_], servers: npt.NDArray[np.int64], minutes: FloatArray,
            prefix: str) -> tuple[FloatArray, npt.NDArray[np.object_]]:
    """Call times (minutes since midnight, ``nan`` abandoned) and server ids (``prefix``
    and a two-digit number, blank when abandoned) of one queue (:func:`serve_queue`)."""
    called, slot = serve_queue(arrive, service, patience, vip, servers, _INTERVAL,
                               float(minutes[0]))
    ids = np.where(slot >= 0, np.char.add(prefix, np.char.zfill((slot + 1).astype(str), 2)), "")
    return called, ids


def _in_time_order(tickets: pd.DataFrame) -> pd.DataFrame:
    """Rounding to whole seconds must not reorder the times of one ticket."""
    tickets["called_at"] = tickets[["issued_at", "called_at"]].max(axis=1).where(
        tickets["called_at"].notna())
    tickets["served_end"] = tickets[["called_at", "served_end"]].max(axis=1).where(
        tickets["served_end"].notna())
    return tickets


def _make_staff(halls: tuple[Hall, ...], rng: np.random.Generator, end: dt.date,
                work_hours: dict[str, float]) -> pd.DataFrame:
    """Staff lists sized to the hall's workload: a month-end week at ~75% occupancy,
    plus opening cover, with flexible (弹性) contracts of 24-44 h and part-timers."""
    rows = []
    next_week = [end + dt.timedelta(days=k) for k in range(1, 8)]
    for hall in halls:
        days_open = sum(h.is_open for h in hall.hours)
        span = max(h.minutes for h in hall.hours) / 60
        need_hours = work_hours[hall.hall_id] * 1.45 / 0.75 + 2 * span * days_open
        n = int(np.clip(round(need_hours / 31), 8, 30))
        for k in range(n):
            sid = f"S{hall.hall_id[1:]}{k + 1:02d}"
            name = f"{_SURNAMES[int(rng.integers(len(_SURNAMES)))]} {_GIVEN[int(rng.integers(len(_GIVEN)))]}"
            skills = ["counter"]
            if k == 0:
                skills += ["manager", "vip", "floor"]
            if k % 3 == 1:
                skills.append("vip")
            if k % 4 == 2:
                skills.append("broadband")
            if k % 5 == 3:
                skills.append("floor")
            part_time = k % 6 == 5
            lo, hi = (8, 24) if part_time else (20, 44)
            unavailable = []
            if rng.random() < 0.15:
                unavailable.append(next_week[int(rng.integers(7))].isoformat())
            if rng.random() < 0.08:
                d = next_week[int(rng.integers(7))]
                unavailable.append(f"{d.isoformat()} 08:00-13:00")
            prefs = []
            r = rng.random()
            if r < 0.2:
                prefs.append("early")
            elif r < 0.35:
                prefs.append("late")
            if rng.random() < 0.25:
                prefs.append(f"off:{WEEKDAYS[int(rng.integers(5, 7))]}")
            rows.append({"staff_id": sid, "hall_id": hall.hall_id, "name": name,
                         "skills": ";".join(skills), "min_hours_week": lo, "max_hours_week": hi,
                         "unavailable": ";".join(unavailable), "preferences": ";".join(prefs)})
    return pd.DataFrame(rows)
