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

import pandas as pd

from queueopt.io import HALL_ID, INTERVAL_START, TRANSACTION_TYPE
from queueopt.model import TransactionType
from queueopt.queueing import arrival_weighted_mean


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
        waits = {h: arrival_weighted_mean(g["mean_wait"], g["arrivals"], empty=float("nan"))
                 for h, g in obs.groupby(HALL_ID)}
        return pd.DataFrame({
            HALL_ID: halls,
            "kiosk_adoption": [self.kiosk_adoption.get(h, 0.0) for h in halls],
            "abandonment": [self.abandonment[h] for h in halls],
            "patience_minutes": [self.patience[h] for h in halls],
            "mean_wait_minutes": [waits.get(h, float("nan")) for h in halls],
        })


def kiosk_adoption(tickets: pd.DataFrame, transactions: dict[str, TransactionType]
                   ) -> dict[str, float]:
    """``hall_id -> share`` of kiosk-eligible tickets done at a kiosk (0-1), from a ticket log."""
    eligible = [c for c, tt in transactions.items() if tt.kiosk_eligible]
    el = tickets[tickets[TRANSACTION_TYPE].isin(eligible)]
    return {str(h): float(v) for h, v in
            el.groupby(HALL_ID)["channel"].apply(lambda s: float((s == "kiosk").mean())).items()}


def _waits(t: pd.DataFrame) -> pd.Series:
    """Each ticket's time in queue (minutes): until called, or until it left (``nan`` unknown)."""
    end_wait = t["called_at"].where(~t["abandoned"], t["abandoned_at"])
    return (end_wait - t["issued_at"]).dt.total_seconds() / 60.0


def observed_waits(tickets: pd.DataFrame, *, interval_minutes: int = 15,
                   threshold: float = 10.0) -> pd.DataFrame:
    """Observed counter waits per hall and arrival interval.

    Returns ``hall_id, interval_start, arrivals, mean_wait`` (minutes, over
    everyone, abandoners up to when they left), ``within_threshold`` (share
    called within ``threshold`` minutes) and ``abandonment``.
    """
    t = tickets
    wait = _waits(t)
    counter = t["channel"] == "counter"
    slot = t["issued_at"].dt.floor(f"{interval_minutes}min")
    obs = pd.DataFrame({HALL_ID: t[HALL_ID], INTERVAL_START: slot, "w": wait.fillna(0.0),
                        "ok": ~t["abandoned"] & (wait <= threshold), "ab": t["abandoned"]})[counter]
    return obs.groupby([HALL_ID, INTERVAL_START]).agg(
        arrivals=("w", "size"), mean_wait=("w", "mean"), within_threshold=("ok", "mean"),
        abandonment=("ab", "mean")).reset_index()


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

    wait = _waits(t)
    known = wait.notna()
    frame = pd.DataFrame({HALL_ID: t[HALL_ID], "ab": t["abandoned"], "w": wait, "known": known})
    abandonment = frame.groupby(HALL_ID)["ab"].mean().to_dict()
    exposure = frame[known].groupby(HALL_ID)["w"].sum()
    n_ab = frame[known & frame["ab"]].groupby(HALL_ID).size().reindex(exposure.index, fill_value=0)
    patience = {h: (float(exposure[h] / n_ab[h]) if n_ab[h] > 0 else float("inf"))
                for h in exposure.index}
    return Calibration(handling=handling,
                       kiosk_adoption=kiosk_adoption(t, transactions) if transactions else {},
                       abandonment={str(k): float(v) for k, v in abandonment.items()},
                       patience=patience,
                       observed=observed_waits(t, interval_minutes=interval_minutes,
                                               threshold=threshold))
