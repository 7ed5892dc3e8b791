"""sgID's values as a person reads them on the consent page: words, never JSON text or `"NA"`.

The relying party has its own rendering (accounts/profile.py); this one is the provider's and
shares no code with it, as the real sgID's consent screen shares none with its clients.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils import dateformat
from django.utils.translation import gettext as _

NA = "NA"

_DATE_SCOPES = frozenset(
    {
        "myinfo.date_of_birth",
        "myinfo.passport_expiry_date",
        "myinfo.workpass_expiry_date",
        "myinfo.marriage_date",
        "myinfo.divorce_date",
    }
)
_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@dataclass(frozen=True)
class Readable:
    """A value as lines of text. No lines: sgID has no data for this person."""

    lines: tuple[str, ...]
    records: bool = False  # one line per record (a child, a vehicle, an employment)


def in_words(value: str) -> str:
    """`1985-03-14` → 14 March 1985, `1990-07` → July 1990, `2002` → 2002; else as it came."""
    match = _PARTIAL_DATE.fullmatch(value)
    if match is None:
        return value
    year, month, day = match.groups()
    try:
        when = date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return value
    if day:
        return dateformat.format(when, "j F Y")
    if month:
        return dateformat.format(when, "F Y")
    return year


def _known(record: dict[str, object], name: str) -> str | None:
    value = record.get(name)
    return value if isinstance(value, str) and value and value != NA else None


def _child(record: dict[str, object]) -> str:
    name = _known(record, "name") or _("Name not available")
    born = _known(record, "date_of_birth")
    return _("%(name)s, born %(date)s") % {"name": name, "date": in_words(born)} if born else name


def _vehicle(record: dict[str, object]) -> str:
    return _known(record, "vehicle_number") or _other(record)


def _employment(record: dict[str, object]) -> str:
    where = ", ".join(
        part
        for name in ("employment_title", "department_name", "agency_name")
        if (part := _known(record, name))
    )
    kind, email = _known(record, "employment_type"), _known(record, "work_email")
    return " · ".join(part for part in (where, kind, email) if part)


def _other(record: dict[str, object]) -> str:
    return ", ".join(value for name in record if (value := _known(record, name)))


_RECORDS: dict[str, Callable[[dict[str, object]], str]] = {
    "myinfo.children_birth_records": _child,
    "myinfo.sponsored_children_records": _child,
    "myinfo.vehicles": _vehicle,
    "pocdex.public_officer_details": _employment,
    "pocdex.public_officer_employments": _employment,
}


def _records(scope: str, value: str) -> Readable:
    try:
        parsed = json.loads(value)
    except ValueError:
        return Readable((value,))
    items = parsed if isinstance(parsed, list) else [parsed]
    describe = _RECORDS.get(scope, _other)
    lines = tuple(
        line for item in items if (line := describe(item) if isinstance(item, dict) else str(item))
    )
    return Readable(lines or (_("None on record"),), records=True)


def readable(scope: str, value: str) -> Readable:
    """How the consent page shows one scope's value."""
    if value == NA or not value:
        return Readable(())
    if scope in _RECORDS:
        return _records(scope, value)
    if scope in _DATE_SCOPES:
        return Readable((in_words(value),))
    return Readable(tuple(value.split("\n")))
