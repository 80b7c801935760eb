"""Scenario files in the dashboard, and the analysis pages, through Streamlit's AppTest.

An upload that is not a valid scenario is refused with the reason and changes nothing; a valid one
replaces the scenario (sidebar) or becomes one more comparison column (Compare page). The analysis
pages run without an exception, and a Monte Carlo link with draws and seed gives the same numbers.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import model.market.prices
from model.analysis.montecarlo import percentile_value, run_monte_carlo
from model.presets import load_presets
from model.scenario import Scenario, to_json
from ui import format as fmt

DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")
TIMEOUT = 60


@pytest.fixture(autouse=True)
def offline_prices(monkeypatch):
    # Tests never touch the internet: the live feed fails, so the dashboard falls back to its
    # saved download or the snapshot shipped in data/.
    def refuse(*args, **kwargs):
        raise ConnectionError("offline in tests")

    monkeypatch.setattr(model.market.prices, "fetch_live", refuse)


def _app(page: str | None = None, query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    at.run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _slider_values(at: AppTest) -> dict[str, object]:
    return {slider.key: slider.value for slider in at.slider if slider.key}


def _errors(at: AppTest) -> list[str]:
    # Messages quote untrusted text with Markdown escapes; compare the text a reader sees.
    return [e.value.replace("\\", "") for e in at.error]


def _sidebar_upload(at: AppTest):
    # The sidebar's "Downloads and scenario files" draws its controls only while open.
    at.session_state["_files"] = True
    at.run()
    return next(u for u in at.file_uploader if u.key == "_scenario_upload")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"this is not json", "not a JSON scenario file"),
        (json.dumps({"discount_rate": 0.12, "no_such_field": 1}).encode(), "no_such_field"),
        (json.dumps({"discount_rate": 0.12, "msft_stake": 0.9}).encode(), "msft_stake"),
        (json.dumps([1, 2, 3]).encode(), "not a JSON scenario file"),
    ],
)
def test_invalid_sidebar_upload_changes_nothing(content, reason):
    at = _app(query={"azure_margin": "0.3"})
    before, url_before = _slider_values(at), dict(at.query_params)
    assert before["azure_margin"] == pytest.approx(0.3)
    _sidebar_upload(at).upload("scenario.json", content, "application/json").run()
    assert not at.exception
    assert _slider_values(at) == before
    assert dict(at.query_params) == url_before
    assert any(reason in text for text in _errors(at)), _errors(at)


def test_valid_sidebar_upload_replaces_the_scenario_and_the_link():
    at = _app(query={"azure_margin": "0.3"})
    bear = load_presets()["bear"].scenario
    _sidebar_upload(at).upload("bear.json", to_json(bear).encode(), "application/json").run()
    values = _slider_values(at)
    assert values["openai_revenue_vs_plan"] == pytest.approx(bear.openai_revenue_vs_plan)
    assert values["azure_margin"] == pytest.approx(bear.azure_margin)  # back to the file's value
    assert at.query_params["openai_revenue_vs_plan"] == "0.6"
    assert "azure_margin" not in at.query_params


def test_invalid_comparison_upload_changes_nothing():
    at = _app("views/compare.py")
    upload = next(u for u in at.file_uploader if u.key == "_saved_scenario_upload")
    columns_before = [c for c in at.table[0].value.columns]
    upload.upload("broken.json", b'{"discount_rate": 7}', "application/json").run()
    assert not at.exception
    assert any("discount_rate" in text for text in _errors(at)), _errors(at)
    assert [c for c in at.table[0].value.columns] == columns_before
    assert "_saved_scenarios" not in at.session_state or not at.session_state["_saved_scenarios"]


def test_valid_comparison_upload_adds_a_column_and_keeps_the_scenario():
    at = _app("views/compare.py")
    sliders = _slider_values(at)
    upload = next(u for u in at.file_uploader if u.key == "_saved_scenario_upload")
    upload.upload("my case.json", json.dumps({"discount_rate": 0.15}).encode(), "application/json").run()
    assert not at.exception
    assert "my case" in list(at.table[0].value.columns)
    assert _slider_values(at) == sliders


@pytest.mark.parametrize("page", ["views/compare.py", "views/sensitivity.py", "views/monte_carlo.py"])
def test_analysis_pages_run_without_errors(page):
    at = _app(page)
    assert not at.error, [e.value for e in at.error]
    assert at.title


def test_monte_carlo_link_gives_the_same_numbers(facts):
    at = _app("views/monte_carlo.py", query={"mc_draws": "500", "mc_seed": "3"})
    assert at.query_params["mc_draws"] == "500" and at.query_params["mc_seed"] == "3"
    shown = {m.label: m.value for m in at.metric}
    expected = run_monte_carlo(Scenario(), facts, date.today(), draws=500, seed=3)
    assert shown["NPV, P50"] == fmt.headline_usd_bn(percentile_value(expected, "npv_usd_bn", "p50"))
    assert not at.warning, [w.value for w in at.warning]
