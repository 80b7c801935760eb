"""Malformed links and a presets file with a repeated name: each gets a named, harmless message.

Whatever a link holds (lists, repeated names, empty, huge, NaN, unicode, control characters), the
link check never raises: every value it cannot use is named in the note, the page opens on the
default for that value, and the sidebar stays. The same holds for the Monte Carlo page's own
parameters (draws, seed, range), which Streamlit would otherwise fail on.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import streamlit as st
from hypothesis import given, settings
from hypothesis import strategies as strategies
from streamlit.testing.v1 import AppTest

import model.market.prices
import model.presets
from model.export.link import PAGE_PARAMS, PRESET_PARAM, query_pairs, read_link
from model.presets import load_presets
from model.scenario import SPECS, Scenario
from ui.link import ignored_line

DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")
WHOLE_NUMBER_FIELD = next(name for name, spec in SPECS.items() if spec.value_type == "int")
FRACTION_FIELD = next(name for name, spec in SPECS.items() if spec.value_type == "float")
HUGE = "9" * 400  # beyond float: int(float(HUGE)) raises OverflowError


class QueryParams(dict):
    """What ui.controls reads from st.query_params: names, and every value given for a name."""

    def get_all(self, name: str) -> list[str]:
        return list(self[name])


@pytest.fixture(autouse=True)
def offline_prices(monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("offline in tests")

    monkeypatch.setattr(model.market.prices, "fetch_live", refuse)


ODD_VALUES = ["", " ", "nan", "NaN", "inf", "-inf", "1e309", HUGE, "-" + HUGE, "1" * 100_000, "0x10", "1_000",
              "١٢", "½", "1,5", "None", "[1, 2]", "\x00", "2040.0000001", "2.04e3", "é", "%20", "0.1.2"]


@pytest.mark.parametrize("value", ODD_VALUES)
@pytest.mark.parametrize("name", [*SPECS, *PAGE_PARAMS])
def test_no_value_makes_the_link_check_raise(name, value):
    scenario, ignored, page = read_link(QueryParams({name: [value]}))
    assert isinstance(scenario, Scenario)
    assert {item.name for item in ignored} <= {name}
    if ignored:  # the default stands in for the value that was not used
        assert scenario == Scenario() and not page
        assert ignored_line(ignored[0])


@settings(max_examples=150, deadline=None)
@given(
    strategies.dictionaries(
        strategies.one_of(strategies.sampled_from([*SPECS, *PAGE_PARAMS]), strategies.text(max_size=20)),
        strategies.lists(strategies.one_of(strategies.text(max_size=30), strategies.sampled_from(ODD_VALUES)),
                         min_size=0, max_size=3),
        max_size=6,
    )
)
def test_any_link_is_read_without_raising_and_every_value_is_used_or_named(params):
    scenario, ignored, page = read_link(QueryParams(params))
    named = {item.name for item in ignored}
    for name in params:
        # used as an assumption or a preset, kept as a page setting, or named in the note
        assert name in SPECS or name == PRESET_PARAM or name in page or name in named
    for item in ignored:
        assert ignored_line(item)
    assert scenario == Scenario.model_validate(scenario.model_dump())


def test_a_link_may_start_from_a_preset_by_name_or_title():
    presets = load_presets()
    scenario, ignored, _ = read_link(QueryParams({"preset": ["bear"]}))
    assert scenario == presets["bear"].scenario and not ignored
    scenario, ignored, _ = read_link(QueryParams({"preset": [" ipo IN 2027 "]}))
    assert scenario == presets["ipo"].scenario and not ignored
    # The link's own values go on top of the preset's.
    scenario, ignored, _ = read_link(QueryParams({"preset": ["breakup"], "discount_rate": ["0.12"]}))
    assert scenario == presets["breakup"].scenario.model_copy(update={"discount_rate": 0.12})
    assert scenario != presets["breakup"].scenario


def test_an_unknown_preset_is_named_and_the_rest_still_applies():
    scenario, ignored, _ = read_link(QueryParams({"preset": ["moonshot"], "discount_rate": ["0.12"]}))
    assert scenario == Scenario(discount_rate=0.12)
    assert [item.name for item in ignored] == ["preset"]
    line = ignored_line(ignored[0])
    assert "moonshot" in line and "breakup" in line and "starting from the reported terms" in line


def test_a_whole_number_field_takes_only_whole_numbers():
    scenario, ignored, _ = read_link(QueryParams({WHOLE_NUMBER_FIELD: ["2040.0000001"]}))
    assert getattr(scenario, WHOLE_NUMBER_FIELD) == SPECS[WHOLE_NUMBER_FIELD].default
    assert [item.name for item in ignored] == [WHOLE_NUMBER_FIELD]


def app(query: dict, page: str | None = None) -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    for name, value in query.items():
        at.query_params[name] = value
    at.run()
    if page is not None:
        at.switch_page(page).run()
    return at


def note(at: AppTest) -> str:
    (text,) = [w.value for w in at.warning if "could not be used" in w.value]
    return text


@pytest.mark.parametrize(
    ("query", "page"),
    [
        ({WHOLE_NUMBER_FIELD: HUGE}, None),
        ({FRACTION_FIELD: "nan", WHOLE_NUMBER_FIELD: "-" + HUGE}, None),
        ({"mc_draws": HUGE}, "views/monte_carlo.py"),
        ({"mc_seed": "-5", "mc_width": "nan", "mc_method": "copula"}, "views/monte_carlo.py"),
    ],
)
def test_a_malformed_link_keeps_the_sidebar_and_names_each_value(query, page):
    at = app(query, page)
    assert not at.exception, [e.value for e in at.exception]
    assert not [e.value for e in at.error if "Could not show" in e.value]
    assert len(at.sidebar.slider) > 10  # the controls are still there
    text = note(at)
    for name in query:
        assert f"`{name}`" in text
    assert not set(query) & set(at.query_params)  # the URL no longer holds what was ignored


def test_the_monte_carlo_share_link_holds_draws_and_seed():
    at = app({"mc_draws": "500", "mc_seed": "3"}, "views/monte_carlo.py")
    assert not at.exception
    assert not at.sidebar.code  # "Show the link" draws the link only while open
    at.session_state["_show_link"] = True
    at.run()
    (link,) = [c.value for c in at.sidebar.code if c.value.startswith("http")]
    params = parse_qs(urlparse(link).query)
    assert params["mc_draws"] == ["500"] and params["mc_seed"] == ["3"]


def test_a_monte_carlo_setting_redraws_the_share_link_not_the_controls():
    at = app({}, "views/monte_carlo.py")
    at.session_state["_show_link"] = True
    at.run()
    at.number_input(key="mc_draws").set_value(500).run()
    assert not at.exception
    assert not [slider for slider in at.slider if slider.key == "discount_rate"]  # the controls were not sent
    (link,) = [c.value for c in at.sidebar.code if c.value.startswith("http")]
    assert parse_qs(urlparse(link).query) == {"mc_draws": ["500"]}


@pytest.fixture
def duplicate_presets(tmp_path, monkeypatch):
    path = tmp_path / "presets.yaml"
    path.write_text(
        "- {name: base, title: Base, story: The reported terms.}\n"
        "- {name: bull, title: Bull, story: Up., values: {discount_rate: 0.1}}\n"
        "- {name: bull, title: Bull again, story: Down., values: {discount_rate: 0.2}}\n"
    )
    monkeypatch.setattr(model.presets, "PRESETS_FILE", path)
    monkeypatch.setattr(model.presets.load_presets, "__defaults__", (path,))
    st.cache_resource.clear()
    yield path
    st.cache_resource.clear()


def test_a_presets_file_with_a_repeated_name_is_named_in_the_sidebar(duplicate_presets):
    at = app({})
    assert not at.exception
    errors = " ".join(e.value for e in at.sidebar.error)
    assert "presets.yaml" in errors and "'bull'" in errors and "twice" in errors
    assert len(at.sidebar.slider) > 10


def test_the_sidebar_lists_what_changed_and_resets_each_item_on_its_own():
    changed = {FRACTION_FIELD: SPECS[FRACTION_FIELD].high, WHOLE_NUMBER_FIELD: SPECS[WHOLE_NUMBER_FIELD].low}
    at = app({name: str(value) for name, value in changed.items()})
    assert not at.exception
    captions = " ".join(c.value for c in at.sidebar.caption)
    for name in changed:
        assert SPECS[name].label in captions
        assert at.button(key=f"_reset_{name}")
    untouched = next(name for name in SPECS if name not in changed)
    with pytest.raises(KeyError):
        at.button(key=f"_reset_{untouched}")
    at.button(key=f"_reset_{FRACTION_FIELD}").click().run()
    assert at.session_state["_scenario"] == Scenario(**{WHOLE_NUMBER_FIELD: changed[WHOLE_NUMBER_FIELD]})
    assert FRACTION_FIELD not in at.query_params and WHOLE_NUMBER_FIELD in at.query_params
    with pytest.raises(KeyError):
        at.button(key=f"_reset_{FRACTION_FIELD}")


def test_a_preset_link_opens_the_preset_with_its_values_in_the_address():
    # A shareholder's hand-written ?preset=breakup: the controls start from Breakup, and the address
    # is rewritten to the values it stands for, so the link the page shares is the usual one.
    at = app({"preset": "breakup"})
    assert not at.exception
    assert not [w for w in at.warning if "could not be used" in w.value]
    expected = query_pairs(load_presets()["breakup"].scenario)
    assert dict(at.query_params) == expected
    assert float(expected["openai_revenue_vs_plan"]) == 0.4  # data/presets.yaml: Breakup's 0.4x plan
