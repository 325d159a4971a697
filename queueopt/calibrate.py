"""Calibration from a queue-ticket log: the parameters every model needs.

From one row per ticket (README ``tickets.csv``) this module measures, per
hall:

* arrivals per interval and transaction type;
* handling time per transaction type and channel: mean (minutes) and squared
  coefficient of variation;
* kiosk adoption: the share of kiosk-eligible tickets done at a kiosk;
* abandonment: the share of tickets that left before being called, and the
  mean patience by the exponential maximum-likelihood estimate
  ``θ̂⁻¹ = Σ exposure / Σ abandonments``, where every ticket's exposure is its
  time in queue (until called, or until it left). Exposure is censored by
  service, which is why the plain mean of the abandoners' waits would be
  biased low (Brown et al., "Statistical analysis of a telephone call
  center", JASA 2005, §6);
* observed waits per interval: mean wait, share within the threshold and
  abandonment, to check the models against.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from queueopt.io import HALL_ID, INTERVAL_START, TRANSACTION_TYPE
from queueopt.model import TransactionType


@dataclass(frozen=True)
class Calibration:
    """Measured parameters of one or many halls.

    Attributes
    ----------
    handling:
        ``hall_id, channel, transaction_type, tickets, mean_minutes, scv``.
    kiosk_adoption:
        ``hall_id -> share`` of kiosk-eligible tickets done at a kiosk (0-1).
    abandonment:
        ``hall_id -> share`` of tickets that left before being called.
    patience:
        ``hall_id -> mean patience`` in minutes (``inf`` when nobody left).
    observed:
        Per hall and arrival interval: ``arrivals, mean_wait`` (minutes, over
        everyone, abandoners up to when they left), ``within_threshold``
        (share called within the threshold) and ``abandonment``.
    """

    handling: pd.DataFrame
    kiosk_adoption: dict[str, float]
    abandonment: dict[str, float]
    patience: dict[str, float]
    observed: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """One row per hall: adoption, abandonment, patience, mean observed wait."""
        halls = sorted(self.abandonment)
        obs = self.observed
        w = obs.assign(ws=obs["mean_wait"] * obs["arrivals"]).groupby(HALL_ID)[["ws", "arrivals"]].sum()
        return pd.DataFrame({
            HALL_ID: halls,
            "kiosk_adoption": [self.kiosk_adoption.get(h, 0.0) for h in halls],
            "abandonment": [self.abandonment[h] for h in halls],
            "patience_minutes": [self.patience[h] for h in halls],
            "mean_wait_minutes": [float(w.loc[h, "ws"] / w.loc[h, "arrivals"]) if h in w.index
                                  else float("nan") for h in halls],
        })

    def counter_moments(self, hall_id: str, types: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Counter mean (minutes) and cv per type for one hall, ``nan`` where unseen."""
        h = self.handling
        part = h[(h[HALL_ID] == hall_id) & (h["channel"] == "counter")].set_index(TRANSACTION_TYPE)
        part = part.reindex(types)
        return part["mean_minutes"].to_numpy(float), np.sqrt(part["scv"].to_numpy(float))


def calibrate(tickets: pd.DataFrame, transactions: dict[str, TransactionType] | None = None, *,
              interval_minutes: int = 15, threshold: float = 10.0) -> Calibration:
    """Measure handling, adoption, abandonment, patience and observed waits.

    Parameters
    ----------
    tickets:
        Parsed ticket log (as :func:`queueopt.io.load_dataset` returns it).
    transactions:
        Transaction types, for the kiosk-eligible set (adoption).
    interval_minutes:
        Interval of the observed-wait table, minutes.
    threshold:
        Service-level threshold, minutes.
    """
    t = tickets
    served = ~t["abandoned"]
    handle = (t["served_end"] - t["called_at"]).dt.total_seconds() / 60.0
    hs = pd.DataFrame({HALL_ID: t[HALL_ID], "channel": t["channel"],
                       TRANSACTION_TYPE: t[TRANSACTION_TYPE], "h": handle})[served]
    g = hs.groupby([HALL_ID, "channel", TRANSACTION_TYPE])["h"]
    handling = g.agg(tickets="count", mean_minutes="mean", var="var").reset_index()
    handling["scv"] = handling["var"] / handling["mean_minutes"] ** 2
    handling = handling.drop(columns="var")

    left_at = t["abandoned_at"]
    end_wait = t["called_at"].where(served, left_at)
    wait = (end_wait - t["issued_at"]).dt.total_seconds() / 60.0
    known = wait.notna()
    frame = pd.DataFrame({HALL_ID: t[HALL_ID], "ab": t["abandoned"], "w": wait, "known": known})
    abandonment = frame.groupby(HALL_ID)["ab"].mean().to_dict()
    exposure = frame[known].groupby(HALL_ID)["w"].sum()
    n_ab = frame[known & frame["ab"]].groupby(HALL_ID).size().reindex(exposure.index, fill_value=0)
    patience = {h: (float(exposure[h] / n_ab[h]) if n_ab[h] > 0 else float("inf"))
                for h in exposure.index}

    adoption: dict[str, float] = {}
    if transactions:
        eligible = [c for c, tt in transactions.items() if tt.kiosk_eligible]
        el = t[t[TRANSACTION_TYPE].isin(eligible)]
        adoption = el.groupby(HALL_ID)["channel"].apply(lambda s: float((s == "kiosk").mean())).to_dict()

    counter = t["channel"] == "counter"
    slot = t["issued_at"].dt.floor(f"{interval_minutes}min")
    obs = pd.DataFrame({HALL_ID: t[HALL_ID], INTERVAL_START: slot, "w": wait.fillna(0.0),
                        "ok": served & (wait <= threshold), "ab": t["abandoned"]})[counter]
    observed = obs.groupby([HALL_ID, INTERVAL_START]).agg(
        arrivals=("w", "size"), mean_wait=("w", "mean"), within_threshold=("ok", "mean"),
        abandonment=("ab", "mean")).reset_index()
    return Calibration(handling=handling, kiosk_adoption=adoption,
                       abandonment={str(k): float(v) for k, v in abandonment.items()},
                       patience=patience, observed=observed)
