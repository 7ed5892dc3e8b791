"""Reading values: records parsed, "NA" as a sentinel, anything odd kept as text."""

from __future__ import annotations

import json

import pytest

from accounts.sgid.catalog import NOT_AVAILABLE, Kind, kind_of, parse_value


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
