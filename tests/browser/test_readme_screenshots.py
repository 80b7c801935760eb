"""The README's screenshot command (docs/make_screenshots.py) still works: run against the session's
dashboard, it writes both pictures at 1440 px, small, after finding the model's figures on the Overview."""

from __future__ import annotations

import importlib.util

from PIL import Image
from streamlit_harness import ROOT


def test_the_readme_screenshots_are_made_by_one_command(browser, dashboard, tmp_path):
    spec = importlib.util.spec_from_file_location("make_screenshots", ROOT / "docs" / "make_screenshots.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    sizes = script.make_screenshots(browser, dashboard.url, tmp_path)
    assert set(sizes) == {"overview.png", "commitments.png"}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, size in sizes.items():
        assert f"docs/{name}" in readme
        assert size < script.MAX_BYTES
        assert Image.open(tmp_path / name).size == (script.WIDTH, script.FIRST_SCREEN_HEIGHT)
