"""The dashboard through AppTest: every page runs, the numbers shown are the model's, links and
presets set the scenario, a bad link says what it ignored, downloads are the model's tables."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from streamlit.testing.v1 import AppTest

import model.market.prices as price_feed
import ui.data
import ui.state
from model.engine import run
from model.export.link import link_values, query_pairs, share_url
from model.export.tables import csv_bytes
from model.presets import load_presets
from model.scenario import SHORTFALL_RULE_LABELS, Scenario, ShortfallRule, lenient
from tests.conftest import TODAY
from ui import format as fmt

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard.py")
VIEWS = sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "views").glob("*.py") if path.stem != "__init__")


def _offline(start):
    raise price_feed.PriceFeedError("no network in tests")


@pytest.fixture(autouse=True)
def offline_and_fixed_day(monkeypatch, tmp_path):
    # The price feed is faked at its one boundary; the snapshot in data/ is then what is shown.
    monkeypatch.setattr(price_feed, "fetch_live", _offline)
    monkeypatch.setenv(price_feed.CACHE_DIR_ENV, str(tmp_path))
    monkeypatch.setattr(ui.data, "today", lambda: TODAY)


@pytest.fixture(scope="module")
def snapshot_close_usd():
    return price_feed.latest_close(price_feed.load_snapshot().frame).close_usd


def app(query_params: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if query_params:
        at.query_params = dict(query_params)
    return at.run()


def metric_values(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def test_pages_live_outside_a_pages_folder():
    # A "pages" folder beside dashboard.py turns on Streamlit's older page discovery, under which
    # AppTest reruns a page without the entry script (and so without the sidebar).
    assert not (ROOT / "pages").exists()


@pytest.mark.parametrize("page", VIEWS)
def test_every_page_runs_without_an_exception(page):
    at = app()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not [e.value for e in at.error if "Could not show" in e.value]
    assert at.slider(key="discount_rate").value == Scenario().discount_rate  # sidebar on every page


def test_overview_shows_the_models_numbers(facts, snapshot_close_usd):
    at = app()
    expected = run(Scenario(), facts, TODAY, snapshot_close_usd).metrics
    shown = metric_values(at)
    assert shown["Invested"] == fmt.headline_usd_bn(expected.invested_usd_bn)
    assert shown["NPV"] == fmt.headline_usd_bn(expected.npv_usd_bn)
    assert shown["Stake value"] == fmt.headline_usd_bn(expected.stake_value_usd_bn)
    assert shown["Contract NPV"] == fmt.headline_usd_bn(expected.npv_forward_contracts_usd_bn)
    assert shown["TVPI"] == fmt.multiple(expected.tvpi)
    assert shown["IRR to date"] == fmt.rate(expected.irr_to_date)
    assert shown["At-risk Azure revenue"] == fmt.headline_usd_bn(expected.at_risk_azure_revenue_usd_bn)


def test_a_slider_change_redraws_the_numbers_and_the_summary_not_the_controls(facts, snapshot_close_usd):
    at = app()
    at.session_state["_show_link"] = True  # the share box's link in full
    at.run()
    before = metric_values(at)["NPV"]
    at.slider(key="discount_rate").set_value(0.15).run()
    assert not at.exception
    expected = run(Scenario(discount_rate=0.15), facts, TODAY, snapshot_close_usd).metrics
    assert metric_values(at)["NPV"] == fmt.headline_usd_bn(expected.npv_usd_bn)
    assert metric_values(at)["NPV"] != before
    # Only what shows the scenario ran (AppTest's tree holds that run's elements alone): the page, the
    # summary with the changed assumption's own reset, the share box; no control was sent again.
    assert not at.slider and not at.selectbox
    # The changed assumption's reset, in the sidebar's summary and as a chip in the page.
    assert sorted(button.key for button in at.button) == ["_chip_discount_rate", "_reset_discount_rate"]
    assert "1 assumption changed" in " ".join(caption.value for caption in at.sidebar.caption)
    (link,) = [c.value for c in at.sidebar.code if c.value.startswith("http")]
    assert parse_qs(urlparse(link).query) == {"discount_rate": ["0.15"]}


def test_a_change_reruns_the_whole_app_when_a_view_was_not_drawn(monkeypatch, facts, snapshot_close_usd):
    # A page that failed before drawing its content registers no fragment to rerun.
    monkeypatch.setattr(ui.state, "SCENARIO_VIEWS", (*ui.state.SCENARIO_VIEWS, "not_drawn"))
    at = app()
    at.slider(key="discount_rate").set_value(0.15).run()
    assert not at.exception
    assert at.slider(key="discount_rate").value == 0.15  # the whole app ran: the controls are there
    expected = run(Scenario(discount_rate=0.15), facts, TODAY, snapshot_close_usd).metrics
    assert metric_values(at)["NPV"] == fmt.headline_usd_bn(expected.npv_usd_bn)


def test_a_change_of_assumption_does_not_redraw_what_does_not_follow_the_scenario():
    at = app()
    at.switch_page("views/sources.py").run()
    assert len(at.dataframe) == 1
    at.slider(key="discount_rate").set_value(0.15).run()
    assert not at.exception
    # The run held the page's header only: the glossary and the sources table were left as drawn.
    assert [title.value for title in at.title] == ["Sources"]
    assert not at.dataframe and not at.multiselect


def test_a_link_opens_its_scenario(facts, snapshot_close_usd):
    at = app({"discount_rate": "0.12", "msft_stake": "0.3", "shortfall_rule": "azure_paid_last"})
    scenario = Scenario(discount_rate=0.12, msft_stake=0.3, shortfall_rule=ShortfallRule.azure_paid_last)
    assert at.session_state["_scenario"] == scenario
    expected = run(scenario, facts, TODAY, snapshot_close_usd).metrics
    assert metric_values(at)["Stake value"] == fmt.headline_usd_bn(expected.stake_value_usd_bn)
    assert not at.warning  # nothing was ignored
    # The URL now holds the controls' own form: the choice by its label.
    assert at.query_params == {
        "discount_rate": "0.12", "msft_stake": "0.3",
        "shortfall_rule": SHORTFALL_RULE_LABELS[ShortfallRule.azure_paid_last],
    }


def test_a_bad_link_opens_on_defaults_and_names_each_ignored_value():
    at = app({"discount_rate": "0.12", "horizon_year": "2040.5", "azure_margin": "abc",
              "revenue_share_rate": "9", "nonsense": "1"})
    assert not at.exception
    assert at.session_state["_scenario"] == Scenario(discount_rate=0.12)
    (note,) = [w.value for w in at.warning if "could not be used" in w.value]
    for name in ("horizon_year", "azure_margin", "revenue_share_rate", "nonsense"):
        assert name in note
    assert "discount_rate" not in note
    assert at.query_params == {"discount_rate": "0.12"}
    at.button(key="_dismiss_notes").click().run()
    assert not [w for w in at.warning if "could not be used" in w.value]


def test_switching_pages_keeps_the_scenario():
    at = app({"discount_rate": "0.12"})
    at.slider(key="horizon_year").set_value(2040).run()
    at.switch_page("views/commitments.py").run()
    assert at.session_state["_scenario"] == Scenario(discount_rate=0.12, horizon_year=2040)
    assert at.slider(key="horizon_year").value == 2040


def test_the_page_is_drawn_from_the_scenario_the_controls_hold(monkeypatch):
    """On every way of setting the scenario (a link, a slider, a preset, a reset, a page switch) the
    page is drawn once, for the scenario the controls hold: no run draws it for another. (The
    Overview also runs the reported terms, which its cards' deltas are against.)"""
    drawn_for = []
    model_run = ui.data.result
    monkeypatch.setattr(ui.data, "result", lambda scenario: drawn_for.append(scenario) or model_run(scenario))

    def only_the_controls_scenario(at):
        assert not at.exception
        assert set(drawn_for) - {Scenario()} == {at.session_state["_scenario"]} - {Scenario()}
        assert at.session_state["_scenario"] in drawn_for
        drawn_for.clear()

    at = app({"discount_rate": "0.12", "shortfall_rule": "azure_paid_last"})  # a link, first run
    only_the_controls_scenario(at)
    assert at.session_state["_scenario"].discount_rate == 0.12
    at.slider(key="horizon_year").set_value(2041).run()  # a slider change: the page's fragment reruns
    only_the_controls_scenario(at)
    at.run()  # everything drawn again, as the browser still shows it (AppTest keeps the last run only)
    only_the_controls_scenario(at)
    at.button(key="_preset_bear").click().run()  # a preset, set in a callback
    only_the_controls_scenario(at)
    assert at.session_state["_scenario"] == load_presets()["bear"].scenario
    at.button(key="_reset").click().run()
    only_the_controls_scenario(at)
    at.switch_page("views/investment.py").run()
    only_the_controls_scenario(at)
    assert at.session_state["_scenario"] == Scenario()


def test_presets_and_reset_set_every_control():
    presets = load_presets()
    at = app()
    at.button(key="_preset_bear").click().run()
    assert at.session_state["_scenario"] == presets["bear"].scenario
    assert presets["bear"].story in " ".join(c.value for c in at.caption)
    at.button(key="_reset").click().run()
    assert at.session_state["_scenario"] == Scenario()


@pytest.mark.parametrize("page, table", [
    ("views/overview.py", "summary"),
    ("views/commitments.py", "commitments"),
    ("views/revenue_share.py", "revenue_share"),
    ("views/investment.py", "tranches"),
])
def test_downloads_are_the_models_tables(page, table, facts, snapshot_close_usd):
    at = app({"discount_rate": "0.11"})
    at.switch_page(page).run()
    made = at.session_state["_downloads"][table]()
    expected = run(Scenario(discount_rate=0.11), facts, TODAY, snapshot_close_usd).tables[table]
    assert made == csv_bytes(expected)


def test_the_workbook_download_holds_every_table():
    import io

    import pandas as pd

    at = app()
    assert "workbook" not in at.session_state["_downloads"]  # drawn only while its expander is open
    at.session_state["_files"] = True
    at.run()
    sheets = pd.read_excel(io.BytesIO(at.session_state["_downloads"]["workbook"]()), sheet_name=None)
    assert {"cover", "summary", "commitments", "scenario_comparison", "scenario", "sources"} <= set(sheets)
    assert {"sensitivity", "monte_carlo_percentiles", "monte_carlo_fan"} <= set(sheets)
    cover = dict(zip(sheets["cover"].iloc[:, 0], sheets["cover"].iloc[:, 1], strict=True))
    assert str(cover["Scenario link"]).startswith("http")
    assert "Exported at (UTC)" in cover


def test_a_failing_part_becomes_a_message_and_the_rest_renders(monkeypatch):
    import ui.charts

    def broken(*args, **kwargs):
        raise ValueError("chart data missing")

    monkeypatch.setattr(ui.charts, "bridge_chart", broken)
    at = app()
    assert not at.exception
    assert any("chart data missing" in e.value for e in at.error)
    assert metric_values(at)["Invested"]  # the headline numbers still show


@pytest.mark.parametrize("scenario", [
    Scenario(),
    Scenario(discount_rate=0.123, horizon_year=2044, shortfall_rule=ShortfallRule.oldest_paid_first),
    Scenario(openai_revenue_vs_plan=0.35000000000000003, revenue_share_cap_usd_bn=0.0),
])
def test_the_share_link_rebuilds_the_scenario(scenario):
    link = share_url(scenario, "http://example.test/commitments")
    params = {name: values[-1] for name, values in parse_qs(urlparse(link).query).items()}

    class Params(dict):
        def get_all(self, name):
            return [self[name]]

    rebuilt, ignored = lenient(link_values(Params(params)))
    assert ignored == []
    assert rebuilt == scenario


def test_model_check_page_shows_the_base_case_against_the_record(facts):
    from model.analysis.calibration import band_half_width, check, load_calibration

    at = app()
    at.switch_page("views/model_check.py").run()
    assert not at.exception
    expected = check(facts, TODAY)
    within = int(expected["within"].sum())
    known = expected[expected["known_miss"] != ""]
    banner = f"The base case reproduces **{within} of {len(expected)}** reported figures within their band."
    # The count says what it is worth: how wide the widest bands are, from the data.
    widest = max(w for w in map(band_half_width, expected["low"], expected["high"]) if w is not None)
    if within == len(expected):
        (success,) = [s.value for s in at.success]
        assert success.startswith(banner) and f"to ±{widest:.0%} (" in success
    else:  # every miss is a known one, named with its reason
        (warning,) = [w.value for w in at.warning]
        assert warning.startswith(banner) and all(row.label in warning for row in known.itertuples())
        assert within + len(known) == len(expected)
    shown = at.dataframe[0].value
    # Misses first, each marked in words as well as with a cross; the rest in the file's order.
    order = sorted(range(len(expected)), key=lambda n: bool(expected["within"][n]))
    assert list(shown["label"]) == [load_calibration()[n].label for n in order]
    assert list(shown["result"]) == ["✓" if expected["within"][n] else "✗ outside" for n in order]
    assert "your scenario" not in shown.columns


def test_model_check_page_adds_the_sidebars_scenario_when_it_differs():
    at = app({"openai_revenue_vs_plan": "0.5"})
    at.switch_page("views/model_check.py").run()
    shown = at.dataframe[0].value
    assert "your scenario" in shown.columns
    # The multiple of plan applies from 2027 (2026 stays at the reported pace): half of the $62B plan.
    revenue_2027 = shown.set_index("label").loc["OpenAI revenue 2027"]
    assert revenue_2027["your scenario"] == "$31.0B"
    assert revenue_2027["in band (yours)"] == "✗ outside"
    assert shown.set_index("label").loc["OpenAI revenue 2026", "your scenario"] == "$30.0B"


def test_model_check_page_writes_each_figure_in_its_declared_kind(facts):
    # A stake is held as a fraction (0.247) but declared `kind: percent`: the page writes 24.7%.
    from model.analysis.calibration import check

    at = app()
    at.switch_page("views/model_check.py").run()
    shown = at.dataframe[0].value.set_index("label")
    stake = check(facts, TODAY).set_index("measure").loc["stake_now"]
    assert shown.at["Microsoft's stake now", "modelled"] == fmt.percent(stake["modelled"])
    assert shown.at["Microsoft's stake now", "modelled"].endswith("%")
    assert shown.at["Microsoft's stake now", "band"] == "23% to 27%"
    assert shown.at["OpenAI revenue 2025", "band"] == "$13.05B to $13.15B"
    assert shown.at["Horizon value: price to free cash flow", "band"] == "25x to 40x"


def test_a_link_sets_the_choices_the_model_added(facts, snapshot_close_usd):
    # The plan vintage and the stake's valuation method are choices, bound to the URL like the rest.
    at = app({"revenue_plan": "sep_2025", "stake_valuation": "market_mark"})
    assert not at.exception
    from model.scenario import RevenuePlan, StakeValuation

    scenario = Scenario(revenue_plan=RevenuePlan.sep_2025, stake_valuation=StakeValuation.market_mark)
    expected = run(scenario, facts, TODAY, snapshot_close_usd).metrics
    assert metric_values(at)["NPV"] == fmt.headline_usd_bn(expected.npv_usd_bn)
    assert expected.npv_usd_bn != run(Scenario(), facts, TODAY, snapshot_close_usd).metrics.npv_usd_bn


def test_tables_on_screen_show_no_none_nor_negative_zero_and_read_their_units():
    import math

    import pandas as pd

    from ui.tables import screen_table

    frame = pd.DataFrame({"amount_usd_bn": [1.0, math.nan], "eps_usd": [-0.001, 0.5], "rate": [0.2, None],
                          "year": [2024, 2025]})
    shown, config = screen_table(frame)
    # Numbers stay numbers (they sort), rounded to what is shown: no "-0.00" in the browser.
    assert shown["eps_usd"].tolist() == [0.0, 0.5] and math.copysign(1, shown["eps_usd"][0]) == 1
    assert math.isnan(shown["amount_usd_bn"][1])  # drawn as the placeholder dash
    assert config["amount_usd_bn"]["label"] == "Amount (USD bn)" and config["eps_usd"]["label"] == "EPS (USD)"
    assert config["amount_usd_bn"]["type_config"]["format"] == "localized"
    assert config["rate"]["type_config"]["format"] == "percent"
    assert config["year"]["type_config"]["format"] == "%d"
    # A column whose unit is in the row is written cell by cell; a number of no known kind too.
    shown, _ = screen_table(pd.DataFrame({"value": [0.25, 12.0], "unit": ["of revenue", "USD bn"]}))
    assert shown["value"].tolist() == ["25.0%", "12.0"]  # money in a table to the $0.1B (ui.format.TABLE_DIGITS)
    shown, _ = screen_table(pd.DataFrame({"ratio": [1.23456, 2.0]}))
    assert shown["ratio"].tolist() == ["1.235", "2"]


def test_a_wide_table_on_a_phone_is_one_card_a_row_with_every_column_written_as_the_table_writes_it():
    import pandas as pd
    import streamlit as st

    from ui.tables import cards_html

    frame = pd.DataFrame({"event": [f"event {n}" for n in range(12)], "close_usd": [411.744] * 12,
                          "share": [0.2051] * 12, "note": ["<b>not bold</b>"] + [""] * 11,
                          "filing": ["https://www.sec.gov/cgi-bin/browse-edgar?type=10-Q"] + [None] * 11})
    config = {"close_usd": st.column_config.NumberColumn("Close (USD)", format="%.2f"),
              "share": st.column_config.NumberColumn("Share", format="percent", step=0.001),
              "filing": st.column_config.LinkColumn("Filing index", display_text=r"type=(.+)$")}
    cards = cards_html(frame, ("event",), config, first_cards=8)
    first = cards.split("</section>")[0]
    assert 'title="Event">event 0<' in first  # the heading names its column
    assert "Close (USD):</span> 411.74<" in first and "Share:</span> 20.5%<" in first
    assert "&lt;b&gt;not bold&lt;/b&gt;" in first  # text is shown, never run as HTML
    assert '<a href="https://www.sec.gov/cgi-bin/browse-edgar?type=10-Q"' in first and ">10-Q</a>" in first
    assert cards.count('class="table-card"') == 12 and "Note:</span> –<" in cards and "Filing index:</span> –<" in cards
    # Past eight, the rest wait behind one tap; a table one or two rows longer shows whole.
    assert cards.index("<details><summary>Show 4 more</summary>") > cards.index("event 7<") > 0
    assert "<details>" not in cards_html(frame.head(10), ("event",), config, first_cards=8)


def test_supporting_tables_are_sent_only_while_open_with_their_csv_always_offered():
    at = app()
    assert not at.exception
    assert not at.dataframe  # the Overview's tables are closed: nothing made, nothing sent
    assert {"summary", "msft_by_year"} <= set(at.session_state["_downloads"])
    at.session_state["_table_summary"] = True
    at.run()
    assert len(at.dataframe) == 1
    proto = at.dataframe[0].proto
    assert proto.placeholder == "–"  # an empty cell reads as a dash
    at.switch_page("views/sources.py").run()
    assert len(at.dataframe) == 1  # a page whose table is the page draws it in place


def test_the_two_way_table_starts_on_the_two_assumptions_that_move_the_chosen_result_most(facts):
    from model.analysis.sensitivity import OUTCOMES, tornado, uncertain_names

    ranking = tornado(Scenario(), facts, TODAY)
    names = uncertain_names()

    def top_two(outcome: str) -> list[str]:
        rows = ranking[ranking["outcome"] == outcome].sort_values("rank")
        return [name for name in rows["name"] if name in names][:2]

    at = app()
    at.switch_page("views/sensitivity.py").run()
    first = at.selectbox(key="sensitivity_outcome").value
    assert [at.selectbox(key="grid_rows").value, at.selectbox(key="grid_columns").value] == top_two(first)

    other = next(outcome for outcome in OUTCOMES if top_two(outcome) != top_two(first))
    at.selectbox(key="sensitivity_outcome").set_value(other).run()
    assert not at.exception
    assert [at.selectbox(key="grid_rows").value, at.selectbox(key="grid_columns").value] == top_two(other)

    # A pair chosen by hand stays while the result stays.
    chosen = next(name for name in names if name not in top_two(other))
    at.selectbox(key="grid_rows").set_value(chosen).run()
    assert at.selectbox(key="grid_rows").value == chosen
    assert not at.exception


def test_the_rate_path_note_says_flat_when_the_rate_does_not_move():
    from ui.page import rate_path_text

    flat = Scenario()
    assert flat.revenue_share_rate == flat.revenue_share_rate_final  # the reported terms: one rate
    assert "moving" not in rate_path_text(flat) and fmt.percent(flat.revenue_share_rate) in rate_path_text(flat)
    cut = Scenario(revenue_share_rate_final=0.08)
    assert "moving in equal yearly steps to 8.0%" in rate_path_text(cut)


def test_the_sources_page_explains_the_terms_a_shareholder_meets():
    from ui.glossary import GLOSSARY

    at = app()
    at.switch_page("views/sources.py").run()
    text = "\n".join(block.value for block in at.markdown)
    for term in ("TVPI", "DPI", "NPV", "IRR", "HHI", "At-risk Azure revenue", "x plan", "Market mark", "Funding gap"):
        assert any(term in name for name in GLOSSARY), term
        assert term in text, term


def test_tornado_leaves_out_assumptions_that_do_not_move_the_result():
    from model.scenario import SPECS

    at = app()
    at.switch_page("views/sensitivity.py").run()
    assert not at.exception
    # The tax rate is a reported term, held unless asked: it is named among the held ones.
    (held,) = [c.value for c in at.caption if "Held as reported terms" in c.value]
    assert SPECS["msft_tax_rate"].label in held
    at.toggle(key="sensitivity_reported").set_value(True).run()
    (note,) = [c.value for c in at.caption if "do not move this result" in c.value]
    # The tax rate reaches only the EPS table, never a cash flow: no bar on the NPV tornado.
    assert SPECS["msft_tax_rate"].label in note
    assert SPECS["discount_rate"].label not in note


def test_the_start_command_loads_every_module_before_the_first_visitor():
    import sys

    from ui.serve import preload

    expected = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for folder in ("model", "ui") for path in (ROOT / folder).rglob("*.py")
        if path.stem not in ("__init__", "__main__", "serve") or path.parent != ROOT / folder
    } - {"model.__main__", "ui.serve"}
    assert set(preload()) == expected
    assert expected <= set(sys.modules)


def test_the_start_command_reads_the_data_files_before_the_first_visitor(monkeypatch):
    import streamlit as st

    import ui.state
    from ui.serve import warm

    st.cache_resource.clear()
    warm()

    def read_again(*args):
        raise AssertionError("read again after the start")

    monkeypatch.setattr(ui.data, "load_facts", read_again)
    monkeypatch.setattr(ui.state, "load_presets", read_again)
    assert ui.data.facts().commitments.commitments  # the process-wide cache answers
    assert ui.state.cached_presets()
    st.cache_resource.clear()


def test_the_start_command_starts_even_when_a_data_file_is_broken(monkeypatch, caplog):
    import streamlit as st

    from model.datafiles import DataFileError
    from ui.serve import warm

    def broken(*args):
        raise DataFileError("commitments.yaml: record commitments[4] (aws), field total_usd_bn: not a number")

    st.cache_resource.clear()
    monkeypatch.setattr(ui.data, "load_facts", broken)
    warm()  # does not raise: the page names the file when it needs it
    assert "could not warm" in caplog.text
    st.cache_resource.clear()


def test_monte_carlo_says_so_when_every_draw_gives_the_same_amount():
    at = app()
    at.button(key="_preset_bull").click().run()
    at.switch_page("views/monte_carlo.py").run()
    # The Bull story with its ranges a quarter as wide pays every bill in every draw.
    at.slider(key="mc_width").set_value(0.25).run()
    at.selectbox(key="mc_outcome").set_value("at_risk_azure_revenue_usd_bn").run()
    assert not at.exception
    (note,) = [info.value for info in at.info if "every one of the" in info.value]
    assert note == "At-risk Azure revenue: every one of the 10,000 draws gives $0.0B."
    at.selectbox(key="mc_outcome").set_value("npv_usd_bn").run()  # a spread: the histogram
    assert not [info for info in at.info if "every one of the" in info.value]


def cards(at: AppTest) -> dict[str, tuple[str, str | None]]:
    return {metric.label: (metric.value, metric.delta or None) for metric in at.metric}


def test_the_investment_page_shows_headline_cards_with_their_change(facts, snapshot_close_usd):
    from ui.what_moved import HEADLINES, delta_text

    at = app({"discount_rate": "0.12"})
    at.switch_page("views/investment.py").run()
    assert not at.exception
    now = run(Scenario(discount_rate=0.12), facts, TODAY, snapshot_close_usd).metrics
    reported = run(Scenario(), facts, TODAY, snapshot_close_usd).metrics
    shown = cards(at)
    names = ("invested_usd_bn", "funded_to_date_usd_bn", "invested_cash_usd_bn", "invested_cost_to_msft_usd_bn",
             "npv_usd_bn", "irr_to_date", "tvpi", "dpi")
    assert list(shown)[:8] == [HEADLINES[name][0] for name in names]
    for name in names:
        label, kind, _ = HEADLINES[name]
        assert shown[label] == (fmt.headline(kind, getattr(now, name)),
                                delta_text(kind, getattr(now, name), getattr(reported, name))), label
    assert shown["NPV"][1].startswith("-$")  # a higher discount rate lowers the NPV


def test_a_metric_has_one_label_and_one_figure_on_every_page():
    at = app({"openai_revenue_vs_plan": "0.6"})
    overview = cards(at)
    at.switch_page("views/investment.py").run()
    investment = cards(at)
    shared = set(overview) & set(investment)
    assert {"Invested", "NPV", "TVPI", "IRR to date"} <= shared
    assert {label: investment[label] for label in shared} == {label: overview[label] for label in shared}
    assert not {"Committed", "TVPI / DPI", "IRR to date (per year)", "Stake at the horizon"} & set(investment)


def test_a_cards_change_is_written_to_its_values_rounding(facts, snapshot_close_usd):
    # The breakup preset moves every figure far: a change of $235B reads "$235B" as a value of $235B
    # would, not "$234.9B" beside a value of "$46B"; a multiple's change to 0.1x like the multiple.
    from ui.what_moved import HEADLINES

    breakup = load_presets()["breakup"].scenario
    at = app(query_pairs(breakup))
    shown = cards(at)
    now = run(breakup, facts, TODAY, snapshot_close_usd).metrics
    reported = run(Scenario(), facts, TODAY, snapshot_close_usd).metrics
    checked = 0
    for name, (label, kind, _) in HEADLINES.items():
        if label not in shown or kind not in ("usd_bn", "multiple") or shown[label][1] in (None, "same", "n/m"):
            continue
        change = abs(getattr(now, name) - getattr(reported, name))
        assert shown[label][1][1:] == fmt.headline(kind, change), label
        checked += 1
    assert checked >= 6


def test_what_microsoft_risks_leaves_the_discount_rate_out_of_the_value_lost():
    # A higher discount rate lowers the NPV by some $25B, but no business is lost: the value lost is
    # nil and a sentence says where the NPV's change came from.
    at = app({"discount_rate": "0.12"})
    shown = cards(at)
    assert shown["NPV"][1].startswith("-$")
    assert shown["Value lost (NPV)"][0] == "$0.0B"
    text = " ".join(markdown.value for markdown in at.markdown).replace("\\$", "$")
    assert "neither loses nor gains value" in text and "discount rate you chose moves the NPV by -$" in text


def test_what_microsoft_risks_counts_a_business_change_with_the_discount_rate_apart(facts):
    from model.analysis.attribution import attribute

    scenario = Scenario(openai_revenue_vs_plan=0.6, discount_rate=0.12)
    at = app({"openai_revenue_vs_plan": "0.6", "discount_rate": "0.12"})
    parts = attribute(scenario, facts, TODAY)
    business_loss = -(parts.total("npv_usd_bn") - parts.valuation_part("npv_usd_bn"))
    assert cards(at)["Value lost (NPV)"][0] == fmt.headline_usd_bn(business_loss)


def test_compare_writes_a_rule_by_its_label():
    at = app()
    at.switch_page("views/compare.py").run()
    assert not at.exception
    cells = {str(cell) for table in at.table for cell in table.value.to_numpy().ravel()}
    assert SHORTFALL_RULE_LABELS[ShortfallRule.azure_paid_last] in cells  # the breakup preset's rule
    assert "azure paid last" not in cells


def test_compare_writes_each_figure_by_the_rule_every_page_uses(facts, snapshot_close_usd):
    at = app()
    at.switch_page("views/compare.py").run()
    assert not at.exception
    results = at.table[0].value.set_index("Row")
    metrics = {title: run(scenario, facts, TODAY, snapshot_close_usd).metrics
               for title, scenario in (("Base", Scenario()), ("Breakup", load_presets()["breakup"].scenario))}
    # A multiple to 0.1x as on the cards; money to $0.1B as in every table; a rate with no meaning "n/m".
    assert results.at["TVPI", "Base"] == fmt.multiple(metrics["Base"].tvpi)
    assert results.at["TVPI", "Breakup"] == fmt.multiple(metrics["Breakup"].tvpi)
    assert results.at["NPV", "Base"] == fmt.usd_bn(metrics["Base"].npv_usd_bn, 1)
    assert metrics["Breakup"].irr_to_date is None and results.at["IRR to date", "Breakup"] == "n/m"


def test_money_assumptions_read_as_money():
    from model.scenario import SPECS

    assert fmt.readable_value(SPECS["outside_funding_usd_bn_per_year"], 10.0) == "$10B per year"
    assert fmt.readable_value(SPECS["revenue_share_cap_usd_bn"], 38.0) == "$38B"
    assert fmt.readable_value(SPECS["gpu_usd_bn_per_gw"], 15.5) == "$15.5B per GW"


def chart_titles(at: AppTest) -> list[str]:
    """Each chart's title, its lines joined."""
    titles = [json.loads(element.proto.spec).get("title", {}).get("text", "") for element in
              at.get("vega_lite_chart")]
    return [" ".join(title) if isinstance(title, list) else title for title in titles]


def test_at_the_reported_terms_the_loss_chart_gives_way_to_a_sentence():
    at = app()
    assert not at.exception
    assert any("No loss against the reported terms" in caption.value for caption in at.caption)
    assert not [title for title in chart_titles(at) if title.startswith("What Microsoft loses")]
    at = app({"openai_revenue_vs_plan": "0.6"})  # a loss: the chart is back, the sentence gone
    assert [title for title in chart_titles(at) if title.startswith("What Microsoft loses")]
    assert not any("No loss against the reported terms" in caption.value for caption in at.caption)


def test_a_written_off_stake_is_said_in_words_and_revenue_at_risk_sits_beside_the_margin_on_it():
    at = app(query_pairs(load_presets()["breakup"].scenario))
    assert not at.exception
    text = " ".join(markdown.value for markdown in at.markdown).replace("\\$", "$")
    assert "$13.0B, with its assumed $5.0B in the 2026 round, has been written off" in text
    assert "stake worth $0.0B" not in text
    labels = [metric.label for metric in at.metric]
    margin = labels.index("Azure margin at risk")
    assert labels[margin - 1] == "At-risk Azure revenue"


def test_a_link_with_many_changes_shows_three_chips_and_the_rest_behind_one_button():
    from ui.what_moved import CHIPS_SHOWN

    at = app(query_pairs(load_presets()["breakup"].scenario))  # eight assumptions changed
    (more,) = at.get("popover")
    assert more.proto.popover.label == f"and {8 - CHIPS_SHOWN} more"
    # Every one can still be put back: the rest are in the popover.
    assert len([button for button in at.button if button.key.startswith("_chip_")]) == 8
    assert len([button for button in more.button if button.key.startswith("_chip_")]) == 8 - CHIPS_SHOWN


def test_the_revenue_share_cards_show_their_change_from_the_reported_terms():
    at = app({"revenue_share_cap_usd_bn": "20"})
    at.switch_page("views/revenue_share.py").run()
    assert not at.exception
    shown = cards(at)
    assert shown["Cap from 2026"] == ("$20.0B", "-$18.0B")
    assert [label for label in ("Revenue share received", "To come", "Cap binds in (year)")
            if shown[label][1] is None] == []


def test_monte_carlo_cards_use_the_charts_percentiles():
    at = app()
    at.switch_page("views/monte_carlo.py").run()
    assert not at.exception
    labels = [metric.label for metric in at.metric]
    assert {"NPV, P10", "NPV, P50", "NPV, P90", "NPV, mean"} <= set(labels)
    assert not [label for label in labels if "P5" in label.replace("P50", "")]
    assert {"P(a funding gap in some year)", "Funding gap, all years, P95"} <= set(labels)
    assert any("95th percentile" in caption.value for caption in at.caption)  # why the risk cards differ
