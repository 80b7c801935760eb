"""Market data: MSFT's share price and the deal's events that are marked on it.

:mod:`~model.market.prices` is the one place that talks to Yahoo Finance (through ``yfinance``);
:mod:`~model.market.events` reads the dated deal events from ``data/events.yaml``.

A second feed follows the pattern of :mod:`~model.market.prices`, in three steps kept apart:

1. **what is asked**: one function makes the outside call (``fetch_live``), with a timeout, and
   nothing else in the product imports the outside library;
2. **the raw answer**: whatever came back is cleaned into one validated frame
   (``clean_price_frame``), which refuses an answer it cannot trust rather than pass it on;
3. **records with provenance**: callers get the frame together with where it came from and as of
   when (``Provenance``: live, the last good download kept on disk, or the snapshot shipped in
   ``data/``), and the fallbacks are tried in that order, so a failing feed never stops a page.

Tests fake the feed at step 1 and never touch the network.
"""
