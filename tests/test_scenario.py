"""The scenario model: one declaration per assumption, lenient links, strict command line."""

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from model.datafiles import DataFileError
from model.presets import load_presets
from model.scenario import (
    GROUPS,
    SPECS,
    Scenario,
    ScenarioError,
    from_json,
    lenient,
    parse_assignments,
    to_json,
    to_strings,
)


@pytest.mark.parametrize("name", list(SPECS))
def test_every_assumption_is_fully_declared(name):
    spec = SPECS[name]
    assert spec.label and spec.unit and spec.help, name
    assert spec.group in GROUPS
    if spec.value_type != "choice":
        assert spec.low <= spec.default <= spec.high
        assert spec.step > 0
        # The default must be reachable by the slider from its low end.
        steps = (spec.default - spec.low) / spec.step
        assert abs(steps - round(steps)) < 1e-6, f"{name}: default is not on the step grid"


def test_link_values_are_applied_and_bad_ones_named():
    scenario, ignored = lenient({
        "horizon_year": "2040",
        "discount_rate": "abc",
        "no_such_thing": "1",
        "msft_stake": "0.9",
        "shortfall_rule": "azure_paid_last",
    })
    assert scenario.horizon_year == 2040
    assert scenario.shortfall_rule.value == "azure_paid_last"
    assert scenario.discount_rate == SPECS["discount_rate"].default
    assert scenario.msft_stake == SPECS["msft_stake"].default
    reasons = {item.name: item.reason for item in ignored}
    assert set(reasons) == {"discount_rate", "no_such_thing", "msft_stake"}
    assert "0 to 0.5" in reasons["msft_stake"]
    assert "unknown assumption" in reasons["no_such_thing"]


@pytest.mark.parametrize(
    "assignment, named",
    [
        ("discount_rate=2", "0 to 0.25"),
        ("discount_rate=nan", "discount_rate"),
        ("horizon_year=2035.5", "2030 to 2050"),
        ("nope=1", "unknown assumption 'nope'"),
        ("discount_rate", "name=value"),
        ("shortfall_rule=random", "pro_rata"),
    ],
)
def test_command_line_values_are_strict(assignment, named):
    with pytest.raises(ScenarioError, match=named.replace("(", r"\(")):
        parse_assignments([assignment])


def test_whole_numbers_arrive_as_text_or_float():
    assert parse_assignments(["horizon_year=2040.0"]).horizon_year == 2040
    assert parse_assignments(["horizon_year=2041"]).horizon_year == 2041


def test_json_round_trip_and_refusals():
    scenario = parse_assignments(["msft_stake=0.3", "shortfall_rule=oldest_paid_first"])
    assert from_json(to_json(scenario)) == scenario
    with pytest.raises(ScenarioError, match="not a JSON scenario file"):
        from_json(b"\x89PNG not json")
    with pytest.raises(ScenarioError, match="expected an object"):
        from_json("[1, 2]")
    with pytest.raises(ScenarioError, match="msft_stake"):
        from_json(json.dumps({"msft_stake": 7}))


def _values():
    """Any valid scenario, field by field, on each field's step grid."""
    fields = {}
    for name, spec in SPECS.items():
        if spec.value_type == "choice":
            fields[name] = st.sampled_from(spec.choices)
        else:
            count = round((spec.high - spec.low) / spec.step)
            fields[name] = st.integers(0, count).map(
                lambda k, s=spec: (int if s.value_type == "int" else float)(round(s.low + k * s.step, 6))
            )
    return st.fixed_dictionaries(fields)


@given(_values())
def test_any_scenario_survives_a_link(values):
    scenario, ignored = lenient(values)
    assert ignored == []
    again, ignored = lenient(to_strings(scenario))
    assert ignored == [] and again == scenario


def test_presets_load_and_tell_a_story():
    presets = load_presets()
    assert list(presets) == ["base", "bull", "bear", "breakup", "ipo", "renegotiated", "announced"]
    assert presets["base"].scenario == Scenario()
    for preset in presets.values():
        assert preset.story.endswith(".")
    assert presets["bear"].scenario.openai_revenue_vs_plan < 1


@pytest.mark.parametrize(
    "text, message",
    [
        ("- {name: x, title: X, story: s, values: {msft_stake: 3}}",
         "presets.yaml: record presets[0] (x), field values: msft_stake=3 is not allowed"),
        ("- {name: x, title: X}", "presets.yaml: record presets[0] (x), field story: Field required"),
        ("- {name: x, title: X, story: s, values: {wat: 1}}", "unknown assumption 'wat'"),
        ("name: [", "presets.yaml: not valid YAML"),
        ("{a: 1}", "presets.yaml: field presets: Input should be a valid list"),
        ("- {name: bull, title: A, story: s.}\n- {name: bear, title: B, story: s.}\n"
         "- {name: bull, title: C, story: s.}",
         "presets.yaml: field presets: preset name 'bull' is used twice (presets[0] and presets[2])"),
    ],
)
def test_broken_presets_file_names_the_problem(tmp_path, text, message):
    path = tmp_path / "presets.yaml"
    path.write_text(text)
    with pytest.raises(DataFileError) as error:
        load_presets(path)
    assert message in str(error.value)
