"""Reading JSON text that came from outside (sgID, or data it relays) without surprises.

`json.loads` raises RecursionError, not ValueError, on deeply nested input, and accepts the
non-standard constants NaN and Infinity, which then compare strangely and cannot be sent on as
JSON. Here every such input is a ValueError, for the caller to turn into its own error.
"""

from __future__ import annotations

import json
from typing import Any


def _reject_constant(name: str) -> Any:
    raise ValueError(f"non-standard JSON constant {name}")


def loads(text: str | bytes) -> Any:
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except RecursionError as exc:
        raise ValueError("JSON nested too deeply") from exc
