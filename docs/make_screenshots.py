"""The README's screenshots, made by one command so they show the product as it is, never as it was:

    .venv/bin/python docs/make_screenshots.py          # writes docs/overview.png and docs/commitments.png

It starts the dashboard the way the browser tests do (tests/browser/streamlit_harness.py: a free loopback
port, the price feed switched off so the shipped MSFT snapshot is shown, Debian's chromium through
Playwright), opens each page at the reported terms in a 1440 px wide window, and keeps the first screen
and a bit (FIRST_SCREEN_HEIGHT). Before it saves the Overview it checks that every headline card shows the
model's figure for the price the page used (tests/browser/dashboard_ui.py's HEADLINES), so a picture of
wrong numbers is never written. The PNGs are reduced to a 256-colour palette (Pillow), which keeps text
sharp at a fraction of the size. Run it after a change that shows on these pages, look at the pictures,
and commit them.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT))

import dashboard_ui as ui  # noqa: E402 - after the paths they live on
import streamlit_harness as harness  # noqa: E402

from model.scenario import Scenario  # noqa: E402

WIDTH = 1440
FIRST_SCREEN_HEIGHT = 1250  # a laptop's first screen and a little more: the headline cards and the first charts
SHOTS = {"overview.png": "Overview", "commitments.png": "Compute commitments"}
MAX_BYTES = 400_000


def headlines_shown_are_the_models(tab: harness.Tab) -> None:
    """Every headline card on the Overview shows the model's figure at the price the page used."""
    price, _ = ui.msft_price(tab)
    metrics = ui.expected(Scenario(), price).metrics
    wrong = {label: (tab.metric_value(label), figure(metrics)) for label, figure in ui.HEADLINES.items()
             if tab.metric_value(label) != figure(metrics)}
    if wrong:
        raise SystemExit(f"the Overview does not show the model's figures (shown, model): {wrong}")


def small_png(png: bytes) -> bytes:
    """The screenshot as a palette PNG (256 colours, no dithering: flat UI colours stay flat)."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    quantized = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    quantized.save(out, format="PNG", optimize=True)
    return out.getvalue()


def make_screenshots(browser, base_url: str, out: Path) -> dict[str, int]:
    """Open each page of SHOTS on the dashboard at ``base_url`` and write its PNG into ``out``;
    returns each file's size in bytes. Shared with tests/browser/test_readme_screenshots.py."""
    out.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": WIDTH, "height": FIRST_SCREEN_HEIGHT})
    harness.install_page_clock(context)
    tab = harness.Tab(context.new_page(), base_url)
    sizes = {}
    try:
        for file_name, title in SHOTS.items():
            ui.open_page(tab, ui.PAGE[title])
            shown = ui.failures_shown(tab)
            if shown:
                raise SystemExit(f"{title}: the page shows a failure: {shown}")
            if title == "Overview":
                headlines_shown_are_the_models(tab)
            data = small_png(tab.page.screenshot(full_page=False))
            if len(data) > MAX_BYTES:
                raise SystemExit(f"{file_name}: {len(data):,} bytes, more than {MAX_BYTES:,}")
            (out / file_name).write_bytes(data)
            sizes[file_name] = len(data)
    finally:
        context.close()
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="folder for the PNGs (default docs/)")
    args = parser.parse_args(argv)
    with harness.streamlit_server(ROOT / "dashboard.py") as server, sync_playwright() as playwright:
        browser = harness.launch_chromium(playwright)
        try:
            sizes = make_screenshots(browser, server.url, args.out)
        finally:
            browser.close()
    for file_name, size in sizes.items():
        print(f"wrote {args.out / file_name} ({size // 1000} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
