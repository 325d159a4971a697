"""Staffing's search, guards and formulas on small cases worked out by hand (fast).

The check-and-repair loop and the take-back are driven here by a fake plan check
whose truth is known (``_Truth``: interval i meets the target when a stated rule
of the counters holds), so every step of the documented search - one more
counter where the check misses, one more an interval earlier when the miss
comes from carry-over, the group take-back and its narrowing, the choice
between SIPP and the repaired plan - can be traced by hand below and compared
with what the search asked the check. The formulas are compared with
closed forms and with a birth-death chain solved here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pytest
from scipy.stats import norm

from queueopt.simulate import SimulationResult
from queueopt.staffing import StaffingResult, modified_offered_load, staff_requirements

SEED = 20261125
"""staff_requirements' default seed: the fake check reads seed - SEED as the offset."""

Rule = Callable[[np.ndarray, int], np.ndarray]


class _Truth:
    """A plan check with a known answer; records every plan it is asked about.

    In each replication every interval with customers has 100 arrivals. Where
    ``rule(counters, offset)`` holds, 100 - offset are called within the
    threshold, the mean wait is 0.5 + offset minutes and ``offset`` customers
    leave (so figures from the check's three sets of random numbers - offset 0
    for the repair, 1 for the take-back, 2 for the reported figures - differ);
    elsewhere nobody is called in time and the mean wait is 30 minutes. In the
    intervals ``empty`` the simulated days see no customer at all.
    Replications are identical, so the standard errors are 0.
    """

    def __init__(self, lam: np.ndarray, rule: Rule, empty: Sequence[int] = ()) -> None:
        self.lam, self.rule, self.empty = lam, rule, list(empty)
        self.calls: list[tuple[list[int], int, int]] = []

    def __call__(self, counters: np.ndarray, replications: int, seed: int) -> SimulationResult:
        c = np.asarray(counters, dtype=np.int64)
        off = seed - SEED
        self.calls.append((c.tolist(), replications, off))
        ok = np.asarray(self.rule(c, off), dtype=bool)
        n = len(c)
        arr = np.where(self.lam > 0, 100, 0)
        arr[self.empty] = 0
        row = lambda x: np.tile(np.asarray(x), (replications, 1))  # noqa: E731
        zeros = row(np.zeros(n, np.int64))
        return SimulationResult(
            interval_minutes=15, threshold=10.0, arrivals=row(arr),
            within=row(np.where(ok, arr - off * (arr > 0), 0)),
            abandoned=row(np.where(ok, off * (arr > 0), 0)),
            wait_sum=row(np.where(ok, (0.5 + off) * arr, 30.0 * arr)),
            queue_end=zeros, kiosk_arrivals=zeros, kiosk_within=zeros,
            kiosk_wait_sum=row(np.zeros(n)), vip_arrivals=zeros, vip_within=zeros)

    def plans(self, offset: int) -> list[list[int]]:
        """The plans checked on one set of random numbers, in order."""
        return [c for c, _, o in self.calls if o == offset]


def _needs(need: list[int]) -> Rule:
    """Interval i meets the target with at least need[i] counters, on any random numbers."""
    return lambda c, off: c >= np.array(need)


def _plan(lam: np.ndarray, rule: Rule, **kw: object) -> tuple[StaffingResult, _Truth]:
    truth = _Truth(lam, rule)
    args: dict[str, object] = dict(replications=2, simulator=truth)
    args.update(kw)
    return staff_requirements(lam, 4.0, 10.0, 0.8, **args), truth  # type: ignore[arg-type]


LOW = 0.1
"""0.1 customers a minute with 4-minute visits: one counter meets 80% in 10 minutes by SIPP
and by the modified offered load (M/M/1, 0.9107: test_staffing.test_formulas_by_hand)."""


def test_the_starting_plans_of_the_cases_below() -> None:
    lam = np.full(8, LOW)
    assert staff_requirements(lam, 4.0, 10.0, 0.8, method="sipp").counters.tolist() == [1] * 8
    assert staff_requirements(lam, 4.0, 10.0, 0.8, method="mol").counters.tolist() == [1] * 8


def test_repair_adds_where_the_check_misses_and_an_interval_earlier_for_carry_over() -> None:
    """Interval 4 needs 3 counters. Round 1: it misses with 1 -> 2 (not above SIPP + 1 = 2, so
    no carry-over counter). Round 2: misses with 2 -> 3, now above SIPP + 1: one more in
    interval 3. Round 3: passes. The take-back tries both extra counters of interval 4 and
    the one of interval 3 at once (the one furthest above SIPP first), interval 4 misses and
    both are within the hour before it: nothing is taken back. SIPP misses in interval 4, so
    the repaired plan is kept; its figures come from the third set of random numbers."""
    res, truth = _plan(np.full(8, LOW), _needs([1, 1, 1, 1, 3, 1, 1, 1]))
    assert truth.plans(0) == [[1] * 8, [1, 1, 1, 1, 2, 1, 1, 1], [1, 1, 1, 2, 3, 1, 1, 1]]
    assert truth.plans(1) == [[1, 1, 1, 1, 2, 1, 1, 1]]
    assert res.counters.tolist() == [1, 1, 1, 2, 3, 1, 1, 1]
    assert (res.method, res.iterations, res.checked, res.notes) == ("simulation", 3, True, ())
    assert res.service_level.tolist() == [0.98] * 8
    assert res.mean_wait.tolist() == [2.5] * 8
    assert res.abandonment.tolist() == [0.02] * 8
    assert {r for _, r, _ in truth.calls} == {2}


def test_no_carry_over_counter_before_opening() -> None:
    """Intervals 0 and 1 need 3. Round 2 takes both to 3; interval 1 is then above SIPP + 1 so
    interval 0 gets one more (4); interval 0 has no interval before it (the last interval of
    the day must not get it)."""
    res, truth = _plan(np.full(4, LOW), _needs([3, 3, 1, 1]))
    assert truth.plans(0) == [[1, 1, 1, 1], [2, 2, 1, 1], [4, 3, 1, 1]]
    assert res.counters.tolist() == [4, 3, 1, 1] and res.iterations == 3


def test_take_back_keeps_a_removal_that_passes_both_checks() -> None:
    """Interval 5 meets when intervals 4 and 5 together have 4 counters (either one drains the
    queue). Repair: 5 -> 2, then 5 -> 3 with a carry-over counter in 4: 2 + 3 = 5, one more
    than needed. Taking both back at once fails (1 + 2); with at most one removal the take-back
    tries interval 5 alone (furthest above SIPP): 2 + 2 = 4 passes on fresh random numbers,
    and again on the repair's own (round 4)."""
    lam = np.full(8, LOW)

    def drains(c: np.ndarray, off: int) -> np.ndarray:
        ok = c >= 1
        ok[5] = c[4] + c[5] >= 4
        return ok

    both, truth = _plan(lam, drains)
    assert truth.plans(1) == [[1, 1, 1, 1, 1, 2, 1, 1]]
    assert both.counters.tolist() == [1, 1, 1, 1, 2, 3, 1, 1] and both.iterations == 3
    one, truth = _plan(lam, drains, max_removals=1)
    assert truth.plans(1) == [[1, 1, 1, 1, 2, 2, 1, 1]]
    assert truth.plans(0)[-1] == [1, 1, 1, 1, 2, 2, 1, 1]
    assert one.counters.tolist() == [1, 1, 1, 1, 2, 2, 1, 1] and one.iterations == 4


def test_take_back_narrows_to_the_removals_no_miss_can_be_blamed_on() -> None:
    """The repair's random numbers need 2 counters in intervals 2, 6 and 10; fresh ones only
    in interval 6. Taking all three back misses in interval 6 only, which blames the removals
    in intervals 2..6 (an hour = 4 intervals before it, and itself) but not the one in 10: the
    second trial takes back interval 10 alone and passes. The repair's own random numbers then
    put it back (iterations 2 + 2)."""
    lam = np.full(12, LOW)

    def rule(c: np.ndarray, off: int) -> np.ndarray:
        need = np.ones(12, np.int64)
        need[[2, 6, 10] if off == 0 else [6]] = 2
        return c >= need

    res, truth = _plan(lam, rule)
    two = [1, 1, 2, 1, 1, 1, 2, 1, 1, 1, 2, 1]
    assert truth.plans(1) == [[1] * 12, [1, 1, 2, 1, 1, 1, 2, 1, 1, 1, 1, 1]]
    assert truth.plans(0) == [[1] * 12, two, [1, 1, 2, 1, 1, 1, 2, 1, 1, 1, 1, 1]]
    assert res.counters.tolist() == two and res.iterations == 4


def test_with_hour_long_intervals_a_miss_blames_one_interval_back() -> None:
    """60-minute intervals: a queue carries over about an hour, one interval. The repair's random
    numbers need 2 counters in intervals 1 and 3, fresh ones only in 3. Taking both back
    misses in 3, which blames the removals in 2..3: interval 1's is tried alone next."""
    lam = np.full(6, LOW)

    def rule(c: np.ndarray, off: int) -> np.ndarray:
        need = np.ones(6, np.int64)
        need[[1, 3] if off == 0 else [3]] = 2
        return c >= need

    res, truth = _plan(lam, rule, interval_minutes=60)
    assert truth.plans(1) == [[1] * 6, [1, 1, 1, 2, 1, 1]]
    assert res.counters.tolist() == [1, 2, 1, 2, 1, 1] and res.iterations == 4


def test_take_back_tries_the_counters_furthest_above_sipp_first() -> None:
    """0.1, 0.16, 0.16, 0.1 customers a minute: SIPP needs [1, 2, 2, 1] (one counter at
    rho = 0.64 gives 0.740 < 0.8: test_auto_skips_sipp_when_the_repaired_plan_is_cheaper), and
    so does the modified offered load (0.16 x 3.49 + 0.1 x 0.49 = 0.61 > 0.575, the most one
    counter serves at 80% in 10 minutes; after the rise, 0.43). The check needs [1, 3, 2, 3]:
    round 1 gives [1, 3, 2, 2], round 2 [1, 3, 3, 3] (interval 3 above SIPP + 1: a counter in 2).
    Interval 3 is 2 above SIPP, intervals 1 and 2 one: with one removal allowed, interval 3's
    is tried."""
    lam = np.array([LOW, 0.16, 0.16, LOW])
    assert staff_requirements(lam, 4.0, 10.0, 0.8, method="sipp").counters.tolist() == [1, 2, 2, 1]
    assert staff_requirements(lam, 4.0, 10.0, 0.8, method="mol").counters.tolist() == [1, 2, 2, 1]
    res, truth = _plan(lam, _needs([1, 3, 2, 3]), max_removals=1)
    assert truth.plans(0) == [[1, 2, 2, 1], [1, 3, 2, 2], [1, 3, 3, 3]]
    assert truth.plans(1) == [[1, 3, 3, 2]]
    assert res.counters.tolist() == [1, 3, 3, 3]


def test_an_interval_the_simulation_saw_no_customer_in_is_no_miss() -> None:
    """At low rates a simulated interval may see nobody: no service level, wait or abandonment
    to miss there (caps: mean wait 0.75 min, abandonment 50%); the plan passes at once. (The
    wait cap makes it 2 counters: one at rho = 0.4 waits 0.4 x 4 / 0.6 = 2.67 min; two wait
    C(2, 0.4) x 4 / 1.6 = 0.067 x 2.5 = 0.17 min.)"""
    lam = np.full(4, LOW)
    truth = _Truth(lam, lambda c, off: c >= 1, empty=[2])
    res = staff_requirements(lam, 4.0, 10.0, 0.8, patience=10.0, max_mean_wait=0.75,
                             max_abandonment=0.5, replications=2, simulator=truth)
    assert truth.plans(0) == [[2, 2, 2, 2]]
    assert res.counters.tolist() == [2, 2, 2, 2]
    assert (res.service_level[2], res.mean_wait[2], res.abandonment[2]) == (1.0, 0.0, 0.0)


def test_take_back_keeps_the_plan_when_no_removal_explains_a_miss() -> None:
    """The repair's random numbers need 2 counters in interval 7; fresh ones need 1 there but
    miss in interval 0 whatever the plan (noise no removal causes, since the only removal is
    later in the day): the take-back tries once and keeps the plan."""
    def rule(c: np.ndarray, off: int) -> np.ndarray:
        if off != 1:
            return c >= np.array([1, 1, 1, 1, 1, 1, 1, 2])
        ok = c >= 1
        ok[0] = False
        return ok

    res, truth = _plan(np.full(8, LOW), rule)
    assert truth.plans(1) == [[1] * 8]
    assert res.counters.tolist() == [1] * 7 + [2]


def test_auto_keeps_sipp_when_it_passes_at_no_more_cost() -> None:
    """A plan that meets the target everywhere at the starting counters: SIPP and the repaired
    plan cost the same, so auto reports SIPP (0 repair rounds); "simulation" reports its own."""
    res, truth = _plan(np.full(4, LOW), _needs([1, 1, 1, 1]))
    assert (res.method, res.iterations, res.counters.tolist()) == ("sipp", 0, [1, 1, 1, 1])
    assert res.checked and res.service_level.tolist() == [0.98] * 4
    sim, _ = _plan(np.full(4, LOW), _needs([1, 1, 1, 1]), method="simulation")
    assert (sim.method, sim.iterations) == ("simulation", 1)


def test_auto_skips_sipp_when_the_repaired_plan_is_cheaper() -> None:
    """0.16 a minute, 4-minute visits (A = 0.64): SIPP needs 2 counters (one counter at
    rho = 0.64: 1 - 0.64 e^(-0.36 x 2.5) = 0.740 < 0.8). The hall opens empty: the modified
    offered load of the first interval is 0.16 E[min(S, 8 min)] = 0.16 x 3.49 = 0.56 (lognormal,
    mean 4, SCV 1), and one counter at rho = 0.56 gives 1 - 0.56 e^(-0.44 x 2.5) = 0.814. So
    the repaired plan starts at [1, 2, 2, 2]; it passes, costs less than SIPP, and SIPP is not
    even simulated."""
    lam = np.full(4, 0.16)
    assert staff_requirements(lam, 4.0, 10.0, 0.8, method="sipp").counters.tolist() == [2] * 4
    res, truth = _plan(lam, _needs([1, 1, 1, 1]))
    assert (res.method, res.counters.tolist()) == ("simulation", [1, 2, 2, 2])
    assert [c for c, _, _ in truth.calls] == [[1, 2, 2, 2], [1, 2, 2, 2]]


def test_a_plan_the_repair_cannot_fix_is_noted() -> None:
    """Interval 2 never meets the target: three rounds add 2 -> 3 -> 4 there (with carry-over
    counters in interval 1 from round 2 on) and stop; with 3 physical counters one interval
    (interval 2, 4 counters; interval 1 has 3) needs more."""
    res, _ = _plan(np.full(4, LOW), lambda c, off: np.array([True, True, False, True]),
                   max_iterations=3, max_counters=3)
    assert res.counters.tolist() == [1, 3, 4, 1]
    assert res.notes == ("check-and-repair stopped after 3 rounds",
                         "1 interval(s) need more than the 3 physical counters")
    fine, _ = _plan(np.full(4, LOW), _needs([1, 1, 1, 1]), max_counters=1)
    assert fine.notes == ()


@pytest.mark.parametrize("rate,days", [(0.16, 200), (5.0, 100), (10.0, 40)])
def test_replications_sized_to_about_30000_customers(rate: float, days: int) -> None:
    """15-minute intervals: 4 at 0.16/min are 9.6 customers a day (30,000 / 9.6 = 3125 days,
    capped at 200), 4 at 5/min are 300 a day (100 days), 20 at 10/min are 3,000 a day (10
    days, raised to the least, 40)."""
    n = 20 if rate == 10.0 else 4
    truth = _Truth(np.full(n, rate), lambda c, off: c >= 0)
    staff_requirements(np.full(n, rate), 4.0, 10.0, 0.8, simulator=truth)
    assert {r for _, r, _ in truth.calls} == {days}


def test_the_checks_use_three_seeds() -> None:
    """Repair on seed s, take-back on s + 1, reported figures on s + 2."""
    truth = _Truth(np.full(3, LOW), _needs([1, 2, 1]))
    staff_requirements(np.full(3, LOW), 4.0, 10.0, 0.8, replications=2, simulator=truth,
                       seed=SEED)
    assert sorted({o for _, _, o in truth.calls}) == [0, 1, 2]


def test_intervals_without_customers_report_no_wait() -> None:
    res, _ = _plan(np.array([0.0, LOW, 0.0]), lambda c, off: c >= 0)
    assert res.counters.tolist() == [0, 1, 0]
    assert res.service_level.tolist() == [1.0, 0.98, 1.0]
    assert res.mean_wait.tolist() == [0.0, 2.5, 0.0]
    assert res.abandonment.tolist() == [0.0, 0.02, 0.0]


# ---------------------------------------------------------------- formulas
def test_staff_after_shrinkage_is_exact_at_whole_numbers() -> None:
    """21 counters at 30% shrinkage need 21 / 0.7 = 30 staff exactly (30.000000000000004 in
    floating point must not round up to 31); 22 need ceil(31.43) = 32."""
    r = StaffingResult(counters=np.array([21, 22]), service_level=np.ones(2),
                       mean_wait=np.zeros(2), abandonment=np.zeros(2), method="sipp",
                       interval_minutes=30, shrinkage=0.3)
    assert r.staff.tolist() == [30, 32]
    assert r.staff_hours == 31.0  # (30 + 32) staff x half an hour


def _abandonment(lam: float, s: float, c: int, patience: float, states: int = 2000) -> float:
    """Share who leave in M/M/c+M: the birth-death chain solved here, truncated far out."""
    w = [1.0]
    for n in range(1, states):
        w.append(w[-1] * lam / (min(n, c) / s + max(n - c, 0) / patience))
    p = np.array(w) / sum(w)
    queue = sum(p[n] * (n - c) for n in range(c + 1, states))
    return float(queue / patience / lam)


def test_abandonment_cap_gives_the_fewest_counters_the_chain_allows() -> None:
    """A cap of 1% abandonment (patience 5 min): the fewest counters whose abandonment, by a
    birth-death chain solved here, is at most 1% - never below what the 50%-in-10-minutes
    target alone needs (the fewest stable counters: c > A). A quiet interval (0.05/min, 4-minute
    visits) needs 2 counters for a 2% cap with patience 2 min; an empty one none."""
    lam = np.array([0.8, 0.05, 0.0])
    s = np.array([5.0, 4.0, 4.0])

    def fewest(rate: float, handle: float, pat: float, cap: float) -> int:
        c = int(np.floor(rate * handle)) + 1
        while _abandonment(rate, handle, c, pat) > cap:
            c += 1
        return c

    assert fewest(0.05, 4.0, 2.0, 0.02) == 2  # one counter loses more than 2%
    r1 = staff_requirements(lam[:1], s[:1], 10.0, 0.5, method="sipp", patience=5.0,
                            max_abandonment=0.01)
    assert r1.counters.tolist() == [fewest(0.8, 5.0, 5.0, 0.01)]
    r2 = staff_requirements(lam[1:], s[1:], 10.0, 0.5, method="sipp", patience=2.0,
                            max_abandonment=0.02)
    assert r2.counters.tolist() == [2, 0]
    assert r2.abandonment[0] == pytest.approx(_abandonment(0.05, 4.0, 2, 2.0), rel=1e-6)


def test_patience_alone_changes_the_figures_not_the_counters() -> None:
    """Without a cap on abandonment, patience does not change SIPP's counters; the reported
    abandonment is the chain's."""
    lam = np.full(2, 0.5)
    plain = staff_requirements(lam, 4.0, 10.0, 0.8, method="sipp")
    patient = staff_requirements(lam, 4.0, 10.0, 0.8, method="sipp", patience=10.0)
    assert patient.counters.tolist() == plain.counters.tolist() == [3, 3]
    assert patient.abandonment[0] == pytest.approx(_abandonment(0.5, 4.0, 3, 10.0), rel=1e-6)


@pytest.mark.parametrize("scv", [0.25, 1.0, 2.0])
def test_modified_offered_load_from_an_empty_start(scv: float) -> None:
    """Constant λ from an empty hall: m(t) = λ E[min(S, t)] (lognormal S, closed form). The
    one-minute convolution evaluates minute 7 of each 15-minute interval, the load at its end,
    t = 15 k + 8 minutes."""
    mean = 5.0
    sig2 = np.log1p(scv)
    mu, sig = np.log(mean) - sig2 / 2, np.sqrt(sig2)
    t = np.arange(6) * 15 + 8.0
    exact = (mean * norm.cdf((np.log(t) - mu - sig2) / sig)
             + t * (1 - norm.cdf((np.log(t) - mu) / sig)))
    assert modified_offered_load(np.full(6, 1.0), mean, scv, 15) == pytest.approx(exact, rel=2e-3)


def test_mol_weighs_the_handling_time_by_arrivals() -> None:
    """An interval without customers does not pull the mean handling time of the modified
    offered load: 100-minute visits where nobody comes change nothing."""
    lam = np.array([0.0, LOW, LOW])
    mol = staff_requirements(lam, np.array([100.0, 4.0, 4.0]), 10.0, 0.8, method="mol")
    assert mol.counters.tolist() == [0, 1, 1]


# ---------------------------------------------------------------- guards at their edges
@pytest.mark.parametrize("kwargs", [
    dict(threshold=0.0), dict(patience=0.5), dict(replications=1, method="simulation"),
    dict(vip_share=0.0), dict(vip_share=0.99), dict(target=0.01), dict(target=0.99),
    dict(shrinkage=0.0), dict(shrinkage=0.94), dict(handle_time=0.5), dict(interval_minutes=1),
])
def test_values_at_the_edge_of_the_allowed_range_are_accepted(kwargs: dict[str, object]) -> None:
    args: dict[str, object] = dict(arrival_rate=[LOW, LOW], handle_time=4.0, threshold=10.0,
                                   target=0.8, method="sipp")
    args.update(kwargs)
    if args["method"] == "simulation":
        args["simulator"] = _Truth(np.full(2, LOW), lambda c, off: c >= 0)
    assert staff_requirements(**args).counters.min() >= 1  # type: ignore[arg-type]


@pytest.mark.parametrize("kwargs, word", [
    (dict(patience=0.0), "patience"), (dict(replications=0), "replications"),
    (dict(vip_share=1.0), "vip_share"), (dict(vip_share=-0.01), "vip_share"),
    (dict(target=0.0), "target"), (dict(target=1.0), "target"),
    (dict(shrinkage=0.95), "shrinkage"), (dict(shrinkage=-0.01), "shrinkage"),
    (dict(threshold=-0.01), "threshold"), (dict(interval_minutes=-15), "interval_minutes"),
    (dict(arrival_rate=[[LOW, LOW]]), "arrival_rate"), (dict(arrival_rate=[LOW, np.nan]), "arrival_rate"),
    (dict(arrival_rate=[LOW, np.inf]), "arrival_rate"), (dict(handle_time=np.inf), "handle_time"),
    (dict(handle_time=[4.0, -1.0]), "handle_time"),
])
def test_values_just_outside_are_refused_by_name(kwargs: dict[str, object], word: str) -> None:
    args: dict[str, object] = dict(arrival_rate=[LOW, LOW], handle_time=4.0, threshold=10.0,
                                   target=0.8, method="sipp")
    args.update(kwargs)
    with pytest.raises(ValueError, match=word):
        staff_requirements(**args)  # type: ignore[arg-type]
