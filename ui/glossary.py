"""The terms the pages use, each in a sentence or two, for a reader who is not an analyst."""

from __future__ import annotations

GLOSSARY: dict[str, str] = {
    "NPV (net present value)": "All of Microsoft's money in and out with OpenAI, each year's amount discounted "
    "back to today at the sidebar's discount rate, and added up. Positive: the deal is worth more than it cost.",
    "IRR (internal rate of return)": "The yearly return that would make the NPV exactly zero: what the "
    "investment earns per year, as a bank rate would be quoted.",
    "MOIC (multiple on invested capital)": "What the investment returns (the stake's value plus the net revenue "
    "share) divided by the money Microsoft has put in, both counted to when the stake is valued: today at the "
    "market mark, the horizon at a terminal multiple. 2.0x means twice the money back, before any discounting.",
    "Cash IRR": "The IRR of the cash alone (investment, revenue share, Azure margin), leaving out the stake, "
    "whose value is not cash until it is sold.",
    "Market mark": "Valuing Microsoft's stake at the price of OpenAI's last funding round, today, less the part "
    "OpenAI's unpaid bills take away. The alternative values it at a multiple of revenue in the horizon year.",
    "At-risk Azure revenue": "The part of OpenAI's bills to Microsoft's Azure cloud that OpenAI cannot pay when "
    "its money runs short (its funding gap, shared among the companies it owes by the sidebar's rule).",
    "Funding gap": "In a year, how much of the compute OpenAI has committed to buy it cannot pay from its "
    "revenue, its cash and the money it can raise.",
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
