"""How each kind of value reads: masking, partial dates, addresses, records, NA, unknown scopes."""

from __future__ import annotations

import json

import pytest

from accounts.profile import api_data, display_field, display_fields, format_date, mask_nric


@pytest.mark.parametrize(
    ("raw", "shown"),
    [("S1234567A", "S****567A"), ("T0123456Z", "T****456Z"), ("ABC", "***")],
)
def test_masks_nric(raw, shown):
    assert mask_nric(raw) == shown


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("1990-03-05", "5 March 1990"),
        ("1990-03", "March 1990"),
        ("1990", "1990"),
        ("1990-02-30", "1990-02-30"),
        ("soon", "soon"),
    ],
)
def test_formats_full_and_partial_dates(raw, shown):
    assert format_date(raw) == shown


def test_records_become_a_table_with_every_key():
    raw = json.dumps([{"name": "A", "dob": "2010-01-01"}, {"name": "B", "sex": "F"}])
    field = display_field("myinfo.children_birth_records", raw)
    assert field.shape == "table"
    assert field.columns == ("Name", "Dob", "Sex")
    assert field.rows == (("A", "2010-01-01", "Not available"), ("B", "Not available", "F"))


def test_records_that_are_not_json_are_kept_as_text():
    field = display_field("myinfo.vehicles", "[broken")
    assert (field.shape, field.text) == ("text", "[broken")


def test_na_is_not_available_and_null_in_the_api():
    assert display_field("myinfo.hdbtype", "NA").shape == "not_available"
    assert api_data({"myinfo.hdbtype": "NA"}) == {"myinfo.hdbtype": None}


def test_known_scopes_come_in_catalog_order_then_unknown_by_name():
    fields = display_fields({"zzz.custom": "1", "myinfo.sex": "F", "myinfo.name": "N", "aaa": "2"})
    assert [f.scope for f in fields] == ["myinfo.name", "myinfo.sex", "aaa", "zzz.custom"]
    assert fields[-1].label == "zzz.custom"
