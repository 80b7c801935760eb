"""The reported facts, loaded from the YAML files in data/ and validated where they enter.

Every record carries its source and the date it speaks for. A file that is broken or edited wrong
fails at load with a message naming the file, the record and the field; nothing half-loaded is used.
Amounts are USD billions (``_usd_bn``); rates and stakes are fractions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from model.datafiles import DATA_DIR, Month, PartialDate, load_file, month_index, to_date


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

    @property
    def label(self) -> str:
        """The tranche as a reader names it: "tranche 2019" for the id ``t2019``."""
        return tranche_label(self.id)


def tranche_label(tranche_id: str) -> str:
    """``"t2019"`` -> ``"tranche 2019"``: a tranche's id (a data file's key) as a reader names it."""
    return f"tranche {tranche_id.removeprefix('t')}"


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
    # Money paid before the recapitalization that converted into equity only at it: Microsoft books
    # the dilution gain then (10-Q Q1 FY26, Note 17), not when the money arrived.
    converted_at_recapitalization: bool = False

    @model_validator(mode="after")
    def _adds_up(self) -> FundingRound:
        if sum(r.usd_bn for r in self.receipts) + self.contingent_usd_bn > self.raised_usd_bn + 1e-9:
            raise ValueError("receipts and the contingent part add up to more than raised_usd_bn")
        return self

    @property
    def undated_usd_bn(self) -> float:
        """Money of the round that is neither dated by a source nor contingent."""
        return self.raised_usd_bn - self.contingent_usd_bn - sum(r.usd_bn for r in self.receipts)

    @property
    def issued_share_paid(self) -> float:
        """Share of the company issued for the round's money that is not contingent.

        Contingent shares are issued only when their money arrives, at the round's price: the
        pre-money value is the same either way, so the paid part issues
        paid / (post-money - contingent)."""
        paid = self.raised_usd_bn - self.contingent_usd_bn
        return paid / (self.post_money_usd_bn - self.contingent_usd_bn)


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


class CarryingBound(Sourced):
    """The most the OpenAI investment can have been carried at on ``date``."""

    date: PartialDate
    usd_bn: float = Field(gt=0)


class MicrosoftFile(Record):
    shares_outstanding: SharesOutstanding
    equity_method: list[EquityMethodQuarter]
    equity_method_nine_months: EquityMethodQuarter
    equity_method_carrying_at_most: CarryingBound
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


class Facts(Record):
    """Everything reported that the model uses. Build with :func:`load_facts`."""

    tranches: TrancheFile
    revenue_share: RevenueShareFile
    recapitalization: Recapitalization
    commitments: CommitmentFile
    openai: OpenAIFile
    microsoft: MicrosoftFile
    context: ContextFile



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
