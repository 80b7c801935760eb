"""How uncertain each assumption is, declared once (data/ranges.yaml), and how it is drawn.

Sensitivity and Monte Carlo both read this declaration: the tornado moves each assumption to the
low and high ends of its range, Monte Carlo draws it from a triangular distribution over the same
low, most likely and high. Reported terms are flagged ``fixed``: held at the sidebar's value unless
the user chooses to draw them. An uncertain assumption of :data:`model.scenario.SPECS` with no
record is not drawn (the page says so; a test fails so that none is missed).

Correlated draws use a Gaussian copula: independent standard normals ``Z`` times the Cholesky factor
of the correlation matrix give correlated normals; ``U = Phi(Z)`` gives uniforms with the same rank
structure, and each uniform goes through its assumption's own inverse triangular distribution, so
every marginal keeps its low, most likely and high. Independent draws are the same normals without
the Cholesky factor (the same seed, so the two methods differ only by the correlation).
The rank (Spearman) correlation of two uniforms of a Gaussian copula with normal correlation
``rho`` is ``6/pi * asin(rho/2)``; the tests check the sample against it.

>>> triangular_ppf(np.array([0.0, 0.5, 1.0]), 0.0, 0.5, 1.0).tolist()
[0.0, 0.5, 1.0]
>>> round(spearman_of_normal(0.6), 4)
0.5819
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from scipy.special import ndtr

from model.datafiles import DATA_DIR, PartialDate, load_file
from model.scenario import SPECS, Scenario

RANGES_FILE = DATA_DIR / "ranges.yaml"

Method = Literal["correlated", "independent"]
METHODS: tuple[Method, ...] = ("correlated", "independent")


class RangeError(ValueError):
    """A range that cannot be drawn from; the message names the field and why."""


def uncertain_names() -> list[str]:
    """The assumptions that sensitivity and Monte Carlo may move: numeric and not structural."""
    return [name for name, spec in SPECS.items() if spec.uncertain and spec.value_type != "choice"]


class RangeRecord(BaseModel):
    """One assumption's range as the record supports it, with its reason and source."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    low: float
    most_likely: float
    high: float
    reason: str = Field(min_length=1)
    basis: Literal["record", "assumption"]
    source: str = Field(min_length=1)
    as_of: PartialDate
    fixed: bool = False

    @field_validator("name")
    @classmethod
    def _known(cls, name: str) -> str:
        if name not in uncertain_names():
            raise ValueError(f"{name!r} is not an uncertain assumption of model/scenario.py")
        return name

    @model_validator(mode="after")
    def _ordered_in_bounds(self) -> RangeRecord:
        spec = SPECS[self.name]
        if not all(math.isfinite(v) for v in (self.low, self.most_likely, self.high)):
            raise ValueError("low, most_likely and high must be numbers")
        if not self.low <= self.most_likely <= self.high:
            raise ValueError(f"needs low <= most_likely <= high, got {self.low:g}, {self.most_likely:g}, {self.high:g}")
        if self.low < spec.low or self.high > spec.high:
            raise ValueError(f"{self.low:g} to {self.high:g} goes outside {spec.describe_range()}")
        if spec.value_type == "int" and not all(float(v).is_integer() for v in (self.low, self.most_likely, self.high)):
            raise ValueError("a whole-number assumption needs whole-number ends")
        return self


class Correlation(BaseModel):
    """Two assumptions drawn together: the correlation of their normal scores, and why."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    between: tuple[str, str]
    rho: float = Field(gt=-1.0, lt=1.0)
    reason: str = Field(min_length=1)
    source: str = Field(min_length=1)
    # One calibration (two assumptions set together to follow a reported plan): drawn together even
    # when the draws are independent, which drop only the correlations that are views of the world.
    calibration: bool = False

    @field_validator("between")
    @classmethod
    def _two_different(cls, pair: tuple[str, str]) -> tuple[str, str]:
        if pair[0] == pair[1]:
            raise ValueError("a correlation needs two different assumptions")
        return pair


class RangeFile(BaseModel):
    """data/ranges.yaml: one record per uncertain assumption, and the correlated pairs."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ranges: list[RangeRecord] = Field(min_length=1)
    correlations: list[Correlation] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> RangeFile:
        names = [r.name for r in self.ranges]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"an assumption has two records: {', '.join(duplicates)}")
        pairs = set()
        for c in self.correlations:
            unknown = [n for n in c.between if n not in names]
            if unknown:
                raise ValueError(f"correlation {c.between[0]} / {c.between[1]}: {unknown[0]} has no range")
            key = frozenset(c.between)
            if key in pairs:
                raise ValueError(f"correlation {c.between[0]} / {c.between[1]} is given twice")
            pairs.add(key)
        try:
            cholesky(correlation_matrix(names, self.correlations))
        except RangeError as error:
            raise ValueError(str(error)) from None
        return self

    @property
    def by_name(self) -> dict[str, RangeRecord]:
        return {r.name: r for r in self.ranges}


def load_ranges(path: Path = RANGES_FILE) -> RangeFile:
    """The ranges file, checked; :class:`model.datafiles.DataFileError` names file, record and field."""
    if path == RANGES_FILE:
        return _default_file()
    return load_file(path, RangeFile)


@cache
def _default_file() -> RangeFile:
    return load_file(RANGES_FILE, RangeFile)


# -- the ranges a run draws ------------------------------------------------------------------------


@dataclass(frozen=True)
class Range:
    """A triangular distribution: ``low`` <= ``mode`` <= ``high`` within the field's bounds."""

    name: str
    low: float
    mode: float
    high: float


def centre(record: RangeRecord, scenario: Scenario) -> float:
    """Where a draw centres: the sidebar's value once the user moved it off the reported terms,
    else the record's most likely value."""
    value = getattr(scenario, record.name)
    return float(value) if value != SPECS[record.name].default else record.most_likely


def scenario_range(record: RangeRecord, scenario: Scenario, width: float = 1.0) -> Range:
    """``record``'s range around the scenario's value, each side scaled by ``width`` (1 = as in
    the record), stretched to hold the value when the sidebar is outside it, clipped to bounds.

    >>> record = load_ranges().by_name["openai_revenue_vs_plan"]
    >>> scenario_range(record, Scenario())
    Range(name='openai_revenue_vs_plan', low=0.4, mode=1.0, high=1.3)
    >>> scenario_range(record, Scenario(openai_revenue_vs_plan=0.3), width=0.5)
    Range(name='openai_revenue_vs_plan', low=0.3, mode=0.3, high=0.8)
    """
    spec = SPECS[record.name]
    mode = centre(record, scenario)
    low = mode - width * (mode - min(record.low, mode))
    high = mode + width * (max(record.high, mode) - mode)
    if spec.value_type == "int":
        low, high = math.floor(low + 1e-9), math.ceil(high - 1e-9)
    low, high = max(spec.low, round(low, 10)), min(spec.high, round(high, 10))
    return Range(record.name, low, mode, high)


def drawn_ranges(
    scenario: Scenario, declaration: RangeFile | None = None, *, width: float = 1.0, draw_fixed: bool = False
) -> dict[str, Range]:
    """The ranges Monte Carlo draws by default: every record not ``fixed`` (all with ``draw_fixed``)."""
    declaration = declaration or load_ranges()
    return {
        r.name: scenario_range(r, scenario, width)
        for r in declaration.ranges
        if draw_fixed or not r.fixed
    }


def not_drawn(chosen: Mapping[str, Range], declaration: RangeFile | None = None) -> list[tuple[str, str]]:
    """(name, why) for each uncertain assumption held at the sidebar's value in a run of ``chosen``."""
    records = (declaration or load_ranges()).by_name
    out = []
    for name in uncertain_names():
        if name in chosen:
            continue
        if name not in records:
            out.append((name, "no range in data/ranges.yaml"))
        elif records[name].fixed:
            out.append((name, "reported term or the reader's choice: fixed unless drawn"))
        else:
            out.append((name, "left out of this run"))
    return out


def check_ranges(chosen: Mapping[str, Range]) -> None:
    """Raise :class:`RangeError` for the first range that is not low <= mode <= high in bounds."""
    for name, r in chosen.items():
        spec = SPECS.get(name)
        if spec is None or name not in uncertain_names():
            raise RangeError(f"{name!r} is not an uncertain assumption; allowed: {', '.join(uncertain_names())}")
        if not all(np.isfinite([r.low, r.mode, r.high])):
            raise RangeError(f"{name}: low, most likely and high must be numbers")
        if not (r.low <= r.mode <= r.high):
            raise RangeError(f"{name}: needs low <= most likely <= high, got {r.low:g}, {r.mode:g}, {r.high:g}")
        if r.low < spec.low or r.high > spec.high:
            raise RangeError(f"{name}: {r.low:g} to {r.high:g} goes outside {spec.describe_range()}")
        if spec.value_type == "int" and not all(float(v).is_integer() for v in (r.low, r.mode, r.high)):
            raise RangeError(f"{name}: a whole-number assumption needs whole-number ends")


# -- correlation and the copula --------------------------------------------------------------------


def correlation_matrix(names: list[str], correlations: list[Correlation] | tuple[Correlation, ...]) -> np.ndarray:
    """The normal-score correlation matrix over ``names`` (pairs with a name not in ``names`` are
    left out: that assumption is not drawn)."""
    index = {name: i for i, name in enumerate(names)}
    matrix = np.eye(len(names))
    for c in correlations:
        a, b = c.between
        if a in index and b in index:
            matrix[index[a], index[b]] = matrix[index[b], index[a]] = c.rho
    return matrix


def cholesky(matrix: np.ndarray) -> np.ndarray:
    """The lower Cholesky factor; :class:`RangeError` when the matrix is not positive definite."""
    try:
        return np.linalg.cholesky(matrix)
    except np.linalg.LinAlgError:
        smallest = float(np.linalg.eigvalsh(matrix).min()) if matrix.size else 0.0
        raise RangeError(
            f"the correlations are not positive definite (smallest eigenvalue {smallest:.3f}): "
            "some pairs contradict each other"
        ) from None


def spearman_of_normal(rho: float) -> float:
    """Rank correlation of two uniforms of a Gaussian copula whose normals correlate by ``rho``."""
    return 6.0 / math.pi * math.asin(rho / 2.0)


def triangular_ppf(u: np.ndarray, low: float, mode: float, high: float) -> np.ndarray:
    """The triangular distribution's inverse CDF (closed form, vectorised)."""
    if high <= low:
        return np.full(np.shape(u), float(mode))
    split = (mode - low) / (high - low)
    below = low + np.sqrt(u * (high - low) * (mode - low))
    above = high - np.sqrt((1.0 - u) * (high - low) * (high - mode))
    return np.where(u < split, below, above)


def uniforms(
    names: list[str], correlations, draws: int, seed: int, method: Method = "correlated"
) -> np.ndarray:
    """(draws, len(names)) uniforms from ``seed``: a Gaussian copula, or independent (same normals)."""
    if method not in METHODS:
        raise RangeError(f"method: {method!r} is not one of {', '.join(METHODS)}")
    rng = np.random.default_rng(seed)
    normals = rng.standard_normal((draws, len(names)))
    used = correlations_used(correlations, method)
    if used and names:
        normals = normals @ cholesky(correlation_matrix(names, used)).T
    return ndtr(normals)


def correlations_used(correlations, method: Method) -> list[Correlation]:
    """The pairs a run draws together: every declared pair when correlated; when independent, only
    the pairs that are one calibration."""
    return [c for c in correlations if method == "correlated" or c.calibration]


def draw_values(
    scenario_values: dict[str, np.ndarray],
    chosen: Mapping[str, Range],
    correlations,
    draws: int,
    seed: int,
    method: Method = "correlated",
) -> dict[str, np.ndarray]:
    """Per-draw values of every numeric assumption: drawn for those in ``chosen`` (in declaration
    order of SPECS), the scenario's otherwise. Whole-number fields: the triangle is stretched half a
    step past each end and the draw rounded, so every whole value keeps the mass of its interval."""
    names = [name for name in SPECS if name in chosen]
    u = uniforms(names, correlations, draws, seed, method)
    values = {name: np.repeat(array, draws) for name, array in scenario_values.items()}
    for j, name in enumerate(names):
        r = chosen[name]
        if SPECS[name].value_type == "int":
            stretched = triangular_ppf(u[:, j], r.low - 0.5, r.mode, r.high + 0.5)
            values[name] = np.clip(np.rint(stretched), r.low, r.high)
        else:
            values[name] = triangular_ppf(u[:, j], r.low, r.mode, r.high)
    return values
