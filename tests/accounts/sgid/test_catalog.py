"""The catalog: every documented scope's label and kind, partial dates, record keys, codes; reading
values (records parsed, "NA" as a sentinel, anything odd kept as text)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from accounts.sgid import catalog
from accounts.sgid.catalog import (
    NOT_AVAILABLE,
    RECORD_KEYS,
    SCOPES,
    Kind,
    PartialDate,
    kind_of,
    parse_date,
    parse_value,
    readable_code,
    readable_country,
    record_key,
    scope_of,
)


def test_records_are_parsed():
    records = [{"vehicle_number": "SKX1234A"}]
    assert parse_value("myinfo.vehicles", json.dumps(records)) == records


def test_na_is_the_not_available_sentinel():
    assert parse_value("myinfo.name", "NA") is NOT_AVAILABLE


def test_plain_values_stay_text_even_when_they_look_like_json():
    assert parse_value("myinfo.name", "[1]") == "[1]"
    assert kind_of("some.unknown_scope") is Kind.TEXT


@pytest.mark.parametrize(
    "raw", ["[" * 5000 + "]" * 5000, "[NaN, Infinity]", "[broken", '"a string"', "42"]
)
def test_records_that_are_not_plain_json_arrays_or_objects_stay_text(raw):
    assert parse_value("myinfo.vehicles", raw) == raw


# The scopes sgID's data catalog documents (protocol notes §5), written out here rather than
# read from the code under test, with the kind each value is.
DOCUMENTED = {
    "myinfo.name": Kind.TEXT,
    "myinfo.nric_number": Kind.NRIC,
    "myinfo.date_of_birth": Kind.DATE,
    "myinfo.sex": Kind.CODE,
    "myinfo.race": Kind.CODE,
    "myinfo.nationality": Kind.CODE,
    "myinfo.residentialstatus": Kind.CODE,
    "myinfo.passport_number": Kind.TEXT,
    "myinfo.passport_expiry_date": Kind.DATE,
    "myinfo.mobile_number": Kind.TEXT,
    "myinfo.mobile_number_with_country_code": Kind.TEXT,
    "myinfo.email": Kind.TEXT,
    "myinfo.registered_address": Kind.ADDRESS,
    "myinfo.housingtype": Kind.CODE,
    "myinfo.hdbtype": Kind.CODE,
    "myinfo.marital_status": Kind.CODE,
    "myinfo.workpass_status": Kind.CODE,
    "myinfo.workpass_expiry_date": Kind.DATE,
    "myinfo.children_birth_records": Kind.RECORDS,
    "myinfo.sponsored_children_records": Kind.RECORDS,
    "myinfo.vehicles": Kind.RECORDS,
    "myinfo.birth_country": Kind.COUNTRY,
    "myinfo.name_of_employer": Kind.TEXT,
    "myinfo.occupation": Kind.CODE,
    "myinfo.dialect": Kind.CODE,
    "myinfo.country_of_marriage": Kind.COUNTRY,
    "myinfo.marriage_certificate_number": Kind.TEXT,
    "myinfo.marriage_date": Kind.DATE,
    "myinfo.divorce_date": Kind.DATE,
    "pocdex.public_officer_details": Kind.RECORDS,
    "pocdex.number_of_employments": Kind.TEXT,
    "pocdex.public_officer_employments": Kind.RECORDS,
}
PARTIAL = {"myinfo.date_of_birth", "myinfo.marriage_date", "myinfo.divorce_date"}


@pytest.mark.parametrize(("scope", "kind"), DOCUMENTED.items())
def test_every_documented_scope_has_a_label_and_its_kind(scope, kind):
    known = scope_of(scope)
    assert known is not None, scope
    assert known.label != scope
    assert known.label[:1].isupper()
    assert kind_of(scope) is kind
    if kind is Kind.RECORDS:
        assert "%(number)s" in known.record_title


def test_the_catalog_is_the_documented_one_and_labels_are_distinct():
    assert set(SCOPES) == set(DOCUMENTED)
    labels = [scope.label for scope in SCOPES.values()]
    assert len(set(labels)) == len(labels)


def test_the_nric_scope_is_labelled_for_nrics_and_fins_alike():
    assert scope_of("myinfo.nric_number").label == "NRIC/FIN number"


def test_unknown_scopes_have_no_entry_and_read_as_text():
    assert scope_of("myinfo.favourite_colour") is None
    assert kind_of("myinfo.favourite_colour") is Kind.TEXT


@pytest.mark.parametrize("scope", [s for s, k in DOCUMENTED.items() if k is Kind.DATE])
def test_only_the_scopes_sgid_sends_partially_are_marked_partial(scope):
    assert scope_of(scope).partial_dates is (scope in PARTIAL)


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("1990-03-05", PartialDate(1990, 3, 5)),
        ("1990-07", PartialDate(1990, 7)),
        ("2002", PartialDate(2002)),
        ("1992-02-29", PartialDate(1992, 2, 29)),
    ],
)
def test_reads_full_and_partial_dates(text, date):
    assert parse_date(text) == date


@pytest.mark.parametrize(
    "text", ["1990-02-30", "1991-02-29", "1990-13", "1990-00", "0000", "90-03-05", "1990-3-5", ""]
)
def test_dates_that_do_not_exist_or_are_not_iso_are_not_dates(text):
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("birth_cert_no", "Birth certificate number"),
        ("date_of_birth", "Date of birth"),
        ("life_status", "Life status"),
        ("coe_expiry_date", "COE expiry date"),
        ("employment_title", "Employment title"),
        ("employmentTitle", "Employment title"),
        ("workEmail", "Work email"),
    ],
)
def test_record_keys_have_labels_in_either_spelling(key, label):
    known = record_key(key)
    assert known is not None
    assert known.label == label


def test_record_keys_that_hold_nrics_dates_and_codes_say_so():
    assert record_key("birth_cert_no").kind is Kind.NRIC
    assert record_key("nric").kind is Kind.NRIC
    assert record_key("date_of_birth").kind is Kind.DATE
    assert record_key("life_status").kind is Kind.CODE
    assert record_key("name").kind is Kind.TEXT
    assert record_key("favourite_colour") is None


@pytest.mark.parametrize(
    ("code", "read"),
    [
        ("ALIVE", "Alive"),
        ("FEMALE", "Female"),
        ("SINGAPORE CITIZEN", "Singapore citizen"),
        ("4-ROOM FLAT (HDB)", "4-room flat (HDB)"),
        ("SEMI-DETACHED HOUSE", "Semi-detached house"),
        ("PR", "PR"),
        ("IT MANAGER", "IT manager"),
        ("Permanent", "Permanent"),
        ("", ""),
    ],
)
def test_codes_read_in_sentence_case(code, read):
    assert readable_code(code) == read


@pytest.mark.parametrize(
    ("country", "read"),
    [
        ("SINGAPORE", "Singapore"),
        ("UNITED STATES OF AMERICA", "United States of America"),
        ("KOREA, REPUBLIC OF", "Korea, Republic of"),
        ("GUINEA-BISSAU", "Guinea-Bissau"),
        ("HONG KONG SAR", "Hong Kong SAR"),
        ("Côte d'Ivoire", "Côte d'Ivoire"),
    ],
)
def test_countries_read_in_title_case(country, read):
    assert readable_country(country) == read


XGETTEXT = shutil.which("xgettext")


@pytest.mark.skipif(XGETTEXT is None, reason="needs GNU gettext's xgettext")
def test_labels_are_found_by_makemessages_without_importing_django():
    # The options Django's makemessages gives xgettext for Python files; `_` is one of
    # xgettext's own default keywords.
    found = subprocess.run(
        [
            XGETTEXT,
            "--language=Python",
            "--from-code=UTF-8",
            "--keyword=gettext_noop",
            "--keyword=gettext_lazy",
            "--keyword=pgettext:1c,2",
            "--output=-",
            catalog.__file__,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for text in [
        *(scope.label for scope in SCOPES.values()),
        *(scope.record_title for scope in SCOPES.values() if scope.record_title),
        *(key.label for key in RECORD_KEYS.values()),
    ]:
        assert f'msgid "{text}"' in found, text
