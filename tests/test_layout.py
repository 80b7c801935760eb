"""The project's shape, kept: import contracts, no Streamlit in the model, doctests, module size.

Every check finds its subjects by walking the packages, so a module added tomorrow is checked too.
"""

from __future__ import annotations

import ast
import doctest
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import model
import ui
import views

ROOT = Path(__file__).resolve().parent.parent
MODULE_LINES_MAX = 400  # the house style's "about 400 lines"
PACKAGES = (model, ui, views)


def modules(package) -> list[str]:
    """Every module of ``package``, subpackages included, by dotted name."""
    return [package.__name__] + [
        info.name for info in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}.")
    ]


def source_files() -> list[Path]:
    return sorted(path for package in ("model", "ui", "views") for path in (ROOT / package).rglob("*.py"))


def test_the_import_contracts_are_kept():
    # import-linter reads [tool.importlinter] in pyproject.toml: layers, no cycles, no Streamlit in model.
    lint_imports = Path(sys.executable).parent / "lint-imports"
    run = subprocess.run([str(lint_imports)], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def test_importing_every_model_module_loads_no_streamlit():
    # Static contracts cannot see an import built at run time; this imports every module for real.
    names = [name for name in modules(model) if name != "model.__main__"]
    code = (f"import importlib, sys\nfor name in {names!r}: importlib.import_module(name)\n"
            "print('streamlit' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    assert len(names) > 20  # the walk found the subpackages' modules


@pytest.mark.parametrize("name", [name for package in (model, ui) for name in modules(package)
                                  if name not in ("model.__main__", "ui.serve")])
def test_doctests(name):
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(module, name):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} doctest(s) of {name} failed"


def test_some_doctests_exist():
    finder = doctest.DocTestFinder(exclude_empty=True)
    found = [test for name in modules(model) if name != "model.__main__"
             for test in finder.find(importlib.import_module(name), name) if test.examples]
    assert len(found) >= 5


def _nested_imports(path: Path) -> list[tuple[int, str]]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import | ast.ImportFrom):
                    found.append((inner.lineno, lines[inner.lineno - 1]))
    return found


def test_an_import_inside_a_function_says_it_is_there_for_start_up_time():
    # A late import to dodge a cycle hides a layering problem; one kept for start-up time says so
    # in a comment on a line of the block of imports it opens.
    unexplained = []
    for path in source_files():
        lines = path.read_text(encoding="utf-8").splitlines()
        for lineno, text in _nested_imports(path):
            block_start = lineno - 1
            while block_start > 0 and (not lines[block_start - 1].strip()
                                       or lines[block_start - 1].lstrip().startswith(("#", "import ", "from "))):
                block_start -= 1
            block = "\n".join(lines[block_start:lineno])
            if "start-up" not in block:
                unexplained.append(f"{path.relative_to(ROOT)}:{lineno}: {text.strip()}")
    assert not unexplained, "\n".join(unexplained)


def test_a_long_module_says_why_it_is_one_concept():
    long_without_reason = []
    for path in source_files():
        source = path.read_text(encoding="utf-8")
        docstring = (ast.get_docstring(ast.parse(source)) or "").lower()
        if source.count("\n") > MODULE_LINES_MAX and "one concept" not in docstring:
            long_without_reason.append(f"{path.relative_to(ROOT)}: {source.count(chr(10))} lines")
    assert not long_without_reason, "\n".join(long_without_reason)


def test_every_package_and_module_has_a_docstring():
    missing = [str(path.relative_to(ROOT)) for path in source_files()
               if path.name != "__main__.py" and not ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))]
    assert not missing, missing
