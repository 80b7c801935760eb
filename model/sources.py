"""The Sources table: every reported fact with its source and as-of date, one row per value.

Walks the validated :class:`~model.facts.Facts` record by record, so a fact added to a data file
appears here without another edit; how sure a source is (``confidence``) comes first in its note.
No data file holds an address: a source is cited by publication and date, and only a Microsoft
filing gets a link, to the SEC's own index of Microsoft's filings of that form (a stable address).
"""

from __future__ import annotations

import re

import pandas as pd

from model.facts import Facts, Record

_SOURCE_KEYS = {"source", "as_of", "derived", "note", "confidence"}
_UNITS = {"_usd_bn": "USD bn", "_usd": "USD", "rate": "fraction", "stake": "fraction",
          "gigawatts": "GW", "count": "shares"}

# Microsoft's filings on EDGAR, by form (CIK 0000789019 is Microsoft's).
MSFT_FILINGS_URL = "https://www.sec.gov/cgi-bin/browse-edgar?action=getcompany&CIK=0000789019&type={form}"
_MSFT_FILING = re.compile(r"Microsoft[^;]*?\b(10-K|10-Q|8-K)\b")


def filing_index_url(source: str) -> str | None:
    """The EDGAR index of Microsoft's filings of the form a source names (10-K, 10-Q, 8-K), when the
    source is a Microsoft filing; None otherwise. The form must follow "Microsoft" in the same part of
    the citation (parts are separated by ";").

    >>> filing_index_url("Microsoft 10-Q Q1 FY26 Note 3")
    'https://www.sec.gov/cgi-bin/browse-edgar?action=getcompany&CIK=0000789019&type=10-Q'
    >>> filing_index_url("Microsoft blog; Oracle 10-K FY2025") is None
    True
    """
    found = _MSFT_FILING.search(source or "")
    return MSFT_FILINGS_URL.format(form=found.group(1)) if found else None


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


def sources_table(facts: Facts) -> pd.DataFrame:
    """Every fact with its source and as-of date, one row per reported value."""
    rows: list[dict] = []
    t = facts.tranches
    _walk("Investment", "filed commitment", t.filed_commitment, rows)
    for point in t.funded_points:
        _walk("Investment", f"funded at {point.date}", point, rows)
    for tranche in t.tranches:
        _walk("Investment", tranche.label, tranche, rows)
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
    _walk("Microsoft", "OpenAI result 9M FY26", m.equity_method_nine_months, rows)
    _walk("Microsoft", "OpenAI investment carried at most", m.equity_method_carrying_at_most, rows)
    _walk("Microsoft", "Azure backlog from OpenAI", m.azure_backlog_from_openai, rows)
    for fact in facts.context.context:
        rows.append({
            "topic": "Context", "record": fact.item, "field": "value",
            "value": "" if fact.value is None else str(fact.value), "unit": fact.unit,
            "source": fact.source, "as_of": fact.as_of, "derived": fact.derived,
            "note": "; ".join(text for text in (fact.confidence, fact.note) if text),
        })
    return pd.DataFrame(rows)


def records_table(sources: pd.DataFrame) -> pd.DataFrame:
    """The Sources table one record a row, as a reader looks a fact up: its values side by side
    (``field: value unit``), then its source, as-of date, whether it is derived, its note, and the
    index of Microsoft's filings of its form where the source is one (:func:`filing_index_url`).

    Values read as a reader says them: a fraction as a percentage, a yes/no field as yes or no, and
    no ``id`` (a data file's key, which the record's name already gives).

    >>> rows = pd.DataFrame([
    ...     {"topic": "Investment", "record": "tranche 2019", "field": field, "value": value, "unit": unit,
    ...      "source": "OpenAI", "as_of": "2019-07-22", "derived": False, "note": ""}
    ...     for field, value, unit in [("id", "t2019", ""), ("amount_usd_bn", "1.0", "USD bn"),
    ...                                ("rate", "0.2", "fraction"), ("in_filed_commitment", "True", "")]])
    >>> records_table(rows)["values"].tolist()
    ['amount: 1.0 USD bn; rate: 20%; in filed commitment: yes']
    """
    def value_text(row: pd.Series) -> str:
        name = str(row["field"]).removesuffix("_usd_bn").removesuffix("_usd").replace("_", " ")
        value, unit = str(row["value"]), row["unit"]
        if unit == "fraction":
            value, unit = f"{float(value) * 100:.4g}%", ""
        value = {"True": "yes", "False": "no"}.get(value, value)
        return f"{name}: {value}" + (f" {unit}" if unit else "")

    rows = []
    for (topic, record), group in sources.groupby(["topic", "record"], sort=False):
        first = group.iloc[0]
        rows.append({
            "topic": topic, "record": record,
            "values": "; ".join(value_text(row) for _, row in group.iterrows()
                                if str(row["value"]) != "" and row["field"] != "id"),
            "source": first["source"], "as_of": first["as_of"], "derived": bool(group["derived"].astype(bool).any()),
            "note": first["note"], "filing_index": filing_index_url(first["source"]),
        })
    return pd.DataFrame(rows)
