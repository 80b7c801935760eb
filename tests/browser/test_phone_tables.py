"""Wide tables on a phone: every table that is too wide for a 390 px screen (ui.tables.wide_table) shows as
one card a row, with every column the desktop table has and each value written as that table writes it,
none wider than the screen; at 1440 px the sortable table shows instead and the cards are hidden."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dashboard_ui import PAGE, open_page
from streamlit_harness import Tab, install_page_clock

from ui.tables import CARDS_PREFIX, WIDE_PREFIX

DESKTOP = {"width": 1440, "height": 900}
PAGES_WITH_WIDE_TABLES = ("Investment", "Compare", "Monte Carlo", "Sensitivity", "Model check", "Sources", "Market")

# Each wide table's block as the reader sees it: shown or not, its first row's cells as the table draws
# them, and every column header. The data grid's accessible cells hold only the columns in its view, so
# the grid is scrolled sideways half a view at a time (no column is wider than that), each time waiting
# until the grid has redrawn the headers in view, then back. A static table (Compare's) is read as it is.
DESKTOP_JS = """async () => {
    const tables = [];
    for (const block of document.querySelectorAll("[data-testid='stMain'] [class*='st-key-WIDE']")) {
        const key = block.className.match(/st-key-WIDE(\\S+)/)[1];
        const plain = block.querySelector("[data-testid='stTable'] table");
        if (plain) {
            const text = cell => cell.textContent.trim();
            tables.push({key, heads: [...plain.querySelectorAll("thead th")].map(text),
                         firstRow: [...plain.querySelector("tbody tr").querySelectorAll("th, td")].map(text),
                         shown: block.offsetParent !== null});
            continue;
        }
        const inView = () => [...block.querySelectorAll("[role='columnheader']")].map(c => c.textContent.trim());
        const heads = new Set(inView());
        const firstRow = [...(block.querySelectorAll("[role='row']")[1] || block).querySelectorAll("[role='gridcell']")]
            .map(cell => cell.textContent.trim());
        const scroller = block.querySelector(".dvn-scroller");
        const end = scroller.scrollWidth - scroller.clientWidth;
        for (let x = scroller.clientWidth / 2; scroller.scrollLeft < end; x += scroller.clientWidth / 2) {
            const before = inView().join("|");
            scroller.scrollLeft = Math.min(x, end);
            for (let waited = 0; waited < 3000 && inView().join("|") === before; waited += 50) {
                await new Promise(done => setTimeout(done, 50));
            }
            inView().forEach(head => heads.add(head));
        }
        scroller.scrollLeft = 0;
        tables.push({key, heads: [...heads], firstRow,
                     shown: block.offsetParent !== null && !!block.querySelector("[data-testid='stDataFrame']")});
    }
    return tables;
}""".replace("WIDE", WIDE_PREFIX)
# The data grid draws its cells after the run.
GRIDS_DRAWN_JS = """() => [...document.querySelectorAll("[data-testid='stMain'] [class*='st-key-WIDE']")]
    .every(block => block.querySelector("[role='columnheader'], [data-testid='stTable'] th") !== null)
    """.replace("WIDE", WIDE_PREFIX)
CARDS_SHOWN_JS = """() => [...document.querySelectorAll("[data-testid='stMain'] [class*='st-key-CARDS']")]
    .filter(block => block.offsetParent !== null).length""".replace("CARDS", CARDS_PREFIX)
# On the phone, with every "Show n more" opened: each table's cards, the column names they give, the first
# card's text, and any card or card block wider than its box.
PHONE_JS = """() => {
    const main = document.querySelector("[data-testid='stMain']");
    main.querySelectorAll(".table-cards details").forEach(details => { details.open = true; });
    const tables = {};
    for (const block of main.querySelectorAll("[class*='st-key-CARDS']")) {
        const cards = [...block.querySelectorAll(".table-card")];
        const wide = main.querySelector(".st-key-WIDE" + block.className.match(/st-key-CARDS(\\S+)/)[1]);
        tables[block.className.match(/st-key-CARDS(\\S+)/)[1]] = {
            shown: block.offsetParent !== null,
            wideShown: wide !== null && wide.offsetParent !== null,
            cards: cards.length,
            // The names a card gives its values: the heading's columns (its title), then each line's.
            names: [...new Set(cards.flatMap(card => [
                ...card.querySelector(".table-card-heading").title.split(" · "),
                ...[...card.querySelectorAll(".table-card-key")].map(key => key.innerText.replace(/:$/, ""))]))],
            firstCard: cards.length ? cards[0].innerText : "",
            tooWide: [block, ...cards].filter(box => box.scrollWidth > box.clientWidth)
                .map(box => box.innerText.slice(0, 60)),
        };
    }
    return {tables, overflow: main.scrollWidth - main.clientWidth};
}""".replace("CARDS", CARDS_PREFIX).replace("WIDE", WIDE_PREFIX)


@pytest.fixture
def desktop(browser, dashboard) -> Iterator[Tab]:
    context = browser.new_context(viewport=DESKTOP)
    install_page_clock(context)
    yield Tab(context.new_page(), dashboard.url)
    context.close()


def _words(text: str) -> str:
    """A cell's text as a card writes it: spaces as one, a tick box's state as yes or no."""
    text = " ".join(text.split())
    return {"true": "yes", "false": "no"}.get(text, text)


def open_tables(tab: Tab) -> None:
    """Open every closed "Table: ..." expander of the page (their tables are drawn only while open)."""
    for summary in tab.page.locator("[data-testid='stMain'] [data-testid='stExpander'] summary",
                                    has_text="Table:").all():
        runs = tab.runs_finished()
        summary.click()
        tab.settle(runs + 1)


@pytest.mark.parametrize("title", PAGES_WITH_WIDE_TABLES)
def test_a_wide_table_is_a_table_on_a_desktop_and_cards_with_every_column_on_a_phone(desktop, phone, title):
    open_page(desktop, PAGE[title])
    open_tables(desktop)
    desktop.page.wait_for_function(GRIDS_DRAWN_JS)
    tables = desktop.page.evaluate(DESKTOP_JS)
    assert tables, f"no wide table on {title}"
    assert [t["key"] for t in tables if not t["shown"]] == [], "a desktop table is hidden"
    assert desktop.page.evaluate(CARDS_SHOWN_JS) == 0, "cards show on a desktop"

    open_page(phone, PAGE[title])
    open_tables(phone)
    seen = phone.page.evaluate(PHONE_JS)
    assert seen["overflow"] == 0
    for table in tables:
        cards = seen["tables"][table["key"]]
        assert cards["shown"] and not cards["wideShown"] and cards["cards"] > 0, table["key"]
        assert table["firstRow"], f"{table['key']}: no cell read from the desktop table"
        assert cards["tooWide"] == [], table["key"]
        assert [head for head in table["heads"] if head and head not in cards["names"]] == [], table["key"]
        first_card = _words(cards["firstCard"])
        assert [cell for cell in table["firstRow"] if _words(cell) not in first_card] == [], table["key"]
