"""A hall's inputs, made once from the data directory, against the raw files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from queueopt.hall_inputs import hall_inputs, region_inputs
from queueopt.io import load_dataset


def test_inputs_match_the_raw_files(sample_dir: Path) -> None:
    """Counted here from transactions.csv and tickets.csv.gz with pandas alone."""
    ds = load_dataset(sample_dir)
    inp = hall_inputs(ds, "H01")
    tx = pd.read_csv(sample_dir / "transactions.csv").set_index("transaction_type")
    assert list(inp.types) == list(tx.index)
    assert inp.mean_minutes.tolist() == tx["mean_minutes"].tolist()
    assert inp.cross_sell_minutes.tolist() == tx["cross_sell_minutes"].tolist()
    assert inp.handle_minutes(True) == pytest.approx(tx["mean_minutes"] + tx["cross_sell_minutes"])
    t = pd.read_csv(sample_dir / "tickets.csv.gz")
    t = t[t["hall_id"] == "H01"]
    counter = t[t["channel"] == "counter"]
    assert inp.vip_share == pytest.approx((counter["tier"] == "vip").mean(), abs=1e-12)
    eligible = tx.index[tx["kiosk_eligible"] == 1]
    el = t[t["transaction_type"].isin(eligible)]
    assert inp.kiosk_adoption == pytest.approx((el["channel"] == "kiosk").mean(), abs=1e-12)
    assert inp.shares.sum() == pytest.approx(1.0)
    assert inp.counters == ds.hall("H01").counters and inp.patience == ds.policy.patience


def test_inputs_are_read_only_and_region_measures_once(sample_dir: Path) -> None:
    ds = load_dataset(sample_dir)
    every = region_inputs(ds)
    assert set(every) == set(ds.halls)
    one = hall_inputs(ds, "H05")
    assert every["H05"].kiosk_adoption == pytest.approx(one.kiosk_adoption, abs=1e-12)
    with pytest.raises(ValueError):
        one.shares[0] = 1.0
    other = one.with_mix(pd.DataFrame({"transaction_type": [one.types[0]], "share": [2.0]}))
    assert other.shares.tolist() == [1.0] + [0.0] * (len(one.types) - 1)
    assert np.array_equal(one.with_kiosks(0).mean_minutes, one.mean_minutes)
    with pytest.raises(ValueError, match="kiosks"):
        one.with_kiosks(-1)
