"""What each sgID scope's value is, and how to read it (sgID's data catalog).

Every value arrives as a string. Some are JSON text (records), some dates that may be partial
(`YYYY-MM-DD`, `YYYY-MM`, `YYYY`), addresses use `\\n` between lines, and `"NA"` means sgID has no
data for this person. Unknown scopes are kept as text under their own name.
"""

from __future__ import annotations

import enum
from typing import Any, Final

from .jsontext import loads


class Kind(enum.Enum):
    TEXT = "text"
    NRIC = "nric"
    DATE = "date"
    ADDRESS = "address"
    RECORDS = "records"


class NotAvailable(enum.Enum):
    """sgID's `"NA"`: the person has no data for this scope."""

    NA = "NA"


NOT_AVAILABLE: Final = NotAvailable.NA
NA_TEXT: Final = "NA"

KINDS: Final[dict[str, Kind]] = {
    "myinfo.nric_number": Kind.NRIC,
    "myinfo.date_of_birth": Kind.DATE,
    "myinfo.passport_expiry_date": Kind.DATE,
    "myinfo.workpass_expiry_date": Kind.DATE,
    "myinfo.registered_address": Kind.ADDRESS,
    "myinfo.children_birth_records": Kind.RECORDS,
    "myinfo.sponsored_children_records": Kind.RECORDS,
    "myinfo.vehicles": Kind.RECORDS,
    "pocdex.public_officer_details": Kind.RECORDS,
}


def kind_of(scope: str) -> Kind:
    return KINDS.get(scope, Kind.TEXT)


def parse_value(scope: str, raw: str) -> NotAvailable | str | list[Any] | dict[str, Any]:
    """The value as data: NOT_AVAILABLE, parsed JSON for records, else the text itself.

    Records that are not valid JSON are kept as text rather than lost.
    """
    if raw == NA_TEXT:
        return NOT_AVAILABLE
    if kind_of(scope) is Kind.RECORDS:
        try:
            parsed = loads(raw)
        except ValueError:
            return raw
        if isinstance(parsed, (list, dict)):
            return parsed
    return raw
