"""Start the dashboard with its code loaded before the first visitor: ``python -m ui.serve [ARGS]``.

``./dev start`` runs this; ARGS go to ``streamlit run dashboard.py`` as they are. Streamlit runs the
entry script only when a browser connects, so without this the first visitor after a start waits
for pandas, pyarrow, altair and the model to import (about a second). Importing every module of
``model`` and ``ui`` here, in the server's own process, moves that wait to the server's start.
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
    import model
    import ui

    # Each cached function checks its settings when defined, and warns that no server is running
    # yet; the server it will run in is about to start.
    logging.disable(logging.WARNING)
    try:
        names = []
        for package in (model, ui):
            for module in pkgutil.iter_modules(package.__path__):
                if module.name not in ("__main__", "serve"):
                    names.append(importlib.import_module(f"{package.__name__}.{module.name}").__name__)
    finally:
        logging.disable(logging.NOTSET)
    return names


def main(arguments: list[str]) -> None:
    preload()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(ENTRY), *arguments]
    cli.main()


if __name__ == "__main__":
    main(sys.argv[1:])
