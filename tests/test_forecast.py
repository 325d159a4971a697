"""Footfall forecasts: gaps, closed days, holidays, short series, intervals and CLI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from queueopt.backtest import backtest
from queueopt.calendar import HallCalendar
from queueopt.cli import main
from queueopt.forecast import forecast_arrivals, forecast_mix
from queueopt.io import load_dataset
from queueopt.synth import generate_region


def _series(days: int, end: dt.date, *, interval: int = 15, month_end: float = 1.7,
            closed_sunday: bool = False, seed: int = 0, level: float = 200.0) -> pd.DataFrame:
    """Poisson counts with a known profile: flat 09:00-17:00, month-end factor on days >= 21."""
    rng = np.random.default_rng(seed)
    rows = []
    cal = HallCalendar("CN")
    dates = [end - dt.timedelta(days=k) for k in range(days - 1, -1, -1)]
    for d, kind in zip(dates, cal.day_kinds(dates)):
        if closed_sunday and d.weekday() == 6:
            continue
        f = (month_end if d.day >= 21 else 1.0) * (0.5 if kind == "holiday" else 1.0)
        slots = np.arange(9 * 60, 17 * 60, interval)
        lam = level * f / len(slots)
        for s, c in zip(slots, rng.poisson(lam, len(slots))):
            rows.append(("H1", pd.Timestamp(d) + pd.Timedelta(minutes=int(s)), int(c)))
    return pd.DataFrame(rows, columns=["hall_id", "interval_start", "arrivals"])


def test_month_end_effect_is_recovered() -> None:
    hist = _series(112, dt.date(2026, 11, 15))  # forecast Nov 16-22 then day 21-22 are month-end
    fc = forecast_arrivals(hist, 7)
    daily = fc.groupby(fc["interval_start"].dt.day)["arrivals"].sum()
    ratio = daily.loc[[21, 22]].mean() / daily.loc[[16, 17, 18, 19, 20]].mean()
    assert ratio == pytest.approx(1.7, rel=0.12)


@pytest.mark.parametrize("interval", [5, 15, 60])
def test_any_regular_interval(interval: int) -> None:
    hist = _series(42, dt.date(2026, 11, 15), interval=interval)
    fc = forecast_arrivals(hist, 3)
    steps = fc["interval_start"].diff().dropna().dt.total_seconds().div(60)
    assert steps.min() == interval
    assert fc["arrivals"].sum() == pytest.approx(3 * 200, rel=0.15)


def test_gaps_and_closed_days() -> None:
    hist = _series(70, dt.date(2026, 11, 15), closed_sunday=True)
    hist = hist[~hist["interval_start"].dt.date.between(dt.date(2026, 10, 20), dt.date(2026, 10, 24))]
    fc = forecast_arrivals(hist, 7)
    assert (fc["interval_start"].dt.day_of_week != 6).all()  # closed on Sundays: not forecast
    assert fc["interval_start"].dt.date.nunique() == 6


def test_holiday_and_makeup_day() -> None:
    """National Day 2026-10-01..07 are holidays; Saturday 10-10 is a make-up working day."""
    hist = _series(400, dt.date(2026, 9, 30), seed=3)
    fc = forecast_arrivals(hist, 11)
    daily = fc.groupby(fc["interval_start"].dt.date)["arrivals"].sum()
    kinds = fc.groupby(fc["interval_start"].dt.date)["day_kind"].first()
    assert kinds[dt.date(2026, 10, 1)] == "holiday"
    assert kinds[dt.date(2026, 10, 10)] == "makeup"
    assert daily[dt.date(2026, 10, 2)] < 0.7 * daily[dt.date(2026, 10, 9)]


def test_short_series_falls_back_with_a_warning() -> None:
    hist = _series(14, dt.date(2026, 11, 15))
    fc = forecast_arrivals(hist, 7)
    assert fc["warning"].str.contains("days of history").all()
    with pytest.raises(ValueError, match="open days of history"):
        forecast_arrivals(_series(3, dt.date(2026, 11, 15)), 7)


def test_intervals_cover_and_widen_with_overdispersion() -> None:
    calm = _series(84, dt.date(2026, 11, 15), seed=1)
    noisy = calm.copy()
    rng = np.random.default_rng(2)
    noisy["arrivals"] = rng.poisson(calm["arrivals"] * rng.gamma(2.0, 0.5, len(calm)))
    w_calm = forecast_arrivals(calm, 7).eval("hi80 - lo80").mean()
    w_noisy = forecast_arrivals(noisy, 7).eval("hi80 - lo80").mean()
    assert w_noisy > 1.3 * w_calm


def test_backtest_beats_seasonal_naive_on_synthetic_region() -> None:
    r = generate_region(n_halls=3, weeks=10, seed=4, with_tickets=False)
    res = backtest(r.footfall, 7, 3)
    s = res.summary().set_index("method")
    assert s.loc["queueopt", "wape"] < 0.85 * s.loc["seasonal_naive", "wape"]
    assert s.loc["queueopt", "wape"] < 0.9 * s.loc["mean_4_weekdays", "wape"]
    assert 0.72 <= s.loc["queueopt", "coverage"] <= 0.92
    assert 0.7 <= s.loc["queueopt", "day_coverage"] <= 0.95  # day_lo80/day_hi80


def test_backtest_adapts_its_folds_to_a_short_history() -> None:
    """Four weeks of history: two folds of a week (two weeks before the first origin), not a
    refusal; below three weeks even one fold cannot run."""
    res = backtest(_series(28, dt.date(2026, 11, 15)), 7, 4)
    assert (res.folds, res.requested_folds) == (2, 4)
    assert set(res.scores["fold"]) == {"1", "2", "all"}
    with pytest.raises(ValueError, match="needs at least 21"):
        backtest(_series(20, dt.date(2026, 11, 15)), 7, 4)


def test_mix_forecast_sums_to_one(sample_dir: Path) -> None:
    ds = load_dataset(sample_dir)
    fc = forecast_arrivals(ds.footfall_for("H05"), 2, halls=ds.halls)
    mix = forecast_mix(ds.tickets_of("H05"), fc)
    sums = mix.groupby("interval_start")["share"].sum()
    assert np.allclose(sums, 1.0)
    assert set(mix["transaction_type"]) == set(ds.transactions)


def test_cli_forecast_and_backtest(sample_dir: Path, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "fc.csv"
    assert main(["forecast", "--data", str(sample_dir), "--hall", "H07", "--days", "7",
                 "--out", str(out)]) == 0
    fc = pd.read_csv(out)
    assert {"interval_start", "arrivals", "lo80", "hi80"} <= set(fc.columns)
    assert main(["forecast", "--data", str(sample_dir), "--hall", "NOPE", "--out", str(out)]) == 2
    assert "known halls" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_text("hall_id,interval_start,arrivals\nH1,2026-11-02 09:00,x\n", encoding="utf-8")
    assert main(["backtest", str(bad)]) == 2
    assert "bad.csv, row 2, column 'arrivals'" in capsys.readouterr().err


def _timetable(weeks: int, *, seed: int = 0, start: dt.date = dt.date(2026, 6, 22),
               halls: tuple[str, ...] = ("A1", "A2"), odd_day: dt.date | None = None
               ) -> pd.DataFrame:
    """A schedule-driven series: a fixed weekday x hour timetable, +-1 noise, 06:00-21:00.

    June-September 2026 has no Chinese public holiday. ``odd_day`` runs at a third.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for hall in halls:
        table = rng.integers(2, 30, size=(7, 16))  # weekday x hour, a different day shape each
        table[5:] = table[5:] // 2                  # lighter weekends
        for k in range(7 * weeks):
            d = start + dt.timedelta(days=k)
            noise = rng.choice([-1, 0, 1], size=16, p=[0.15, 0.7, 0.15])
            c = np.maximum(table[d.weekday()] + noise, 0)
            if d == odd_day:
                c = c // 3
            for h, n in enumerate(c):
                if n > 0:  # like flights: an hour without departures has no row
                    rows.append((hall, pd.Timestamp(d) + pd.Timedelta(hours=6 + h), int(n)))
    return pd.DataFrame(rows, columns=["hall_id", "interval_start", "arrivals"])


def test_schedule_driven_series_beats_seasonal_naive_with_calibrated_intervals() -> None:
    """A repeating timetable: the structural profile alone loses to last week's counts
    (it smooths each weekday towards the pooled working day); the validated
    combination follows the timetable, and the calibrated interval is not the
    (far too wide) Poisson one."""
    hist = _timetable(12)
    s = backtest(hist, 7, 4).summary().set_index("method")
    assert s.loc["queueopt", "wape"] < 0.9 * s.loc["seasonal_naive", "wape"]
    assert 0.6 <= s.loc["queueopt", "coverage"] <= 0.95
    structural = forecast_arrivals(hist[hist["interval_start"] < "2026-09-07"], 7,
                                   validation_weeks=0)
    combined = forecast_arrivals(hist[hist["interval_start"] < "2026-09-07"], 7)
    actual = hist[hist["interval_start"] >= "2026-09-07"]

    def wape(fc: pd.DataFrame) -> float:
        m = actual.merge(fc, on=["hall_id", "interval_start"], how="left", suffixes=("", "_fc"))
        return float((m["arrivals"] - m["arrivals_fc"].fillna(0)).abs().sum() / m["arrivals"].sum())

    assert wape(combined) < 0.6 * wape(structural)


def test_an_odd_day_last_week_is_not_copied() -> None:
    """Last Wednesday ran at a third: next Wednesday's forecast follows the usual Wednesdays."""
    hist = _timetable(10, halls=("A1",), odd_day=dt.date(2026, 8, 26))
    fc = forecast_arrivals(hist, 7)
    day = fc.groupby(fc["interval_start"].dt.date)["arrivals"].sum()
    usual = hist[hist["interval_start"].dt.date == dt.date(2026, 8, 19)]["arrivals"].sum()
    assert day[dt.date(2026, 9, 2)] == pytest.approx(usual, rel=0.1)


def test_interval_membership_matches_the_quantiles() -> None:
    """The calibration's coverage check (cdf) and the reported bounds (ppf) agree."""
    from queueopt.forecast import _inside, _nb_interval

    rng = np.random.default_rng(5)
    mean = rng.gamma(2.0, 4.0, 4000)
    phi = np.where(rng.random(4000) < 0.5, 0.0, rng.gamma(1.0, 0.3, 4000))
    y = rng.poisson(mean * rng.gamma(3.0, 1 / 3.0, 4000)).astype(float)
    lo, hi = _nb_interval(mean, phi, 0.1)
    inside = (y >= lo) & (y <= hi)
    pois = phi == 0
    assert np.array_equal(_inside(y[pois], mean[pois], 0.0, 0.1), inside[pois])
    assert np.array_equal(_inside(y[~pois], mean[~pois], phi[~pois], 0.1), inside[~pois])


def test_holiday_never_in_the_history_is_forecast_with_a_warning() -> None:
    """Counts only (no halls.csv): with no row on any holiday the history cannot say whether the
    hall opens then nor how busy it is, so a holiday is forecast like an ordinary day of its
    weekday, with a warning; a history that shows holidays closed (rows of zeros) keeps them
    closed."""
    hist = _series(70, dt.date(2026, 9, 30), seed=4)
    cal = HallCalendar("CN")
    days = sorted(set(hist["interval_start"].dt.date))
    holidays = {d for d, k in zip(days, cal.day_kinds(days)) if k == "holiday"}
    unseen = hist[~hist["interval_start"].dt.date.isin(holidays)]
    fc = forecast_arrivals(unseen, 7)  # Oct 1-7: National Day
    assert fc["interval_start"].dt.date.nunique() == 7  # 6 days off and a plain Sunday (Oct 4)
    hol = fc["day_kind"] == "holiday"
    assert hol.sum() and fc.loc[hol, "warning"].str.contains("no holiday in the history").all()
    assert not fc.loc[~hol, "warning"].str.contains("holiday").any()
    totals = unseen.groupby(unseen["interval_start"].dt.date)["arrivals"].sum().tail(28)
    normal = totals[[d.day < 21 for d in totals.index]].mean()  # no month-end days
    daily = fc[hol].groupby(fc.loc[hol, "interval_start"].dt.date)["arrivals"].sum()
    assert (abs(daily / normal - 1) < 0.15).all()  # (the first days of a month run higher)
    closed = hist.copy()
    closed.loc[closed["interval_start"].dt.date.isin(holidays), "arrivals"] = 0
    shown_closed = forecast_arrivals(closed, 7)
    assert holidays and set(shown_closed["day_kind"]) == {"weekend"}  # only Sunday Oct 4


def _shaped(days: int, end: dt.date, shape_of: dict[int, np.ndarray], total_of: dict[int, float],
            seed: int = 0) -> pd.DataFrame:
    """Poisson counts 08:00-20:00 half-hourly with a weekday's own shape and daily total."""
    rng = np.random.default_rng(seed)
    slots = np.arange(8 * 60, 20 * 60, 30)
    rows = []
    for k in range(days - 1, -1, -1):
        d = end - dt.timedelta(days=k)
        shape = shape_of[d.weekday()]
        counts = rng.poisson(total_of[d.weekday()] * shape / shape.sum())
        rows += [("H1", pd.Timestamp(d) + pd.Timedelta(minutes=int(s)), float(c))
                 for s, c in zip(slots, counts)]
    return pd.DataFrame(rows, columns=["hall_id", "interval_start", "arrivals"])


def test_friday_saturday_weekend_gives_sunday_a_working_day_shape() -> None:
    """Israel: the weekend is Friday-Saturday and Sunday is the busiest working day. A
    weekend day is not pooled with the working days: Friday (a midday peak) keeps its shape,
    and Sunday is forecast at its own level."""
    t = np.arange(24)
    morning = np.exp(-0.5 * ((t - 4) / 3.0) ** 2)
    midday = np.exp(-0.5 * ((t - 10) / 2.0) ** 2)
    evening = np.exp(-0.5 * ((t - 20) / 3.0) ** 2)
    shape_of = {w: morning for w in range(7)} | {4: midday, 5: evening}
    total_of = {0: 1000.0, 1: 1000.0, 2: 1000.0, 3: 1000.0, 4: 400.0, 5: 300.0, 6: 1500.0}
    hist = _shaped(56, dt.date(2026, 2, 28), shape_of, total_of)  # ends on a Saturday
    cal = HallCalendar("IL", weekend=frozenset({4, 5}))
    fc = forecast_arrivals(hist, 7, calendar=cal, validation_weeks=0)  # the pooled profiles
    sun = fc[fc["interval_start"].dt.day_of_week == 6]
    assert sun["arrivals"].sum() == pytest.approx(1500, rel=0.1)
    fri = fc[fc["interval_start"].dt.day_of_week == 4]["arrivals"].to_numpy()
    share = fri[:7].sum() / fri.sum()
    assert share == pytest.approx(midday[:7].sum() / midday.sum(), abs=0.03)


def test_nan_arrivals_are_gaps_not_zeros() -> None:
    """The afternoons of two recent weeks logged as NaN (a gap, not a closure): the forecast
    is not biased down, as it is when the gap is read as zeros."""
    flat = np.ones(24)
    hist = _shaped(70, dt.date(2026, 3, 1), {w: flat for w in range(7)},
                   {w: 600.0 for w in range(7)}, seed=4)
    gap = (hist["interval_start"].dt.date.between(dt.date(2026, 2, 16), dt.date(2026, 3, 1))
           & (hist["interval_start"].dt.hour >= 14))
    with_nan = hist.assign(arrivals=hist["arrivals"].where(~gap))
    fc_nan = forecast_arrivals(with_nan, 7)
    fc_zero = forecast_arrivals(with_nan.fillna({"arrivals": 0.0}), 7)
    assert fc_nan["arrivals"].sum() == pytest.approx(7 * 600, rel=0.04)
    assert fc_zero["arrivals"].sum() < 0.95 * 7 * 600


def test_global_model_learns_across_halls_of_any_size() -> None:
    """One LightGBM model over four halls 1x-27x apart in size: each hall's forecast week is
    at its own level (within 10%), because the model learns counts over the hall's scale."""
    from queueopt.forecast import _global, _inner_origins

    flat = np.exp(-0.5 * ((np.arange(24) - 10) / 5.0) ** 2)
    halls = []
    for k, level in enumerate((100.0, 300.0, 900.0, 2700.0)):
        h = _shaped(70, dt.date(2026, 3, 1), {w: flat for w in range(7)},
                    {w: level * (0.6 if w >= 5 else 1.0) for w in range(7)}, seed=k)
        halls.append(h.assign(hall_id=f"H{k}"))
    hist = pd.concat(halls, ignore_index=True)
    fc = forecast_arrivals(hist, 7)
    for k, level in enumerate((100.0, 300.0, 900.0, 2700.0)):
        week = fc[fc["hall_id"] == f"H{k}"]["arrivals"].sum()
        assert week == pytest.approx(level * (5 + 2 * 0.6), rel=0.1)
    # the global model itself: four halls take part, and its week is at each hall's level
    import queueopt.forecast as fmod

    datas = []
    cal = HallCalendar("CN")
    for h in halls:
        minute = h["interval_start"].to_numpy().astype("datetime64[m]").astype(np.int64)
        day0 = int(minute.min() // 1440)
        days = [dt.date(1970, 1, 1) + dt.timedelta(days=day0 + i) for i in range(80)]
        kinds, acts = cal.day_kinds(days), cal.acts_as_weekdays(days)
        x = fmod._design(days, kinds, days[-1], acts)
        grp = np.array([fmod.DAY_GROUPS.index(fmod._day_group(a, b)) for a, b in zip(kinds, acts)])
        datas.append(fmod._hall_data(minute, h["arrivals"].to_numpy(float), 60, None, day0, x,
                                     grp, kinds, 7, fmod._parent_index(cal)))
    inner, final = _global(datas, [_inner_origins(d, 6) for d in datas], 7, True)
    for d, f, level in zip(datas, final, (100.0, 300.0, 900.0, 2700.0)):
        assert f is not None and f.sum() == pytest.approx(level * (5 + 2 * 0.6), rel=0.1)
    assert all(i is not None and len(i) == 6 and np.isfinite(i[0]).all() for i in inner)
    assert _global(datas, [[] for _ in datas], 7, False) == ([None] * 4, [None] * 4)
