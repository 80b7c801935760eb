"""Start the dashboard with its code loaded before the first visitor: ``python -m ui.serve [ARGS]``.

``./dev start`` runs this; ARGS go to ``streamlit run dashboard.py`` as they are. Streamlit runs the
entry script only when a browser connects, so without this the first visitor after a start waits
for pandas, pyarrow, altair and the model to import (about a second). Importing every module of
``model`` and ``ui`` here, in the server's own process, moves that wait to the server's start,
and so does reading the data files (kept in process-wide caches) and the model's first run.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import sys
from pathlib import Path

ENTRY = Path(__file__).resolve().parents[1] / "dashboard.py"


def preload() -> list[str]:
    """Import every module of the model and the dashboard's shared pieces; their names."""
    # Imported here, as everything in this module, for start-up time: that is this function's job.
    import model
    import ui

    # Each cached function checks its settings when defined, and warns that no server is running
    # yet; the server it will run in is about to start.
    logging.disable(logging.WARNING)
    try:
        names = []
        for package in (model, ui):
            for module in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}."):
                if module.name not in ("model.__main__", "ui.serve"):
                    names.append(importlib.import_module(module.name).__name__)
    finally:
        logging.disable(logging.NOTSET)
    return names


def warm() -> None:
    """What the first visitor would otherwise wait for, done once: the data files read into their
    process-wide caches (``st.cache_resource``), the model run once (numpy's and pandas' first calls
    are slower), and Streamlit's check that the page icon is an emoji (it compiles a large pattern).
    A data file that cannot be read is left for the page to name, as it does on every run."""
    # Imported here for start-up time: after preload() has loaded them, and only in the server.
    from datetime import date

    from streamlit.string_util import is_emoji

    from model.engine import run
    from model.scenario import Scenario
    from ui import data, state
    from ui.page import PAGE_ICON

    is_emoji(PAGE_ICON)
    steps = {
        "the data files": data.facts,
        "the model's first run": lambda: run(Scenario(), data.facts(), date.today(), None),
        "the presets": state.cached_presets,
        "the calibration targets": data.calibration_targets,
    }
    problems = []
    logging.disable(logging.WARNING)  # "no runtime": the caches are process-wide all the same
    try:
        for what, step in steps.items():
            try:
                step()
            except Exception as error:  # noqa: BLE001 - the dashboard names what is wrong where it is needed
                problems.append(f"{what}: {error}")
    finally:
        logging.disable(logging.NOTSET)
    for problem in problems:
        logging.getLogger(__name__).warning("could not warm %s", problem)


def main(arguments: list[str]) -> None:
    preload()
    warm()
    # Imported here for start-up time: the server's own code, once the dashboard's is loaded.
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(ENTRY), *arguments]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
