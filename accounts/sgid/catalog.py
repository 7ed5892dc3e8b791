"""What each sgID scope's value is, and how to read it (sgID's data catalog; protocol notes §5).

Every value arrives as a string. Some are JSON text (records), some dates that may be partial
(`YYYY-MM-DD`, `YYYY-MM`, `YYYY`), addresses use `\\n` between lines, enumerated values (sex,
race, housing type…) come as upper-case words, and `"NA"` means sgID has no data for this
person. Unknown scopes are kept as text under their own name.

Labels are English and translatable. This package is plain Python (no Django), so a label is
only *marked* here with `_`, a no-op that returns its argument: `makemessages` (xgettext) finds
`_("…")` calls by name, without importing anything. The display layer (`accounts/profile.py`)
translates the label with gettext when it shows it, in the reader's language.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from .jsontext import loads


def _(message: str) -> str:
    """Marks a label for translation; the display layer translates it (see the docstring)."""
    return message


class Kind(enum.Enum):
    TEXT = "text"
    # An enumerated value sgID sends in upper case (FEMALE, 4-ROOM FLAT (HDB)): a code, not a name.
    CODE = "code"
    COUNTRY = "country"
    NRIC = "nric"
    DATE = "date"
    ADDRESS = "address"
    RECORDS = "records"


# The closed sets of codes sgID sends (Myinfo's code tables), as words a person reads, marked for
# translation like the labels. A code not listed here (sgID may add one) is shown as sgID wrote
# it, in sentence case; so are the open sets (race, dialect, nationality, occupation, countries),
# whose names are sgID's.
SEX: Final = {"MALE": _("Male"), "FEMALE": _("Female"), "UNKNOWN": _("Unknown")}
MARITAL_STATUS: Final = {
    "SINGLE": _("Single"),
    "MARRIED": _("Married"),
    "WIDOWED": _("Widowed"),
    "DIVORCED": _("Divorced"),
}
RESIDENTIAL_STATUS: Final = {
    "CITIZEN": _("Citizen"),
    "PR": _("Permanent resident"),
    "ALIEN": _("Foreigner"),
    "UNKNOWN": _("Unknown"),
}
LIFE_STATUS: Final = {"ALIVE": _("Alive"), "DECEASED": _("Deceased")}
HDB_TYPE: Final = {
    "1-ROOM FLAT (HDB)": _("1-room flat (HDB)"),
    "2-ROOM FLAT (HDB)": _("2-room flat (HDB)"),
    "3-ROOM FLAT (HDB)": _("3-room flat (HDB)"),
    "4-ROOM FLAT (HDB)": _("4-room flat (HDB)"),
    "5-ROOM FLAT (HDB)": _("5-room flat (HDB)"),
    "EXECUTIVE FLAT (HDB)": _("Executive flat (HDB)"),
    "STUDIO APARTMENT (HDB)": _("Studio apartment (HDB)"),
}
HOUSING_TYPE: Final = {
    "DETACHED HOUSE": _("Detached house"),
    "SEMI-DETACHED HOUSE": _("Semi-detached house"),
    "TERRACE HOUSE": _("Terrace house"),
    "CONDOMINIUM": _("Condominium"),
    "EXECUTIVE CONDOMINIUM": _("Executive condominium"),
    "APARTMENT": _("Apartment"),
}


@dataclass(frozen=True)
class Scope:
    label: str
    kind: Kind = Kind.TEXT
    # sgID may send only `YYYY-MM` or `YYYY` when the day (or month) is not on record.
    partial_dates: bool = False
    # For records: what one record is called, numbered ("Child 2").
    record_title: str = ""
    # For codes of a closed set: each code's words (SEX, ...).
    words: Mapping[str, str] | None = None


class NotAvailable(enum.Enum):
    """sgID's `"NA"`: the person has no data for this scope."""

    NA = "NA"


NOT_AVAILABLE: Final = NotAvailable.NA
NA_TEXT: Final = "NA"

# In the order a person reads them. `openid` is not here: it carries no value (it gives `sub`).
SCOPES: Final[dict[str, Scope]] = {
    "myinfo.name": Scope(_("Name")),
    # Both NRICs and FINs (a foreigner's number) come under this one scope.
    "myinfo.nric_number": Scope(_("NRIC/FIN number"), Kind.NRIC),
    "myinfo.date_of_birth": Scope(_("Date of birth"), Kind.DATE, partial_dates=True),
    "myinfo.sex": Scope(_("Sex"), Kind.CODE, words=SEX),
    "myinfo.race": Scope(_("Race"), Kind.CODE),
    "myinfo.dialect": Scope(_("Dialect"), Kind.CODE),
    "myinfo.nationality": Scope(_("Nationality"), Kind.CODE),
    "myinfo.birth_country": Scope(_("Country of birth"), Kind.COUNTRY),
    "myinfo.residentialstatus": Scope(_("Residential status"), Kind.CODE, words=RESIDENTIAL_STATUS),
    "myinfo.passport_number": Scope(_("Passport number")),
    "myinfo.passport_expiry_date": Scope(_("Passport expiry date"), Kind.DATE),
    "myinfo.email": Scope(_("Email")),
    "myinfo.mobile_number": Scope(_("Mobile number")),
    "myinfo.mobile_number_with_country_code": Scope(_("Mobile number (with country code)")),
    "myinfo.registered_address": Scope(_("Registered address"), Kind.ADDRESS),
    "myinfo.housingtype": Scope(_("Housing type"), Kind.CODE, words=HOUSING_TYPE),
    "myinfo.hdbtype": Scope(_("HDB flat type"), Kind.CODE, words=HDB_TYPE),
    "myinfo.marital_status": Scope(_("Marital status"), Kind.CODE, words=MARITAL_STATUS),
    "myinfo.marriage_date": Scope(_("Date of marriage"), Kind.DATE, partial_dates=True),
    "myinfo.country_of_marriage": Scope(_("Country of marriage"), Kind.COUNTRY),
    "myinfo.marriage_certificate_number": Scope(_("Marriage certificate number")),
    "myinfo.divorce_date": Scope(_("Date of divorce"), Kind.DATE, partial_dates=True),
    # Myinfo codes occupations (SSOC); the employer is a name, so it is shown as sent.
    "myinfo.occupation": Scope(_("Occupation"), Kind.CODE),
    "myinfo.name_of_employer": Scope(_("Employer")),
    "myinfo.workpass_status": Scope(_("Work pass status"), Kind.CODE),
    "myinfo.workpass_expiry_date": Scope(_("Work pass expiry date"), Kind.DATE),
    "myinfo.children_birth_records": Scope(
        _("Children's birth records"), Kind.RECORDS, record_title=_("Child %(number)s")
    ),
    "myinfo.sponsored_children_records": Scope(
        _("Sponsored children"), Kind.RECORDS, record_title=_("Sponsored child %(number)s")
    ),
    "myinfo.vehicles": Scope(_("Vehicles"), Kind.RECORDS, record_title=_("Vehicle %(number)s")),
    "pocdex.public_officer_details": Scope(
        _("Public officer details"), Kind.RECORDS, record_title=_("Employment %(number)s")
    ),
    "pocdex.number_of_employments": Scope(_("Number of public service employments")),
    "pocdex.public_officer_employments": Scope(
        _("Public officer employments"), Kind.RECORDS, record_title=_("Employment %(number)s")
    ),
}

RECORD_TITLE: Final = _("Record %(number)s")


@dataclass(frozen=True)
class RecordKey:
    label: str
    kind: Kind = Kind.TEXT
    words: Mapping[str, str] | None = None


# The keys inside records, as MockPass and OGP's apps (FormSG, Plumber) send them. Plumber reads
# public officers' employments with camelCase keys (`workEmail`); `record_key` accepts both.
# Children's birth certificate numbers are NRICs, so they are masked like the person's own.
RECORD_KEYS: Final[dict[str, RecordKey]] = {
    "name": RecordKey(_("Name")),
    "birth_cert_no": RecordKey(_("Birth certificate number"), Kind.NRIC),
    "nric": RecordKey(_("NRIC number"), Kind.NRIC),
    "date_of_birth": RecordKey(_("Date of birth"), Kind.DATE),
    "time_of_birth": RecordKey(_("Time of birth")),
    "sex": RecordKey(_("Sex"), Kind.CODE, words=SEX),
    "race": RecordKey(_("Race"), Kind.CODE),
    "secondary_race": RecordKey(_("Secondary race"), Kind.CODE),
    "dialect": RecordKey(_("Dialect"), Kind.CODE),
    "life_status": RecordKey(_("Life status"), Kind.CODE, words=LIFE_STATUS),
    "residential_status": RecordKey(_("Residential status"), Kind.CODE, words=RESIDENTIAL_STATUS),
    "nationality": RecordKey(_("Nationality"), Kind.CODE),
    "hanyupinyin_name": RecordKey(_("Hanyu Pinyin name")),
    "alias_name": RecordKey(_("Alias")),
    "vehicle_number": RecordKey(_("Vehicle number")),
    "make": RecordKey(_("Make")),
    "model": RecordKey(_("Model")),
    "type": RecordKey(_("Vehicle type"), Kind.CODE),
    "status": RecordKey(_("Status"), Kind.CODE),
    "primary_colour": RecordKey(_("Colour"), Kind.CODE),
    "year_of_manufacture": RecordKey(_("Year of manufacture")),
    "first_registration_date": RecordKey(_("First registration date"), Kind.DATE),
    "coe_expiry_date": RecordKey(_("COE expiry date"), Kind.DATE),
    "road_tax_expiry_date": RecordKey(_("Road tax expiry date"), Kind.DATE),
    "work_email": RecordKey(_("Work email")),
    "agency_name": RecordKey(_("Agency")),
    "department_name": RecordKey(_("Department")),
    "employment_type": RecordKey(_("Employment type"), Kind.CODE),
    "employment_title": RecordKey(_("Employment title")),
}

_CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_WORD = re.compile(r"[^\W\d_]+")
# Kept in capitals when a code is put in sentence case: "4-room flat (HDB)".
_ACRONYMS: Final = frozenset({"HDB", "HUDC", "PR", "IT", "ICT", "SAR", "USA", "UK", "UAE"})
_SMALL_WORDS: Final = frozenset({"of", "and", "the", "da", "de", "del", "du"})


def scope_of(scope: str) -> Scope | None:
    return SCOPES.get(scope)


def kind_of(scope: str) -> Kind:
    known = SCOPES.get(scope)
    return known.kind if known else Kind.TEXT


def snake_case(key: str) -> str:
    """`workEmail` → `work_email`; snake_case keys are returned as they are."""
    return _CAMEL_HUMP.sub("_", key.strip()).lower().replace(" ", "_")


def record_key(key: str) -> RecordKey | None:
    return RECORD_KEYS.get(snake_case(key))


def parse_value(scope: str, raw: str) -> NotAvailable | str | list[Any] | dict[str, Any]:
    """The value as data: NOT_AVAILABLE, parsed JSON for records, else the text itself.

    Records that are not valid JSON are kept as text rather than lost.
    """
    if raw == NA_TEXT:
        return NOT_AVAILABLE
    if kind_of(scope) is Kind.RECORDS:
        return parse_records(raw)
    return raw


def parse_records(raw: str) -> str | list[Any] | dict[str, Any]:
    """JSON text of an array or object, parsed; anything else (or anything odd) stays text."""
    try:
        parsed = loads(raw)
    except ValueError:
        return raw
    if isinstance(parsed, (list, dict)):
        return parsed
    return raw


@dataclass(frozen=True)
class PartialDate:
    """A date sgID sent, perhaps without its day or month (`1990-07`, `2002`)."""

    year: int
    month: int | None = None
    day: int | None = None


def parse_date(text: str) -> PartialDate | None:
    """`YYYY-MM-DD`, `YYYY-MM` or `YYYY` as a date that exists; None for anything else."""
    match = _DATE.fullmatch(text)
    if not match:
        return None
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None  # the pattern requires it
    try:
        dt.date(year, 1 if month is None else month, 1 if day is None else day)
    except ValueError:
        return None
    return PartialDate(year, month, day)


def _words_in_case(text: str, case: Callable[[str, int], str]) -> str:
    def word(match: re.Match[str]) -> str:
        found = match.group()
        if found.upper() in _ACRONYMS:
            return found.upper()
        return case(found.lower(), match.start())

    return _WORD.sub(word, text)


def readable_code(text: str) -> str:
    """An upper-case code in sentence case: `ALIVE` → `Alive`; acronyms stay:
    `4-ROOM FLAT (HDB)` → `4-room flat (HDB)`.

    Values with any lower-case letter are already written for people and are left alone.
    """
    if text != text.upper():
        return text
    lowered = _words_in_case(text, lambda word, start: word)
    return lowered[:1].upper() + lowered[1:]


def readable_country(text: str) -> str:
    """An upper-case country name in title case: `KOREA, REPUBLIC OF` → `Korea, Republic of`."""
    if text != text.upper():
        return text
    return _words_in_case(
        text, lambda word, start: word if start and word in _SMALL_WORDS else word.capitalize()
    )
