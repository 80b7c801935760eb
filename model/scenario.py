"""Every assumption of the model, declared once.

Each field of :class:`Scenario` carries its default, bounds, step, unit, group and a one-line
description. The sidebar sliders, URL query parameters, ``--set`` flags of the command line, JSON
scenario files, the sensitivity and Monte Carlo ranges and the tests all read these declarations:
adding an assumption is one edit here.

Amounts are in USD billions (``_usd_bn``), rates and shares are fractions (0.2 = 20%).

One concept, one module: the declarations are most of its length, and each is read together with
the spec and the parsing that every control, link and file uses.
"""

from __future__ import annotations

import difflib
import json
import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from model.numbers import Kind

GROUPS = (
    "OpenAI growth", "OpenAI funding", "Revenue share", "Azure", "Compute commitments", "Equity", "Valuation",
)
# The group of the reader's own yardsticks (Microsoft's discount rate, the horizon): they change how a
# result is measured, not what happens to Microsoft's business.
VALUATION_GROUP = "Valuation"


class ShortfallRule(StrEnum):
    """How an OpenAI funding gap is shared among the counterparties it cannot pay."""

    pro_rata = "pro_rata"
    azure_paid_first = "azure_paid_first"
    azure_paid_last = "azure_paid_last"
    oldest_paid_first = "oldest_paid_first"


class RevenuePlan(StrEnum):
    """Which of OpenAI's reported revenue plans the model follows (keys of data/openai.yaml)."""

    feb_2026 = "feb_2026"
    sep_2025 = "sep_2025"


class StakeValuation(StrEnum):
    """How Microsoft's stake is valued in the NPV."""

    scenario_value = "scenario_value"
    market_mark = "market_mark"


SHORTFALL_RULE_LABELS = {
    ShortfallRule.pro_rata: "Pro rata to each year's commitments",
    ShortfallRule.azure_paid_first: "Azure paid first (Microsoft senior)",
    ShortfallRule.azure_paid_last: "Azure paid last (Microsoft junior)",
    ShortfallRule.oldest_paid_first: "Oldest contract paid first",
}

# What each option of a choice is called on screen, by field name.
CHOICE_LABELS: dict[str, dict[StrEnum, str]] = {
    "revenue_plan": {
        RevenuePlan.feb_2026: "February 2026 plan ($30B, $62B, $280B in 2030)",
        RevenuePlan.sep_2025: "September 2025 plan ($100B in 2029, $200B in 2030)",
    },
    "shortfall_rule": SHORTFALL_RULE_LABELS,
    "stake_valuation": {
        StakeValuation.scenario_value: "The scenario's value: OpenAI's cash flows, calibrated to the last round",
        StakeValuation.market_mark: "Market mark: the last round's price, whatever the scenario",
    },
}


def assumption(
    default: Any,
    *,
    low: float,
    high: float,
    step: float,
    unit: str,
    kind: Kind,
    group: str,
    label: str,
    help: str,
    fmt: str = "%.2f",
    uncertain: bool = True,
) -> Any:
    """A scenario field with everything a control, a parser and a test needs to know about it.

    ``unit`` is the text a person reads beside the value; ``kind`` is the kind of number
    (:data:`model.numbers.Kind`), which decides how every screen and file writes it.

    ``uncertain`` fields take part in sensitivity and Monte Carlo; structural ones (the horizon)
    do not.
    """
    assert group in GROUPS, group
    return Field(
        default,
        ge=low,
        le=high,
        description=help,
        json_schema_extra={
            "label": label,
            "unit": unit,
            "kind": kind,
            "step": step,
            "group": group,
            "fmt": fmt,
            "uncertain": uncertain,
        },
    )


def choice(default: StrEnum, *, group: str, label: str, help: str) -> Any:
    """A scenario field that picks one option; structural, so not varied by sensitivity or Monte Carlo."""
    assert group in GROUPS, group
    return Field(default, description=help,
                 json_schema_extra={"label": label, "unit": "choice", "kind": "choice", "group": group,
                                    "uncertain": False})


# The cost of equity at which the base case reproduces the last round's price (852 at 2026-03-31):
# worked out by model.analysis.calibration.calibrate_cost_of_equity and checked by
# tests/test_valuation.py; change the base case's economics and the test says to update it.
COST_OF_EQUITY_CALIBRATED = 0.1266
# The 2026 round's money that came after 31 March, at which Microsoft's Q3 FY26 OpenAI result is its
# reported nil: worked out by model.analysis.calibration.calibrate_round_after_march ($63.8B, to the
# slider's $1B) and checked by tests/test_calibration.py.
ROUND_AFTER_MARCH_CALIBRATED = 64.0


class Scenario(BaseModel):
    """The assumptions of one what-if scenario. Reported terms are the defaults.

    Every help text says whether its default is reported (with the source) or an assumption.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False)

    # -- OpenAI growth ---------------------------------------------------------------------------
    revenue_plan: RevenuePlan = choice(
        RevenuePlan.feb_2026, group="OpenAI growth", label="OpenAI's revenue plan",
        help="Which of OpenAI's reported plans revenue follows from 2026 (default: the latest). "
        "The February 2026 points for 2026 and 2027 come from secondary summaries only.",
    )
    openai_revenue_vs_plan: float = assumption(
        1.0, low=0.2, high=1.5, step=0.05, unit="x plan", kind="multiple", group="OpenAI growth",
        label="OpenAI revenue vs its plan",
        help="OpenAI's revenue from 2027 as a multiple of the chosen plan (1 = the plan as reported); "
        "2026 stays on the plan, being mostly reported (Q1 $5.7B, 'on track for $30B').",
    )
    openai_revenue_growth_after_plan: float = assumption(
        0.15, low=-0.2, high=0.6, step=0.01, unit="per year", kind="percent", group="OpenAI growth",
        label="OpenAI revenue growth after 2030",
        help="Annual revenue growth once the reported plan ends (assumption).",
    )
    openai_noncompute_cost_share: float = assumption(
        0.30, low=0.0, high=1.0, step=0.01, unit="of revenue", kind="percent", group="OpenAI growth",
        label="OpenAI cash costs other than compute",
        help="Staff, sales and other cash costs as a share of revenue (not reported). Calibrated: with "
        "the contracts' schedules, 30% puts the base case on OpenAI's February 2026 burn plan ($25B in "
        "2026, $57B in 2027); it is one calibration with the compute floor, not a reported figure.",
    )
    compute_floor_share: float = assumption(
        0.55, low=0.0, high=1.0, step=0.01, unit="of revenue", kind="percent", group="OpenAI growth",
        label="Compute once contracts run out",
        help="From 2026 OpenAI's compute spend never falls below this share of revenue: renewals and "
        "new contracts replace those that end (assumption). With 30% of other costs it leaves the "
        "15% cash margin of OpenAI's 2030 plan ($39B on $280B); the two are one calibration.",
    )
    # -- OpenAI funding --------------------------------------------------------------------------
    outside_funding_usd_bn_per_year: float = assumption(
        100.0, low=0.0, high=300.0, step=5.0, unit="USD bn per year", kind="usd_bn", group="OpenAI funding",
        label="Most OpenAI can raise in a year",
        help="OpenAI raises new equity when its cash runs out, up to this much a year from 2026 "
        "(assumption; it raised $40B in 2025 and $122B in 2026).", fmt="%.0f",
    )
    round_2026_after_march_usd_bn: float = assumption(
        ROUND_AFTER_MARCH_CALIBRATED, low=0.0, high=72.0, step=1.0, unit="USD bn", kind="usd_bn",
        group="OpenAI funding", label="2026 round money after 31 March",
        help="Money from the $122B round that reached OpenAI after its $73B cash count of 31 March "
        "2026. At most $72B (the round less Amazon's $15B up front and $35B contingent). The payment "
        "dates were not found (the money comes 'in instalments during 2026'). Calibrated: with $64B "
        "after March, the gain on what came by then offsets Microsoft's share of OpenAI's Q1-2026 "
        "loss, as Microsoft's reported nil for Q3 FY26 says it did.", fmt="%.0f",
    )
    amazon_contingent_share: float = assumption(
        0.0, low=0.0, high=1.0, step=0.05, unit="of $35B", kind="percent", group="OpenAI funding",
        label="Amazon's contingent $35B received",
        help="Share of Amazon's $35B, due on an IPO or an AGI milestone by 2028-12-31, that arrives "
        "(in 2027, the IPO year reported as likely). Default: not counted, being contingent.",
    )
    ipo_primary_usd_bn: float = assumption(
        0.0, low=0.0, high=150.0, step=5.0, unit="USD bn", kind="usd_bn", group="OpenAI funding",
        label="New money from a 2027 listing",
        help="Primary money an initial public offering in 2027 raises (OpenAI leans to a 2027 listing, "
        "NYT 2026-06); new shares sold at the scenario's value of OpenAI, so they dilute Microsoft "
        "(assumption; default: no listing).", fmt="%.0f",
    )
    # -- Revenue share ---------------------------------------------------------------------------
    revenue_share_rate: float = assumption(
        0.20, low=0.0, high=0.30, step=0.005, unit="of OpenAI revenue", kind="percent", group="Revenue share",
        label="Revenue share rate now",
        help="Share of OpenAI's revenue paid to Microsoft (reported: 20%).", fmt="%.3f",
    )
    revenue_share_rate_final: float = assumption(
        0.20, low=0.0, high=0.30, step=0.005, unit="of OpenAI revenue", kind="percent", group="Revenue share",
        label="Revenue share rate in its last year",
        help="The rate falls in a straight line from 2026 to this value in the end year "
        "(amended terms: unchanged; a 2025 report: cut toward 8-10% by 2030).", fmt="%.3f",
    )
    revenue_share_end_year: int = assumption(
        2030, low=2026, high=2040, step=1, unit="year", kind="year", group="Revenue share",
        label="Revenue share ends after",
        help="Last calendar year OpenAI pays a revenue share (amended terms: through 2030).",
        fmt="%d",
    )
    revenue_share_cap_usd_bn: float = assumption(
        38.0, low=0.0, high=200.0, step=1.0, unit="USD bn", kind="usd_bn", group="Revenue share",
        label="Revenue share cap",
        help="Total OpenAI pays from 2026 on (April 2026 amendment; $38B reported, unverified).",
        fmt="%.0f",
    )
    msft_payback_ratio: float = assumption(
        0.33, low=0.0, high=1.0, step=0.01, unit="per $ received", kind="percent", group="Revenue share",
        label="Microsoft's share paid back to OpenAI",
        help="Microsoft's payments to OpenAI (Bing and Azure OpenAI share) per dollar it received, "
        "until 2026-04-27. Derived from the 2024 leak: (0.2 x $3.7B - $0.494B net) / $0.74B.",
    )
    # -- Azure -----------------------------------------------------------------------------------
    azure_credit_share: float = assumption(
        0.5, low=0.0, high=1.0, step=0.05, unit="of tranches", kind="percent", group="Azure",
        label="Tranches paid in Azure credits",
        help="Share of Microsoft's investment given as Azure credits rather than cash "
        "(never disclosed: assumption).",
    )
    azure_margin: float = assumption(
        0.15, low=0.0, high=0.45, step=0.01, unit="of Azure revenue", kind="percent", group="Azure",
        label="Azure margin on OpenAI",
        help="Microsoft's margin on compute sold to OpenAI; credits cost Microsoft the rest. Not "
        "reported: Oracle's reported gross margin on renting NVIDIA GPUs is 14% (16% on average).",
    )
    azure_commitment_term_years: int = assumption(
        7, low=3, high=15, step=1, unit="years", kind="count", group="Azure",
        label="Years to consume the $250B Azure commitment",
        help="Term over which OpenAI spends its incremental Azure commitment from 2025-10, after a "
        "two-year ramp (not disclosed: assumption).", fmt="%d",
    )
    azure_share_of_renewals: float = assumption(
        0.30, low=0.0, high=1.0, step=0.05, unit="of renewals", kind="percent", group="Azure",
        label="Azure's share of renewals and new contracts",
        help="Share of OpenAI's compute beyond today's contracts (renewals and new contracts) bought "
        "from Azure (assumption; default: Azure's share of OpenAI's committed compute in 2026-2032 in "
        "this model, about 30%).",
    )
    azure_relet_share: float = assumption(
        0.5, low=0.0, high=1.0, step=0.05, unit="of idle capacity", kind="percent", group="Azure",
        label="Idle Azure capacity Microsoft re-lets",
        help="Of the Azure bills OpenAI never pays, the share of the capacity Microsoft sells to others "
        "at its margin; the rest stands idle and costs Microsoft its running cost (assumption).",
    )
    unfunded_commitment_paid_by_year: int = assumption(
        2027, low=2026, high=2032, step=1, unit="year", kind="year", group="Azure",
        label="Unfunded investment paid by",
        help="Year by which Microsoft funds the rest of its $13B commitment "
        "($11.8B funded at 2026-03-31; assumption).", fmt="%d",
    )
    # -- Compute commitments ---------------------------------------------------------------------
    gpu_self_financed_share: float = assumption(
        0.5, low=0.0, high=1.0, step=0.05, unit="of the chips", kind="percent", group="Compute commitments",
        label="GPU deals OpenAI finances itself",
        help="Share of the AMD, Broadcom and NVIDIA chips that OpenAI buys or leases itself; the "
        "rest arrive inside cloud contracts as rent. Assumption: both deals name OpenAI's own sites "
        "and partners' data centers, so half each way; below about 30% the base case burns less in "
        "2029 than OpenAI's plan allows.",
    )
    gpu_usd_bn_per_gw: float = assumption(
        15.0, low=5.0, high=60.0, step=0.5, unit="USD bn per GW", kind="usd_bn", group="Compute commitments",
        label="Chip cost per gigawatt",
        help="Chip-vendor content per GW (analysts: AMD about $15B, Bernstein $15-20B; all-in, "
        "with buildings and power, $35-60B).", fmt="%.1f",
    )
    gpu_payment_years: int = assumption(
        5, low=1, high=10, step=1, unit="years", kind="count", group="Compute commitments",
        label="Years to pay for self-financed chips",
        help="OpenAI leases rather than buys (reported 2025-09); each year's chips are paid over "
        "this many years (assumption).", fmt="%d",
    )
    gpu_deployment_end_year: int = assumption(
        2029, low=2027, high=2035, step=1, unit="year", kind="year", group="Compute commitments",
        label="GPU deals deployed by",
        help="Year the AMD and NVIDIA deals finish deploying (Broadcom: end of 2029).", fmt="%d",
    )
    nvidia_loi_share: float = assumption(
        0.0, low=0.0, high=1.0, step=0.05, unit="of 10 GW", kind="percent", group="Compute commitments",
        label="NVIDIA letter of intent realised",
        help="Share of the 10 GW NVIDIA letter of intent that becomes purchases "
        "(reported on ice in 2026-01; 'never a commitment').",
    )
    aws_expansion_additive_share: float = assumption(
        0.5, low=0.0, high=1.0, step=0.05, unit="of $38B", kind="percent", group="Compute commitments",
        label="AWS expansion on top of the first deal",
        help="0: the $100B AWS expansion is the new total; 1: it adds to the $38B. "
        "Sources disagree.",
    )
    stargate_equity_usd_bn: float = assumption(
        19.0, low=0.0, high=200.0, step=1.0, unit="USD bn", kind="usd_bn", group="Compute commitments",
        label="OpenAI's own money into Stargate",
        help="OpenAI's equity in the Stargate joint venture, paid in 2026-2029 (reported: $19B "
        "committed, 2025-01); the sites reach OpenAI as rent through Oracle.", fmt="%.0f",
    )
    shortfall_rule: ShortfallRule = choice(
        ShortfallRule.pro_rata, group="Compute commitments", label="Shortfall shared",
        help="How a funding gap is shared among the counterparties OpenAI cannot pay.",
    )
    # -- Equity ----------------------------------------------------------------------------------
    msft_stake: float = assumption(
        0.27, low=0.0, high=0.5, step=0.005, unit="of OpenAI", kind="percent", group="Equity",
        label="Microsoft's stake at the recapitalization",
        help="Microsoft's share of OpenAI Group PBC in 2025-10 (filings: ~27%). The model dilutes it "
        "by every round after, the $122B one of 2026 included (Amazon's contingent $35B only when it "
        "arrives).", fmt="%.3f",
    )
    msft_round_2026_usd_bn: float = assumption(
        5.0, low=0.0, high=10.0, step=0.5, unit="USD bn", kind="usd_bn", group="Equity",
        label="Microsoft's money in the 2026 round",
        help="What Microsoft put into the $122B round at its price (assumption: OpenAI speaks of "
        "'continued participation from Microsoft', amount not given; reports said 'less than $10B' "
        "and 'several billion'). Paid in cash in 2026; 0 to $10B puts the stake at 24.1-25.3%.",
        fmt="%.1f",
    )
    openai_valuation_usd_bn: float = assumption(
        852.0, low=50.0, high=3000.0, step=2.0, unit="USD bn", kind="usd_bn", group="Equity",
        label="OpenAI's last round (market mark)",
        help="The last round's post-money value ($852B, 2026-03-31): shown beside the scenario's value, "
        "and used for the stake when it is valued at the market mark.", fmt="%.0f",
    )
    annual_dilution: float = assumption(
        0.01, low=0.0, high=0.1, step=0.005, unit="per year", kind="percent", group="Equity",
        label="Dilution from employee equity",
        help="Share of Microsoft's stake lost each year from 2027 to shares issued to staff (derived: "
        "stock pay above $2.3B in Q1 2026 is about 1% of $852B a year). Rounds dilute on top.",
        fmt="%.3f",
    )
    stake_valuation: StakeValuation = choice(
        StakeValuation.scenario_value, group="Equity", label="Stake valued at",
        help="The scenario's value: OpenAI's free cash flows to the horizon, a horizon value and its "
        "cash, less what it owes, at its cost of equity (calibrated so the base case gives the last "
        "round's $852B). Market mark: the last round's price, whatever the scenario.",
    )
    openai_cost_of_equity: float = assumption(
        COST_OF_EQUITY_CALIBRATED, low=0.04, high=0.40, step=0.0001, unit="per year", kind="percent",
        group="Equity", label="OpenAI's cost of equity",
        help="Rate at which OpenAI's own cash flows are discounted to value its equity: the return its "
        "investors ask, not Microsoft's rate for contract flows. Calibrated: the rate at which the base "
        "case's value is the $852B post-money of 2026-03-31 (model.analysis.calibration.calibrate_cost_of_equity).",
        fmt="%.4f",
    )
    horizon_price_to_fcf: float = assumption(
        30.0, low=10.0, high=60.0, step=1.0, unit="x free cash flow", kind="multiple", group="Equity",
        label="OpenAI's price to free cash flow at the horizon",
        help="OpenAI's value at the horizon as a multiple of that year's free cash flow, a mature "
        "company's 25-40x (assumption). Times the horizon margin it is the revenue multiple.",
        fmt="%.0f",
    )
    msft_tax_rate: float = assumption(
        0.24, low=0.0, high=0.4, step=0.01, unit="of pre-tax", kind="percent", group="Equity",
        label="Tax rate on OpenAI results",
        help="Rate at which OpenAI gains and losses reach Microsoft's net income "
        "(assumption: 21% federal plus state).",
    )
    # -- Valuation -------------------------------------------------------------------------------
    discount_rate: float = assumption(
        0.09, low=0.0, high=0.25, step=0.005, unit="per year", kind="percent", group="Valuation",
        label="Discount rate",
        help="Rate for NPV of Microsoft's cash flows (assumption).", fmt="%.3f",
    )
    horizon_year: int = assumption(
        2035, low=2030, high=2050, step=1, unit="year", kind="year", group="Valuation",
        label="Horizon",
        help="Last year of the model; OpenAI's horizon value is taken at the end of it.",
        fmt="%d", uncertain=False,
    )

    @field_validator("revenue_share_end_year", "azure_commitment_term_years",
                     "unfunded_commitment_paid_by_year", "gpu_deployment_end_year", "gpu_payment_years",
                     "horizon_year", mode="before")
    @classmethod
    def _whole_number(cls, value: Any) -> Any:
        # Sliders and URLs may hand over 2030.0 or "2030"; 2030.5 is refused.
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str) and value.strip().lstrip("-").replace(".0", "", 1).isdigit():
            return int(float(value))
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _finite(cls, value: Any) -> Any:
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError("must be a finite number")
        return value


@dataclass(frozen=True)
class FieldSpec:
    """What a control or a parser needs to know about one assumption."""

    name: str
    label: str
    unit: str
    group: str
    help: str
    default: Any
    low: float | None
    high: float | None
    step: float | None
    fmt: str
    uncertain: bool
    value_type: str  # "float", "int" or "choice"
    kind: Kind  # how the value is written: money, percent, multiple, year, count, choice
    choices: tuple[str, ...] = ()

    def describe_range(self) -> str:
        if self.value_type == "choice":
            return "one of " + ", ".join(self.choices)
        return f"{self.low:g} to {self.high:g} {self.unit}"

    def format(self, value: Any) -> str:
        if self.value_type == "choice":
            return str(getattr(value, "value", value))
        return (self.fmt % value) + f" {self.unit}"


def _bound(field, key: str) -> float | None:
    for item in field.metadata:
        if hasattr(item, key):
            return getattr(item, key)
    return None


def field_specs() -> dict[str, FieldSpec]:
    """Every assumption's declaration, in declaration order."""
    specs = {}
    for name, field in Scenario.model_fields.items():
        extra = field.json_schema_extra or {}
        if isinstance(field.annotation, type) and issubclass(field.annotation, StrEnum):
            value_type, choices = "choice", tuple(option.value for option in field.annotation)
        else:
            value_type, choices = ("int" if field.annotation is int else "float"), ()
        specs[name] = FieldSpec(
            name=name,
            label=extra["label"],
            unit=extra["unit"],
            group=extra["group"],
            help=field.description or "",
            default=field.default,
            low=_bound(field, "ge"),
            high=_bound(field, "le"),
            step=extra.get("step"),
            fmt=extra.get("fmt", "%.2f"),
            uncertain=extra.get("uncertain", True),
            value_type=value_type,
            kind=extra["kind"],
            choices=choices,
        )
    return specs


SPECS = field_specs()


class ScenarioError(ValueError):
    """A value that the scenario model refuses, with the field and its allowed range named."""


@dataclass(frozen=True)
class IgnoredValue:
    """A value from a link or a file that was not used, and why."""

    name: str
    value: str
    reason: str

    def __str__(self) -> str:
        return f"{self.name}={self.value!r}: {self.reason}"


def _explain(name: str, value: Any, error: ValidationError | None = None) -> str:
    spec = SPECS.get(name)
    if spec is None:
        return f"unknown assumption {name!r}"
    detail = error.errors()[0]["msg"] if error is not None else "invalid value"
    return f"{name}={value!r} is not allowed ({detail}); allowed: {spec.describe_range()}"


def parse_value(name: str, raw: Any) -> Any:
    """One value checked against its field, or :class:`ScenarioError` naming field and range."""
    if name not in SPECS:
        close = difflib.get_close_matches(str(name), SPECS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else "; `python -m model assumptions` lists them"
        raise ScenarioError(f"unknown assumption {name!r}{hint}")
    try:
        checked = Scenario.model_validate({name: raw})
    except ValidationError as error:
        raise ScenarioError(_explain(name, raw, error)) from None
    return getattr(checked, name)


def with_values(base: Scenario, values: dict[str, Any]) -> Scenario:
    """``base`` with ``values`` applied, strictly: any bad name or value raises ScenarioError."""
    checked = {name: parse_value(name, raw) for name, raw in values.items()}
    return base.model_copy(update=checked)


def parse_assignments(assignments: list[str], base: Scenario | None = None) -> Scenario:
    """``["name=value", ...]`` (the command line's ``--set``) applied to ``base``, strictly."""
    values = {}
    for item in assignments:
        name, sep, raw = item.partition("=")
        if not sep:
            raise ScenarioError(f"{item!r} is not of the form name=value")
        values[name.strip()] = raw.strip()
    return with_values(base or Scenario(), values)


def lenient(values: dict[str, Any], base: Scenario | None = None) -> tuple[Scenario, list[IgnoredValue]]:
    """Apply what is valid, keep ``base``'s value for the rest, and say what was ignored.

    For shared links and uploads: a bad value never stops the page from opening.
    """
    base = base or Scenario()
    good: dict[str, Any] = {}
    ignored: list[IgnoredValue] = []
    for name, raw in values.items():
        try:
            good[name] = parse_value(name, raw)
        except ScenarioError as error:
            ignored.append(IgnoredValue(name, str(raw), str(error)))
    return base.model_copy(update=good), ignored


def changed_specs(scenario: Scenario) -> list[FieldSpec]:
    """The assumptions of ``scenario`` that differ from the reported terms, in declaration order."""
    return [spec for name, spec in SPECS.items() if getattr(scenario, name) != spec.default]


def to_strings(scenario: Scenario) -> dict[str, str]:
    """The scenario as text values, e.g. for query parameters; only values off their default."""
    return {spec.name: str(getattr(value := getattr(scenario, spec.name), "value", value))
            for spec in changed_specs(scenario)}


def to_json(scenario: Scenario) -> str:
    return json.dumps(scenario.model_dump(mode="json"), indent=2) + "\n"


def from_json(text: str | bytes) -> Scenario:
    """A scenario file, strictly: anything that is not a valid scenario raises ScenarioError."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ScenarioError(f"not a JSON scenario file: {error}") from None
    if not isinstance(data, dict):
        raise ScenarioError("not a JSON scenario file: expected an object of name: value pairs")
    return with_values(Scenario(), data)
