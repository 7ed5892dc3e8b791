"""The consented data as a person reads it: labels, masking, dates, codes, addresses and records.

The same values serve `/api/me` as data (`api_data`) and the profile page as display fields
(`display_fields`, and `api_fields` for a single-page app), both from sgID's catalog in
`sgid/catalog.py`. The catalog only marks its labels for translation (it is plain Python);
they are translated here, with gettext, when a page or an answer is built for a reader.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext

from .sgid.catalog import (
    NA_TEXT,
    NOT_AVAILABLE,
    RECORD_TITLE,
    SCOPES,
    Kind,
    parse_date,
    parse_records,
    parse_value,
    readable_code,
    readable_country,
    record_key,
    scope_of,
    snake_case,
)

_ORDER = {scope: index for index, scope in enumerate(SCOPES)}
# Values nested deeper than this inside a record are summarised, not spelled out.
_MAX_NESTING = 6


@dataclass(frozen=True)
class RecordItem:
    key: str  # as sgID sent it
    label: str
    text: str


@dataclass(frozen=True)
class Record:
    title: str  # "Child 1"; empty when sgID sent a single object rather than a list
    items: tuple[RecordItem, ...]


@dataclass(frozen=True)
class DisplayField:
    scope: str
    label: str
    # "text", "lines", "table" (records) or "not_available"
    shape: str
    text: str = ""
    lines: tuple[str, ...] = ()
    # Records twice over: as labelled cards (`records`), and as a table (`columns`, `rows`).
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    records: tuple[Record, ...] = ()


def mask_nric(value: str) -> str:
    """S1234567A → S****567A: enough to recognise, not enough to misuse."""
    if len(value) < 5:
        return "*" * len(value)
    return value[0] + "*" * (len(value) - 5) + value[-4:]


def format_date(value: str) -> str:
    """Full (`1990-03-05`), year-month (`1990-03`) or year (`1990`) dates, as words in the
    reader's language and its order ("5 March 1990", "1990年3月5日"; sgid_rp/formats)."""
    date = parse_date(value)
    if date is None:
        return value
    if date.day is not None and date.month is not None:
        return date_format(dt.date(date.year, date.month, date.day), "DATE_FORMAT")
    if date.month is not None:
        return date_format(dt.date(date.year, date.month, 1), "YEAR_MONTH_FORMAT")
    return pgettext("a year on its own, as a date", "%(year)s") % {"year": date.year}


def _humanise(key: str) -> str:
    return snake_case(key).replace("_", " ").strip().capitalize()


def _key_label(key: str) -> str:
    known = record_key(key)
    return gettext(known.label) if known else _humanise(key)


def _not_available() -> str:
    return gettext("Not available")


def _readable_text(kind: Kind, text: str, words: Mapping[str, str] | None = None) -> str:
    if kind is Kind.NRIC:
        return mask_nric(text)
    if kind is Kind.DATE:
        return format_date(text)
    if kind is Kind.CODE:
        # A code of a closed set in the reader's language; any other code as sgID wrote it.
        return gettext(words[text]) if words and text in words else readable_code(text)
    if kind is Kind.COUNTRY:
        return readable_country(text)
    return text


def _record_value(key: str, value: Any, depth: int = 0) -> str:
    """One value inside a record, as words: never JSON, never sgID's "NA"."""
    if value is None or value == NA_TEXT or value == "":
        return _not_available()
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, (dict, list)):
        if depth >= _MAX_NESTING:
            return "…"
        if isinstance(value, dict):
            return ", ".join(
                f"{_key_label(str(k))}: {_record_value(str(k), v, depth + 1)}"
                for k, v in value.items()
            )
        return "; ".join(_record_value(key, item, depth + 1) for item in value) or gettext("None")
    text = str(value)
    known = record_key(key)
    if known is not None:
        return _readable_text(known.kind, text, known.words)
    # An unknown key: a date is still a date ("issue_date": "2020-01-31").
    if "date" in snake_case(key) or (len(text) == 10 and parse_date(text)):
        return format_date(text)
    return text


def _record_title(scope: str, number: int) -> str:
    known = scope_of(scope)
    title = known.record_title if known and known.record_title else RECORD_TITLE
    return gettext(title) % {"number": number}


def _records_field(scope: str, label: str, value: list[Any] | dict[str, Any]) -> DisplayField:
    if isinstance(value, dict):
        objects, titled = [value], False
    elif value and all(isinstance(item, dict) for item in value):
        objects, titled = value, True
    elif not value:
        return DisplayField(scope, label, "text", text=gettext("None"))
    else:
        return DisplayField(
            scope, label, "lines", lines=tuple(_record_value("", item) for item in value)
        )
    keys = list(dict.fromkeys(str(key) for item in objects for key in item))
    records = tuple(
        Record(
            title=_record_title(scope, number) if titled else "",
            items=tuple(
                RecordItem(str(k), _key_label(str(k)), _record_value(str(k), v))
                for k, v in item.items()
            ),
        )
        for number, item in enumerate(objects, start=1)
    )
    rows = tuple(
        tuple(_record_value(key, item[key]) if key in item else _not_available() for key in keys)
        for item in objects
    )
    columns = tuple(_key_label(key) for key in keys)
    return DisplayField(scope, label, "table", columns=columns, rows=rows, records=records)


def display_field(scope: str, raw: str) -> DisplayField:
    known = scope_of(scope)
    label = gettext(known.label) if known else scope
    value = parse_value(scope, raw)
    if value is NOT_AVAILABLE:
        return DisplayField(scope, label, "not_available", text=_not_available())
    if known is None and raw.lstrip()[:1] in ("[", "{"):
        # A scope sgID added after this catalog: JSON text still reads as records, not as JSON.
        value = parse_records(raw)
    if isinstance(value, (list, dict)):
        return _records_field(scope, label, value)
    text = str(value)
    kind = known.kind if known else Kind.TEXT
    if kind is Kind.ADDRESS or "\n" in text:
        lines = tuple(line for line in text.splitlines() if line.strip())
        return DisplayField(scope, label, "lines", lines=lines)
    words = known.words if known else None
    return DisplayField(scope, label, "text", text=_readable_text(kind, text, words))


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
            "label": field.label,
            "shape": field.shape,
            "text": field.text,
            "lines": list(field.lines),
            "columns": list(field.columns),
            "rows": [list(row) for row in field.rows],
            "records": [
                {
                    "title": record.title,
                    "items": [
                        {"key": item.key, "label": item.label, "text": item.text}
                        for item in record.items
                    ],
                }
                for record in field.records
            ],
        }
        for field in display_fields(data)
    ]
