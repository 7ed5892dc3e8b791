"""What the consent page shows for sgID's values: words, never JSON text or "NA"."""

from __future__ import annotations

import json

import pytest

from sgid_mock.display import in_words, readable


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("1985-03-14", "14 March 1985"),
        ("1990-07", "July 1990"),
        ("2002", "2002"),
        ("2023-02-30", "2023-02-30"),  # not a date: shown as it came, never an error
        ("soon", "soon"),
    ],
)
def test_dates_in_words(value: str, words: str) -> None:
    assert in_words(value) == words


def test_na_has_no_lines() -> None:
    assert readable("myinfo.email", "NA").lines == ()


def test_children_are_one_line_each() -> None:
    children = json.dumps(
        [
            {"birth_cert_no": "T1", "name": "TAN AH MEI", "date_of_birth": "2015-06-02"},
            {"birth_cert_no": "T2", "name": "TAN AH BOY", "date_of_birth": "NA"},
        ]
    )

    shown = readable("myinfo.children_birth_records", children)

    assert shown.records
    assert shown.lines == ("TAN AH MEI, born 2 June 2015", "TAN AH BOY")


def test_an_empty_list_says_so() -> None:
    assert readable("myinfo.vehicles", "[]").lines == ("None on record",)


def test_employments_read_as_a_sentence() -> None:
    employment = {
        "work_email": "a@agency.example",
        "agency_name": "Ministry of Examples",
        "department_name": "Digital Services",
        "employment_type": "Permanent",
        "employment_title": "Manager",
    }

    shown = readable("pocdex.public_officer_details", json.dumps([employment]))

    assert shown.lines == (
        "Manager, Digital Services, Ministry of Examples · Permanent · a@agency.example",
    )


def test_addresses_keep_their_lines_and_dates_are_words() -> None:
    assert readable("myinfo.registered_address", "A\nB").lines == ("A", "B")
    assert readable("myinfo.marriage_date", "2004").lines == ("2004",)
    assert readable("myinfo.divorce_date", "2016-03").lines == ("March 2016",)
