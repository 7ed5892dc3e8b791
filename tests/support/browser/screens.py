"""Numbered screenshots of each step of a browser test, in one temporary folder for the run."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

_run: dict[str, Path] = {}


def folder() -> Path | None:
    """The run's screenshot folder, once a test has taken a screenshot."""
    return _run.get("dir")


class Screens:
    """Numbered screenshots of each step, in one folder for the run."""

    def __init__(self, page: Any, test_name: str) -> None:
        if "dir" not in _run:
            _run["dir"] = Path(tempfile.mkdtemp(prefix="sgid-browser-"))
        self.page = page
        self.prefix = re.sub(r"[^\w-]+", "_", test_name)
        self.count = 0

    def shot(self, step: str) -> None:
        self.count += 1
        path = _run["dir"] / f"{self.prefix}-{self.count:02d}-{step}.png"
        self.page.screenshot(path=str(path), full_page=True)
