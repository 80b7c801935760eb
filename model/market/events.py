"""Deal events (data/events.yaml) and the MSFT returns in the sessions after each.

A return here is a price return on the as-traded close: from the close of the last session on or before
the event date (which may already include the news, if it came out before that close) to the close one
and five sessions later. Dividends are left out; an MSFT dividend is about 0.2% of the price.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from model.datafiles import DATA_DIR, DataFileError, load_file, to_date
from model.market.prices import COUNTERPARTY_TICKERS

EVENTS_PATH = DATA_DIR / "events.yaml"
RETURN_HORIZONS_SESSIONS = {"return_1d": 1, "return_5d": 5}

Category = Literal["tranche", "partnership", "recapitalization", "amendment", "commitment", "competition", "finances"]
DatePrecision = Literal["day", "month", "year"]
# When in the day the news came out, where a source says so; "unknown" for most events.
Timing = Literal["unknown", "before_open", "during_session", "after_close"]
Counterparty = Literal[COUNTERPARTY_TICKERS]  # type: ignore[valid-type]
_PRECISION_PATTERNS = {"day": r"\d{4}-\d{2}-\d{2}", "month": r"\d{4}-\d{2}", "year": r"\d{4}"}


def _as_text(value: Any) -> Any:
    # YAML reads an unquoted 2019-07-22 as a date and 2021 as a number; both mean the same text.
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _reported_date(value: Any) -> Any:
    text = _as_text(value)
    if not isinstance(text, str):
        return text  # the str type check reports it
    if not any(re.fullmatch(pattern, text) for pattern in _PRECISION_PATTERNS.values()):
        raise ValueError("expected YYYY-MM-DD, YYYY-MM or YYYY")
    to_date(text)  # rejects impossible dates such as 2025-02-30
    return text


ReportedDate = Annotated[str, BeforeValidator(_reported_date)]


class DealEvent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    date: ReportedDate
    date_precision: DatePrecision
    label: str = Field(min_length=1, max_length=40)
    explanation: str = Field(min_length=1, max_length=240)
    category: Category
    source: str = Field(min_length=1)
    as_of: ReportedDate
    # The listed companies whose OpenAI business the event is about (their tickers); the event study
    # runs for each of them on this event, beside MSFT.
    concerns: tuple[Counterparty, ...] = ()
    timing: Timing = "unknown"
    timing_source: str | None = Field(default=None, validate_default=True)

    @field_validator("timing_source")
    @classmethod
    def _timing_has_a_source(cls, source: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("timing", "unknown") != "unknown" and not source:
            raise ValueError("a known time of day needs its source")
        return source

    # Field validators rather than a whole-record check, so that an error names the field at fault.
    @field_validator("date_precision")
    @classmethod
    def _precision_matches_date(cls, precision: str, info: ValidationInfo) -> str:
        reported = info.data.get("date")
        if reported is not None and not re.fullmatch(_PRECISION_PATTERNS[precision], reported):
            raise ValueError(f"date {reported!r} is not given to the {precision}")
        return precision

    @field_validator("as_of")
    @classmethod
    def _as_of_not_before_event(cls, as_of: str, info: ValidationInfo) -> str:
        reported = info.data.get("date")
        if reported is not None and to_date(as_of) < to_date(reported):
            raise ValueError(f"as_of {as_of} is before the event date {reported}")
        return as_of

    @property
    def start_date(self) -> date:
        """The first day of the reported period: where the chart marks an event known only by month
        or year (date_precision says so)."""
        return to_date(self.date)


class _EventsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    events: list[DealEvent] = Field(min_length=1)


def load_events(path: Path = EVENTS_PATH) -> tuple[DealEvent, ...]:
    """The deal events in date order; DataFileError naming file, record and field if the file is broken."""
    parsed = load_file(path, _EventsFile)
    name = path.name
    seen: dict[str, int] = {}
    for index, event in enumerate(parsed.events):
        if event.id in seen:
            raise DataFileError(
                f"{name}: record events[{index}] ({event.id}), field id: repeats events[{seen[event.id]}]")
        seen[event.id] = index
    return tuple(sorted(parsed.events, key=lambda event: (event.start_date, event.id)))


def events_frame(events: tuple[DealEvent, ...] | list[DealEvent]) -> pd.DataFrame:
    """One row per event for the price chart: `chart_date` is the first day of the reported period."""
    columns = ["event_id", "chart_date", "event_date", "date_precision", "label", "explanation",
               "category", "source", "as_of"]
    rows = [
        {"event_id": event.id, "chart_date": pd.Timestamp(event.start_date), "event_date": event.date,
         "date_precision": event.date_precision, "label": event.label, "explanation": event.explanation,
         "category": event.category, "source": event.source, "as_of": event.as_of}
        for event in events
    ]
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class _Base:
    position: int
    session: date
    close_usd: float


def returns_after_events(prices_frame: pd.DataFrame, events: tuple[DealEvent, ...] | list[DealEvent]
                         ) -> pd.DataFrame:
    """MSFT price return 1 and 5 sessions after each event.

    Base: the close of the last session on or before the event date. NaN where the prices do not reach
    (the event is before the first or too near the last session) and for events known only by month or
    year, whose day, and so whose base session, is unknown.

    Columns: event_id, event_date (as reported: YYYY-MM-DD, YYYY-MM or YYYY), date_precision, event
    (the label), category, base_session_date, close_before_usd, return_1d, return_5d (fractions).
    """
    closes = prices_frame["close"]
    rows = []
    for event in events:
        base = _base_session(closes, event)
        row: dict[str, Any] = {
            "event_id": event.id, "event_date": event.date, "date_precision": event.date_precision,
            "event": event.label, "category": event.category,
            "base_session_date": base.session if base else None,
            "close_before_usd": base.close_usd if base else float("nan"),
        }
        for column, sessions in RETURN_HORIZONS_SESSIONS.items():
            later = base.position + sessions if base else len(closes)
            reached = later < len(closes)
            row[column] = float(closes.iloc[later]) / base.close_usd - 1 if reached else float("nan")
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["event_id", "event_date", "date_precision", "event", "category",
                                        "base_session_date", "close_before_usd", *RETURN_HORIZONS_SESSIONS])
    frame["base_session_date"] = pd.to_datetime(frame["base_session_date"])
    return frame


def _base_session(closes: pd.Series, event: DealEvent) -> _Base | None:
    if event.date_precision != "day":
        return None
    position = int(closes.index.searchsorted(pd.Timestamp(event.start_date), side="right")) - 1
    if position < 0:
        return None
    return _Base(position, closes.index[position].date(), float(closes.iloc[position]))
