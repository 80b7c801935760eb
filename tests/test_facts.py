"""Data files: loaded through pydantic; a broken file names the file, the record and the field."""

import shutil

import pandas as pd
import pytest

from model.datafiles import DataFileError, to_date
from model.facts import DATA_DIR, load_facts
from model.sources import MSFT_FILINGS_URL, records_table, sources_table


def test_facts_load_with_sources(facts):
    table = sources_table(facts)
    assert len(table) > 100
    assert (table["source"].str.len() > 0).all()
    assert (table["as_of"].str.len() >= 4).all()
    # Spot checks against the filings each line names (the project's research notes on the deal).
    assert facts.tranches.filed_commitment.total_usd_bn == 13.0       # Microsoft 10-Q Q1 FY26
    assert facts.recapitalization.msft_stake == 0.27                  # Microsoft 10-Q Q1 FY26 Note 17
    assert facts.microsoft.shares_outstanding.count == 7_432_377_655  # 10-Q Q1 FY26 cover page


def test_unverified_figures_say_so_on_the_sources_page(facts):
    # public_record_2026.md: the $30B/$62B plan for 2026/2027 is "not verified at primary".
    table = sources_table(facts)
    plan = table[table["record"].str.startswith("revenue plan feb_2026") & (table["field"] == "revenue_usd_bn")]
    notes = dict(zip(plan["value"], plan["note"], strict=True))
    assert "not verified" in notes["62.0"] and "not verified" in notes["30.0"]
    assert "not verified" not in notes["280.0"]
    # The repeated "$14B loss in 2026" is kept for the record and marked as not used.
    loss = table[table["record"] == "net loss 2026 (repeated projection)"]
    assert "not used" in loss["note"].iloc[0]


def test_derived_facts_are_marked(facts):
    table = sources_table(facts)
    # Azure spend before the 2025 commitment: 2025 annualised from nine reported months.
    earlier = table[(table["record"] == "Microsoft Azure (before 2025-10)") & (table["field"] == "schedule")]
    assert len(earlier) == 1 and earlier["derived"].all()
    q2 = table[(table["record"] == "OpenAI result Q2 FY25") & (table["field"] == "openai_pretax_usd_bn")]
    assert q2["derived"].all()


def test_a_microsoft_filing_links_to_the_sec_index_of_its_form_and_nothing_else_gets_an_address(facts):
    records = records_table(sources_table(facts)).set_index("record")
    linked = records[records["filing_index"].notna()]
    assert records.loc["funded at 2025-09-30", "filing_index"] == MSFT_FILINGS_URL.format(form="10-Q")
    assert linked["filing_index"].str.startswith("https://www.sec.gov/cgi-bin/browse-edgar?").all()
    assert linked["source"].str.contains("Microsoft").all()
    # A press release, an article or a leak names no filing: no address is made up for it.
    assert pd.isna(records.loc["tranche 2019", "filing_index"])
    assert not records.loc[~records["source"].str.contains(r"10-Q|10-K|8-K"), "filing_index"].notna().any()


@pytest.mark.parametrize("text, expected", [("2021", (2021, 1, 1)), ("2024-10", (2024, 10, 1)),
                                            ("2019-07-22", (2019, 7, 22))])
def test_partial_dates_mean_their_first_day(text, expected):
    assert to_date(text).timetuple()[:3] == expected


def _broken(tmp_path, file, old, new):
    for path in DATA_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path)
    target = tmp_path / file
    text = target.read_text()
    assert old in text, old
    target.write_text(text.replace(old, new, 1))
    return tmp_path


@pytest.mark.parametrize(
    "file, old, new, message",
    [
        ("commitments.yaml", "total_usd_bn: 38.0", "total_usd_bn: -38.0",
         "commitments.yaml: record commitments[5] (aws), field total_usd_bn: Input should be greater than 0"),
        ("commitments.yaml", 'start: "2025-11"', 'start: "2025-13"',
         "commitments.yaml: record commitments[5] (aws), field start: expected a month as YYYY-MM"),
        ("commitments.yaml", 'end: "2028-12"', 'end: "2025-12"',
         "commitments.yaml: record commitments[7] (cerebras), field (record): end 2025-12 is before start 2026-01"),
        ("tranches.yaml", "amount_usd_bn: 2.0", "amount_usd_bn: two",
         "tranches.yaml: record tranches[1] (t2021), field amount_usd_bn: Input should be a valid number"),
        ("tranches.yaml", "amount_usd_bn: 2.0", "amount_usd_bn: 3.0",
         "tranches.yaml: whole-file check: tranches in the filed commitment add up to 14"),
        ("msft.yaml", "count: 7432377655", "count: lots",
         "msft.yaml: field shares_outstanding.count: Input should be a valid integer"),
        ("openai.yaml", '{year: 2025, revenue_usd_bn: 13.1,', '{year: 2025,',
         "openai.yaml: record revenue_actuals[1] (2025), field revenue_usd_bn: Field required"),
        ("revenue_share.yaml", "rate: 0.20\n  end_year", "rate: 2.0\n  end_year",
         "revenue_share.yaml: field openai_to_microsoft.rate: Input should be less than or equal to 1"),
        ("recapitalization.yaml", "msft_stake: 0.27", "msft_stake: 0.27\nextra_field: 1",
         "recapitalization.yaml: field extra_field: Extra inputs are not permitted"),
        ("context.yaml", "value: 55.0", "value: lots",
         "context.yaml: record context[0] (all-in cost of 1 GW), field value: Input should be a valid number"),
        ("msft.yaml", "shares_outstanding:", "shares_outstanding: [\n",
         "msft.yaml: not valid YAML at line"),
    ],
)
def test_broken_file_names_file_record_and_field(tmp_path, file, old, new, message):
    with pytest.raises(DataFileError) as error:
        load_facts(_broken(tmp_path, file, old, new))
    assert message in str(error.value)


def test_missing_file_is_named(tmp_path):
    for path in DATA_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path)
    (tmp_path / "openai.yaml").unlink()
    with pytest.raises(DataFileError, match="openai.yaml: cannot be read"):
        load_facts(tmp_path)
