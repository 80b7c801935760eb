"""Market: MSFT's share price with the deal events, the market's verdict on each event (an event study net
of a benchmark), the companies OpenAI owes beside MSFT, Microsoft's market value, the OpenAI stake as a
share of it, and how MSFT moved after each event."""

from datetime import UTC, date, datetime

import pandas as pd
import streamlit as st

from model.datafiles import to_date
from model.market import prices as price_feed
from model.market.complex import DEFAULT_REBASE, load_tickers, market_tables, owed_by_openai, rebased_prices
from model.market.event_study import CAR_WINDOW_LABELS, CAR_WINDOWS, complex_event_study
from model.market.events import events_frame, load_events, returns_after_events
from ui import data
from ui import event_charts as ec
from ui import format as fmt
from ui import market_charts as mc
from ui.page import derived_note, header, page_content, section
from ui.price_badge import price_badge
from ui.state import current_scenario
from ui.tables import MISSING, download_csv, rows_height, table, wide_table


def _prices_key(loaded) -> tuple:
    """What identifies a price answer: where it came from and how far it reaches."""
    return loaded.provenance.source, str(loaded.provenance.as_of), len(loaded.frame)


# Nothing below depends on the sliders except the stake chart, so a slider change must not rebuild
# (and re-validate) the price chart or recompute the event returns: each is kept per price answer.
@st.cache_resource(show_spinner=False)
def _events():
    return load_events()


@st.cache_data(max_entries=16, show_spinner=False)
def _price_chart_spec(choice: str, prices_key: tuple, subtitle: str) -> tuple[dict, int]:
    window = mc.price_window(data.msft_prices().frame, choice)
    marks = mc.event_marks(window, events_frame(_events()))
    return mc.price_chart(window, marks, subtitle=subtitle).to_dict(), len(marks)


@st.cache_data(max_entries=16, show_spinner=False)
def _events_in_range(choice: str, prices_key: tuple):
    window = mc.price_window(data.msft_prices().frame, choice)
    marks = mc.event_marks(window, events_frame(_events()))
    marks = marks.sort_values("chart_date", ascending=False, kind="stable")
    return marks[["date_shown", "label", "category_label", "close_usd", "explanation"]].reset_index(drop=True)


@st.cache_data(max_entries=64, show_spinner=False)
def _stake_chart_spec(prices_key: tuple, stake: float, valuation_usd_bn: float,
                      msft_round_usd_bn: float) -> tuple[dict, object]:
    basis = _stake_basis(stake, msft_round_usd_bn)
    history = mc.stake_share_frame(data.facts().openai.valuations, basis, data.msft_prices().frame, valuation_usd_bn)
    return mc.stake_share_chart(history, basis).to_dict(), history


def _stake_basis(stake: float, msft_round_usd_bn: float) -> mc.StakeBasis:
    recap = data.facts().recapitalization
    shares = data.facts().microsoft.shares_outstanding
    return mc.StakeBasis(
        recap_date=to_date(recap.date), recap_stake=recap.msft_stake,
        recap_valuation_usd_bn=recap.implied_valuation_usd_bn, recap_source=recap.source,
        prior_share_of_for_profit=recap.prior_msft_share_of_for_profit, scenario_stake=stake,
        shares_outstanding=shares.count, shares_as_of=str(shares.as_of),
        rounds_after_recap=mc.rounds_after(to_date(recap.date), data.facts().openai.funding_rounds,
                                           msft_round_usd_bn, data.facts().openai.cash_year),
    )


@st.cache_data(max_entries=8, show_spinner=False)
def _returns(prices_key: tuple):
    return mc.returns_table(returns_after_events(data.msft_prices().frame, _events()))


@st.cache_data(max_entries=8, show_spinner=False)
def _prices_table(prices_key: tuple):
    prices_table = data.msft_prices().frame.reset_index()
    prices_table["date"] = prices_table["date"].dt.strftime("%Y-%m-%d")
    return prices_table.rename(columns={c: f"{c}_usd" for c in ("open", "high", "low", "close", "adj_close")})


# -- the market's verdict and the OpenAI complex -----------------------------------------------------------
# None of it depends on the sliders except what OpenAI owes each company: cached per benchmark and prices.
# On a phone each table of events shows its first few as cards, the rest one tap away: four such
# tables in full would make the page many screens long.
EVENT_CARDS = 4
BENCHMARK_NAMES = {"SPY": "S&P 500 (SPY)", "QQQ": "Nasdaq-100 (QQQ)"}
REBASE_DEFAULT = DEFAULT_REBASE


def _market_key() -> tuple:
    return tuple(_prices_key(answer) for answer in data.market_prices().values())


def _frames() -> dict:
    frames = {"MSFT": data.msft_prices().frame}
    frames.update({ticker: answer.frame for ticker, answer in data.market_prices().items()})
    return frames


@st.cache_resource(show_spinner=False)
def _tickers():
    return load_tickers()


@st.cache_data(max_entries=8, show_spinner="Netting the market out of each event…")
def _study(benchmark: str, prices_key: tuple, market_key: tuple):
    return complex_event_study(_frames(), _events(), benchmark)


@st.cache_data(max_entries=16, show_spinner=False)
def _car_chart_spec(benchmark: str, window: str, prices_key: tuple, market_key: tuple) -> dict:
    study = _study(benchmark, prices_key, market_key)
    frame = ec.car_frame(study[study["ticker"] == "MSFT"], window)
    return ec.car_chart(frame, window, "MSFT", benchmark).to_dict()


@st.cache_data(max_entries=16, show_spinner=False)
def _rebased(benchmark: str, base_iso: str, prices_key: tuple, market_key: tuple):
    frames = {t: f for t, f in _frames().items() if t not in price_feed.BENCHMARKS or t == benchmark}
    order = ["MSFT", benchmark, *price_feed.COUNTERPARTY_TICKERS]
    return rebased_prices({t: frames[t] for t in order}, date.fromisoformat(base_iso))


@st.cache_data(max_entries=16, show_spinner=False)
def _rebased_chart_spec(benchmark: str, base_iso: str, prices_key: tuple, market_key: tuple) -> dict:
    rebased = _rebased(benchmark, base_iso, prices_key, market_key)
    window = data.msft_prices().frame.loc[base_iso:]
    marks = mc.event_marks(window, events_frame([e for e in _events() if e.date_precision == "day"]))
    names = {t.ticker: t.name for t in _tickers()}
    return ec.rebased_chart(rebased, marks, names, base_iso).to_dict()


def _with_t(values: pd.Series, t_stats: pd.Series) -> list[str]:
    return [MISSING if pd.isna(v) else f"{v * 100:+.2f}% (t {t:+.2f})" for v, t in zip(values, t_stats, strict=True)]


def _study_shown(study: pd.DataFrame, with_ticker: bool) -> pd.DataFrame:
    shown = pd.DataFrame({"ticker": study["ticker"], "event_date": study["event_date"], "event": study["event"],
                          "event_session": study["event_session"].dt.strftime("%Y-%m-%d").fillna(MISSING),
                          "beta": [MISSING if pd.isna(b) else f"{b:.2f}" for b in study["beta"]]})
    for name in CAR_WINDOWS:
        shown[name] = _with_t(study[name], study[f"t_{name}"])
    shown["note"] = [note if note else rule for note, rule in zip(study["note"].fillna(""), study["session_rule"],
                                                                  strict=True)]
    return shown if with_ticker else shown.drop(columns=["ticker"])


_STUDY_COLUMNS = {
    "ticker": st.column_config.TextColumn("Ticker", width="small"),
    "event_date": st.column_config.TextColumn("Event date", help="As reported: a day, a month or a year."),
    "event": st.column_config.TextColumn("Event", width="medium"),
    "event_session": st.column_config.TextColumn("Day 0", help="The session the event is measured on."),
    "beta": st.column_config.TextColumn("β", help="Market-model beta on sessions -250..-30."),
    **{name: st.column_config.TextColumn(f"CAR {label}", help="Cumulative abnormal return, percent, with its "
                                         "t-statistic.") for name, label in CAR_WINDOW_LABELS.items()},
    "note": st.column_config.TextColumn("How day 0 was set, or why blank", width="large"),
}


def market_verdict(loaded) -> None:
    """The event study of MSFT, then the OpenAI complex beside it; a failing feed for one ticker is said,
    not fatal."""
    with section("the event study"):
        st.subheader("The market's verdict on each event")
        try:
            answers = data.market_prices()
        except Exception as error:  # noqa: BLE001 - the rest of the page stays useful
            st.warning(f"The benchmarks' and counterparties' prices cannot be shown: {error}",
                       icon=":material/warning:")
            return
        left, right = st.columns(2)
        benchmark = left.segmented_control("Net of", list(BENCHMARK_NAMES), default="SPY", required=True,
                                           key="market_benchmark", format_func=BENCHMARK_NAMES.get,
                                           help="The market the abnormal returns are measured against.")
        window = right.segmented_control("Window", list(CAR_WINDOWS), default="car_m1_p1", required=True,
                                         key="market_car_window", format_func=lambda w: f"CAR {CAR_WINDOW_LABELS[w]}",
                                         help="Sessions around day 0 summed into the cumulative abnormal return.")
        keys = (_prices_key(loaded), _market_key())
        st.vega_lite_chart(_car_chart_spec(benchmark, window, *keys), width="stretch")
        st.caption(
            "Abnormal return = the stock's return minus what the market model (α + β × the benchmark's return, "
            "fitted by OLS on sessions -250 to -30 before the event, which leaves out the event and the month "
            "and a half before it) predicts. t = CAR ÷ its standard deviation, "
            "√(σ²(L + ι′X*(X′X)⁻¹X*′ι)) with σ² from the estimation residuals. Day 0 is the event's date, or "
            "the next session if it was not a trading day or the news came after the close; times of day are "
            "mostly unknown, so [-1, +1] is the window to read. Month- or year-dated events have no return. "
            "An event on the day of results (or of another event) measures both.")
        study = _study(benchmark, *keys)
        msft = study[study["ticker"] == "MSFT"]
        wide_table(_study_shown(msft, with_ticker=False), key="market_study_msft", heading=("event_date", "event"),
                   height=35 * (len(msft) + 1) + 3, column_config=_STUDY_COLUMNS, first_cards=EVENT_CARDS)

    with section("the OpenAI complex"):
        st.subheader("The companies OpenAI owes, beside MSFT")
        choices = {REBASE_DEFAULT.isoformat(): f"{REBASE_DEFAULT} · start of 2025"}
        for event in reversed(_events()):
            if event.date_precision == "day" and event.date >= "2023-01-01":
                choices.setdefault(event.date, f"{event.date} · {event.label}")
        base = st.selectbox("Rebased to 100 on", list(choices), format_func=choices.get, key="market_rebase",
                            help="The first session on or after this date is 100 for every company.")
        st.vega_lite_chart(_rebased_chart_spec(benchmark, base, *keys), width="stretch")
        names = {t.ticker: t.name for t in _tickers()}
        now = datetime.now(UTC)
        provenance = pd.DataFrame([{"ticker": "MSFT", "company": names["MSFT"],
                                    "prices": price_feed.describe(loaded, now)}] + [
            {"ticker": t, "company": names.get(t, t), "prices": price_feed.describe(a, now)}
            for t, a in answers.items()])
        st.markdown("**Where each ticker's prices come from**")
        wide_table(provenance, key="market_provenance", heading=("ticker", "company"), column_config={
            "ticker": st.column_config.TextColumn("Ticker", width="small"),
            "company": st.column_config.TextColumn("Company"),
            "prices": st.column_config.TextColumn("Prices shown (source, as of)", width="large")})

        scenario = current_scenario()
        exposure = owed_by_openai(data.result(scenario).tables["commitments"], _tickers(), data.today().year)
        st.markdown(f"**What OpenAI owes each company, {data.today().year} to the horizon (this scenario)**")
        shown = pd.DataFrame({
            "company": exposure["company"] + " (" + exposure["ticker"] + ")",
            "scheduled": [fmt.usd_bn(v, 1) for v in exposure["scheduled_usd_bn"]],
            "not_paid": [fmt.usd_bn(v, 1) for v in exposure["not_paid_usd_bn"]],
            "share": [fmt.percent(v, 1) for v in exposure["share_of_openai_scheduled"]],
            "backlog": [MISSING if pd.isna(share) else f"{share:.0%} of ${total:,.0f}B {measure} at {end} "
                        f"(~${owed:,.0f}B)" for share, total, measure, end, owed in zip(
                            exposure["reported_openai_share_of_backlog"], exposure["reported_backlog_usd_bn"],
                            exposure["reported_backlog"], exposure["backlog_period_end"],
                            exposure["reported_openai_backlog_usd_bn"], strict=True)],
            "source": exposure["backlog_source"].fillna("not reported in the project's references"),
        })
        wide_table(shown, key="market_owed", heading=("company",), column_config={
            "company": st.column_config.TextColumn("Company", width=130),
            "scheduled": st.column_config.TextColumn("Scheduled (derived)", width=135, help="Sum of the model's "
                                                     "commitments table for this company's contracts."),
            "not_paid": st.column_config.TextColumn("Not paid (derived)", width=135,
                                                    help="The scenario's shortfall."),
            "share": st.column_config.TextColumn("Share of all OpenAI's bills", width=190,
                                                 help="Of everything the model schedules OpenAI to pay in the same "
                                                 "years: every contract, the chips it finances and renewals."),
            "backlog": st.column_config.TextColumn("OpenAI in its backlog (reported)", width=220),
            "source": st.column_config.TextColumn("Backlog source", width=150)}, wrap=True)
        derived_note("Scheduled and not paid are the model's, by this scenario. A share here is of all OpenAI's "
                     f"scheduled bills from {data.today().year} to the horizon, renewals and financed chips "
                     "included; the Compute commitments page's shares are of the signed contracts alone, as "
                     "announced, so the big cloud contracts weigh more there. A company's backlog share is shown "
                     "only where the company reported it; none is estimated here. NVIDIA's chips mostly reach OpenAI "
                     "inside the cloud contracts, so little is owed to NVIDIA directly.")

        others = study[study["ticker"] != "MSFT"]
        st.markdown(f"**Each company on the events that concern it, net of {benchmark}**")
        wide_table(_study_shown(others, with_ticker=True), key="market_study_complex",
                   heading=("ticker", "event_date", "event"), height=35 * (len(others) + 1) + 3,
                   column_config=_STUDY_COLUMNS, first_cards=EVENT_CARDS)
        tables = market_tables(study, _rebased(benchmark, base, *keys), exposure)
        columns = st.columns(3)
        for column, (name, frame) in zip(columns, tables.items(), strict=True):
            with column:
                download_csv(frame, name, f"Download {name}.csv")


# The range reruns only this part of the page (a fragment): the sidebar and the rest stay as they are.
@st.fragment
def price_chart(loaded, quote, events) -> None:
    with section("the MSFT price chart"):
        choice = st.segmented_control("Range", mc.RANGES, default=mc.DEFAULT_RANGE, required=True,
                                      key="market_range", help="Counted back from the last session loaded. "
                                      "'Max' is everything loaded: the snapshot reaches back to 2010.")
        spec, marked = _price_chart_spec(choice, _prices_key(loaded), f"Prices: {quote.badge}")
        st.vega_lite_chart(spec, width="stretch")
        st.caption(f"{marked} of {len(events)} events fall in this range. An event known only by month or year "
                   "is marked at the first day of that period.")
        # The chart names its events on hover only, which a touch screen cannot do: the same events as a
        # list, newest first, each with what happened, wrapped.
        in_range = _events_in_range(choice, _prices_key(loaded))
        if len(in_range):
            st.markdown("**The events on the chart**")
            wide_table(in_range, key="market_events_list", heading=("date_shown", "label"), first_cards=EVENT_CARDS,
                       height=min(rows_height(len(in_range), wrap=True), 650), wrap=True, column_config={
                           "date_shown": st.column_config.TextColumn("Date", width=110),
                           "label": st.column_config.TextColumn("Event", width=200),
                           "category_label": st.column_config.TextColumn("Kind", width=160),
                           "close_usd": st.column_config.NumberColumn("MSFT close (USD)", format="%.2f", width=130),
                           "explanation": st.column_config.TextColumn("What happened", width=360),
                       })


@page_content
def page() -> None:
    header("Market", "MSFT's daily close beside the deal's events, Microsoft's market value and the OpenAI stake "
           "within it. Prices in USD per share, as traded (not adjusted for dividends).")

    try:
        loaded = data.msft_prices()
    except Exception as error:  # noqa: BLE001 - said on the page, never a traceback
        price_badge(None)
        st.error(f"No MSFT prices can be shown: {error}", icon=":material/error:")
        st.stop()
    quote = data.quote_of(loaded, datetime.now(UTC))
    price_badge(quote, "every figure on this page uses these prices")

    try:
        deal_events = _events()
    except Exception as error:  # noqa: BLE001 - the chart is still useful without events
        st.warning(f"Deal events could not be loaded, so none are marked: {error}", icon=":material/warning:")
        deal_events = ()
    events = events_frame(deal_events)

    price_chart(loaded, quote, events)
    market_verdict(loaded)

    with section("Microsoft's market value"):
        st.subheader("Microsoft's market value")
        scenario = current_scenario()
        result = data.result(scenario)
        metrics = result.metrics
        shares = data.facts().microsoft.shares_outstanding
        summary = result.tables["summary"].set_index("metric")
        stake_share = summary.loc["stake_value_now_usd_bn", "share_of_msft_market_value"]
        columns = st.columns(4)
        columns[0].metric("MSFT close (USD per share)", fmt.usd(quote.close_usd), help=f"Close of {quote.close_date}; "
                          f"{quote.description}.", border=True)
        columns[1].metric("Shares outstanding (bn)", fmt.number(shares.count / 1e9, 3),
                          help=f"{shares.count:,} shares, as of {shares.as_of}. Source: {shares.source}.", border=True)
        columns[2].metric("Market value", fmt.usd_bn(metrics.msft_market_value_usd_bn, 0),
                          help="Derived: the close times the share count.", border=True)
        columns[3].metric("OpenAI stake ÷ market value", fmt.percent(stake_share, 2),
                          help="Derived: Microsoft's stake now "
                          f"({fmt.percent(result.metrics.stake_now)}: the scenario's "
                          f"{fmt.percent(scenario.msft_stake)} diluted by the rounds since) times OpenAI's "
                          f"valuation ({fmt.usd_bn(scenario.openai_valuation_usd_bn, 0)}), over the market value.",
                          border=True)
        derived_note(f"Market value = MSFT close {fmt.usd(quote.close_usd)} ({quote.close_date}) × "
                     f"{shares.count:,} shares outstanding (as of {shares.as_of}, {shares.source}).")

    with section("the OpenAI stake as a share of Microsoft's market value"):
        st.subheader("The OpenAI stake within it")
        recap = data.facts().recapitalization
        spec, history = _stake_chart_spec(_prices_key(loaded), scenario.msft_stake, scenario.openai_valuation_usd_bn,
                                          scenario.msft_round_2026_usd_bn)
        st.vega_lite_chart(spec, width="stretch")
        derived_note("Every point is derived. Before the recapitalization Microsoft's interest was a capped share of "
                     "the for-profit's profits (earlier reported terms: 75% until it recouped its investment, then "
                     "49%), which is not a stake and has no market value of its own; those points apply the "
                     f"{recap.prior_msft_share_of_for_profit:.1%} it converted into, as a guide to scale only. "
                     "One share count is used throughout; Microsoft's count changed little over these years.")
        stake_table = history.assign(date=history["date"].dt.strftime("%Y-%m-%d"))
        table(stake_table, "openai_stake_share_of_msft_market_value", title="The numbers behind this chart",
              caption="`stake` and `share_of_msft_market_value` are fractions; amounts in USD bn.")

    with section("MSFT's returns after each event"):
        st.subheader("MSFT after each event")
        returns = _returns(_prices_key(loaded))
        st.caption("Price return from the close of the last session on or before the event (which may already hold the "
                   "news) to the close 1 and 5 sessions later, as traded; dividends (about 0.2% a quarter) left out.")
        shown = returns[["event_date", "event", "base_session_date", "close_before_usd", "return_1_session_pct",
                         "return_5_sessions_pct", "note"]].copy()
        # Written out here: Streamlit draws an empty number cell as "None"; a dash reads as "no figure".
        for column, pattern in (("close_before_usd", "{:.2f}"), ("return_1_session_pct", "{:+.2f}%"),
                                ("return_5_sessions_pct", "{:+.2f}%")):
            shown[column] = [MISSING if pd.isna(value) else pattern.format(value) for value in shown[column]]
        shown["base_session_date"] = shown["base_session_date"].fillna(MISSING)
        wide_table(shown, key="market_returns", heading=("event_date", "event"), height=35 * (len(shown) + 1) + 3,
                   first_cards=EVENT_CARDS, column_config={
            "event_date": st.column_config.TextColumn("Event date", help="As reported: a day, a month or a year."),
            "event": st.column_config.TextColumn("Event", width="medium"),
            "base_session_date": st.column_config.TextColumn("Base session"),
            "close_before_usd": st.column_config.TextColumn("Close before (USD)"),
            "return_1_session_pct": st.column_config.TextColumn("After 1 session"),
            "return_5_sessions_pct": st.column_config.TextColumn("After 5 sessions"),
            "note": st.column_config.TextColumn(
                "Why blank", width="large",
                help="A month or a year has no base session; a recent event may not have 5 sessions after it yet."),
        })
        download_csv(returns, "msft_returns_after_events",
                     "Download msft_returns_after_events.csv (returns in percent, with category and date precision)")

    with section("the daily prices and the events"):
        table(_prices_table(_prices_key(loaded)), "msft_daily", title="Daily prices",
              caption=f"USD per share; volume in shares. {quote.description}.")
        table(events.drop(columns=["chart_date"]), "deal_events", title="Deal events", heading=("event_date", "label"),
              caption="`event_date` as reported: a day, a month or a year (`date_precision`).")


page()
