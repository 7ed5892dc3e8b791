"""The consented data as a person reads it: labels, masking, dates, addresses and records.

The same values serve `/api/me` as data (`api_data`) and the profile page as display fields
(`display_fields`), both from sgID's catalog in `sgid/catalog.py`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .sgid.catalog import NA_TEXT, NOT_AVAILABLE, Kind, kind_of, parse_value

LABELS: dict[str, str | Promise] = {
    "myinfo.name": _("Name"),
    "myinfo.nric_number": _("NRIC number"),
    "myinfo.date_of_birth": _("Date of birth"),
    "myinfo.sex": _("Sex"),
    "myinfo.race": _("Race"),
    "myinfo.nationality": _("Nationality"),
    "myinfo.residentialstatus": _("Residential status"),
    "myinfo.passport_number": _("Passport number"),
    "myinfo.passport_expiry_date": _("Passport expiry date"),
    "myinfo.email": _("Email"),
    "myinfo.mobile_number": _("Mobile number"),
    "myinfo.mobile_number_with_country_code": _("Mobile number (with country code)"),
    "myinfo.registered_address": _("Registered address"),
    "myinfo.housingtype": _("Housing type"),
    "myinfo.hdbtype": _("HDB flat type"),
    "myinfo.marital_status": _("Marital status"),
    "myinfo.workpass_status": _("Work pass status"),
    "myinfo.workpass_expiry_date": _("Work pass expiry date"),
    "myinfo.children_birth_records": _("Children's birth records"),
    "myinfo.sponsored_children_records": _("Sponsored children"),
    "myinfo.vehicles": _("Vehicles"),
    "pocdex.public_officer_details": _("Public officer details"),
}
_ORDER = {scope: index for index, scope in enumerate(LABELS)}

_FULL_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_YEAR_MONTH = re.compile(r"(\d{4})-(\d{2})")
_YEAR = re.compile(r"\d{4}")


@dataclass(frozen=True)
class DisplayField:
    scope: str
    label: str | Promise
    # "text", "lines", "table" or "not_available"
    shape: str
    text: str = ""
    lines: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()

    @property
    def labelled_rows(self) -> list[list[tuple[str, str]]]:
        """Each row's cells with their column names (a phone shows a row as a labelled card)."""
        return [list(zip(self.columns, row, strict=False)) for row in self.rows]


def mask_nric(value: str) -> str:
    """S1234567A → S****567A: enough to recognise, not enough to misuse."""
    if len(value) < 5:
        return "*" * len(value)
    return value[0] + "*" * (len(value) - 5) + value[-4:]


def format_date(value: str) -> str:
    """Full (`1990-03-05`), year-month (`1990-03`) or year (`1990`) dates, as words."""
    try:
        if match := _FULL_DATE.fullmatch(value):
            year, month, day = (int(part) for part in match.groups())
            return date_format(dt.date(year, month, day), "j F Y")
        if match := _YEAR_MONTH.fullmatch(value):
            year, month = (int(part) for part in match.groups())
            return date_format(dt.date(year, month, 1), "F Y")
    except ValueError:
        return value
    return value


def _humanise(key: str) -> str:
    return key.replace("_", " ").strip().capitalize()


def _cell(value: Any) -> str:
    if value is None or value == NA_TEXT:
        return str(_("Not available"))
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _records_field(
    scope: str, label: str | Promise, value: list[Any] | dict[str, Any]
) -> DisplayField:
    if isinstance(value, dict):
        rows: tuple[tuple[str, ...], ...] = tuple(
            (_humanise(str(k)), _cell(v)) for k, v in value.items()
        )
        return DisplayField(
            scope, label, "table", columns=(str(_("Field")), str(_("Value"))), rows=rows
        )
    if value and all(isinstance(item, dict) for item in value):
        keys = list(dict.fromkeys(key for item in value for key in item))
        rows = tuple(tuple(_cell(item.get(key)) for key in keys) for item in value)
        return DisplayField(scope, label, "table", columns=tuple(map(_humanise, keys)), rows=rows)
    if not value:
        return DisplayField(scope, label, "text", text=str(_("None")))
    return DisplayField(scope, label, "lines", lines=tuple(_cell(item) for item in value))


def display_field(scope: str, raw: str) -> DisplayField:
    label = LABELS.get(scope, scope)
    value = parse_value(scope, raw)
    if value is NOT_AVAILABLE:
        return DisplayField(scope, label, "not_available", text=str(_("Not available")))
    if isinstance(value, (list, dict)):
        return _records_field(scope, label, value)
    text = str(value)
    kind = kind_of(scope)
    if kind is Kind.NRIC:
        return DisplayField(scope, label, "text", text=mask_nric(text))
    if kind is Kind.DATE:
        return DisplayField(scope, label, "text", text=format_date(text))
    if kind is Kind.ADDRESS or "\n" in text:
        lines = tuple(line for line in text.splitlines() if line.strip())
        return DisplayField(scope, label, "lines", lines=lines)
    return DisplayField(scope, label, "text", text=text)


def display_fields(data: Mapping[str, str]) -> list[DisplayField]:
    """Known scopes in catalog order, then unknown ones by name."""
    scopes = sorted(data, key=lambda scope: (_ORDER.get(scope, len(_ORDER)), scope))
    return [display_field(scope, data[scope]) for scope in scopes]


def api_data(data: Mapping[str, str]) -> dict[str, Any]:
    """Values as JSON data: records parsed, sgID's "NA" as null."""
    result: dict[str, Any] = {}
    for scope, raw in data.items():
        value = parse_value(scope, raw)
        result[scope] = None if value is NOT_AVAILABLE else value
    return result


def api_fields(data: Mapping[str, str]) -> list[dict[str, Any]]:
    """`display_fields` as JSON, for a single-page app to render as the profile page does."""
    return [
        {
            "scope": field.scope,
            "label": str(field.label),
            "shape": field.shape,
            "text": field.text,
            "lines": list(field.lines),
            "columns": list(field.columns),
            "rows": [list(row) for row in field.rows],
        }
        for field in display_fields(data)
    ]
