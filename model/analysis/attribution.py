"""Why a result moved: the change in a headline result between the reported terms and a scenario,
shared out among the assumptions that changed, by their Shapley values.

Changing several assumptions at once moves a result by more (or less) than the sum of each change
alone: a lower revenue matters more when the cap is also lower. Attributing the interaction to
whichever assumption changed first, as a step-by-step bridge does, would make the answer depend on
the order of the changes. The Shapley value does not: each assumption gets its change in the result
averaged over every order in which the changes could have been made,

    phi_i = sum over subsets S of the other changes of |S|! (k - |S| - 1)! / k! * (v(S + i) - v(S)),

where ``v(S)`` is the result with the changes in ``S`` applied to the reported terms and ``k`` is
the number of changes. The parts always add up to the whole change, ``v(all) - v(none)``.

With up to :data:`EXACT_MAX_CHANGES` changes every subset is evaluated (2**k runs of the model, in
a few vectorised calls); beyond, the average is taken over :data:`SAMPLED_ORDERS` random orders
with a fixed seed (each order's steps still add up to the whole change, so the parts do too).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from model.analysis.sensitivity import OUTCOMES, outcomes
from model.facts import Facts
from model.scenario import SPECS, VALUATION_GROUP, Scenario, changed_specs
from model.simulate import scenario_values, simulate, structure

EXACT_MAX_CHANGES = 12
SAMPLED_ORDERS = 256
SEED = 20261204


def shapley_from_subsets(k: int, value: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Exact Shapley values of ``k`` players; ``value`` maps an array of subset bitmasks to results.

    A hand-worked check: v(S) = (1 if a in S) * 2 + (1 if b in S) * 3 + (1 if both) * 4.
    Each of a and b gets its own effect and half of the interaction: 2 + 2 = 4 and 3 + 2 = 5.

    >>> v = lambda masks: (masks & 1) * 2.0 + (masks >> 1 & 1) * 3.0 + (masks == 3) * 4.0
    >>> shapley_from_subsets(2, v).tolist()
    [4.0, 5.0]
    """
    masks = np.arange(2**k)
    results = np.asarray(value(masks), dtype=float)
    sizes = np.array([bin(mask).count("1") for mask in masks])
    phi = np.zeros(k)
    for player in range(k):
        bit = 1 << player
        without = masks[(masks & bit) == 0]
        weights = np.array([math.factorial(s) * math.factorial(k - s - 1) for s in sizes[without]]) / math.factorial(k)
        phi[player] = float(np.sum(weights * (results[without | bit] - results[without])))
    return phi


def shapley_from_orders(k: int, value: Callable[[np.ndarray], np.ndarray], orders: int, seed: int) -> np.ndarray:
    """Shapley values estimated over ``orders`` random orders of the ``k`` players (fixed ``seed``).

    Exact when the players do not interact; the parts add up to the whole change in any case.

    >>> v = lambda masks: (masks & 1) * 2.0 + (masks >> 1 & 1) * 3.0
    >>> shapley_from_orders(2, v, orders=8, seed=1).tolist()
    [2.0, 3.0]
    """
    rng = np.random.default_rng(seed)
    permutations = np.array([rng.permutation(k) for _ in range(orders)])
    # The masks after 0, 1, ..., k steps of each order, evaluated in one call.
    steps = np.zeros((orders, k + 1), dtype=np.int64)
    for step in range(k):
        steps[:, step + 1] = steps[:, step] | (1 << permutations[:, step])
    results = np.asarray(value(steps.ravel()), dtype=float).reshape(orders, k + 1)
    gains = np.diff(results, axis=1)
    phi = np.zeros(k)
    for step in range(k):
        np.add.at(phi, permutations[:, step], gains[:, step])
    return phi / orders


@dataclass(frozen=True)
class Attribution:
    """The change in each outcome from the reported terms to ``scenario``, by changed assumption."""

    scenario: Scenario
    names: tuple[str, ...]  # the changed assumptions, in declaration order
    reported: dict[str, float]  # each outcome at the reported terms
    current: dict[str, float]  # each outcome in the scenario
    parts: dict[str, np.ndarray]  # outcome -> one contribution per changed assumption
    method: str  # "exact" or "sampled"

    def total(self, outcome: str) -> float:
        return self.current[outcome] - self.reported[outcome]

    def table(self) -> pd.DataFrame:
        """One row per outcome and changed assumption: its contribution to the change, in USD bn."""
        rows = []
        for outcome, (label, _unit) in OUTCOMES.items():
            for name, part in zip(self.names, self.parts[outcome], strict=True):
                spec = SPECS[name]
                rows.append({
                    "outcome": outcome, "outcome_label": label, "assumption": name,
                    "assumption_label": spec.label,
                    "reported_value": spec.format(spec.default),
                    "scenario_value": spec.format(getattr(self.scenario, name)),
                    "contribution_usd_bn": float(part),
                    "reported_outcome_usd_bn": self.reported[outcome],
                    "scenario_outcome_usd_bn": self.current[outcome],
                    "method": f"Shapley value ({self.method})",
                })
        return pd.DataFrame(rows)

    def valuation_names(self) -> tuple[str, ...]:
        """The changed assumptions that only change how a result is measured (:data:`VALUATION_GROUP`)."""
        return tuple(name for name in self.names if SPECS[name].group == VALUATION_GROUP)

    def valuation_part(self, outcome: str) -> float:
        """The part of the change in ``outcome`` that comes from :meth:`valuation_names`: a change of
        yardstick (a higher discount rate), not a loss or gain of business."""
        return float(sum(part for name, part in zip(self.names, self.parts[outcome], strict=True)
                         if name in self.valuation_names()))

    def largest(self, outcome: str) -> tuple[str, float] | None:
        """The changed assumption that moved ``outcome`` most, and by how much."""
        if not self.names:
            return None
        index = int(np.argmax(np.abs(self.parts[outcome])))
        return self.names[index], float(self.parts[outcome][index])


def attribute(scenario: Scenario, facts: Facts, today: date) -> Attribution:
    """Share the change in every outcome of :data:`OUTCOMES` among the assumptions ``scenario``
    changes from the reported terms (:class:`Attribution`). No outcome here depends on the share price."""
    reported = Scenario()
    names = tuple(spec.name for spec in changed_specs(scenario))
    k = len(names)

    def scenarios_for(masks: np.ndarray) -> list[Scenario]:
        return [reported.model_copy(update={name: getattr(scenario, name)
                                            for bit, name in enumerate(names) if mask >> bit & 1})
                for mask in masks]

    cache: dict[str, dict[int, float]] = {outcome: {} for outcome in OUTCOMES}

    def evaluate(masks: np.ndarray) -> None:
        todo = sorted({int(mask) for mask in masks} - set(cache["npv_usd_bn"]))
        if not todo:
            return
        variants = scenarios_for(np.array(todo))
        # One vectorised run per combination of structural choices (horizon, rules), not one per variant.
        groups: dict[tuple, list[int]] = {}
        for index, variant in enumerate(variants):
            groups.setdefault(tuple(structure(variant).values()), []).append(index)
        for indices in groups.values():
            chosen = [variants[i] for i in indices]
            sim = simulate(scenario_values(chosen), facts, today=today, **structure(chosen[0]))
            for outcome, values in outcomes(sim, facts).items():
                for i, value in zip(indices, values, strict=True):
                    cache[outcome][todo[i]] = float(value)

    def value_of(outcome: str) -> Callable[[np.ndarray], np.ndarray]:
        def value(masks: np.ndarray) -> np.ndarray:
            evaluate(masks)
            return np.array([cache[outcome][int(mask)] for mask in masks])
        return value

    full = (1 << k) - 1
    evaluate(np.array([0, full]))
    parts = {}
    for outcome in OUTCOMES:
        if k == 0:
            parts[outcome] = np.zeros(0)
        elif k <= EXACT_MAX_CHANGES:
            parts[outcome] = shapley_from_subsets(k, value_of(outcome))
        else:
            parts[outcome] = shapley_from_orders(k, value_of(outcome), SAMPLED_ORDERS, SEED)
    return Attribution(
        scenario=scenario,
        names=names,
        reported={outcome: cache[outcome][0] for outcome in OUTCOMES},
        current={outcome: cache[outcome][full] for outcome in OUTCOMES},
        parts=parts,
        method="exact" if k <= EXACT_MAX_CHANGES else f"{SAMPLED_ORDERS} sampled orders",
    )
