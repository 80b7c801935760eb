"""``python -m model events``: the Market page's tables as CSV files, from the shipped snapshots."""

from __future__ import annotations

import pandas as pd
import pytest

from model.cli import main


def test_events_writes_the_study_the_rebased_prices_and_the_complex(tmp_path, capsys):
    status = main(["events", "--out", str(tmp_path), "--today", "2026-09-29", "--benchmark", "QQQ",
                   "--rebase", "2025-10-28"])
    assert status == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["event_study.csv", "openai_complex.csv",
                                                          "rebased_prices.csv"]
    study = pd.read_csv(tmp_path / "event_study.csv")
    assert set(study["benchmark"]) == {"QQQ"}
    recap = study[(study["ticker"] == "MSFT") & (study["event_id"] == "recapitalization_2025")].iloc[0]
    assert recap["event_session"] == "2025-10-28" and recap["estimation_sessions"] == 221
    rebased = pd.read_csv(tmp_path / "rebased_prices.csv")
    assert "SPY" not in set(rebased["ticker"])  # only the chosen benchmark
    assert (rebased.groupby("ticker")["base_session"].first() == "2025-10-28").all()
    complex_ = pd.read_csv(tmp_path / "openai_complex.csv").set_index("ticker")
    assert complex_.loc["ORCL", "scheduled_usd_bn"] > 0 and complex_.loc["ORCL", "from_year"] == 2026
    out = capsys.readouterr().out
    assert "net of QQQ, rebased to 2025-10-28" in out and "CRWV: offline snapshot, as of 2026-09-28" in out


def test_events_refuses_an_unknown_benchmark(tmp_path):
    with pytest.raises(SystemExit) as stopped:
        main(["events", "--out", str(tmp_path), "--benchmark", "DIA"])
    assert stopped.value.code == 2
    assert not list(tmp_path.iterdir())
