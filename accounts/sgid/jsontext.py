"""Reading JSON text that came from outside (sgID, or data it relays) without surprises.

`json.loads` raises RecursionError, not ValueError, on deeply nested input, and accepts the
non-standard constants NaN and Infinity, which then compare strangely and cannot be sent on as
JSON; a number too large for a float (`1e999`) becomes Infinity just the same. It also lets
through strings that are not Unicode text: RFC 8259 §8.2 allows "\\udead", a lone surrogate,
which no page or UTF-8 encoder will take. Here every such input is a ValueError, for the caller
to turn into its own error.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"non-standard JSON constant {name}")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError("JSON number out of a float's range")
    return number


def loads(text: str | bytes, *, max_depth: int | None = None) -> Any:
    """The value of `text`; with `max_depth`, no deeper than that many arrays and objects."""
    try:
        value = json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
    except RecursionError as exc:
        raise ValueError("JSON nested too deeply") from exc
    _check_tree(value, max_depth)
    return value


def _check_tree(value: Any, max_depth: int | None) -> None:
    # Iterative: the value may be nested nearly as deep as the recursion limit allows.
    pending = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, str):
            # A surrogate in a decoded string is always a lone one: a pair decodes to one
            # character, and bytes are decoded with "surrogatepass", so it came from the text.
            if _SURROGATE.search(item):
                raise ValueError("JSON string that is not Unicode text (a lone surrogate)")
        elif isinstance(item, (dict, list)):
            if max_depth is not None and depth >= max_depth:
                raise ValueError("JSON nested too deeply")
            children = [*item.keys(), *item.values()] if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
