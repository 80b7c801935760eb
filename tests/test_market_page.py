"""The Market page and the price badge through AppTest, with the feed replaced at its one boundary
(model.market.prices.fetch_live): good live answers, failing feeds with and without a saved download, and the
malformed answers a feed can send. The numbers shown are the model's at the price the badge names.
Also: how the dashboard caches prices, and the Market page's charts through their ``to_dict()`` specs.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import model.market.prices as price_feed
import ui.data
from model.datafiles import to_date
from model.engine import run
from model.market.events import events_frame, load_events, returns_after_events
from model.scenario import Scenario
from tests.conftest import TODAY
from ui import format as fmt
from ui import market_charts as mc

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
MARKET, OVERVIEW = "views/market.py", "views/overview.py"
# The live answers below are slices of the snapshot shipped in data/ (real MSFT closes), ending on
# this session so that their last close differs from the snapshot's (2026-09-28).
LIVE_LAST_SESSION = "2026-06-30"
SNAPSHOT_AS_OF = "2026-09-28"
OVERVIEW_PER_SHARE = {"stake_value_usd_bn": "Stake value", "npv_usd_bn": "NPV",
                      "npv_forward_contracts_usd_bn": "Contract NPV", "invested_usd_bn": "Invested"}


@pytest.fixture(scope="module")
def snapshot():
    return price_feed.load_snapshot(ui.data.PRICES_START).frame


def yahoo_answer(snapshot: pd.DataFrame) -> pd.DataFrame:
    """A slice of the snapshot in the shape yfinance's Ticker.history sends (Yahoo's column names)."""
    frame = snapshot.loc[:LIVE_LAST_SESSION].rename(columns=price_feed.CSV_COLUMNS)
    frame.index.name = "Date"
    return frame.assign(Dividends=0.0, **{"Stock Splits": 0.0})


class Feed:
    """A stand-in for fetch_live that counts its calls."""

    def __init__(self, answer=None, error: Exception | None = None):
        self.answer, self.error, self.calls = answer, error, 0

    def __call__(self, start):
        self.calls += 1
        if self.error is not None:
            raise self.error
        return self.answer.copy()


@pytest.fixture(autouse=True)
def fresh_prices(monkeypatch, tmp_path):
    monkeypatch.setenv(price_feed.CACHE_DIR_ENV, str(tmp_path))
    monkeypatch.setattr(ui.data, "today", lambda: TODAY)
    ui.data.forget_prices()
    yield
    ui.data.forget_prices()  # no test leaves its answer behind for another


def use_feed(monkeypatch, feed: Feed) -> Feed:
    monkeypatch.setattr(price_feed, "fetch_live", feed)
    return feed


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    if page != OVERVIEW:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not [e.value for e in at.error], [e.value for e in at.error]
    return at


def badges(at: AppTest) -> list[str]:
    return [caption.value for caption in at.caption if "-badge[" in caption.value]


def metric_values(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def _tz_aware(answer: pd.DataFrame) -> pd.DataFrame:
    # Yahoo stamps daily bars at midnight New York time.
    return answer.tz_localize("America/New_York")


def _multi_level(answer: pd.DataFrame) -> pd.DataFrame:
    # yf.download's shape: (field, ticker) columns.
    answer = answer.drop(columns=["Dividends", "Stock Splits"])
    answer.columns = pd.MultiIndex.from_product([answer.columns, ["MSFT"]], names=["Price", "Ticker"])
    return answer


def _nan_closes(answer: pd.DataFrame) -> pd.DataFrame:
    answer = answer.copy()
    # Gaps before the last bar (an unfinished last bar alone is dropped, not refused).
    answer.iloc[-4:-1, answer.columns.get_loc("Close")] = np.nan
    return answer


# name -> (make the feed's answer from a Yahoo-shaped slice, or None for a failing feed;
#          saved download on disk?; expected badge text; does the page show the live slice's close?)
CASES = {
    "good live answer": (lambda answer: answer, False, "live, just now", True),
    "failing feed, saved download": (None, True, f"cached, as of {SNAPSHOT_AS_OF}", False),
    "failing feed, nothing saved": (None, False, f"offline snapshot, as of {SNAPSHOT_AS_OF}", False),
    "empty frame": (lambda answer: answer.iloc[0:0], False, f"offline snapshot, as of {SNAPSHOT_AS_OF}", False),
    "NaN closes": (_nan_closes, False, f"offline snapshot, as of {SNAPSHOT_AS_OF}", False),
    "time-zone-aware index": (_tz_aware, False, "live, just now", True),
    "multi-level columns": (_multi_level, False, "live, just now", True),
}


def arrange(case: str, snapshot: pd.DataFrame, monkeypatch, tmp_path) -> tuple[str, float]:
    """Set up the feed (and the disk) for ``case``; the badge text and the close the page must show."""
    make, saved, badge, shows_live = CASES[case]
    answer = yahoo_answer(snapshot)
    if make is None:
        use_feed(monkeypatch, Feed(error=price_feed.PriceFeedError("no network in tests")))
    else:
        use_feed(monkeypatch, Feed(answer=make(answer)))
    if saved:
        # A saved download as the dashboard keeps one: the whole snapshot, fetched an hour before.
        price_feed.write_cache(snapshot, tmp_path, fetched_at=datetime(2026, 9, 28, 21, tzinfo=UTC))
    close = answer["Close"].iloc[-1] if shows_live else snapshot["close"].iloc[-1]
    return badge, float(close)


@pytest.mark.parametrize("case", list(CASES))
def test_market_page_shows_the_badge_and_the_market_value_at_that_price(case, snapshot, facts, monkeypatch,
                                                                          tmp_path):
    badge, close_usd = arrange(case, snapshot, monkeypatch, tmp_path)
    at = open_page(MARKET)
    (shown,) = badges(at)
    assert f"MSFT {fmt.usd(close_usd)} · {badge}".replace("$", "\\$") in shown
    values = metric_values(at)
    assert values["MSFT close (USD per share)"] == fmt.usd(close_usd)
    shares = facts.microsoft.shares_outstanding.count
    assert values["Market value"] == fmt.usd_bn(close_usd * shares / 1e9, 0)
    summary = run(Scenario(), facts, TODAY, close_usd).tables["summary"].set_index("metric")
    assert values["OpenAI stake ÷ market value"] == fmt.percent(
        summary.loc["stake_value_now_usd_bn", "share_of_msft_market_value"], 2)
    assert len(at.get("vega_lite_chart")) == 4  # price, CAR by event, rebased complex, stake share


@pytest.mark.parametrize("case", list(CASES))
def test_overview_per_share_numbers_use_the_badges_price(case, snapshot, facts, monkeypatch, tmp_path):
    badge, close_usd = arrange(case, snapshot, monkeypatch, tmp_path)
    at = open_page(OVERVIEW)
    (shown,) = badges(at)
    assert f"MSFT {fmt.usd(close_usd)} · {badge}".replace("$", "\\$") in shown
    summary = run(Scenario(), facts, TODAY, close_usd).tables["summary"].set_index("metric")
    values = {metric.label: (metric.value, metric.delta) for metric in at.metric}
    for name, label in OVERVIEW_PER_SHARE.items():
        value, delta = values[f"{label}, per MSFT share"]
        assert value == fmt.usd(summary.loc[name, "per_msft_share_usd"])
        assert delta == f"{fmt.percent(summary.loc[name, 'share_of_msft_market_value'], 2)} of market value"


def test_a_fallback_badge_says_why(monkeypatch):
    use_feed(monkeypatch, Feed(error=price_feed.PriceFeedError("no network in tests")))
    (shown,) = badges(open_page(MARKET))
    assert ":orange-badge[" in shown
    assert "live feed failed: no network in tests" in shown
    assert "no saved download" in shown


def test_the_feed_is_asked_once_across_reruns_and_pages(snapshot, monkeypatch):
    feed = use_feed(monkeypatch, Feed(answer=yahoo_answer(snapshot)))
    at = open_page(MARKET)
    at.run()
    at.switch_page(OVERVIEW).run()
    assert feed.calls == 1


def test_a_failing_feed_is_asked_once_too(monkeypatch):
    # The fallback answer is cached like a live one: reruns do not wait on the dead feed again.
    feed = use_feed(monkeypatch, Feed(error=TimeoutError("timed out")))
    at = open_page(MARKET)
    at.run()
    at.switch_page(OVERVIEW).run()
    assert feed.calls == 1


def test_a_live_answer_outlives_the_short_recheck_but_a_fallback_does_not(snapshot, monkeypatch):
    # The Streamlit cache is rechecked every RECHECK_SECONDS; a live answer is reused for LIVE_TTL_SECONDS
    # without asking Yahoo again, while a fallback answer is retried at each recheck.
    live = use_feed(monkeypatch, Feed(answer=yahoo_answer(snapshot)))
    ui.data.msft_prices()
    ui.data._prices.clear()  # what the recheck's expiry does
    assert ui.data.msft_prices().provenance.source == "live"
    assert live.calls == 1

    ui.data.forget_prices()
    down = use_feed(monkeypatch, Feed(error=TimeoutError("timed out")))
    ui.data.msft_prices()
    ui.data._prices.clear()
    ui.data.msft_prices()
    assert down.calls == 2


def test_the_price_cache_refreshes_in_the_background():
    info = ui.data._prices._info
    assert info.refresh_mode == "background"
    assert info.ttl == ui.data.RECHECK_SECONDS < ui.data.LIVE_TTL_SECONDS


def test_range_picker_narrows_the_chart(monkeypatch):
    use_feed(monkeypatch, Feed(error=price_feed.PriceFeedError("no network in tests")))
    at = open_page(MARKET)

    def subtitle() -> str:
        return json.loads(at.get("vega_lite_chart")[0].proto.spec)["title"]["subtitle"][0]

    assert subtitle().startswith("Daily close as traded, 2019-01-02 to 2026-09-28")
    at.segmented_control(key="market_range").set_value("1Y").run()
    assert subtitle().startswith("Daily close as traded, 2025-09-29 to 2026-09-28")
    at.segmented_control(key="market_range").set_value("Max").run()
    assert subtitle().startswith("Daily close as traded, 2010-01-04 to 2026-09-28")
    assert not at.exception


def test_returns_download_is_the_models_returns_in_percent(snapshot, monkeypatch):
    use_feed(monkeypatch, Feed(error=price_feed.PriceFeedError("no network in tests")))
    at = open_page(MARKET)
    sent = at.session_state["_downloads"]["msft_returns_after_events"]()
    table = pd.read_csv(io.BytesIO(sent))
    model = returns_after_events(snapshot, load_events())
    # One date precision per column (model.export.shape): full dates in event_date, the text as reported beside.
    assert list(table["event_date_as_reported"].astype(str)) == list(model["event_date"])
    assert all(len(str(day)) == 10 for day in table["event_date"].dropna())
    np.testing.assert_allclose(table["return_1_session_pct"], model["return_1d"] * 100, rtol=1e-9)
    np.testing.assert_allclose(table["return_5_sessions_pct"], model["return_5d"] * 100, rtol=1e-9)


# -- the charts and frames, pure ---------------------------------------------------------------------


def _layers(spec: dict) -> list[dict]:
    return spec["layer"]


def _tooltip_fields(layer: dict) -> list[str]:
    return [item["field"] for item in layer["encoding"].get("tooltip", [])]


def test_price_window_counts_back_from_the_last_session(snapshot):
    assert mc.price_window(snapshot, "1M").index[0] >= pd.Timestamp("2026-08-28")
    assert mc.price_window(snapshot, "5Y").index[0] >= pd.Timestamp("2021-09-28")
    assert mc.price_window(snapshot, "Since 2019").index[0] == pd.Timestamp("2019-01-02")
    assert mc.price_window(snapshot, "Max").index[0] == snapshot.index[0]
    with pytest.raises(ValueError, match="unknown range"):
        mc.price_window(snapshot, "2W")


def test_event_marks_sit_on_the_line_and_say_their_date_precision(snapshot):
    marks = mc.event_marks(snapshot, events_frame(load_events())).set_index("label")
    first = marks.loc["$1B first investment"]
    assert first["close_usd"] == snapshot.loc["2019-07-22", "close"]  # the close of the event's session
    second = marks.loc["$2B second investment"]  # reported as "2021"
    assert second["date_shown"] == "2021 (known to the year only; marked at 2021-01-01)"
    # 2021-01-01 was a holiday: the mark sits on the last session before it.
    assert second["close_usd"] == snapshot.loc[:"2021-01-01", "close"].iloc[-1]


def test_price_chart_spec_has_titles_units_tooltips_and_a_category_legend(snapshot):
    marks = mc.event_marks(snapshot, events_frame(load_events()))
    spec = mc.price_chart(snapshot, marks, subtitle="Prices: live, 2 min ago").to_dict()
    assert spec["title"]["text"] == "MSFT share price and the deal's events"
    assert "Prices: live, 2 min ago" in spec["title"]["subtitle"]
    line, rules, points, minor = _layers(spec)
    assert line["encoding"]["y"]["title"] == "MSFT close (USD per share)"
    assert line["encoding"]["x"]["title"] == "Date"
    assert rules["mark"]["type"] == "rule" and points["mark"]["type"] == "point"
    # The deal's own events on the line; the rest as ticks along the top, so late 2025 does not pile up.
    assert minor["mark"]["type"] == "tick" and minor["encoding"]["y"] == {"value": 7}
    assert "'tranche'" in points["transform"][0]["filter"] and minor["transform"][0]["filter"].startswith("!(")
    for field in ("label", "date_shown", "category_label", "explanation", "source"):
        assert field in _tooltip_fields(points)
        assert field in _tooltip_fields(rules)
        assert field in _tooltip_fields(minor)
    colour = points["encoding"]["color"]
    assert colour["scale"]["domain"] == list(mc.CATEGORY_LABELS.values())
    assert colour["legend"]["title"] == "Event"


def test_price_chart_without_events_is_just_the_line(snapshot):
    spec = mc.price_chart(snapshot, mc.event_marks(snapshot, None)).to_dict()
    assert len(_layers(spec)) == 1
    assert " ".join(spec["title"]["subtitle"]).endswith("No deal event in this range.")


@pytest.fixture
def stake_basis(facts):
    recap, shares = facts.recapitalization, facts.microsoft.shares_outstanding
    return mc.StakeBasis(recap_date=to_date(recap.date), recap_stake=recap.msft_stake,
                         recap_valuation_usd_bn=recap.implied_valuation_usd_bn, recap_source=recap.source,
                         prior_share_of_for_profit=recap.prior_msft_share_of_for_profit, scenario_stake=0.25,
                         shares_outstanding=shares.count, shares_as_of=str(shares.as_of),
                         rounds_after_recap=mc.rounds_after(to_date(recap.date), facts.openai.funding_rounds,
                                                            Scenario().msft_round_2026_usd_bn, facts.openai.cash_year))


def test_stake_share_uses_the_right_stake_in_each_period(snapshot, facts, stake_basis):
    frame = mc.stake_share_frame(facts.openai.valuations, stake_basis, snapshot, 852.0).set_index("event")
    shares = facts.microsoft.shares_outstanding.count
    # data/recapitalization.yaml: 27% at $500B on 2025-10-28; the close is that session's.
    recap = frame.loc["Recapitalization into OpenAI Group PBC"]
    close = snapshot.loc["2025-10-28", "close"]
    assert recap["stake"] == 0.27
    assert recap["share_of_msft_market_value"] == pytest.approx(0.27 * 500.0 / (close * shares / 1e9))
    # Before it: the 32.5% Microsoft's interest converted into, labelled as such.
    deal_2023 = frame.loc["Microsoft $10B deal"]
    assert deal_2023["stake"] == 0.325 and deal_2023["period"] == mc.BEFORE_RECAP
    assert "not a stake it held then" in deal_2023["stake_basis"]
    # After it: the scenario's stake; now: the scenario's valuation at the last close.
    # The $122B round dilutes the scenario's stake as the model does: its paid $87B issues 87/817 of the
    # company (Amazon's contingent $35B only with its money), and Microsoft's assumed $5B buys 5/817.
    after_round = 0.25 * (1 - 87 / 817) + 5 / 817
    assert frame.loc["$122B round closed", "stake"] == pytest.approx(after_round)
    now = frame.loc["Now (the scenario's valuation)"]
    assert now["share_of_msft_market_value"] == pytest.approx(
        after_round * 852.0 / (snapshot["close"].iloc[-1] * shares / 1e9))
    assert frame["derived"].all()


def test_stake_share_now_equals_the_models_share_of_market_value(snapshot, facts, stake_basis):
    # The Market page marks the stake at the rounds' prices: the model's stake value at the last round's mark.
    close = float(snapshot["close"].iloc[-1])
    scenario = Scenario(msft_stake=0.25)
    summary = run(scenario, facts, TODAY, close).tables["summary"].set_index("metric")
    frame = mc.stake_share_frame(facts.openai.valuations, stake_basis, snapshot, scenario.openai_valuation_usd_bn)
    assert frame["share_of_msft_market_value"].iloc[-1] == pytest.approx(
        summary.loc["stake_value_at_mark_usd_bn", "share_of_msft_market_value"])


def test_stake_share_leaves_out_valuations_before_the_first_price(snapshot, facts, stake_basis):
    late = snapshot.loc["2025-01-01":]
    frame = mc.stake_share_frame(facts.openai.valuations, stake_basis, late, 852.0)
    assert frame["date"].min() >= pd.Timestamp("2025-01-01")


def test_stake_share_chart_is_a_step_line_with_points(snapshot, facts, stake_basis):
    frame = mc.stake_share_frame(facts.openai.valuations, stake_basis, snapshot, 852.0)
    spec = mc.stake_share_chart(frame, stake_basis).to_dict()
    lines, points = _layers(spec)
    assert lines["mark"]["interpolate"] == "step-after"
    assert points["mark"]["type"] == "point"
    assert lines["encoding"]["y"]["title"] == "Stake value ÷ MSFT market value (%)"
    assert "Derived" in spec["title"]["subtitle"][0]
    for field in ("event", "valuation_usd_bn", "stake", "stake_basis", "msft_market_value_usd_bn",
                  "share_of_msft_market_value", "source"):
        assert field in _tooltip_fields(points)


def test_returns_table_is_in_percent_and_says_why_a_return_is_missing(snapshot):
    returns = returns_after_events(snapshot, load_events())
    table = mc.returns_table(returns).set_index("event")
    model = returns.set_index("event")
    assert table.loc["$10B multiyear investment", "return_1_session_pct"] == pytest.approx(
        model.loc["$10B multiyear investment", "return_1d"] * 100)
    assert table.loc["$2B second investment", "note"] == "date known to the year only"
    assert table.loc["$10B multiyear investment", "note"] == ""


# -- the market's verdict and the OpenAI complex ----------------------------------------------------------


def _batch_without_orcl(tickers, start):
    """A batched answer (as yf.download sends it) from the snapshots, with ORCL's columns empty."""
    frames = {t: price_feed.load_snapshot(start, ticker=t).frame.loc[:LIVE_LAST_SESSION] for t in tickers}
    joined = pd.concat({t: f.rename(columns=price_feed.CSV_COLUMNS) for t, f in frames.items()}, axis="columns",
                       sort=True).swaplevel(axis="columns")
    joined.loc[:, (slice(None), "ORCL")] = np.nan
    return joined


def test_market_page_lists_each_tickers_prices_and_one_failing_ticker_falls_back_alone(monkeypatch):
    use_feed(monkeypatch, Feed(error=price_feed.PriceFeedError("no network in tests")))
    monkeypatch.setattr(price_feed, "fetch_live_batch", _batch_without_orcl)
    at = open_page(MARKET)
    provenance = next(frame.value for frame in at.dataframe if "prices" in frame.value.columns).set_index("ticker")
    assert provenance.loc["ORCL", "prices"].startswith(f"offline snapshot, as of {SNAPSHOT_AS_OF} (live feed failed: "
                                                       "Yahoo Finance sent no prices for ORCL")
    assert provenance.loc["NVDA", "prices"] == "live, just now"
    assert provenance.loc["MSFT", "prices"].startswith("offline snapshot")
    names = [button.proto.label for button in at.get("download_button")]
    assert {"Download event_study.csv", "Download rebased_prices.csv", "Download openai_complex.csv"} <= set(names)


def test_car_chart_has_a_row_per_event_and_titled_axes(snapshot):
    from model.market.event_study import complex_event_study
    from ui import event_charts as ec

    frames = {"MSFT": snapshot, "SPY": price_feed.load_snapshot(ui.data.PRICES_START, ticker="SPY").frame}
    study = complex_event_study(frames, load_events(), "SPY")
    frame = ec.car_frame(study, "car_m1_p1")
    assert len(frame) == int(study["car_m1_p1"].notna().sum()) and frame["label"].is_unique
    spec = ec.car_chart(frame, "car_m1_p1", "MSFT", "SPY").to_dict()
    bars = spec["layer"][2]
    assert bars["encoding"]["x"]["title"] == "CAR [-1, +1] net of SPY (%)"
    assert bars["encoding"]["y"]["axis"]["labelLimit"] == 180
