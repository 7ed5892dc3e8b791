"""The house's shape, checked: every view is short enough to read at a glance.

A view reads the request, makes a call or two, and maps the result or the error to a response;
protocol and business steps live in modules named for them (accounts/signin.py, accounts/sgid/).
The import layers are import-linter's contracts (pyproject.toml), run by `make lint`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("accounts", "operations", "sgid_mock")
MAX_VIEW_LINES = 30


def _views() -> list[tuple[str, ast.FunctionDef]]:
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if (
                    isinstance(node, ast.FunctionDef)
                    and node.args.args
                    and node.args.args[0].arg == "request"
                    and not node.name.startswith("_")
                ):
                    found.append((f"{path.relative_to(ROOT)}:{node.name}", node))
    return found


VIEWS = _views()


def test_the_views_are_found():
    names = {name for name, _ in VIEWS}
    assert {"accounts/views.py:callback", "sgid_mock/api.py:token"} <= names


@pytest.mark.parametrize(("name", "view"), VIEWS, ids=[name for name, _ in VIEWS])
def test_every_view_fits_on_a_screen(name, view):
    length = (view.end_lineno or view.lineno) - view.lineno + 1
    assert length <= MAX_VIEW_LINES, f"{name} is {length} lines; move its steps to a module"


def test_the_import_contract_names_every_test_module_that_support_must_not_import():
    """import-linter cannot say "tests except tests.support": the contract lists them, so a new
    test package must be added there, or test support could start importing it unseen."""
    import tomllib

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [
        c for c in contracts["contracts"] if c.get("source_modules") == ["tests.support", "bench"]
    ]
    tests = ROOT / "tests"
    present = {
        f"tests.{path.stem}"
        for path in tests.iterdir()
        if (path.is_dir() and (path / "__init__.py").exists()) or path.suffix == ".py"
    } - {"tests.__init__", "tests.support", "tests.settings"}
    assert present == set(contract["forbidden_modules"])
