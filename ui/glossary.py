"""The terms the pages use, each in a sentence or two, for a reader who is not an analyst."""

from __future__ import annotations

GLOSSARY: dict[str, str] = {
    "NPV (net present value)": "All of Microsoft's money in and out with OpenAI, each year's amount discounted "
    "back to today at the sidebar's discount rate, and added up. Positive: the deal is worth more than it cost.",
    "IRR (internal rate of return)": "The yearly return that would make the NPV exactly zero: what the "
    "investment earns per year, as a bank rate would be quoted.",
    "TVPI (total value to paid-in)": "What the investment has returned and is worth (the net revenue share "
    "received to date plus the stake's value now) divided by the money Microsoft has paid in. 2.0x means twice "
    "the money, before any discounting.",
    "DPI (distributions to paid-in)": "The cash part of TVPI: the net revenue share received to date over the "
    "money paid in, leaving out the stake, whose value is not cash until it is sold.",
    "IRR to date": "The IRR of the money paid in and received year by year to today, plus the stake's value now. "
    "n/m (not meaningful) where no rate fits, as when every year's net flow is money out.",
    "Contract NPV": "The NPV of the flows still to come under the contracts (revenue share, Azure margin, funding), "
    "stake excluded: what the NPV rests on besides the stake.",
    "Scenario's value of OpenAI": "OpenAI's equity worth as this scenario's own economics give it: its cash, its "
    "free cash flows to the horizon and a horizon value, discounted at its cost of equity (calibrated so that the "
    "base case gives the last round's $852B). The last round's price (the market mark) is shown beside it.",
    "Market mark": "Valuing Microsoft's stake at the price of OpenAI's last funding round, today, whatever the "
    "scenario says; the sidebar can choose it instead of the scenario's value.",
    "At-risk Azure revenue": "The part of OpenAI's bills to Microsoft's Azure cloud that is never paid: bills "
    "OpenAI defers are owed and paid back first as its cash recovers, and are lost only when its value no "
    "longer covers them.",
    "Funding gap": "In a year, how much of the compute OpenAI has committed to buy it cannot pay from its "
    "revenue, its cash and the money it can raise: deferred, not yet lost.",
    "HHI (Herfindahl-Hirschman index)": "How concentrated OpenAI's commitments are among the companies it "
    "owes: each one's share in percent, squared and summed. 10,000 means one company is owed everything; the "
    "lower the index, the more the commitments are spread.",
    '"x plan"': "OpenAI's revenue as a multiple of its own reported plan: 1.00x is the plan, 0.8x is 20% below it.",
    "Derived": "A figure the model works out from reported ones (a sum, a split, a schedule), not one a source "
    "reported. Each is marked where it is shown.",
}


def glossary_markdown() -> str:
    """The glossary as a Markdown list (dollar signs escaped: Streamlit would read a pair as maths)."""
    return "\n".join(f"- **{term}**: {meaning.replace('$', chr(92) + '$')}" for term, meaning in GLOSSARY.items())
