"""The sample generator reproduces the operators' figures of DOMAIN.md."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from queueopt.synth import AFTERNOON, generate_region


@pytest.fixture(scope="module")
def region():  # type: ignore[no-untyped-def]
    return generate_region(n_halls=3, weeks=12, seed=7)  # Aug 31 - Nov 22: Sep, Oct whole


def test_same_seed_same_data() -> None:
    a = generate_region(n_halls=2, weeks=1, seed=3).tickets
    b = generate_region(n_halls=2, weeks=1, seed=3).tickets
    pd.testing.assert_frame_equal(a, b)


def test_month_end_carries_about_half_the_visits(region) -> None:  # type: ignore[no-untyped-def]
    """DOMAIN.md: ~50% of visits on days 21-31. Check the full months only."""
    t = region.tickets
    sept_oct = t[t["issued_at"].dt.month.isin([9, 10])]
    share = (sept_oct["issued_at"].dt.day >= 21).mean()
    # October's National Day week lowers days 1-7, September is a plain month
    assert 0.44 <= share <= 0.56


def test_afternoon_share_is_about_forty_percent(region) -> None:  # type: ignore[no-untyped-def]
    t = region.tickets
    minute = t["issued_at"].dt.hour * 60 + t["issued_at"].dt.minute
    share = ((minute >= AFTERNOON[0]) & (minute < AFTERNOON[1])).mean()
    assert 0.36 <= share <= 0.44


def test_ticket_times_are_consistent(region) -> None:  # type: ignore[no-untyped-def]
    t = region.tickets
    served = ~t["abandoned"]
    assert (t.loc[served, "called_at"] >= t.loc[served, "issued_at"]).all()
    assert (t.loc[served, "served_end"] >= t.loc[served, "called_at"]).all()
    assert t.loc[~served, "called_at"].isna().all()
    assert 0.02 < t["abandoned"].mean() < 0.25
    assert 0.03 < (t["tier"] == "vip").mean() < 0.11


def test_topup_and_bundle_handling_times(region) -> None:  # type: ignore[no-untyped-def]
    """1.5 min top-up (+0.5 cross-selling) vs 15-20 min bundled visits, lognormal."""
    t = region.tickets
    c = t[(t["channel"] == "counter") & ~t["abandoned"]]
    minutes = (c["served_end"] - c["called_at"]).dt.total_seconds() / 60
    by_type = minutes.groupby(c["transaction_type"]).mean()
    assert by_type["TOPUP"] == pytest.approx(2.0, rel=0.05)
    assert by_type["BUNDLE"] == pytest.approx(20.0, rel=0.05)
    assert np.log(minutes[c["transaction_type"] == "BUNDLE"]).skew() == pytest.approx(0, abs=0.2)


def test_footfall_only_mode_is_fast_and_countable() -> None:
    r = generate_region(n_halls=30, weeks=2, seed=1, with_tickets=False)
    assert r.tickets is None and r.footfall is not None
    assert r.footfall["hall_id"].nunique() == 30
    assert (r.footfall["arrivals"] >= 0).all()


def test_synth_cli(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`queueopt synth` writes a valid small region and refuses a bad date."""
    from queueopt.cli import main

    assert main(["synth", "--out", str(tmp_path), "--halls", "2", "--weeks", "1"]) == 0
    assert main(["validate", str(tmp_path)]) == 0
    assert main(["synth", "--out", str(tmp_path), "--end", "2026-02-30"]) == 2
