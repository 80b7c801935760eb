"""Deal events: the data file, its validation errors, and the MSFT returns after each event."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import yaml

from model.datafiles import DataFileError
from model.market.events import EVENTS_PATH, DealEvent, events_frame, load_events, returns_after_events
from model.market.prices import load_snapshot

CATEGORIES = {"tranche", "partnership", "recapitalization", "amendment", "commitment", "competition", "finances"}


@pytest.fixture(scope="module")
def events() -> tuple[DealEvent, ...]:
    return load_events()


@pytest.fixture(scope="module")
def snapshot_frame() -> pd.DataFrame:
    return load_snapshot().frame


def _event(**changes) -> DealEvent:
    record = {"id": "probe", "date": "2023-01-23", "date_precision": "day", "label": "probe",
              "explanation": "probe", "category": "tranche", "source": "test", "as_of": "2026-09-28"}
    return DealEvent.model_validate(record | changes)


# --- the shipped file ----------------------------------------------------------------------------


def test_shipped_events_load_in_date_order(events):
    ids = [event.id for event in events]
    assert len(ids) == len(set(ids)) == 25
    assert [event.start_date for event in events] == sorted(event.start_date for event in events)
    assert {event.category for event in events} == CATEGORIES


@pytest.mark.parametrize(("event_id", "reported", "precision", "category"), [
    ("tranche_2019", "2019-07-22", "day", "tranche"),
    ("tranche_2021", "2021", "year", "tranche"),
    ("tranche_2023", "2023-01-23", "day", "tranche"),
    ("tranche_2024", "2024-10", "month", "tranche"),
    ("competitor_in_10k_2024", "2024-07-30", "day", "competition"),
    # public_record_2026.md: Stargate UK paused (Bloomberg), the WSJ report, the confidential S-1.
    ("stargate_uk_paused", "2026-04-09", "day", "commitment"),
    ("wsj_missed_targets", "2026-04-27", "day", "finances"),
    ("confidential_s1", "2026-06-08", "day", "finances"),
    ("stargate_2025", "2025-01-21", "day", "commitment"),
    ("oracle_2025", "2025-09-10", "day", "commitment"),
    ("recapitalization_2025", "2025-10-28", "day", "recapitalization"),
    ("aws_2025", "2025-11-03", "day", "commitment"),
    ("round_2026", "2026-03-31", "day", "tranche"),
    ("amendment_2026", "2026-04-27", "day", "amendment"),
])
def test_key_events_as_the_references_date_them(events, event_id, reported, precision, category):
    # Dates from the project's references (deal_facts.yaml); the 10-K one from Microsoft's filing.
    [event] = [event for event in events if event.id == event_id]
    assert (event.date, event.date_precision, event.category) == (reported, precision, category)
    assert event.source and event.as_of


def test_events_frame_places_month_events_on_the_first_day(events):
    frame = events_frame(events)
    row = frame.set_index("event_id").loc["tranche_2024"]
    assert row["chart_date"] == pd.Timestamp("2024-10-01")
    assert row["event_date"] == "2024-10"
    assert row["date_precision"] == "month"
    assert list(frame.columns) == ["event_id", "chart_date", "event_date", "date_precision", "label",
                                   "explanation", "category", "source", "as_of"]


# --- broken files name the file, the record and the field ----------------------------------------


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "events.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _records_with(change: dict, drop: str | None = None) -> str:
    good = yaml.safe_load(EVENTS_PATH.read_text(encoding="utf-8"))["events"][:3]
    broken = dict(good[1]) | change
    if drop:
        broken.pop(drop)
    return yaml.safe_dump({"events": [good[0], broken, good[2]]}, sort_keys=False)


@pytest.mark.parametrize(("change", "drop", "field", "says"), [
    ({"category": "rumour"}, None, "category", "Input should be 'tranche'"),
    ({"date": "2021-13"}, None, "date", "month must be in 1..12"),
    ({"date": "last spring"}, None, "date", "expected YYYY-MM-DD, YYYY-MM or YYYY"),
    ({"date_precision": "day"}, None, "date_precision", "date '2021' is not given to the day"),
    ({"as_of": "2020-01-01"}, None, "as_of", "as_of 2020-01-01 is before the event date 2021"),
    ({"date_precision": "month", "date": "2021-05", "as_of": "2021-04"}, None, "as_of", "before the event"),
    ({}, "label", "label", "Field required"),
    ({"label": "x" * 41}, None, "label", "at most 40 characters"),
    ({"colour": "red"}, None, "colour", "Extra inputs are not permitted"),
])
def test_broken_record_names_file_record_and_field(tmp_path, change, drop, field, says):
    path = _write(tmp_path, _records_with(change, drop))
    with pytest.raises(DataFileError) as caught:
        load_events(path)
    message = str(caught.value)
    assert message.startswith(f"events.yaml: record events[1] (tranche_2021), field {field}: ")
    assert says in message


def test_repeated_id_names_both_records(tmp_path):
    text = _records_with({"id": "tranche_2019"})
    with pytest.raises(DataFileError, match=r"record events\[1\] \(tranche_2019\), field id: repeats events\[0\]"):
        load_events(_write(tmp_path, text))


@pytest.mark.parametrize(("text", "says"), [
    ("events: [\n  {id: a,\n", "events.yaml: not valid YAML at line"),
    ("happenings: []\n", "field events: Field required"),
    ("events: []\n", "field events: List should have at least 1 item"),
    ("- just a list\n", "whole-file check"),
])
def test_broken_file_names_file_and_field(tmp_path, text, says):
    with pytest.raises(DataFileError) as caught:
        load_events(_write(tmp_path, text))
    assert str(tmp_path) in str(caught.value) or "events.yaml" in str(caught.value)
    assert says in str(caught.value)


def test_missing_file_is_a_data_file_error(tmp_path):
    with pytest.raises(DataFileError, match="events.yaml: cannot be read"):
        load_events(tmp_path / "events.yaml")


def test_unquoted_yaml_dates_mean_the_same(tmp_path):
    text = _records_with({}).replace("'2019-07-22'", "2019-07-22").replace("'2021'", "2021")
    assert "date: 2021\n" in text
    assert [event.date for event in load_events(_write(tmp_path, text))][:2] == ["2019-07-22", "2021"]


# --- returns after events ------------------------------------------------------------------------


def test_returns_after_events_golden_values(snapshot_frame, events):
    table = returns_after_events(snapshot_frame, events).set_index("event_id")

    # Closes read by hand from data/msft_daily.csv:
    # 2023-01-23 242.58; +1 session 2023-01-24 242.04; +5 sessions 2023-01-30 242.71.
    # 242.04 / 242.58 - 1 = -0.0022261; 242.71 / 242.58 - 1 = +0.0005359.
    row = table.loc["tranche_2023"]
    assert row["close_before_usd"] == 242.58
    assert row["base_session_date"] == pd.Timestamp("2023-01-23")
    assert row["return_1d"] == pytest.approx(-0.0022261, abs=1e-7)
    assert row["return_5d"] == pytest.approx(0.0005359, abs=1e-7)

    # 2019-07-22 138.43; 2019-07-23 139.29; 2019-07-29 141.03.
    row = table.loc["tranche_2019"]
    assert row["return_1d"] == pytest.approx(139.29 / 138.43 - 1)
    assert row["return_5d"] == pytest.approx(141.03 / 138.43 - 1)

    # 2025-10-28 542.07; 2025-10-29 541.55; 2025-11-04 514.33 (-5.1% in five sessions).
    row = table.loc["recapitalization_2025"]
    assert row["return_1d"] == pytest.approx(-0.000959, abs=1e-6)
    assert row["return_5d"] == pytest.approx(-0.051174, abs=1e-6)

    assert list(table.reset_index().columns) == [
        "event_id", "event_date", "date_precision", "event", "category", "base_session_date",
        "close_before_usd", "return_1d", "return_5d"]


def test_event_on_a_weekend_starts_from_the_friday_close(snapshot_frame):
    # 2023-01-22 is a Sunday; Friday 2023-01-20 closed at 240.22, Monday 2023-01-23 at 242.58.
    [row] = returns_after_events(snapshot_frame, [_event(date="2023-01-22")]).to_dict("records")
    assert row["base_session_date"] == pd.Timestamp("2023-01-20")
    assert row["close_before_usd"] == 240.22
    assert row["return_1d"] == pytest.approx(242.58 / 240.22 - 1)


def test_returns_are_nan_where_prices_do_not_reach(snapshot_frame):
    probes = [
        _event(id="near_end", date="2026-09-25"),  # one more session (2026-09-28), not five
        _event(id="before_data", date="2018-12-31"),
        _event(id="month_only", date="2024-10", date_precision="month"),
        _event(id="year_only", date="2021", date_precision="year"),
    ]
    table = returns_after_events(snapshot_frame, probes).set_index("event_id")
    assert table.loc["near_end", "return_1d"] == pytest.approx(509.22 / 516.17 - 1)
    assert math.isnan(table.loc["near_end", "return_5d"])
    for event_id in ("before_data", "month_only", "year_only"):
        assert table.loc[event_id, ["close_before_usd", "return_1d", "return_5d"]].isna().all()
        assert pd.isna(table.loc[event_id, "base_session_date"])


def test_no_events_gives_an_empty_table_with_the_columns(snapshot_frame):
    table = returns_after_events(snapshot_frame, [])
    assert table.empty and "return_5d" in table.columns


def test_start_date_of_partial_dates():
    assert _event(date="2021", date_precision="year").start_date == date(2021, 1, 1)
