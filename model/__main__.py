"""``python -m model``: see model/cli/__init__.py."""

from model.cli import main

raise SystemExit(main())
