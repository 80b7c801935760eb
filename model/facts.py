"""The reported facts, loaded from the YAML files in data/ and validated where they enter.

Every record carries its source and the date it speaks for. A file that is broken or edited wrong
fails at load with a message naming the file, the record and the field; nothing half-loaded is used.
Amounts are USD billions (``_usd_bn``); rates and stakes are fractions.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class DataFileError(ValueError):
    """A data file that cannot be used; the message names the file, the record and the field."""


def _partial_date(value: str) -> str:
    """'2021', '2024-10' or '2019-07-22': only as precise as the source."""
    if not _PARTIAL_DATE.match(value):
        raise ValueError("expected YYYY, YYYY-MM or YYYY-MM-DD")
    to_date(value)  # rejects 2025-13 or 2025-02-30
    return value


def _month(value: str) -> str:
    if not _MONTH.match(value):
        raise ValueError("expected a month as YYYY-MM")
    return value


PartialDate = Annotated[str, AfterValidator(_partial_date)]
Month = Annotated[str, AfterValidator(_month)]


def to_date(value: str) -> date:
    """The first day a partial date can mean ('2024-10' -> 2024-10-01)."""
    parts = [int(p) for p in value.split("-")]
    return date(parts[0], *(parts[1:] + [1, 1])[:2])


def month_index(value: str) -> int:
    """Months since year 0, so that spans of months are plain subtraction."""
    year, month = (int(p) for p in value.split("-"))
    return year * 12 + month - 1


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Sourced(Record):
    source: str = Field(min_length=1)
    as_of: PartialDate
    derived: bool = False
    note: str | None = None
    confidence: str | None = None


# -- tranches --------------------------------------------------------------------------------------


class FiledCommitment(Sourced):
    total_usd_bn: float = Field(gt=0)


class FundedPoint(Sourced):
    date: PartialDate
    funded_usd_bn: float = Field(gt=0)


class Tranche(Sourced):
    id: str
    date: PartialDate
    amount_usd_bn: float | None = Field(ge=0)
    in_filed_commitment: bool
    counterparty: str
    nature: str
    confidence: str


class TrancheFile(Record):
    filed_commitment: FiledCommitment
    funded_points: list[FundedPoint] = Field(min_length=1)
    tranches: list[Tranche] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> TrancheFile:
        counted = sum(t.amount_usd_bn or 0 for t in self.tranches if t.in_filed_commitment)
        if abs(counted - self.filed_commitment.total_usd_bn) > 1e-9:
            raise ValueError(
                f"tranches in the filed commitment add up to {counted:g}, "
                f"not filed_commitment.total_usd_bn {self.filed_commitment.total_usd_bn:g}"
            )
        dates = [to_date(p.date) for p in self.funded_points]
        if dates != sorted(dates):
            raise ValueError("funded_points must be in date order")
        return self


# -- revenue share ---------------------------------------------------------------------------------


class OpenAIToMicrosoft(Sourced):
    rate: float = Field(ge=0, le=1)
    end_year: int
    cap_usd_bn: float = Field(gt=0)
    cap_counts_from_year: int
    terms: str
    confidence: str


class MicrosoftToOpenAI(Sourced):
    rate: float = Field(ge=0, le=1)
    base: str
    ended: PartialDate
    confidence: str


class NetPayment(Sourced):
    period: str
    year: int
    months: int = Field(ge=1, le=12)
    net_usd_bn: float


class PlannedCut(Sourced):
    target_rate: float = Field(ge=0, le=1)
    alternative_target_rate: float = Field(ge=0, le=1)
    by_year: int
    terms: str


class RevenueShareFile(Record):
    openai_to_microsoft: OpenAIToMicrosoft
    microsoft_to_openai: MicrosoftToOpenAI
    net_payments_reported: list[NetPayment]
    planned_cut: PlannedCut


# -- recapitalization ------------------------------------------------------------------------------


class Recapitalization(Sourced):
    date: PartialDate
    entity: str
    msft_stake: float = Field(gt=0, lt=1)
    msft_stake_value_usd_bn: float = Field(gt=0)
    implied_valuation_usd_bn: float = Field(gt=0)
    prior_msft_share_of_for_profit: float = Field(gt=0, lt=1)
    foundation_stake: float = Field(gt=0, lt=1)
    foundation_stake_value_usd_bn: float = Field(gt=0)
    employees_investors_stake: float = Field(gt=0, lt=1)
    incremental_azure_commitment_usd_bn: float = Field(gt=0)
    terms: str
    confidence: str


# -- compute commitments ---------------------------------------------------------------------------


class Commitment(Sourced):
    id: str
    counterparty: str
    sizing: Literal["total", "gigawatts", "equity", "undisclosed"]
    total_usd_bn: float | None = Field(default=None, gt=0)
    announced_usd_bn: float | None = Field(default=None, gt=0)
    overlap_usd_bn: float | None = Field(default=None, gt=0)
    overlap_with: str | None = None
    start: Month
    end: Month | None
    end_assumption: Literal["azure_commitment_term_years", "gpu_deployment_end_year"] | None = None
    ramp_months: int = Field(default=0, ge=0, le=120)
    gigawatts: float | None = Field(default=None, gt=0)
    schedule: dict[int, float] | None = None
    schedule_derived: bool = False
    signed: PartialDate
    status: Literal["actual", "committed", "projected"]
    scaled_by: Literal["aws_expansion_additive_share", "nvidia_loi_share"] | None = None

    @property
    def is_azure(self) -> bool:
        """Microsoft's own contracts: what OpenAI leaves unpaid here is Microsoft's at-risk revenue."""
        return self.counterparty.startswith("Microsoft Azure")

    @model_validator(mode="after")
    def _complete(self) -> Commitment:
        if self.sizing == "total" and self.total_usd_bn is None:
            raise ValueError("sizing 'total' needs total_usd_bn")
        if self.sizing == "gigawatts" and self.gigawatts is None:
            raise ValueError("sizing 'gigawatts' needs gigawatts")
        if self.sizing != "undisclosed" and (self.end is None) == (self.end_assumption is None):
            raise ValueError("give exactly one of end and end_assumption")
        if self.end is not None and month_index(self.end) < month_index(self.start):
            raise ValueError(f"end {self.end} is before start {self.start}")
        if self.scaled_by == "aws_expansion_additive_share":
            if self.overlap_usd_bn is None or self.total_usd_bn is None:
                raise ValueError(f"scaled_by {self.scaled_by} needs total_usd_bn and overlap_usd_bn")
        if self.schedule is not None and self.total_usd_bn is not None:
            if abs(sum(self.schedule.values()) - self.total_usd_bn) > 1e-6:
                raise ValueError("schedule does not add up to total_usd_bn")
        return self


class CommitmentFile(Record):
    commitments: list[Commitment] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> CommitmentFile:
        ids = [c.id for c in self.commitments]
        if len(ids) != len(set(ids)):
            raise ValueError("commitment ids must be unique")
        known = set(ids)
        for c in self.commitments:
            if c.overlap_with is not None and c.overlap_with not in known:
                raise ValueError(f"{c.id}: overlap_with {c.overlap_with!r} is not a commitment id")
        return self


# -- OpenAI ----------------------------------------------------------------------------------------


class YearAmount(Sourced):
    year: int
    revenue_usd_bn: float = Field(gt=0)


class Amount(Sourced):
    value: float


class CashPoint(Sourced):
    """OpenAI's cash on one date: where the model's year-by-year cash account starts."""

    date: PartialDate
    cash_usd_bn: float = Field(ge=0)
    burn_in_year_to_date_usd_bn: float


class Receipt(Record):
    date: PartialDate
    usd_bn: float = Field(gt=0)


class FundingRound(Sourced):
    date: PartialDate
    raised_usd_bn: float = Field(gt=0)
    post_money_usd_bn: float = Field(gt=0)
    event: str
    receipts: list[Receipt] = Field(default_factory=list)
    contingent_usd_bn: float = Field(default=0.0, ge=0)
    contingent_on: str | None = None

    @model_validator(mode="after")
    def _adds_up(self) -> FundingRound:
        if sum(r.usd_bn for r in self.receipts) + self.contingent_usd_bn > self.raised_usd_bn + 1e-9:
            raise ValueError("receipts and the contingent part add up to more than raised_usd_bn")
        return self

    @property
    def undated_usd_bn(self) -> float:
        """Money of the round that is neither dated by a source nor contingent."""
        return self.raised_usd_bn - self.contingent_usd_bn - sum(r.usd_bn for r in self.receipts)


class Valuation(Sourced):
    date: PartialDate
    valuation_usd_bn: float = Field(gt=0)
    event: str
    basis: str = "post-money"


class PeriodResult(Sourced):
    """A reported accounting result of OpenAI's for a run of months."""

    period: str
    start: Month
    months: int = Field(ge=1, le=12)
    usd_bn: float


class Item(Sourced):
    item: str
    usd_bn: float


class Aggregate(Sourced):
    total_usd_bn: float = Field(gt=0)
    gigawatts: float = Field(gt=0)
    end: str


class OpenAIFile(Record):
    revenue_actuals: list[YearAmount] = Field(min_length=1)
    revenue_q1_2026_usd_bn: Amount
    revenue_runrate_year_end: list[YearAmount]
    revenue_plans: dict[str, list[YearAmount]] = Field(min_length=1)
    cash: CashPoint
    funding_rounds: list[FundingRound]
    valuations: list[Valuation] = Field(min_length=1)
    net_income: list[PeriodResult]
    losses: list[Item]
    projections: list[Item]
    stated_aggregate_commitments: Aggregate

    @model_validator(mode="after")
    def _ordered(self) -> OpenAIFile:
        last_actual = self.revenue_actuals[-1].year
        years = [r.year for r in self.revenue_actuals]
        if years != sorted(set(years)):
            raise ValueError("revenue_actuals: years must be increasing and unique")
        for name, plan in self.revenue_plans.items():
            years = [r.year for r in plan]
            if not years or years != sorted(set(years)):
                raise ValueError(f"revenue_plans.{name}: years must be increasing and unique")
            if years[0] <= last_actual:
                raise ValueError(f"revenue_plans.{name} must start after the last actual year {last_actual}")
        if to_date(self.cash.date).year != last_actual + 1:
            raise ValueError("cash.date must fall in the year after the last actual revenue")
        return self

    @property
    def cash_year(self) -> int:
        """The first year of the model's cash account (the year of the reported cash point)."""
        return to_date(self.cash.date).year


# -- Microsoft -------------------------------------------------------------------------------------


class SharesOutstanding(Sourced):
    count: int = Field(gt=0)


class EquityMethodQuarter(Sourced):
    period: str
    quarter_end: PartialDate
    openai_pretax_usd_bn: float | None
    net_income_usd_bn: float | None = None
    eps_usd: float | None = None


class Backlog(Sourced):
    usd_bn: float = Field(gt=0)


class MicrosoftFile(Record):
    shares_outstanding: SharesOutstanding
    equity_method: list[EquityMethodQuarter]
    azure_backlog_from_openai: Backlog


# -- context ---------------------------------------------------------------------------------------


class ContextFact(Sourced):
    """A reported figure that informs an assumption but is not itself a model input."""

    item: str
    value: float | None
    unit: str


class ContextFile(Record):
    context: list[ContextFact]


# -- calibration targets ---------------------------------------------------------------------------


class CalibrationTarget(Sourced):
    """A reported figure the base case must reproduce, and the band it must land in."""

    measure: str
    label: str
    target: str
    low: float | None = None
    high: float | None = None
    basis: str

    @model_validator(mode="after")
    def _band(self) -> CalibrationTarget:
        if self.low is None and self.high is None:
            raise ValueError("give low, high or both")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"low {self.low:g} is above high {self.high:g}")
        return self


class CalibrationFile(Record):
    targets: list[CalibrationTarget] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> CalibrationFile:
        measures = [t.measure for t in self.targets]
        if len(measures) != len(set(measures)):
            raise ValueError("each measure may appear once")
        return self


def load_calibration(data_dir: Path = DATA_DIR) -> list[CalibrationTarget]:
    return load_file(data_dir / "calibration.yaml", CalibrationFile, wrap="targets").targets


# -- loading ---------------------------------------------------------------------------------------


_RECORD_KEYS = ("id", "name", "measure", "period", "item", "year", "date")


def _where(data: Any, loc: tuple) -> str:
    """'record commitments[2] (id 'aws'), field total_usd_bn' from a pydantic error location."""
    path, node, record = [], data, None
    fields = list(loc)
    while fields:
        key = fields.pop(0)
        if isinstance(node, list) and isinstance(key, int):
            path[-1:] = [f"{path[-1]}[{key}]" if path else f"[{key}]"]
            node = node[key] if key < len(node) else None
            if isinstance(node, dict):
                label = next((node[k] for k in _RECORD_KEYS if node.get(k) is not None), None)
                record = f"{path[-1]}" + (f" ({label})" if label else "")
        elif isinstance(node, dict):
            path.append(str(key))
            node = node.get(key)
        else:
            path.append(str(key))
    if record:
        field = ".".join(path).split(record.split(" ")[0], 1)[-1].lstrip(".")
        return f"record {record}, field {field or '(record)'}"
    return f"field {'.'.join(path)}" if path else "whole-file check"


def load_file(path: Path, model: type[Record], *, wrap: str | None = None) -> Any:
    """One data file through its pydantic model; DataFileError names file, record and field."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise DataFileError(f"{path.name}: cannot be read ({error.strerror})") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise DataFileError(f"{path.name}: not valid YAML{where}") from None
    if wrap is not None:
        data = {wrap: data}
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        raise DataFileError(f"{path.name}: {_where(data, first['loc'])}: {message}") from None


class Facts(Record):
    """Everything reported that the model uses. Build with :func:`load_facts`."""

    tranches: TrancheFile
    revenue_share: RevenueShareFile
    recapitalization: Recapitalization
    commitments: CommitmentFile
    openai: OpenAIFile
    microsoft: MicrosoftFile
    context: ContextFile

    def sources(self) -> pd.DataFrame:
        """Every fact with its source and as-of date, one row per reported value."""
        return _sources_table(self)


def load_facts(data_dir: Path = DATA_DIR) -> Facts:
    """All data files, validated. Raises DataFileError on the first problem found."""
    return Facts(
        tranches=load_file(data_dir / "tranches.yaml", TrancheFile),
        revenue_share=load_file(data_dir / "revenue_share.yaml", RevenueShareFile),
        recapitalization=load_file(data_dir / "recapitalization.yaml", Recapitalization),
        commitments=load_file(data_dir / "commitments.yaml", CommitmentFile, wrap="commitments"),
        openai=load_file(data_dir / "openai.yaml", OpenAIFile),
        microsoft=load_file(data_dir / "msft.yaml", MicrosoftFile),
        context=load_file(data_dir / "context.yaml", ContextFile, wrap="context"),
    )


_SOURCE_KEYS = {"source", "as_of", "derived", "note", "confidence"}
_UNITS = {"_usd_bn": "USD bn", "_usd": "USD", "rate": "fraction", "stake": "fraction",
          "gigawatts": "GW", "count": "shares"}


def _unit(field: str) -> str:
    for suffix, unit in _UNITS.items():
        if field.endswith(suffix):
            return unit
    return ""


def _walk(topic: str, record_name: str, node: Record, rows: list[dict]) -> None:
    values = node.model_dump()
    for field, value in values.items():
        if field in _SOURCE_KEYS or isinstance(value, (dict, list)) and field != "schedule":
            continue
        if field == "schedule" and value:
            value = "; ".join(f"{year}: {amount:g}" for year, amount in value.items())
        rows.append({
            "topic": topic,
            "record": record_name,
            "field": field,
            "value": "" if value is None else str(value),
            "unit": _unit(field),
            "source": getattr(node, "source", ""),
            "as_of": getattr(node, "as_of", ""),
            "derived": bool(
                getattr(node, "derived", False)
                or (field == "schedule" and getattr(node, "schedule_derived", False))
            ),
            # How sure the source is comes first: "not verified" must be seen before anything else.
            "note": "; ".join(
                text for text in (getattr(node, "confidence", None), getattr(node, "note", None)) if text
            ),
        })


def _sources_table(facts: Facts) -> pd.DataFrame:
    rows: list[dict] = []
    t = facts.tranches
    _walk("Investment", "filed commitment", t.filed_commitment, rows)
    for point in t.funded_points:
        _walk("Investment", f"funded at {point.date}", point, rows)
    for tranche in t.tranches:
        _walk("Investment", tranche.id, tranche, rows)
    r = facts.revenue_share
    _walk("Revenue share", "OpenAI to Microsoft", r.openai_to_microsoft, rows)
    _walk("Revenue share", "Microsoft to OpenAI", r.microsoft_to_openai, rows)
    for payment in r.net_payments_reported:
        _walk("Revenue share", f"net payments {payment.period}", payment, rows)
    _walk("Revenue share", "planned cut", r.planned_cut, rows)
    _walk("Equity", "recapitalization", facts.recapitalization, rows)
    for c in facts.commitments.commitments:
        _walk("Compute commitments", c.counterparty, c, rows)
    o = facts.openai
    for item in o.revenue_actuals:
        _walk("OpenAI", f"revenue {item.year}", item, rows)
    _walk("OpenAI", "revenue Q1 2026", o.revenue_q1_2026_usd_bn, rows)
    for item in o.revenue_runrate_year_end:
        _walk("OpenAI", f"run-rate end {item.year}", item, rows)
    for vintage, plan in o.revenue_plans.items():
        for item in plan:
            _walk("OpenAI", f"revenue plan {vintage} {item.year}", item, rows)
    _walk("OpenAI", f"cash at {o.cash.date}", o.cash, rows)
    for item in o.funding_rounds:
        _walk("OpenAI", f"round {item.date}", item, rows)
    for item in o.net_income:
        _walk("OpenAI", f"net income {item.period}", item, rows)
    for item in o.valuations:
        _walk("OpenAI", f"valuation {item.date}", item, rows)
    for item in o.losses + o.projections:
        _walk("OpenAI", item.item, item, rows)
    _walk("OpenAI", "stated aggregate commitments", o.stated_aggregate_commitments, rows)
    m = facts.microsoft
    _walk("Microsoft", "shares outstanding", m.shares_outstanding, rows)
    for quarter in m.equity_method:
        _walk("Microsoft", f"OpenAI result {quarter.period}", quarter, rows)
    _walk("Microsoft", "Azure backlog from OpenAI", m.azure_backlog_from_openai, rows)
    for fact in facts.context.context:
        rows.append({
            "topic": "Context", "record": fact.item, "field": "value",
            "value": "" if fact.value is None else str(fact.value), "unit": fact.unit,
            "source": fact.source, "as_of": fact.as_of, "derived": fact.derived,
            "note": "; ".join(text for text in (fact.confidence, fact.note) if text),
        })
    return pd.DataFrame(rows)
