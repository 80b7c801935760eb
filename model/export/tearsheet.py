"""A one-page PDF tear sheet of a scenario: the page an investor forwards.

It holds the scenario in one sentence, the headline figures with their change against the reported
terms, two charts (Microsoft's cumulative position by year against the reported terms; OpenAI's
commitments by counterparty), the assumptions changed, the MSFT price and the facts' as-of dates and
sources, and the scenario's link.

Chosen libraries, both from PyPI with wheels and no browser:

- **vl-convert-python** renders the charts: Vega-Lite specs (plain dicts built here, since the model
  never imports Altair) to PNG through the Vega project's own renderer compiled into the wheel, so
  a chart looks as the dashboard's Vega-Lite charts do, with no Chromium;
- **reportlab** lays out the page (text, tables, images), the long-kept standard for PDFs in Python.

The figures are written as ``python -m model summary`` writes them
(:func:`model.export.figures.format_metric`), so the page and the command line agree to the digit.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

import pandas as pd

from model.engine import run
from model.export.bundle import ExportBundle
from model.export.figures import format_metric
from model.numbers import is_missing
from model.scenario import Scenario, changed_specs

PDF_MIME = "application/pdf"
# The headline figures, in the order the page shows them (metrics of the summary table).
HEADLINE = ("npv_usd_bn", "npv_forward_contracts_usd_bn", "stake_value_usd_bn", "stake_value_at_mark_usd_bn",
            "tvpi", "dpi", "irr_to_date", "revenue_share_net_usd_bn", "azure_revenue_usd_bn",
            "at_risk_azure_revenue_usd_bn", "total_funding_gap_usd_bn", "break_even_year", "stake_now")
CHART_WIDTH_PX, CHART_HEIGHT_PX = 330, 260
BLUE, GREY = "#1f77b4", "#9e9e9e"


# -- the charts as Vega-Lite specs (plain dicts) -------------------------------------------------------


def position_spec(scenario_by_year: pd.DataFrame, reported_by_year: pd.DataFrame) -> dict[str, Any]:
    """Microsoft's cumulative position by year (stake as counted), the scenario against the reported terms."""
    values = [{"year": int(y), "usd_bn": float(v), "series": series}
              for series, frame in (("This scenario", scenario_by_year), ("Reported terms", reported_by_year))
              for y, v in zip(frame["year"], frame["cumulative_position_usd_bn"], strict=True)]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": {"text": "Microsoft's cumulative position (USD bn)", "fontSize": 12, "anchor": "start"},
        "width": CHART_WIDTH_PX, "height": CHART_HEIGHT_PX,
        "data": {"values": values},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "year", "type": "ordinal", "title": None, "axis": {"labelAngle": 0, "labelOverlap": True}},
            "y": {"field": "usd_bn", "type": "quantitative", "title": "USD bn"},
            "color": {"field": "series", "type": "nominal", "title": None,
                      "scale": {"domain": ["This scenario", "Reported terms"], "range": [BLUE, GREY]},
                      "legend": {"orient": "top-left"}},
        },
        "config": {"font": "DejaVu Sans", "view": {"stroke": None}},
    }


def commitments_spec(totals: pd.DataFrame) -> dict[str, Any]:
    """OpenAI's commitments to the horizon by counterparty, largest first."""
    frame = totals.sort_values("to_horizon_usd_bn", ascending=False)
    values = [{"counterparty": str(c), "usd_bn": float(v)}
              for c, v in zip(frame["counterparty"], frame["to_horizon_usd_bn"], strict=True) if not is_missing(v)]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": {"text": "OpenAI's compute commitments to the horizon (USD bn)", "fontSize": 12, "anchor": "start"},
        "width": CHART_WIDTH_PX - 90, "height": CHART_HEIGHT_PX,
        "data": {"values": values},
        "mark": {"type": "bar", "color": BLUE},
        "encoding": {
            "y": {"field": "counterparty", "type": "nominal", "sort": "-x", "title": None},
            "x": {"field": "usd_bn", "type": "quantitative", "title": "USD bn"},
        },
        "config": {"font": "DejaVu Sans", "view": {"stroke": None}},
    }


def chart_png(spec: Mapping[str, Any], scale: float = 3.0) -> bytes:
    """``spec`` drawn as a PNG by vl-convert (no browser)."""
    # Imported here for start-up time: vl-convert loads a JavaScript engine, needed only for a tear sheet.
    import vl_convert

    return vl_convert.vegalite_to_png(vl_spec=dict(spec), scale=scale)


# -- the words -----------------------------------------------------------------------------------------


def _usd(value: float | None) -> str:
    if is_missing(value):
        return "n/a"
    return f"{'-' if value < 0 else ''}${abs(value):,.0f}B"


def sentence(bundle: ExportBundle) -> str:
    """What the scenario means for Microsoft, in one sentence (the dashboard's overview says the same)."""
    m = bundle.result.metrics
    stake = (f"Microsoft's {_usd(m.invested_usd_bn)} has become a stake worth {_usd(m.stake_value_usd_bn)} "
             "as this scenario values it")
    if m.total_funding_gap_usd_bn < 0.05:
        bills = (f"OpenAI pays every bill it has signed, so none of the {_usd(m.azure_revenue_usd_bn)} of Azure "
                 "revenue it brings Microsoft is at risk")
    elif m.claims_recovered_share > 0.9995:
        bills = (f"OpenAI defers {_usd(m.total_funding_gap_usd_bn)} of its bills from {m.first_funding_gap_year} "
                 "and pays them back as its cash recovers, so no Azure revenue is lost, though the debts weigh on "
                 "the stake's value")
    else:
        bills = (f"OpenAI defers {_usd(m.total_funding_gap_usd_bn)} of its bills from {m.first_funding_gap_year} "
                 f"and its value covers only {m.claims_recovered_share:.0%} of them, so its equity is written off "
                 f"and {_usd(m.at_risk_azure_revenue_usd_bn)} of Microsoft's Azure revenue is lost")
    return f"{stake}; {bills}."


def _change(value: Any, base: Any, unit: str) -> str:
    if is_missing(value) or is_missing(base):
        return ""
    delta = float(value) - float(base)
    if abs(delta) < 1e-9:
        return "unchanged"
    if unit in ("fraction", "per year"):
        return f"{delta * 100:+.1f} pts"
    if unit == "x":
        return f"{delta:+,.2f}x"
    if unit == "year":
        return f"{delta:+.0f} year{'s' if abs(delta) != 1 else ''}"
    return f"{delta:+,.1f} {unit}".rstrip()


def headline_rows(bundle: ExportBundle, reported: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(label, figure as the summary command writes it, change against the reported terms)."""
    summary = bundle.result.tables["summary"].set_index("metric")
    base = reported.set_index("metric")
    rows = []
    for metric in HEADLINE:
        if metric not in summary.index:
            continue
        record = summary.loc[metric]
        unit = str(record["unit"] or "")
        rows.append((str(record["label"]), format_metric(record["value"], unit),
                     _change(record["value"], base.loc[metric, "value"] if metric in base.index else None, unit)))
    return rows


def _facts_line(sources: pd.DataFrame) -> str:
    dates = sorted(str(d) for d in sources.get("as_of", pd.Series(dtype=object)).dropna() if str(d).strip())
    names = sources["source"].dropna().astype(str) if "source" in sources else pd.Series(dtype=str)
    span = f"as of {dates[0]} to {dates[-1]}" if dates else "dates unknown"
    return (f"Facts: {len(sources)} reported values from {names.nunique()} sources, {span}; each with its "
            "source in the workbook's sources sheet.")


# -- the page ------------------------------------------------------------------------------------------


def tearsheet_pdf(bundle: ExportBundle) -> bytes:
    """The tear sheet of ``bundle`` as one A4 page of PDF."""
    # Imported here for start-up time: reportlab is needed only when a tear sheet is asked for.
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    reported = run(Scenario(), bundle.facts, bundle.result.today, msft_price_usd=bundle.cover.msft_price_usd)
    body = ParagraphStyle("body", fontName="Helvetica", fontSize=8.5, leading=10.5)
    small = ParagraphStyle("small", parent=body, fontSize=7, leading=8.6, textColor=colors.HexColor("#444444"))
    title = ParagraphStyle("title", parent=body, fontName="Helvetica-Bold", fontSize=15, leading=18)
    heading = ParagraphStyle("heading", parent=body, fontName="Helvetica-Bold", fontSize=9.5, leading=12,
                             spaceBefore=4)
    cover = bundle.cover

    def para(text: str, style=body) -> Paragraph:
        return Paragraph(escape(text), style)

    story: list[Any] = [
        para("Microsoft's exposure to OpenAI: tear sheet", title),
        para(f"Scenario {bundle.tag}; model date {cover.today}; exported "
             f"{cover.exported_at:%Y-%m-%d %H:%M} UTC" if cover.exported_at else
             f"Scenario {bundle.tag}; model date {cover.today}", small),
        Spacer(1, 2 * mm),
        Paragraph(f"<b>{escape(sentence(bundle))}</b>", body),
        Spacer(1, 2 * mm),
    ]
    rows = [["Headline figure (Microsoft's side: money in is positive)", "This scenario", "vs reported terms"]]
    rows += [[label, figure, change] for label, figure, change in headline_rows(bundle, reported.tables["summary"])]
    figures = Table(rows, colWidths=[92 * mm, 45 * mm, 38 * mm])
    figures.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), "Helvetica", 8.5),
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8.5),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f2f5f9")]),
        ("TOPPADDING", (0, 0), (-1, -1), 1.2), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
    ]))
    story += [figures, Spacer(1, 3 * mm)]
    chart_width = 88 * mm
    position = chart_png(position_spec(bundle.result.tables["msft_by_year"], reported.tables["msft_by_year"]))
    commitments = chart_png(commitments_spec(bundle.result.tables["commitment_totals"]))
    images = [_image(Image, png, chart_width) for png in (position, commitments)]
    charts = Table([images], colWidths=[chart_width + 2 * mm] * 2)
    charts.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story += [charts, Spacer(1, 1 * mm)]

    changed = changed_specs(bundle.scenario)
    story.append(para("Assumptions changed from the reported terms", heading))
    if changed:
        rows = [["Assumption", "This scenario", "Reported terms"]]
        rows += [[spec.label, spec.format(getattr(bundle.scenario, spec.name)), spec.format(spec.default)]
                 for spec in changed[:8]]
        table = Table(rows, colWidths=[92 * mm, 45 * mm, 38 * mm])
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), "Helvetica", 8), ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
            ("LINEBELOW", (0, 0), (-1, 0), 0.4, colors.black), ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ]))
        story.append(table)
        if len(changed) > 8:
            story.append(para(f"... and {len(changed) - 8} more (every value in the link and the workbook).", small))
    else:
        story.append(para("None: every assumption at the reported terms.", body))

    story.append(para("Price, facts and link", heading))
    price = (f"MSFT price used: {format_metric(cover.msft_price_usd, 'USD')}, close of {cover.msft_price_as_of} "
             f"({cover.msft_price_source})." if cover.msft_price_usd is not None else
             "MSFT price: none could be loaded; per-share figures are left out.")
    story += [para(price, small), para(_facts_line(bundle.sources), small)]
    story += [para(note, small) for note in cover.notes]
    if bundle.link:
        story.append(Paragraph(f'Scenario link: <link href="{escape(bundle.link)}" color="blue">'
                               f"{escape(bundle.link)}</link>", small))
    story.append(para("Derived by the model from the assumptions above; sign convention: from Microsoft's point "
                      "of view, money in is positive. Not investment advice.", small))

    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=14 * mm, rightMargin=14 * mm, topMargin=12 * mm,
                                 bottomMargin=10 * mm, title="Microsoft-OpenAI exposure: tear sheet",
                                 author="openai-exposure", subject=bundle.tag)
    document.build(story)
    return buffer.getvalue()


def _image(image_class, png: bytes, width: float):
    # Imported here for start-up time: reportlab is needed only when a tear sheet is asked for.
    from reportlab.lib.utils import ImageReader

    pixels_wide, pixels_high = ImageReader(io.BytesIO(png)).getSize()
    return image_class(io.BytesIO(png), width=width, height=width * pixels_high / pixels_wide)
